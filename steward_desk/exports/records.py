"""Decisions as the exports see them: the public part of each decision with its case, event,
session and the people involved, read from the database in one pass.

These records are what every export but the feed reads (notices, documents, the CLI and the
Export menu); the feed reads its own slimmer rows in `feed_records`, and the row reading both
share lives in `decision_rows`. Only the public part of a decision's body is read (see
`decision_rows.public_body`): the steward's private notes, the checklist answers and the
panel's dissent never reach an export because they are never loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.core.model import Outcome, Penalty
from steward_desk.core.rulebook import Rulebook, UnknownIdError
from steward_desk.exports.decision_rows import (
    OUTCOMES,
    PENALTY_TYPES,
    Car,
    car_number_of,
    decision_rows,
    nfc,
    public_body,
    read_cars,
    read_involved,
    utc,
)
from steward_desk.exports.feed_records import feed_driver, feed_entry, feed_session
from steward_desk.signing.bulk import gc_paused
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    Decision,
    Event,
    Incident,
    IncidentReport,
    League,
    RaceSession,
)


@dataclass(frozen=True, slots=True)
class Party:
    """A driver named in a case, and how the decision concerns them."""

    player_id: str
    name: str
    car_number: int | None
    role: str  # core.model.InvolvementRole value
    at_fault: bool
    team: str = ""
    car_model: str = ""


@dataclass(frozen=True, slots=True)
class Reporter:
    """Someone who filed a report on the case (player_id is None when the report carried none)."""

    player_id: str | None
    name: str


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One final decision with everything an export may show about it (nothing private)."""

    id: str
    incident_id: str
    case_number: int
    league: str
    event_id: str
    event: str
    event_kind: str
    session_id: str
    session_type: str  # as the server named it: R, Q1, R2 …
    track: str
    lap: int | None
    race_time_ms: int | None
    category: str | None
    category_name: str
    outcome: Outcome
    penalty: Penalty | None
    rule_refs: tuple[str, ...]
    reasoning: str
    factors: tuple[str, ...]
    decided_at: datetime
    decided_by: str
    supersedes: str | None
    superseded_by: str | None
    published_at: datetime | None
    parties: tuple[Party, ...]
    reporters: tuple[Reporter, ...]
    document_number: int  # running number of the decision within its event (FIA style)

    @property
    def at_fault(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.at_fault)

    @property
    def session_label(self) -> str:
        """ "Race 2 · Spa": the session as people name it."""
        kind = _SESSION_WORDS.get(self.session_type.rstrip("0123456789").upper(), "")
        number = self.session_type.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        name = f"{kind} {number}".strip() if kind else self.session_type
        track = self.track.replace("_", " ").title()
        return " · ".join(p for p in (name, track) if p)

    @property
    def is_current(self) -> bool:
        """False once a later decision corrected this one."""
        return self.superseded_by is None

    def describe_penalty(self) -> str:
        """ "5 s time penalty", or the outcome in words when there is no penalty."""
        if self.penalty is not None:
            return self.penalty.describe()
        return self.outcome.label

    def feed_json(self) -> dict[str, object]:
        """The decision as the signed feed carries it (integers and strings only)."""
        return feed_entry(
            self.id,
            {"id": self.incident_id, "case": self.case_number},
            {"id": self.event_id, "name": self.event},
            feed_session(self.session_id, self.session_type, self.track),
            [
                feed_driver(p.player_id, p.name, p.car_number, p.role, p.at_fault)
                for p in self.parties
            ],
            self.category,
            self.outcome.value,
            None
            if self.penalty is None
            else {"type": self.penalty.type.value, "value": self.penalty.value},
            list(self.rule_refs),
            self.reasoning,
            self.decided_at,
            self.supersedes,
            self.document_number,
        )


_SESSION_WORDS = {"R": "Race", "Q": "Qualifying", "FP": "Practice", "P": "Practice"}


def load_decisions(
    store: Store, rulebook: Rulebook, *, event: str | None = None
) -> list[DecisionRecord]:
    """Every final decision (corrections and the decisions they correct), oldest first.

    `event` matches an event's name or id; LookupError when it names no event.
    """
    with gc_paused():  # tens of thousands of new records and parties, none in a cycle
        return _load_decisions(store, rulebook, event)


