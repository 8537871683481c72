"""The league's earlier decisions read as precedents for the verdict form (core.precedents
ranks them)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlmodel import col, select

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltyType
from steward_desk.core.precedents import Precedent
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision, Event, Incident, RaceSession, aware_utc


def all_precedents(store: Store) -> list[Precedent]:
    """Every stored decision as a precedent; unreadable bodies are skipped."""
    with store.read() as session:
        rows = session.exec(
            select(Decision, Incident, RaceSession, Event)
            .join(Incident, col(Incident.id) == Decision.incident_id)
            .join(RaceSession, col(RaceSession.id) == Incident.session_id)
            .join(Event, col(Event.id) == RaceSession.event_id)
        ).all()
    superseded = {d.supersedes for d, *_ in rows if d.supersedes}
    out: list[Precedent] = []
    for decision, incident, race, event in rows:
        precedent = _precedent(decision, incident, race, event, decision.id in superseded)
        if precedent is not None:
            out.append(precedent)
    return out


def _precedent(
    decision: Decision, incident: Incident, race: RaceSession, event: Event, superseded: bool
) -> Precedent | None:
    try:
        body = json.loads(decision.body_json or "{}")
        category = body.get("category") or incident.category
        outcome = Outcome(body["outcome"])
        raw = body.get("penalty")
        penalty = (
            Penalty(PenaltyType(raw["type"]), int(raw.get("value") or 0))
            if isinstance(raw, Mapping)
            else None
        )
        kind = EventKind(event.kind)
    except (ValueError, KeyError, TypeError):
        return None
    if not category:
        return None
    return Precedent(
        decision_id=decision.id,
        incident_id=incident.id,
        category=str(category),
        track=race.track or event.track,
        event=event.name,
        event_kind=kind,
        decided_at=aware_utc(decision.decided_at) or datetime.now(UTC),
        outcome=outcome,
        penalty=penalty,
        reasoning=str(body.get("reasoning", "")),
        factors=tuple(str(f) for f in body.get("factors", []) or []),
        severity=body.get("severity"),
        superseded=superseded,
    )
