"""Helpers of the verdict stories: a complete verdict on demo case 1, and earlier decisions
stored as the head steward's desk stores them (the precedents)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision

ZOE = "S76561198000000101"  # case 1 reporter, Apex Predators
JOSE = "S76561198000000102"  # case 1 accused, Scuderia Nova


def add_decision(
    store: Store,
    case: str,
    body: dict[str, object],
    *,
    days_ago: float = 1.0,
    supersedes: str | None = None,
) -> str:
    """Store a final decision on demo case `case` (the panel desk's shape: CLI.md + incident)."""
    incident_id = store.incidents.resolve(case)
    with store.transaction() as session:
        row = Decision(
            incident_id=incident_id,
            decided_by="Hedda Head",
            body_json=json.dumps({**body, "incident_id": incident_id}),
            decided_at=datetime.now(UTC) - timedelta(days=days_ago),
            supersedes=supersedes,
        )
        session.add(row)
        session.flush()
        return row.id


def contact_verdict(**changes: object) -> dict[str, object]:
    """A complete verdict on case 1 (series, avoidable contact) as the tariff suggests it."""
    body: dict[str, object] = {
        "category": "avoidable_contact",
        "outcome": "penalty",
        "at_fault": [JOSE],
        "penalty": {"type": "time", "value": 5},
        "checklist": {"overlap_before_turn_in": False, "opening_lap": True},
        "factors": [],
        "severity": "moderate",
        "rule_refs": ["On-Track Behaviour / Passing and Overtaking"],
        "reasoning": "#11 turned in without an overlap and pushed #7 into the wall.",
        "private_notes": "Onboard of #11 shows no lift.",
    }
    body.update(changes)
    return body
