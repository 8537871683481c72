"""A desk on the demo league with a steward set up, for the verdict form's stories."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from steward_desk.app import Desk, build_desk
from steward_desk.paths import Paths
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision


@pytest.fixture
def desk(demo_paths: Paths, qtbot: QtBot) -> Iterator[Desk]:
    built = build_desk(demo_paths, synchronous=True)
    qtbot.addWidget(built.window)
    built.window.resize(1400, 900)
    built.window.show()
    yield built
    built.window.close()
    built.store.close()


@pytest.fixture
def steward_desk(desk: Desk) -> Desk:
    """The desk's steward entered once (no signing key on this desk)."""
    desk.window.verdicts.save_steward("Sam Steward", "", "", ("steward",))
    return desk


@pytest.fixture
def add_decision() -> Callable[..., str]:
    """Store a head steward's decision on a demo case (a precedent for later cases)."""
    return _add_decision


def _add_decision(store: Store, case: str, body: dict[str, object], days_ago: float = 1) -> str:
    incident_id = store.incidents.resolve(case)
    with store.transaction() as session:
        row = Decision(
            incident_id=incident_id,
            decided_by="Hedda Head",
            body_json=json.dumps({**body, "incident_id": incident_id}),
            decided_at=datetime.now(UTC) - timedelta(days=days_ago),
        )
        session.add(row)
        session.flush()
        return row.id
