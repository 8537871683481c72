"""Case packs as rows: what a head steward's desk sends (`case_snapshot`) and how a steward
desk stores what it received (`load_cases`), every id kept.

Runs inside the caller's session, so a case pack is loaded in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, IncidentStatus
from steward_desk.signing.validity import timestamp
from steward_desk.storage.tables import (
    DriverRow,
    Event,
    FindingRow,
    Footage,
    Incident,
    IncidentReport,
    Involvement,
    League,
    RaceSession,
    aware_utc,
)

# Where a footage reference points: links travel as they are, files by their name only (the
# head steward's folders mean nothing on a steward's machine; the SHA-256 finds the file).
_LINK_SOURCES = ("youtube", "twitch", "streamable", "gdrive", "dropbox", "link")


def _stamp(value: datetime | None) -> str | None:
    aware = aware_utc(value)
    return timestamp(aware) if aware is not None else None


def footage_location(source: str, location: str) -> str:
    """What a case pack says about where a clip is: the link, or the file's name."""
    if source in _LINK_SOURCES or ("://" in location and not location.startswith("file:")):
        return location
    tail = location.rsplit("/", 1)[-1] if location.startswith("file:") else location
    return PureWindowsPath(tail).name if "\\" in tail else PurePosixPath(tail).name


# --- case packs --------------------------------------------------------------------------------


def case_snapshot(session: Session, event: str | None = None) -> dict[str, Any]:
    """The cases of this desk (of one event: name or id) as case-pack JSON, ids kept.

    Holds the events and sessions they belong to, every involved driver and reporter by player
    id, the reports, and footage references (SHA-256, link or file name, start, offset).
    """
    query = (
        select(Incident, RaceSession, Event, League)
        .join(RaceSession, col(RaceSession.id) == Incident.session_id)
        .join(Event, col(Event.id) == RaceSession.event_id)
        .join(League, col(League.id) == Event.league_id)
    )
    if event:
        query = query.where((Event.name == event) | (Event.id == event))
    rows = session.exec(query.order_by(col(Incident.number))).all()
    ids = [incident.id for incident, _, _, _ in rows]
    leagues = sorted({league.name for _, _, _, league in rows})
    events = {e.id: e for _, _, e, _ in rows}
    races = {r.id: r for _, r, _, _ in rows}
    reports = _by_incident(session, IncidentReport, ids, IncidentReport.submitted_at)
    involved = _by_incident(session, Involvement, ids, Involvement.id)
    footage = _by_incident(session, Footage, ids, Footage.added_at)
    findings = _by_incident(session, FindingRow, ids, FindingRow.id)
    player_ids = {i.player_id for rows_ in involved.values() for i in rows_} | {
        r.reporter_player_id for rows_ in reports.values() for r in rows_ if r.reporter_player_id
    }
    player_ids |= {
        f.owner_player_id for rows_ in footage.values() for f in rows_ if f.owner_player_id
    }
    drivers = (
        session.exec(
            select(DriverRow)
            .where(col(DriverRow.player_id).in_(sorted(player_ids)))
            .order_by(col(DriverRow.player_id))
        ).all()
        if player_ids
        else []
    )
    names = {
        d.player_id: Driver(d.player_id, d.first_name, d.last_name, d.short_name).name
        for d in drivers
    }
    return {
        "league": leagues[0] if len(leagues) == 1 else ", ".join(leagues),
        "events": [
            {
                "id": e.id,
                "league": next(lg.name for _, _, ev, lg in rows if ev.id == e.id),
                "name": e.name,
                "kind": e.kind,
                "round": e.round,
                "final_round": e.final_round,
                "track": e.track,
                "starts_at": _stamp(e.starts_at),
            }
            for e in sorted(events.values(), key=lambda e: e.name)
        ],
        "sessions": [
            {
                "id": r.id,
                "event_id": r.event_id,
                "type": r.type,
                "raw_type": r.raw_type,
                "track": r.track,
                "started_at": _stamp(r.started_at),
                "ended_at": _stamp(r.ended_at),
            }
            for r in sorted(races.values(), key=lambda r: r.id)
        ],
        "drivers": [
            {
                "player_id": d.player_id,
                "first_name": d.first_name,
                "last_name": d.last_name,
                "short_name": d.short_name,
            }
            for d in drivers
        ],
        "incidents": [
            {
                "id": incident.id,
                "number": incident.number,
                "status": incident.status,
                "session_id": incident.session_id,
                "category": incident.category,
                "lap": incident.lap,
                "race_time_ms": incident.race_time_ms,
                "reported_at": _stamp(incident.reported_at),
                "deadline": _stamp(incident.deadline),
                "involved": [
                    {
                        "player_id": i.player_id,
                        "name": names.get(i.player_id, i.player_id),
                        "car_number": i.car_number,
                        "role": i.role,
                    }
                    for i in involved.get(incident.id, [])
                ],
                "reports": [
                    {
                        "id": r.id,
                        "reporter_player_id": r.reporter_player_id,
                        "reporter_name": r.reporter_name,
                        "description": r.description,
                        "lap": r.lap,
                        "race_time_ms": r.race_time_ms,
                        "submitted_at": _stamp(r.submitted_at),
                        "source": r.source,
                    }
                    for r in reports.get(incident.id, [])
                ],
                "footage": [
                    {
                        "id": f.id,
                        "report_id": f.report_id,
                        "source": f.source,
                        "location": footage_location(f.source, f.location),
                        "sha256": f.sha256,
                        "start_ms": f.start_ms,
                        "offset_ms": f.offset_ms,
                        "owner_player_id": f.owner_player_id,
                        "label": f.label,
                    }
                    for f in footage.get(incident.id, [])
                ],
                "findings": [
                    {
                        "report_id": f.report_id,
                        "kind": f.kind,
                        "message": f.message,
                        "overridden": f.overridden,
                        "override_reason": f.override_reason,
                    }
                    for f in findings.get(incident.id, [])
                ],
            }
            for incident, _, _, _ in rows
        ],
    }


