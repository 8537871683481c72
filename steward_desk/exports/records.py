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
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, Outcome, Penalty, PenaltyType
from steward_desk.core.rulebook import Rulebook, UnknownIdError
from steward_desk.signing.bulk import gc_paused
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
        return _feed_entry(
            self.id,
            {"id": self.incident_id, "case": self.case_number},
            {"id": self.event_id, "name": self.event},
            _session_json(self.session_id, self.session_type, self.track),
            [
                _driver_json(p.player_id, p.name, p.car_number, p.role, p.at_fault)
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
        rows, scope = _decision_rows(session, event, _RECORD_COLUMNS)
        superseded_by = {
            earlier: later
            for later, earlier in session.connection().execute(
                select(Decision.id, Decision.supersedes).where(
                    col(Decision.supersedes).is_not(None)
                )
            )
        }
        involved = _involved(session, scope) if rows else {}
        cars = _cars(session, scope) if rows else {}
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
        public = _public(body_json, incident_category)
        numbers[event_id] += 1
        if public.category not in names:
            names[public.category] = _category_name(rulebook, public.category)
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
                category=public.category,
                category_name=names[public.category],
                outcome=_OUTCOMES[public.outcome],
                penalty=None
                if public.penalty is None
                else Penalty(_PENALTY_TYPES[public.penalty["type"]], public.penalty["value"]),
                rule_refs=tuple(public.rule_refs),
                reasoning=public.reasoning,
                factors=tuple(public.factors),
                decided_at=_utc(decided_at),
                decided_by=_nfc(decided_by),
                supersedes=supersedes,
                superseded_by=superseded_by.get(decision_id),
                published_at=_utc(published_at) if published_at else None,
                parties=tuple(
                    p if p.player_id not in public.at_fault else _at_fault(p)
                    for p in parties.get(incident_id, [])
                ),
                reporters=tuple(reporters.get(incident_id, [])),
                document_number=numbers[event_id],
            )
        )
    return records


@dataclass(frozen=True, slots=True)
class FeedDecisions:
    """The decisions as the signed feed carries them, and what publishing them changes."""

    league: str | None  # the league named by the decisions; None when there are none
    event: str | None  # the event's name when `event` asked for one that has decisions
    entries: list[dict[str, Any]]  # `DecisionRecord.feed_json()` of each, oldest first
    unpublished: list[str]  # ids of the decisions no feed carried yet
    unpublished_incidents: set[str]  # their cases


def feed_decisions(store: Store, *, event: str | None = None) -> FeedDecisions:
    """What `load_decisions` gives the feed, read and shaped for it alone: the same entries,
    in the same order, as `[r.feed_json() for r in load_decisions(...)]`.

    The feed is the one export of every decision at once (its budget: 10,000 in a second),
    so this skips what the feed does not show — reporters, corrections' back links, teams,
    category names — and builds plain dicts straight from column rows. `event` as in
    `load_decisions`; LookupError when it names no event.
    """
    return shape_feed(read_feed(store, event=event))


@dataclass(frozen=True, slots=True)
class FeedRows:
    """The rows a feed is made of, as read from the database (see `read_feed`)."""

    rows: list[Any]
    involved: dict[str, list[_Involved]]
    cars: dict[tuple[str, str], tuple[int, str, str]]
    event: str | None


def read_feed(store: Store, *, event: str | None = None) -> FeedRows:
    """The database half of `feed_decisions`: one read, column rows only."""
    with store.read() as session:
        rows, scope = _decision_rows(session, event, _FEED_COLUMNS)
        involved = _involved(session, scope) if rows else {}
        missing = any(car is None for people in involved.values() for _, _, car, _ in people)
        cars = _cars(session, scope) if missing else {}
    return FeedRows(rows, involved, cars, event)


