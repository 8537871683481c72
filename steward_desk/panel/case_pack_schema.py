"""Reading a case pack's payload: every field checked, every id the pack refers to present.

`read_case_pack` turns a verified payload into row-ready fields for `case_rows.load_cases`,
or raises CasePackError listing the problems with their keys (`incidents[2].footage[0].sha256:
expected 64 lowercase hex digits`), so nothing half-linked is ever stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from steward_desk.core.doc_reader import DocReader, type_name
from steward_desk.core.model import (
    EventKind,
    FindingKind,
    IncidentStatus,
    InvolvementRole,
    SessionType,
)
from steward_desk.core.rulebook import Problem
from steward_desk.panel.errors import BAD_CONTENT, CasePackError

FORMAT = 1


def read_case_pack(payload: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The payload as row-ready fields, or CasePackError listing every problem with its key."""
    problems: list[Problem] = []
    r = DocReader(payload, "", problems)
    r.integer("format", minimum=FORMAT)
    for name in ("seq", "prev", "issued_at", "league"):
        r.raw(name, required=name != "prev")
    head = r.table("head")
    if head is not None:
        head.string("kid")
        head.string("name")
        head.done()
    events = [_event(t) for t in r.tables("events", nonempty=False)]
    sessions = [_session(t) for t in r.tables("sessions", nonempty=False)]
    drivers = [_driver(t) for t in r.tables("drivers", nonempty=False)]
    incidents = [_incident(t) for t in r.tables("incidents")]
    r.done()
    _check_references(r, events, sessions, drivers, incidents)
    if problems:
        listed = "; ".join(str(p) for p in problems[:8])
        more = f" (and {len(problems) - 8} more)" if len(problems) > 8 else ""
        raise CasePackError(
            BAD_CONTENT, f"the case pack is not valid: {listed}{more}", source=source
        )
    return {"events": events, "sessions": sessions, "drivers": drivers, "incidents": incidents}


def _id(r: DocReader, key: str, *, required: bool = True) -> str | None:
    value = r.raw(key, required=required)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        if r.has(key):
            r.report(key, f"expected an id (a non-empty string), got {type_name(value)}")
        return None
    return value


def _when(r: DocReader, key: str, *, required: bool = False) -> datetime | None:
    value = r.raw(key, required=required)
    if value is None or not r.has(key):
        return None
    if not isinstance(value, str):
        r.report(key, f"expected an RFC 3339 time, got {type_name(value)}")
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        r.report(key, f"not an RFC 3339 time: {value[:40]!r}")
        return None
    if moment.tzinfo is None:
        r.report(key, "needs a time zone")
        return None
    return moment


def _int_or_none(r: DocReader, key: str) -> int | None:
    if not r.has(key) or r.data[key] is None:
        r.raw(key, required=False)
        return None
    return r.integer(key)


def _str_or_none(r: DocReader, key: str) -> str | None:
    if r.has(key) and r.data[key] is None:
        r.raw(key, required=False)
        return None
    return r.string(key, required=False, blank_ok=True) or None


def _event(r: DocReader) -> dict[str, Any]:
    fields = {
        "id": _id(r, "id"),
        "league": r.string("league"),
        "name": r.string("name"),
        "kind": (r.enum("kind", EventKind, "event kind") or EventKind.SERIES).value,
        "round": _int_or_none(r, "round"),
        "final_round": r.boolean("final_round"),
        "track": r.string("track", required=False, blank_ok=True),
        "starts_at": _when(r, "starts_at"),
    }
    r.done()
    return fields


def _session(r: DocReader) -> dict[str, Any]:
    fields = {
        "id": _id(r, "id"),
        "event_id": _id(r, "event_id"),
        "type": (r.enum("type", SessionType, "session type") or SessionType.RACE).value,
        "raw_type": r.string("raw_type", required=False, blank_ok=True),
        "track": r.string("track", required=False, blank_ok=True),
        "started_at": _when(r, "started_at"),
        "ended_at": _when(r, "ended_at"),
    }
    r.done()
    return fields


def _driver(r: DocReader) -> dict[str, Any]:
    fields = {
        "player_id": _id(r, "player_id"),
        "first_name": r.string("first_name", required=False, blank_ok=True),
        "last_name": r.string("last_name", required=False, blank_ok=True),
        "short_name": r.string("short_name", required=False, blank_ok=True),
    }
    r.done()
    return fields


