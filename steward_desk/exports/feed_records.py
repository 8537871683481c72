"""The decisions feed's own reading of the decisions, and the one shape of a feed entry.

The feed is the one export of every decision at once (its budget: 10,000 in a second), so it
does not build `records.DecisionRecord`s: it reads fewer columns, skips what it does not show
(reporters, corrections' back links, teams, category names) and builds plain dicts straight
from column rows. It is kept apart from `records` so each reads as what it is for; both meet
in `feed_entry`, which `DecisionRecord.feed_json()` calls too, so the two cannot drift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col

from steward_desk.exports.decision_rows import (
    Car,
    Involved,
    car_number_of,
    decision_rows,
    nfc,
    public_body,
    read_cars,
    read_involved,
    stamp,
)
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision, Event, Incident, League, RaceSession


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

    `event` as in `load_decisions`; LookupError when it names no event.
    """
    return shape_feed(read_feed(store, event=event))


@dataclass(frozen=True, slots=True)
class FeedRows:
    """The rows a feed is made of, as read from the database (see `read_feed`)."""

    rows: list[Any]
    involved: dict[str, list[Involved]]
    cars: dict[tuple[str, str], Car]
    event: str | None


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


def read_feed(store: Store, *, event: str | None = None) -> FeedRows:
    """The database half of `feed_decisions`: one read, column rows only."""
    with store.read() as session:
        rows, scope = decision_rows(session, event, _FEED_COLUMNS)
        involved = read_involved(session, scope) if rows else {}
        missing = any(car is None for people in involved.values() for _, _, car, _ in people)
        cars = read_cars(session, scope) if missing else {}
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
                car_number_of(car, cars.get((session_of.get(incident_id, ""), player_id))),
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
        public = public_body(body_json, incident_category)
        numbers[event_id] += 1
        # One dict per event and per session, shared by their decisions: the JSON is the same.
        event_json = events.get(event_id)
        if event_json is None:
            event_json = events[event_id] = {"id": event_id, "name": nfc(event_name)}
        session_json = sessions.get(session_id)
        if session_json is None:
            session_json = sessions[session_id] = feed_session(
                session_id, raw_type or session_type, track
            )
        at_fault = public.at_fault
        entries.append(
            feed_entry(
                decision_id,
                {"id": incident_id, "case": number},
                event_json,
                session_json,
                [
                    feed_driver(player_id, name, car, role, player_id in at_fault)
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
        league=nfc(rows[0][-1]) if rows else None,
        event=nfc(rows[0][13]) if (event and rows) else None,
        entries=entries,
        unpublished=unpublished,
        unpublished_incidents=unpublished_incidents,
    )


def feed_entry(
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
        "decided_at": stamp(decided_at),
        "supersedes": supersedes,
        "document": document,
    }


def feed_session(session_id: str, session_type: str, track: str) -> dict[str, Any]:
    """A feed entry's session: id, type as the server named it, track."""
    return {"id": session_id, "type": session_type, "track": track}


def feed_driver(
    player_id: str, name: str, car_number: int | None, role: str, at_fault: bool
) -> dict[str, Any]:
    """A feed entry's driver, and whether the decision found them at fault."""
    return {
        "player_id": player_id,
        "name": name,
        "car_number": car_number,
        "role": role,
        "at_fault": at_fault,
    }