def shape_feed(read: FeedRows) -> FeedDecisions:
    """The Python half of `feed_decisions`: the feed's entries from the rows."""
    rows, involved, cars, event = read.rows, read.involved, read.cars, read.event
    # Every case's drivers once, as (player id, name, car number, role).
    session_of = {row[6]: row[8] for row in rows}
    people_of = {
        incident_id: [
            (
                player_id,
                name,
                _car_number(car, cars.get((session_of.get(incident_id, ""), player_id))),
                role,
            )
            for player_id, name, car, role in people
        ]
        if cars
        else people
        for incident_id, people in involved.items()
    }
    events: dict[str, dict[str, Any]] = {}
    sessions: dict[str, dict[str, Any]] = {}
    numbers: dict[str, int] = defaultdict(int)
    entries: list[dict[str, Any]] = []
    unpublished: list[str] = []
    unpublished_incidents: set[str] = set()
    for row in rows:
        (decision_id, decided_at, number, body_json, supersedes, unpublished_yet, incident_id,
         incident_category, session_id, raw_type, session_type, track, event_id, event_name,
         _) = row  # fmt: skip
        public = _public(body_json, incident_category)
        numbers[event_id] += 1
        # One dict per event and per session, shared by their decisions: the JSON is the same.
        event_json = events.get(event_id)
        if event_json is None:
            event_json = events[event_id] = {"id": event_id, "name": _nfc(event_name)}
        session_json = sessions.get(session_id)
        if session_json is None:
            session_json = sessions[session_id] = _session_json(
                session_id, raw_type or session_type, track
            )
        at_fault = public.at_fault
        entries.append(
            _feed_entry(
                decision_id,
                {"id": incident_id, "case": number},
                event_json,
                session_json,
                [
                    _driver_json(player_id, name, car, role, player_id in at_fault)
                    for player_id, name, car, role in people_of.get(incident_id, ())
                ],
                public.category,
                public.outcome,
                public.penalty,
                public.rule_refs,
                public.reasoning,
                decided_at,
                supersedes,
                numbers[event_id],
            )
        )
        if unpublished_yet:
            unpublished.append(decision_id)
            unpublished_incidents.add(incident_id)
    return FeedDecisions(
        league=_nfc(rows[0][-1]) if rows else None,
        event=_nfc(rows[0][13]) if (event and rows) else None,
        entries=entries,
        unpublished=unpublished,
        unpublished_incidents=unpublished_incidents,
    )


def current_decisions(records: Iterable[DecisionRecord]) -> list[DecisionRecord]:
    """The decisions still standing: corrected ones give way to their correction."""
    return [r for r in records if r.is_current]


