"""A verdict file may leave `penalty` out when the outcome carries none (CLI.md shape)."""

from __future__ import annotations

import pytest

from steward_desk.core.model import Outcome
from steward_desk.core.rulebook import load_rulebook
from steward_desk.core.verdict import Verdict, VerdictError

BASE = {
    "incident_id": "5b3c1a7e-4f7d-4d55-9b2a-2d4c2f1e9a10",
    "steward": {"id": "s1", "name": "Ann"},
    "category": "avoidable_contact",
    "at_fault": [],
    "checklist": {},
    "factors": [],
    "rule_refs": [],
    "reasoning": "Both drivers committed to the corner; no one is at fault.",
    "private_notes": "",
}


def test_a_racing_incident_needs_no_penalty_key() -> None:
    verdict = Verdict.from_json({**BASE, "outcome": "racing_incident"}, load_rulebook())
    assert verdict.outcome is Outcome.RACING_INCIDENT and verdict.penalty is None


def test_a_penalty_without_its_penalty_key_is_named() -> None:
    doc = {**BASE, "outcome": "penalty", "at_fault": ["S76561198000000102"]}
    with pytest.raises(VerdictError, match="penalty: missing"):
        Verdict.from_json(doc, load_rulebook())
