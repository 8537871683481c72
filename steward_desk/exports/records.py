"""Decisions as the exports see them: the public part of each decision with its case, event,
session and the people involved, read from the database in one pass.

Only whitelisted fields of `Decision.body_json` are read (category, outcome, at_fault,
penalty, rule_refs, reasoning, factors): the steward's `private_notes`, the checklist
answers and the panel's dissent never reach an export because they are never loaded here.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, Outcome, Penalty, PenaltyType
from steward_desk.core.rulebook import Rulebook, UnknownIdError
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    CarDriver,
    CarEntry,
    Decision,
    DriverRow,
    Event,
    Incident,
    IncidentReport,
    Involvement,
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
        return {
            "id": self.id,
            "incident": {"id": self.incident_id, "case": self.case_number},
            "event": {"id": self.event_id, "name": self.event},
            "session": {"id": self.session_id, "type": self.session_type, "track": self.track},
            "drivers": [
                {
                    "player_id": p.player_id,
                    "name": p.name,
                    "car_number": p.car_number,
                    "role": p.role,
                    "at_fault": p.at_fault,
                }
                for p in self.parties
            ],
            "category": self.category,
            "outcome": self.outcome.value,
            "penalty": None
            if self.penalty is None
            else {"type": self.penalty.type.value, "value": self.penalty.value},
            "rule_refs": list(self.rule_refs),
            "reasoning": self.reasoning,
            "decided_at": _stamp(self.decided_at),
            "supersedes": self.supersedes,
            "document": self.document_number,
        }


_SESSION_WORDS = {"R": "Race", "Q": "Qualifying", "FP": "Practice", "P": "Practice"}


def load_decisions(
    store: Store, rulebook: Rulebook, *, event: str | None = None
) -> list[DecisionRecord]:
    """Every final decision (corrections and the decisions they correct), oldest first.

    `event` matches an event's name or id; LookupError when it names no event.
    """
    # Plain column rows, not ORM objects: a league's 10,000 decisions load in a fraction of
    # the time (the feed's one-second budget).
    with store.read() as session:
        query = (
            select_columns(
                Decision.id,
                Decision.body_json,
                Decision.decided_at,
                Decision.decided_by,
                Decision.supersedes,
                Decision.published_at,
                Incident.id,
                Incident.number,
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
            .join(Incident, col(Incident.id) == Decision.incident_id)
            .join(RaceSession, col(RaceSession.id) == Incident.session_id)
            .join(Event, col(Event.id) == RaceSession.event_id)
            .join(League, col(League.id) == Event.league_id)
        )
        # The cases in scope, as a subquery: no id list grows with the league.
        scope = select(Decision.incident_id)
        if event:
            known = session.exec(
                select(Event.id).where((Event.name == event) | (Event.id == event))
            ).all()
            if not known:
                raise LookupError(f"no event named {event!r}")
            query = query.where(col(Event.id).in_(known))
            scope = (
                select(Incident.id)
                .join(RaceSession, col(RaceSession.id) == Incident.session_id)
                .where(col(RaceSession.event_id).in_(known))
            )
        rows = session.connection().execute(query).all()
        superseded_by = {
            earlier: later
            for later, earlier in session.connection().execute(
                select(Decision.id, Decision.supersedes).where(
                    col(Decision.supersedes).is_not(None)
                )
            )
        }
        parties = _parties(session, scope) if rows else {}
        reporters = _reporters(session, scope) if rows else {}

    names: dict[object, str] = {}
    numbers: dict[str, int] = defaultdict(int)
    records = []
    for row in sorted(rows, key=lambda r: (_utc(r[2]), r[7], r[0])):
        (decision_id, body_json, decided_at, decided_by, supersedes, published_at, incident_id,
         number, incident_category, lap, race_time_ms, session_id, raw_type, session_type, track,
         event_id, event_name, event_kind, league) = row  # fmt: skip
        body = _body(body_json)
        at_fault = {str(p) for p in body.get("at_fault", []) or []}
        numbers[event_id] += 1
        category = body.get("category") or incident_category
        if category not in names:
            names[category] = _category_name(rulebook, category)
        records.append(
            DecisionRecord(
                id=decision_id,
                incident_id=incident_id,
                case_number=number,
                league=_nfc(league),
                event_id=event_id,
                event=_nfc(event_name),
                event_kind=event_kind,
                session_id=session_id,
                session_type=raw_type or session_type,
                track=track,
                lap=lap,
                race_time_ms=race_time_ms,
                category=str(category) if category else None,
                category_name=names[category],
                outcome=Outcome(str(body.get("outcome", Outcome.NO_FURTHER_ACTION.value))),
                penalty=_penalty(body.get("penalty")),
                rule_refs=tuple(_nfc(str(r)) for r in body.get("rule_refs", []) or []),
                reasoning=_nfc(str(body.get("reasoning", "") or "")),
                factors=tuple(str(f) for f in body.get("factors", []) or []),
                decided_at=_utc(decided_at),
                decided_by=_nfc(decided_by),
                supersedes=supersedes,
                superseded_by=superseded_by.get(decision_id),
                published_at=_utc(published_at) if published_at else None,
                parties=tuple(
                    p if p.player_id not in at_fault else _at_fault(p)
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


def _parties(session: Session, scope: Any) -> dict[str, list[Party]]:
    out: dict[str, list[Party]] = defaultdict(list)
    rows = (
        session.connection()
        .execute(
            select_columns(
                Involvement.incident_id,
                Involvement.car_number,
                Involvement.role,
                Incident.session_id,
                DriverRow.player_id,
                DriverRow.first_name,
                DriverRow.last_name,
                DriverRow.short_name,
            )
            .join(DriverRow, col(DriverRow.player_id) == Involvement.player_id)
            .join(Incident, col(Incident.id) == Involvement.incident_id)
            .where(col(Involvement.incident_id).in_(scope))
            .order_by(col(Involvement.id))
        )
        .all()
    )
    sessions = select(Incident.session_id).where(col(Incident.id).in_(scope))
    cars: dict[tuple[str, str], tuple[int, str, str]] = {
        (session_id, player_id): (number, team, model or "")
        for session_id, player_id, number, team, model in session.connection().execute(
            select_columns(
                CarEntry.session_id,
                CarDriver.player_id,
                CarEntry.race_number,
                CarEntry.team_name,
                CarEntry.car_model_name,
            )
            .join(CarEntry, col(CarEntry.id) == CarDriver.car_entry_id)
            .where(col(CarEntry.session_id).in_(sessions))
        )
    }
    known: dict[tuple[str, str, str, str], str] = {}
    for incident_id, car_number, role, session_id, player_id, first, last, short in rows:
        name_key = (player_id, first, last, short)
        if name_key not in known:
            known[name_key] = _nfc(Driver(player_id, first, last, short).name)
        car = cars.get((session_id, player_id))
        out[incident_id].append(
            Party(
                player_id=player_id,
                name=known[name_key],
                car_number=car_number if car_number is not None else (car[0] if car else None),
                role=role,
                at_fault=False,
                team=_nfc(car[1]) if car else "",
                car_model=car[2] if car else "",
            )
        )
    return out


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
            seen.append(Reporter(player_id, _nfc(name)))
    return out


def select_columns(*columns: Any) -> Select[Any]:
    """A Core select of plain columns (SQLModel's `select` types at most four)."""
    return sql_select(*columns)


def _nfc(text: str) -> str:
    # Signed payloads carry NFC text (DESIGN 7); normalising here keeps every export alike.
    return unicodedata.normalize("NFC", text) if text and not text.isascii() else text


def _body(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


def _penalty(raw: object) -> Penalty | None:
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    value = raw.get("value") or 0
    return Penalty(PenaltyType(str(raw["type"])), int(value) if isinstance(value, int) else 0)


def _category_name(rulebook: Rulebook, category: object) -> str:
    if not category:
        return "Incident"
    try:
        return rulebook.category(str(category)).name
    except UnknownIdError:
        return str(category).replace("_", " ").capitalize()


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back naive; the storage contract says they are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return _utc(moment).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