def _party(
    player_id: str, name: str, filed: int | None, role: str, car: tuple[int, str, str] | None
) -> Party:
    return Party(
        player_id=player_id,
        name=name,
        car_number=_car_number(filed, car),
        role=role,
        at_fault=False,
        team=_nfc(car[1]) if car else "",
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


class _Public(NamedTuple):
    """The public part of a decision's body (nothing else is ever read from it)."""

    category: str | None
    outcome: str  # an `Outcome` value, checked
    penalty: dict[str, Any] | None  # {"type": a `PenaltyType` value, checked; "value": int}
    rule_refs: list[str]
    reasoning: str
    factors: list[str]
    at_fault: set[str]


def _public(body_json: str, incident_category: str | None) -> _Public:
    body = _body(body_json)
    category = body.get("category") or incident_category
    outcome = str(body.get("outcome", _NO_FURTHER_ACTION))
    if outcome not in _OUTCOMES:
        Outcome(outcome)  # raises the ValueError that names it
    return _Public(
        str(category) if category else None,
        outcome,
        _penalty_json(body.get("penalty")),
        [_nfc(str(r)) for r in body.get("rule_refs", []) or []],
        _nfc(str(body.get("reasoning", "") or "")),
        [str(f) for f in body.get("factors", []) or []],
        {str(p) for p in body.get("at_fault", []) or []},
    )


# A driver named in a case: (player id, name, car number, role).
_Involved = tuple[str, str, int | None, str]

_OUTCOMES = {outcome.value: outcome for outcome in Outcome}
_PENALTY_TYPES = {kind.value: kind for kind in PenaltyType}
_NO_FURTHER_ACTION = Outcome.NO_FURTHER_ACTION.value


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
# What the feed shows, and whether a decision is out yet (no datetime to convert for that).
_FEED_COLUMNS = (
    Decision.id,
    Decision.decided_at,
    Incident.number,
    Decision.body_json,
    Decision.supersedes,
    col(Decision.published_at).is_(None),
    Incident.id,
    Incident.category,
    RaceSession.id,
    RaceSession.raw_type,
    RaceSession.type,
    RaceSession.track,
    Event.id,
    Event.name,
    League.name,
)


def _decision_rows(
    session: Session, event: str | None, columns: tuple[Any, ...]
) -> tuple[list[Any], Any]:
    """`columns` (decision id, decided at and case number first) of each decision in scope
    with its case, session, event and league, oldest first; and the cases in scope as a
    subquery (no id list grows with the league)."""
    # Plain column rows, not ORM objects: a league's 10,000 decisions load in a fraction of
    # the time (the feed's one-second budget).
    query = (
        select_columns(*columns)
        .join(Incident, col(Incident.id) == Decision.incident_id)
        .join(RaceSession, col(RaceSession.id) == Incident.session_id)
        .join(Event, col(Event.id) == RaceSession.event_id)
        .join(League, col(League.id) == Event.league_id)
    )
    scope: Any = select(Decision.incident_id)
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
    return sorted(session.connection().execute(query), key=_oldest_first), scope


def _oldest_first(row: Any) -> tuple[datetime, int, str]:
    return _utc(row[1]), row[2], row[0]


def _involved(session: Session, scope: Any) -> dict[str, list[_Involved]]:
    """Case id → its drivers as (player id, name, car number as filed, role), in the order
    they were filed (a driver without a driver record is left out, as a join would)."""
    connection = session.connection()
    rows = connection.execute(
        select(
            Involvement.incident_id,
            Involvement.player_id,
            Involvement.car_number,
            Involvement.role,
        )
        .where(col(Involvement.incident_id).in_(scope))
        .order_by(col(Involvement.id))
    ).all()
    involved = select(Involvement.player_id).where(col(Involvement.incident_id).in_(scope))
    names = {
        player_id: _nfc(Driver(player_id, first, last, short).name)
        for player_id, first, last, short in connection.execute(
            select_columns(
                DriverRow.player_id,
                DriverRow.first_name,
                DriverRow.last_name,
                DriverRow.short_name,
            ).where(col(DriverRow.player_id).in_(involved))
        )
    }
    out: dict[str, list[_Involved]] = defaultdict(list)
    for incident_id, player_id, car_number, role in rows:
        name = names.get(player_id)
        if name is not None:
            out[incident_id].append((player_id, name, car_number, role))
    return out


def _cars(session: Session, scope: Any) -> dict[tuple[str, str], tuple[int, str, str]]:
    """(session id, player id) → (car number, team, car model) in the sessions in scope."""
    sessions = select(Incident.session_id).where(col(Incident.id).in_(scope))
    return {
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


def _car_number(filed: int | None, car: tuple[int, str, str] | None) -> int | None:
    # The number filed with the report wins; else the car the driver drove in that session.
    if filed is not None:
        return filed
    return car[0] if car else None


def _feed_entry(
    decision_id: str,
    incident: dict[str, Any],
    event: dict[str, Any],
    session: dict[str, Any],
    drivers: list[dict[str, Any]],
    category: str | None,
    outcome: str,
    penalty: dict[str, Any] | None,
    rule_refs: list[str],
    reasoning: str,
    decided_at: datetime,
    supersedes: str | None,
    document: int,
) -> dict[str, Any]:
    """One decision of the feed: the one place its shape is written (integers and strings)."""
    return {
        "id": decision_id,
        "incident": incident,
        "event": event,
        "session": session,
        "drivers": drivers,
        "category": category,
        "outcome": outcome,
        "penalty": penalty,
        "rule_refs": rule_refs,
        "reasoning": reasoning,
        "decided_at": _stamp(decided_at),
        "supersedes": supersedes,
        "document": document,
    }


def _session_json(session_id: str, session_type: str, track: str) -> dict[str, Any]:
    return {"id": session_id, "type": session_type, "track": track}


def _driver_json(
    player_id: str, name: str, car_number: int | None, role: str, at_fault: bool
) -> dict[str, Any]:
    return {
        "player_id": player_id,
        "name": name,
        "car_number": car_number,
        "role": role,
        "at_fault": at_fault,
    }


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
    # The C scanner straight away (a third of `json.loads`' time on these small documents);
    # anything it does not read to the end goes to `json.loads`, which decides as before.
    try:
        body, end = _SCAN_JSON(text, 0)
    except (StopIteration, ValueError, TypeError):
        return _body_slowly(text)
    if end != len(text) or not isinstance(body, dict):
        return _body_slowly(text)
    return body


def _body_slowly(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


_SCAN_JSON = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _penalty_json(raw: object) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    value = raw.get("value") or 0
    kind = str(raw["type"])
    if kind not in _PENALTY_TYPES:
        PenaltyType(kind)  # raises the ValueError that names it
    return {"type": kind, "value": int(value) if isinstance(value, int) else 0}


def _category_name(rulebook: Rulebook, category: object) -> str:
    if not category:
        return "Incident"
    try:
        return rulebook.category(str(category)).name
    except UnknownIdError:
        return str(category).replace("_", " ").capitalize()


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back naive; the storage contract says they are UTC.
    if moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    """`2025-05-02T20:00:00Z`: whole seconds, UTC."""
    if moment.tzinfo is not UTC:
        moment = _utc(moment)
    if moment.year < 1000:  # strftime leaves such years unpadded; keep its spelling
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="seconds")[:19] + "Z"