def _incident(r: DocReader) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": _id(r, "id"),
        "number": r.integer("number", minimum=1),
        "status": (r.enum("status", IncidentStatus, "status") or IncidentStatus.NEW).value,
        "session_id": _id(r, "session_id"),
        "category": _str_or_none(r, "category"),
        "lap": _int_or_none(r, "lap"),
        "race_time_ms": _int_or_none(r, "race_time_ms"),
        "reported_at": _when(r, "reported_at", required=True),
        "deadline": _when(r, "deadline"),
    }
    fields["involved"] = [_involved(t) for t in r.tables("involved")]
    fields["reports"] = [_report(t) for t in r.tables("reports", nonempty=False)]
    fields["footage"] = [_footage(t) for t in r.tables("footage", nonempty=False)]
    fields["findings"] = [_finding(t) for t in r.tables("findings", required=False, nonempty=False)]
    r.done()
    return fields


def _involved(r: DocReader) -> dict[str, Any]:
    fields = {
        "player_id": _id(r, "player_id"),
        "name": r.string("name", required=False, blank_ok=True),
        "car_number": _int_or_none(r, "car_number"),
        "role": (r.enum("role", InvolvementRole, "role") or InvolvementRole.ACCUSED).value,
    }
    r.done()
    return fields


def _report(r: DocReader) -> dict[str, Any]:
    fields = {
        "id": _id(r, "id"),
        "reporter_player_id": _id(r, "reporter_player_id", required=False),
        "reporter_name": r.string("reporter_name", required=False, blank_ok=True),
        "description": r.string("description", required=False, blank_ok=True),
        "lap": _int_or_none(r, "lap"),
        "race_time_ms": _int_or_none(r, "race_time_ms"),
        "submitted_at": _when(r, "submitted_at", required=True),
        "source": r.string("source", required=False, blank_ok=True) or "case pack",
    }
    r.done()
    return fields


def _footage(r: DocReader) -> dict[str, Any]:
    sha = _str_or_none(r, "sha256")
    if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        r.report("sha256", "expected 64 lowercase hex digits (SHA-256)")
    fields = {
        "id": _id(r, "id"),
        "report_id": _id(r, "report_id", required=False),
        "source": r.string("source"),
        "location": r.string("location", blank_ok=True),
        "sha256": sha,
        "start_ms": _int_or_none(r, "start_ms"),
        "offset_ms": r.integer("offset_ms", required=False),
        "owner_player_id": _id(r, "owner_player_id", required=False),
        "label": r.string("label", required=False, blank_ok=True),
    }
    r.done()
    return fields


def _finding(r: DocReader) -> dict[str, Any]:
    fields = {
        "report_id": _id(r, "report_id", required=False),
        "kind": (r.enum("kind", FindingKind, "finding kind") or FindingKind.DUPLICATE).value,
        "message": r.string("message", required=False, blank_ok=True),
        "overridden": r.boolean("overridden"),
        "override_reason": r.string("override_reason", required=False, blank_ok=True),
    }
    r.done()
    return fields


def _check_references(
    r: DocReader,
    events: list[dict[str, Any]],
    sessions: list[dict[str, Any]],
    drivers: list[dict[str, Any]],
    incidents: list[dict[str, Any]],
) -> None:
    """Every id the pack refers to is in the pack: nothing half-linked gets stored."""
    event_ids = {e["id"] for e in events}
    session_ids = {s["id"] for s in sessions}
    player_ids = {d["player_id"] for d in drivers}
    for index, s in enumerate(sessions):
        if s["event_id"] not in event_ids:
            r.report(
                f"sessions[{index}].event_id", f"names event {s['event_id']!r}, not in the pack"
            )
    for index, incident in enumerate(incidents):
        where = f"incidents[{index}]"
        if incident["session_id"] not in session_ids:
            r.report(
                f"{where}.session_id", f"names session {incident['session_id']!r}, not in the pack"
            )
        report_ids = {rep["id"] for rep in incident["reports"]}
        for n, who in enumerate(incident["involved"]):
            if who["player_id"] not in player_ids:
                r.report(
                    f"{where}.involved[{n}]", f"driver {who['player_id']!r} is not in the pack"
                )
        for n, rep in enumerate(incident["reports"]):
            pid = rep["reporter_player_id"]
            if pid is not None and pid not in player_ids:
                r.report(f"{where}.reports[{n}]", f"reporter {pid!r} is not in the pack")
        for n, finding in enumerate(incident["findings"]):
            if finding["report_id"] is not None and finding["report_id"] not in report_ids:
                r.report(
                    f"{where}.findings[{n}]", f"report {finding['report_id']!r} is not in the case"
                )
        for n, clip in enumerate(incident["footage"]):
            if clip["report_id"] is not None and clip["report_id"] not in report_ids:
                r.report(
                    f"{where}.footage[{n}]", f"report {clip['report_id']!r} is not in the case"
                )
            owner = clip["owner_player_id"]
            if owner is not None and owner not in player_ids:
                r.report(f"{where}.footage[{n}]", f"owner {owner!r} is not in the pack")
