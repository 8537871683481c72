"""What a panel's merge reads about its cases, for any number of them in a few queries.

The merge view lists every case with submitted verdicts. Read one case at a time it took
eight queries per case (500 cases: 4,000 queries, 1.5 s). Here each kind of row is read
once for all the cases asked for, in chunks that stay under any SQLite's parameter limit,
and the single-case readers of storage.panel are these with one id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, InvolvedDriver, InvolvementRole
from steward_desk.storage.sql_rows import chunks
from steward_desk.storage.tables import (
    AuditLog,
    CarDriver,
    CarEntry,
    Decision,
    DriverRow,
    Event,
    Incident,
    Involvement,
    RaceSession,
    Steward,
    VerdictRow,
    aware_utc,
)

RECUSED = "verdict.recused"  # the audit action storage.verdicts records a recusal under


@dataclass(frozen=True, slots=True)
class CaseContext:
    """What a decision needs about its case: the rows, who is involved, and their teams."""

    incident: Incident
    race: RaceSession
    event: Event
    involved: tuple[InvolvedDriver, ...]
    teams: dict[str, str]  # player id → team, from the session's entry list


@dataclass(frozen=True, slots=True)
class PanelRows:
    """Everything the merge of these cases reads, by incident id."""

    contexts: dict[str, CaseContext]  # the cases that exist
    verdicts: dict[str, list[tuple[VerdictRow, Steward]]]  # every version, oldest first
    recusals: dict[str, list[tuple[str, str]]]  # (steward id, reason), as recorded
    stewards: dict[str, Steward]  # the stewards the recusals name, by id
    decisions: dict[str, Decision]  # the decision in force, where there is one


def panel_rows(session: Session, incident_ids: Sequence[str]) -> PanelRows:
    ids = list(dict.fromkeys(incident_ids))
    recusals = recorded_recusals_of(session, ids)
    steward_ids = {steward for pairs in recusals.values() for steward, _ in pairs}
    return PanelRows(
        contexts=case_contexts(session, ids),
        verdicts=panel_verdicts_of(session, ids),
        recusals=recusals,
        stewards=_by_id(session, Steward, steward_ids),
        decisions=current_decisions(session, ids),
    )


def case_contexts(session: Session, incident_ids: Sequence[str]) -> dict[str, CaseContext]:
    incidents = _by_id(session, Incident, incident_ids)
    races = _by_id(session, RaceSession, {i.session_id for i in incidents.values()})
    events = _by_id(session, Event, {r.event_id for r in races.values()})
    involved: dict[str, list[InvolvedDriver]] = {}
    for chunk in chunks(list(incidents)):
        for inv, d in session.exec(
            select(Involvement, DriverRow)
            .join(DriverRow, col(DriverRow.player_id) == Involvement.player_id)
            .where(col(Involvement.incident_id).in_(chunk))
            .order_by(col(Involvement.id))
        ):
            name = Driver(d.player_id, d.first_name, d.last_name, d.short_name).name
            involved.setdefault(inv.incident_id, []).append(
                InvolvedDriver(d.player_id, name, inv.car_number, InvolvementRole(inv.role))
            )
    teams = teams_of(session, list(races))
    out = {}
    for incident_id, incident in incidents.items():
        race = races[incident.session_id]
        out[incident_id] = CaseContext(
            incident,
            race,
            events[race.event_id],
            tuple(involved.get(incident_id, ())),
            teams[race.id],
        )
    return out


def teams_of(session: Session, session_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Per session, each driver's team as its entry list gives it (drivers without one left
    out): what the conflict-of-interest rule compares."""
    teams: dict[str, dict[str, str]] = {session_id: {} for session_id in session_ids}
    for chunk in chunks(session_ids):
        for session_id, player_id, team in session.exec(
            select(CarEntry.session_id, CarDriver.player_id, CarEntry.team_name)
            .join(CarDriver, col(CarDriver.car_entry_id) == CarEntry.id)
            .where(col(CarEntry.session_id).in_(chunk), CarEntry.team_name != "")
            .order_by(col(CarEntry.position), col(CarDriver.driver_index))
        ):
            teams[session_id][player_id] = team
    return teams


def panel_verdicts_of(
    session: Session, incident_ids: Sequence[str]
) -> dict[str, list[tuple[VerdictRow, Steward]]]:
    """Every verdict version on each incident, with its steward, oldest first."""
    out: dict[str, list[tuple[VerdictRow, Steward]]] = {}
    for chunk in chunks(incident_ids):
        for row, steward in session.exec(
            select(VerdictRow, Steward)
            .join(Steward, col(Steward.id) == VerdictRow.steward_id)
            .where(col(VerdictRow.incident_id).in_(chunk))
            .order_by(col(VerdictRow.created_at), col(VerdictRow.id))
        ):
            out.setdefault(row.incident_id, []).append((row, steward))
    return out


def recorded_recusals_of(
    session: Session, incident_ids: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """(steward id, reason) of the stewards who stood back from each case, once each."""
    out: dict[str, list[tuple[str, str]]] = {}
    for chunk in chunks(incident_ids):
        for entry in session.exec(
            select(AuditLog)
            .where(col(AuditLog.entity_id).in_(chunk), AuditLog.action == RECUSED)
            .order_by(col(AuditLog.id))
        ):
            detail = json.loads(entry.detail_json or "{}")
            pair = (str(detail.get("steward", "")), str(detail.get("reason", "")))
            pairs = out.setdefault(entry.entity_id, [])
            if pair not in pairs:
                pairs.append(pair)
    return out


def current_decisions(session: Session, incident_ids: Sequence[str]) -> dict[str, Decision]:
    """Per incident, the decision in force: the latest one no other decision supersedes."""
    rows: dict[str, list[Decision]] = {}
    for chunk in chunks(incident_ids):
        for row in session.exec(select(Decision).where(col(Decision.incident_id).in_(chunk))):
            rows.setdefault(row.incident_id, []).append(row)
    out = {}
    for incident_id, decisions in rows.items():
        superseded = {row.supersedes for row in decisions if row.supersedes}
        live = [row for row in decisions if row.id not in superseded]
        if live:
            out[incident_id] = max(live, key=lambda row: aware_utc(row.decided_at) or _EARLIEST)
    return out


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _by_id(session: Session, model: Any, ids: Sequence[str] | set[str]) -> dict[str, Any]:
    return {
        row.id: row
        for chunk in chunks(list(ids))
        for row in session.exec(select(model).where(col(model.id).in_(chunk)))
    }