def _by_incident(
    session: Session, table: Any, ids: Sequence[str], order: Any
) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    if not ids:
        return out
    for row in session.exec(
        select(table).where(col(table.incident_id).in_(list(ids))).order_by(col(order))
    ):
        out.setdefault(row.incident_id, []).append(row)
    return out


@dataclass(frozen=True, slots=True)
class CaseLoad:
    """What loading a case pack added (a second load of the same pack adds nothing)."""

    incidents_new: int
    incidents_updated: int
    reports: int
    footage: int
    drivers: int


def load_cases(session: Session, pack: Mapping[str, Any]) -> CaseLoad:
    """Write a checked case pack's rows (`panel.case_pack.read_case_pack`), keeping its ids.

    Events, sessions, incidents, reports and footage are matched by id and drivers by player
    id: what exists is kept (a steward's own footage path, the case's local status), what is
    new is added. Raises `ValueError` naming the clash when a case number here belongs to
    another case.
    """
    leagues: dict[str, League] = {}
    for spec in pack["events"]:
        name = spec["league"]
        if name not in leagues:
            found = session.exec(select(League).where(League.name == name)).first()
            if found is None:
                found = League(name=name)
                session.add(found)
                session.flush()
            leagues[name] = found
        event = session.get(Event, spec["id"])
        fields = {k: v for k, v in spec.items() if k not in ("id", "league")}
        if event is None:
            session.add(Event(id=spec["id"], league_id=leagues[name].id, **fields))
        else:
            _update(event, fields)
    session.flush()
    for spec in pack["sessions"]:
        race = session.get(RaceSession, spec["id"])
        if race is None:
            session.add(RaceSession(**spec))
        else:
            _update(race, {k: v for k, v in spec.items() if k != "id"})
    new_drivers = 0
    for spec in pack["drivers"]:
        row = session.get(DriverRow, spec["player_id"])
        if row is None:
            session.add(DriverRow(**spec))
            new_drivers += 1
        else:
            _update(row, {k: v for k, v in spec.items() if v})
    session.flush()
    new = updated = reports = clips = 0
    for spec in pack["incidents"]:
        incident = session.get(Incident, spec["id"])
        fields = {k: spec[k] for k in ("session_id", "category", "lap", "race_time_ms")}
        fields |= {"reported_at": spec["reported_at"], "deadline": spec["deadline"]}
        holder = session.exec(select(Incident).where(Incident.number == spec["number"])).first()
        if holder is not None and holder.id != spec["id"]:
            raise ValueError(
                f"case {spec['number']} of the pack (incident {spec['id']}) would take the "
                f"number of incident {holder.id} held here; a steward desk keeps the head "
                "steward's case numbers, so import packs only into a desk without its own cases"
            )
        # Each steward works an open case through their own workflow; a case the head steward
        # closed (withdrawn, rejected, decided) is closed here too, with the head's reason.
        closed = not IncidentStatus(spec["status"]).is_open
        if closed:
            fields |= {"status": spec["status"], "status_reason": "closed by the head steward"}
        if incident is None:
            session.add(Incident(id=spec["id"], number=spec["number"], **fields))
            new += 1
        elif _update(incident, fields):
            updated += 1
        session.flush()
        for report in spec["reports"]:
            if session.get(IncidentReport, report["id"]) is None:
                session.add(
                    IncidentReport(incident_id=spec["id"], source_ref="case pack", **report)
                )
                reports += 1
        session.flush()
        have = {
            i.player_id
            for i in session.exec(select(Involvement).where(Involvement.incident_id == spec["id"]))
        }
        for who in spec["involved"]:
            if who["player_id"] not in have:
                session.add(
                    Involvement(
                        incident_id=spec["id"],
                        player_id=who["player_id"],
                        car_number=who["car_number"],
                        role=who["role"],
                    )
                )
        for clip in spec["footage"]:
            if session.get(Footage, clip["id"]) is None:
                session.add(Footage(incident_id=spec["id"], **clip))
                clips += 1
        _load_findings(session, spec["id"], spec.get("findings", []))
    session.flush()
    return CaseLoad(new, updated, reports, clips, new_drivers)


def _load_findings(
    session: Session, incident_id: str, findings: Sequence[Mapping[str, Any]]
) -> None:
    """Intake's findings on a case, matched by report, kind and message (they have no ids)."""
    held = {
        (f.report_id, f.kind, f.message): f
        for f in session.exec(select(FindingRow).where(FindingRow.incident_id == incident_id))
    }
    for spec in findings:
        row = held.get((spec["report_id"], spec["kind"], spec["message"]))
        if row is None:
            session.add(FindingRow(incident_id=incident_id, **spec))
        else:
            _update(row, {k: spec[k] for k in ("overridden", "override_reason")})


def _update(row: Any, fields: Mapping[str, Any]) -> bool:
    changed = False
    for name, value in fields.items():
        current = getattr(row, name)
        if isinstance(current, datetime):
            current = aware_utc(current)
        if current != value:
            setattr(row, name, value)
            changed = True
    return changed
