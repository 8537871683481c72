"""A small league with decided cases, built from real parts: ACC result files written the way
the server writes them and imported by the importer, reports filed through the incident
repository, and decisions stored per the shared contract (`Decision.body_json`, `PenaltyRow`,
`LedgerEntry`) — inserted directly until the head steward's `decide` lands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from steward_desk.core.model import EventKind, IncidentStatus, InvolvementRole
from steward_desk.demo.acc_file import DemoCar, server_bytes, session_document
from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.storage.incidents import NewInvolvement, NewReport
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision, Incident, LedgerEntry, PenaltyRow

PRIVATE = "PRIVATE-NOTE: steward thinks car 12 is a repeat offender"
RACE_END = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)

DRIVERS = [
    # (car id, number, first, last, team)
    (1, 12, "Alice", "Ånström", "Apex Racing"),
    (2, 7, "Bruno", "Bianchi", "Bianchi Motorsport"),
    (3, 33, "Chloé", "Dubois", "Team Zoë"),
    (4, 4, "Dev", "Patel", "Patel GT"),
    (5, 55, "Emma", "Evans", "Evans Racing"),
    (6, 88, "Femi", "Okafor", "*Star* Racing"),
]


def player(car_id: int) -> str:
    return f"S7656119800000000{car_id}"


def demo_cars() -> list[DemoCar]:
    return [
        DemoCar(car_id, number, 30, "GT3", team, player(car_id), first, last, last[:3].upper())
        for car_id, number, first, last, team in DRIVERS
    ]


@dataclass
class League:
    paths: Paths
    store: Store
    spa_race: str
    monza_race: str
    spa_event: str
    monza_event: str
    incidents: dict[str, str] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)


def write_race(folder: Path, name: str, track: str, seed: int) -> Path:
    doc = session_document("R", track, demo_cars(), lap_ms=100_000, minutes=5, seed=seed)
    path = folder / name
    path.write_bytes(server_bytes(doc))
    return path


def report(
    store: Store,
    session_id: str,
    reporter: int,
    accused: int,
    category: str,
    *,
    lap: int,
    at: timedelta,
) -> str:
    return store.incidents.file_report(
        NewReport(
            session_id=session_id,
            reporter_player_id=player(reporter),
            reporter_name=next(f"{f} {la}" for c, _, f, la, _ in DRIVERS if c == reporter),
            involved=[
                NewInvolvement(player(reporter), InvolvementRole.REPORTER),
                NewInvolvement(player(accused), InvolvementRole.ACCUSED),
            ],
            description=f"Car {accused} hit me, lap {lap}",
            submitted_at=RACE_END + at,
            lap=lap,
            race_time_ms=lap * 100_000 - 12_345,
            category=category,
            status=IncidentStatus.AWAITING_PANEL,
        )
    )


def decide(
    store: Store,
    incident_id: str,
    *,
    category: str,
    outcome: str,
    at_fault: list[str],
    penalty: dict[str, object] | None,
    reasoning: str,
    decided_at: datetime,
    session_id: str,
    supersedes: str | None = None,
    ledger: list[tuple[str, str, str, int]] = (),  # type: ignore[assignment]
) -> str:
    """What the head steward's `decide` stores (preamble contract), written directly."""
    body = {
        "incident_id": incident_id,
        "category": category,
        "outcome": outcome,
        "at_fault": at_fault,
        "penalty": penalty,
        "checklist": {"overlap_before_turn_in": False},
        "factors": [],
        "rule_refs": ["On-Track Behaviour / Passing and Overtaking"],
        "reasoning": reasoning,
        "private_notes": PRIVATE,
    }
    with store.transaction() as session:
        decision = Decision(
            incident_id=incident_id,
            decided_by="Hana Head",
            body_json=json.dumps(body),
            dissent_json=json.dumps(
                [{"steward": "Sam", "outcome": "warning", "penalty": None, "reasoning": PRIVATE}]
            ),
            decided_at=decided_at,
            supersedes=supersedes,
        )
        session.add(decision)
        session.flush()
        if penalty is not None:
            for pid in at_fault:
                session.add(
                    PenaltyRow(
                        decision_id=decision.id,
                        session_id=session_id,
                        player_id=pid,
                        type=str(penalty["type"]),
                        value=int(penalty.get("value") or 0),  # type: ignore[call-overload]
                    )
                )
        for pid, event_id, kind, value in ledger:
            session.add(
                LedgerEntry(
                    player_id=pid,
                    event_id=event_id,
                    decision_id=decision.id,
                    kind=kind,
                    value=value,
                    issued_at=decided_at,
                )
            )
        incident = session.get(Incident, incident_id)
        assert incident is not None
        incident.status = IncidentStatus.DECIDED.value
        session.add(incident)
        return decision.id