def _load_decisions(store: Store, rulebook: Rulebook, event: str | None) -> list[DecisionRecord]:
    with store.read() as session:
        rows, scope = decision_rows(session, event, _RECORD_COLUMNS)
        superseded_by = {
            earlier: later
            for later, earlier in session.connection().execute(
                select(Decision.id, Decision.supersedes).where(
                    col(Decision.supersedes).is_not(None)
                )
            )
        }
        involved = read_involved(session, scope) if rows else {}
        cars = read_cars(session, scope) if rows else {}
        reporters = _reporters(session, scope) if rows else {}

    session_of = {row[7]: row[11] for row in rows}
    parties = {
        incident_id: [
            _party(
                player_id,
                name,
                car_number,
                role,
                cars.get((session_of.get(incident_id, ""), player_id)),
            )
            for player_id, name, car_number, role in people
        ]
        for incident_id, people in involved.items()
    }
    names: dict[str | None, str] = {}
    numbers: dict[str, int] = defaultdict(int)
    records = []
    for row in rows:
        (decision_id, decided_at, number, body_json, decided_by, supersedes, published_at,
         incident_id, incident_category, lap, race_time_ms, session_id, raw_type, session_type,
         track, event_id, event_name, event_kind, league) = row  # fmt: skip
        public = public_body(body_json, incident_category)
        numbers[event_id] += 1
        if public.category not in names:
            names[public.category] = _category_name(rulebook, public.category)
        records.append(
            DecisionRecord(
                id=decision_id,
                incident_id=incident_id,
                case_number=number,
                league=nfc(league),
                event_id=event_id,
                event=nfc(event_name),
                event_kind=event_kind,
                session_id=session_id,
                session_type=raw_type or session_type,
                track=track,
                lap=lap,
                race_time_ms=race_time_ms,
                category=public.category,
                category_name=names[public.category],
                outcome=OUTCOMES[public.outcome],
                penalty=None
                if public.penalty is None
                else Penalty(PENALTY_TYPES[public.penalty["type"]], public.penalty["value"]),
                rule_refs=tuple(public.rule_refs),
                reasoning=public.reasoning,
                factors=tuple(public.factors),
                decided_at=utc(decided_at),
                decided_by=nfc(decided_by),
                supersedes=supersedes,
                superseded_by=superseded_by.get(decision_id),
                published_at=utc(published_at) if published_at else None,
                parties=tuple(
                    p if p.player_id not in public.at_fault else _at_fault(p)
                    for p in parties.get(incident_id, [])
                ),
                reporters=tuple(reporters.get(incident_id, [])),
                document_number=numbers[event_id],
            )
        )
    return records


def current_decisions(records: Iterable[DecisionRecord]) -> list[DecisionRecord]:
    """The decisions still standing: corrected ones give way to their correction."""
    return [r for r in records if r.is_current]


def _party(player_id: str, name: str, filed: int | None, role: str, car: Car | None) -> Party:
    return Party(
        player_id=player_id,
        name=name,
        car_number=car_number_of(filed, car),
        role=role,
        at_fault=False,
        team=nfc(car[1]) if car else "",
        car_model=car[2] if car else "",
    )


def _at_fault(party: Party) -> Party:
    return Party(
        party.player_id,
        party.name,
        party.car_number,
        party.role,
        True,
        party.team,
        party.car_model,
    )


_RECORD_COLUMNS = (
    Decision.id,
    Decision.decided_at,
    Incident.number,
    Decision.body_json,
    Decision.decided_by,
    Decision.supersedes,
    Decision.published_at,
    Incident.id,
    Incident.category,
    Incident.lap,
    Incident.race_time_ms,
    RaceSession.id,
    RaceSession.raw_type,
    RaceSession.type,
    RaceSession.track,
    Event.id,
    Event.name,
    Event.kind,
    League.name,
)


def _reporters(session: Session, scope: Any) -> dict[str, list[Reporter]]:
    out: dict[str, list[Reporter]] = defaultdict(list)
    rows = (
        session.connection()
        .execute(
            select(
                IncidentReport.incident_id,
                IncidentReport.reporter_player_id,
                IncidentReport.reporter_name,
            )
            .where(col(IncidentReport.incident_id).in_(scope))
            .order_by(col(IncidentReport.submitted_at), col(IncidentReport.id))
        )
        .all()
    )
    for incident_id, player_id, name in rows:
        seen = out[incident_id]
        if player_id is None or all(r.player_id != player_id for r in seen):
            seen.append(Reporter(player_id, nfc(name)))
    return out


def _category_name(rulebook: Rulebook, category: object) -> str:
    if not category:
        return "Incident"
    try:
        return rulebook.category(str(category)).name
    except UnknownIdError:
        return str(category).replace("_", " ").capitalize()
