"""Fixtures for the verdict stories: the demo league's database, the rulebook, stewards, and
earlier decisions stored as the head steward's desk stores them (the precedents)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from steward_desk.core.rulebook import Rulebook, load_rulebook
from steward_desk.paths import Paths
from steward_desk.storage.stewards import StewardInfo, StewardRepository
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision
from steward_desk.storage.verdicts import VerdictRepository

ZOE = "S76561198000000101"  # case 1 reporter, Apex Predators
JOSE = "S76561198000000102"  # case 1 accused, Scuderia Nova


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def store(demo_paths: Paths) -> Iterator[Store]:
    opened = Store.open(demo_paths)
    yield opened
    opened.close()


@pytest.fixture
def repo(store: Store, rulebook: Rulebook) -> VerdictRepository:
    return VerdictRepository(store, rulebook)


@pytest.fixture
def stewards(store: Store) -> dict[str, StewardInfo]:
    """Three panel stewards, one racing for Scuderia Nova, and a head steward."""
    repo = StewardRepository(store)
    return {
        "ana": repo.register("Ana Steward"),
        "ben": repo.register("Ben Steward", team="Greenline"),
        "nova": repo.register("Nico Nova", team="Scuderia Nova", player_id="S76561198000009999"),
        "head": repo.register("Hedda Head", ["head"]),
    }


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