def build_league(home: Path) -> League:
    """Two rounds: Spa (series, time penalties) and Monza (single event, licence points)."""
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    files = home / "results"
    files.mkdir()
    spa = import_results(
        store,
        [write_race(files, "250501_200000_R.json", "spa", 1)],
        event="Spa · Round 3",
        league="SOP Motorsport",
    ).sessions[0]
    monza = import_results(
        store,
        [write_race(files, "250508_200000_R.json", "monza", 2)],
        event="Monza · Sprint",
        kind=EventKind.SINGLE,
        league="SOP Motorsport",
    ).sessions[0]
    league = League(paths, store, spa.session_id, monza.session_id, spa.event_id, monza.event_id)
    winner = _winner(store, spa.session_id)
    league.incidents["contact"] = report(
        store, spa.session_id, 2, winner, "avoidable_contact", lap=1, at=timedelta(hours=1)
    )
    league.incidents["rejoin"] = report(
        store, spa.session_id, 3, 4, "unsafe_rejoin", lap=2, at=timedelta(hours=2)
    )
    league.incidents["blue"] = report(
        store, spa.session_id, 5, 6, "ignoring_blue_flag", lap=2, at=timedelta(hours=3)
    )
    league.incidents["monza"] = report(
        store, monza.session_id, 2, 1, "avoidable_contact", lap=1, at=timedelta(days=7)
    )
    t0 = RACE_END + timedelta(days=1)
    league.decisions["contact"] = decide(
        store,
        league.incidents["contact"],
        category="avoidable_contact",
        outcome="penalty",
        at_fault=[player(winner)],
        penalty={"type": "time", "value": 5},
        reasoning="Car 12 was alongside at turn-in; the contact was avoidable.",
        decided_at=t0,
        session_id=spa.session_id,
    )
    league.decisions["rejoin"] = decide(
        store,
        league.incidents["rejoin"],
        category="unsafe_rejoin",
        outcome="warning",
        at_fault=[player(4)],
        penalty=None,
        reasoning="A late rejoin, but the track was clear.",
        decided_at=t0 + timedelta(minutes=10),
        session_id=spa.session_id,
    )
    league.decisions["blue"] = decide(
        store,
        league.incidents["blue"],
        category="ignoring_blue_flag",
        outcome="racing_incident",
        at_fault=[],
        penalty=None,
        reasoning="Blue flags were shown for less than a lap.",
        decided_at=t0 + timedelta(minutes=20),
        session_id=spa.session_id,
    )
    league.decisions["monza"] = decide(
        store,
        league.incidents["monza"],
        category="avoidable_contact",
        outcome="penalty",
        at_fault=[player(1)],
        penalty={"type": "licence_points", "value": 4},
        reasoning="Divebomb into turn 1; car 7 had no room.",
        decided_at=t0 + timedelta(days=7),
        session_id=monza.session_id,
        ledger=[(player(1), monza.event_id, "licence_points", 4)],
    )
    return league


def correct_rejoin(league: League, decided_at: datetime) -> str:
    """The head steward corrects the rejoin warning into a drive-through: a new decision."""
    league.decisions["rejoin-corrected"] = decide(
        league.store,
        league.incidents["rejoin"],
        category="unsafe_rejoin",
        outcome="penalty",
        at_fault=[player(4)],
        penalty={"type": "drive_through", "value": 0},
        reasoning="New footage: car 33 had to brake hard to avoid car 4.",
        decided_at=decided_at,
        session_id=league.spa_race,
        supersedes=league.decisions["rejoin"],
    )
    return league.decisions["rejoin-corrected"]


def _winner(store: Store, session_id: str) -> int:
    from steward_desk.storage.results import car_results

    _, cars = car_results(store, session_id)
    first = min(cars, key=lambda c: c.position)
    return next(c for c, *_ in DRIVERS if player(c) == first.drivers[0].player_id)
