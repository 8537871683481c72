"""Reading decisions out of the database as plain column rows: the low-level half shared by
`records` (the full records every export reads) and `feed_records` (the feed's slim reading).

Both read the same joins, the same drivers and cars, and the same public part of a
decision's body, so the one way to read each lives here; what each side builds from the
rows stays in its own module. Only whitelisted fields of `Decision.body_json` are read
(category, outcome, at_fault, penalty, rule_refs, reasoning, factors): the steward's
`private_notes`, the checklist answers and the panel's dissent never reach an export because
`public_body` never reads them.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, Outcome, PenaltyType
from steward_desk.storage.tables import (
    CarDriver,
    CarEntry,
    Decision,
    DriverRow,
    Event,
    Incident,
    Involvement,
    League,
    RaceSession,
)

# A driver named in a case: (player id, name, car number as filed, role).
Involved = tuple[str, str, int | None, str]
# The car a driver drove in a session: (car number, team, car model).
Car = tuple[int, str, str]

OUTCOMES = {outcome.value: outcome for outcome in Outcome}
PENALTY_TYPES = {kind.value: kind for kind in PenaltyType}
_NO_FURTHER_ACTION = Outcome.NO_FURTHER_ACTION.value


class PublicBody(NamedTuple):
    """The public part of a decision's body (nothing else is ever read from it)."""

    category: str | None
    outcome: str  # an `Outcome` value, checked
    penalty: dict[str, Any] | None  # {"type": a `PenaltyType` value, checked; "value": int}
    rule_refs: list[str]
    reasoning: str
    factors: list[str]
    at_fault: set[str]


def public_body(body_json: str, incident_category: str | None) -> PublicBody:
    """The whitelisted fields of `Decision.body_json`; ValueError names an unknown outcome or
    penalty type."""
    body = _body(body_json)
    category = body.get("category") or incident_category
    outcome = str(body.get("outcome", _NO_FURTHER_ACTION))
    if outcome not in OUTCOMES:
        Outcome(outcome)  # raises the ValueError that names it
    return PublicBody(
        str(category) if category else None,
        outcome,
        _penalty_json(body.get("penalty")),
        [nfc(str(r)) for r in body.get("rule_refs", []) or []],
        nfc(str(body.get("reasoning", "") or "")),
        [str(f) for f in body.get("factors", []) or []],
        {str(p) for p in body.get("at_fault", []) or []},
    )


def decision_rows(
    session: Session, event: str | None, columns: tuple[Any, ...]
) -> tuple[list[Any], Any]:
    """`columns` (decision id, decided at and case number first) of each decision in scope
    with its case, session, event and league, oldest first; and the cases in scope as a
    subquery (no id list grows with the league). LookupError when `event` (a name or an id)
    names no event."""
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
    return utc(row[1]), row[2], row[0]


def read_involved(session: Session, scope: Any) -> dict[str, list[Involved]]:
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
        player_id: nfc(Driver(player_id, first, last, short).name)
        for player_id, first, last, short in connection.execute(
            select_columns(
                DriverRow.player_id,
                DriverRow.first_name,
                DriverRow.last_name,
                DriverRow.short_name,
            ).where(col(DriverRow.player_id).in_(involved))
        )
    }
    out: dict[str, list[Involved]] = defaultdict(list)
    for incident_id, player_id, car_number, role in rows:
        name = names.get(player_id)
        if name is not None:
            out[incident_id].append((player_id, name, car_number, role))
    return out


def read_cars(session: Session, scope: Any) -> dict[tuple[str, str], Car]:
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


def car_number_of(filed: int | None, car: Car | None) -> int | None:
    """The number filed with the report wins; else the car the driver drove in that session."""
    if filed is not None:
        return filed
    return car[0] if car else None


def select_columns(*columns: Any) -> Select[Any]:
    """A Core select of plain columns (SQLModel's `select` types at most four)."""
    return sql_select(*columns)


def nfc(text: str) -> str:
    """`text` in NFC: signed payloads carry NFC text (DESIGN 7), and every export alike."""
    return unicodedata.normalize("NFC", text) if text and not text.isascii() else text


def utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime."""
    # SQLite hands datetimes back naive; the storage contract says they are UTC.
    if moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """`2025-05-02T20:00:00Z`: whole seconds, UTC."""
    if moment.tzinfo is not UTC:
        moment = utc(moment)
    if moment.year < 1000:  # strftime leaves such years unpadded; keep its spelling
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="seconds")[:19] + "Z"


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
    if kind not in PENALTY_TYPES:
        PenaltyType(kind)  # raises the ValueError that names it
    return {"type": kind, "value": int(value) if isinstance(value, int) else 0}
