"""Incidents (cases), their reports, involved drivers, findings and footage."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from steward_desk.core.model import (
    Driver,
    EventKind,
    Finding,
    FindingKind,
    FootageRef,
    IncidentDetail,
    IncidentStatus,
    IncidentSummary,
    InvolvedDriver,
    InvolvementRole,
    Report,
)
from steward_desk.storage import audit
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    DriverRow,
    Event,
    FindingRow,
    Footage,
    Incident,
    IncidentReport,
    Involvement,
    RaceSession,
    aware_utc,
)


def _summary(probe_json: str) -> dict[str, Any]:
    """The probe summary kept with a footage row ({} when it was never probed)."""
    if not probe_json:
        return {}
    doc = json.loads(probe_json)
    summary = doc.get("summary", {}) if isinstance(doc, dict) else {}
    return summary if isinstance(summary, dict) else {}


class IncidentNotFound(LookupError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"no incident {ref!r} (give its number, its id or a unique id prefix)")
        self.ref = ref


@dataclass(frozen=True, slots=True)
class NewInvolvement:
    player_id: str
    role: InvolvementRole
    car_number: int | None = None


@dataclass(frozen=True, slots=True)
class NewFootage:
    location: str
    source: str = "file"
    sha256: str | None = None
    start_ms: int | None = None
    offset_ms: int = 0
    owner_player_id: str | None = None
    label: str = ""
    probe_json: str = ""


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report as intake hands it over, already matched to drivers."""

    session_id: str
    reporter_player_id: str | None
    reporter_name: str
    involved: Sequence[NewInvolvement]
    description: str
    submitted_at: datetime
    lap: int | None = None
    race_time_ms: int | None = None
    source: str = "manual"
    source_ref: str = ""
    footage: Sequence[NewFootage] = ()
    findings: Sequence[Finding] = ()
    category: str | None = None
    deadline: datetime | None = None
    status: IncidentStatus = IncidentStatus.NEW
    extra: dict[str, object] = field(default_factory=dict)


class IncidentRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writes ----------------------------------------------------------------------------
    def file_report(self, report: NewReport, *, into: str | None = None) -> str:
        """Store a report as a new incident, or as one more report of incident `into`."""
        with self.store.transaction() as session:
            return self.file_report_in(session, report, into=into)

    def file_report_in(
        self, session: Session, report: NewReport, *, into: str | None = None
    ) -> str:
        if into is None:
            number = (session.exec(select(func.max(Incident.number))).one() or 0) + 1
            incident = Incident(
                number=number,
                session_id=report.session_id,
                status=report.status.value,
                category=report.category,
                lap=report.lap,
                race_time_ms=report.race_time_ms,
                reported_at=report.submitted_at,
                deadline=report.deadline,
            )
            session.add(incident)
            session.flush()
        else:
            found = session.get(Incident, into)
            if found is None:
                raise IncidentNotFound(into)
            incident = found
            if incident.race_time_ms is None:
                incident.race_time_ms = report.race_time_ms
            if incident.lap is None:
                incident.lap = report.lap
            incident.reported_at = min(
                aware_utc(incident.reported_at) or report.submitted_at, report.submitted_at
            )
        row = IncidentReport(
            incident_id=incident.id,
            reporter_player_id=report.reporter_player_id,
            reporter_name=report.reporter_name,
            description=report.description,
            lap=report.lap,
            race_time_ms=report.race_time_ms,
            submitted_at=report.submitted_at,
            source=report.source,
            source_ref=report.source_ref,
        )
        session.add(row)
        session.flush()
        existing = {
            inv.player_id: inv
            for inv in session.exec(
                select(Involvement).where(Involvement.incident_id == incident.id)
            )
        }
        for who in report.involved:
            if who.player_id in existing:
                continue
            involvement = Involvement(
                incident_id=incident.id,
                player_id=who.player_id,
                car_number=who.car_number,
                role=who.role.value,
            )
            session.add(involvement)
            existing[who.player_id] = involvement
        for finding in report.findings:
            session.add(
                FindingRow(
                    incident_id=incident.id,
                    report_id=row.id,
                    kind=finding.kind.value,
                    message=finding.message,
                )
            )
        for clip in report.footage:
            session.add(
                Footage(
                    incident_id=incident.id,
                    report_id=row.id,
                    source=clip.source,
                    location=clip.location,
                    sha256=clip.sha256,
                    start_ms=clip.start_ms,
                    offset_ms=clip.offset_ms,
                    owner_player_id=clip.owner_player_id,
                    label=clip.label,
                    probe_json=clip.probe_json,
                )
            )
        audit.record(
            session,
            self.store.actor,
            "report.filed",
            "incident",
            incident.id,
            report=row.id,
            source=report.source,
            source_ref=report.source_ref,
        )
        return incident.id

    def set_status(self, ref: str, status: IncidentStatus, reason: str = "") -> None:
        with self.store.transaction() as session:
            incident = self._get(session, ref)
            before = incident.status
            incident.status = status.value
            incident.status_reason = reason
            audit.record(
                session,
                self.store.actor,
                "incident.status",
                "incident",
                incident.id,
                before=before,
                after=status.value,
                reason=reason,
            )

    def override_finding(self, finding_id: int, reason: str) -> None:
        """A steward sets a finding aside; the reason goes to the audit log."""
        if not reason.strip():
            raise ValueError("overriding a finding needs a reason")
        with self.store.transaction() as session:
            finding = session.get(FindingRow, finding_id)
            if finding is None:
                raise LookupError(f"no finding {finding_id}")
            finding.overridden = True
            finding.override_reason = reason.strip()
            finding.overridden_by = self.store.actor
            finding.overridden_at = datetime.now(UTC)
            audit.record(
                session,
                self.store.actor,
                "finding.overridden",
                "incident",
                finding.incident_id,
                finding=finding.kind,
                reason=reason.strip(),
            )

    # -- reads -----------------------------------------------------------------------------
    def resolve(self, ref: str) -> str:
        """An incident id from its number ("12", "#12"), full id or unique id prefix."""
        with self.store.read() as session:
            return self._get(session, ref).id

    def _get(self, session: Session, ref: str) -> Incident:
        text = ref.strip().lstrip("#")
        if text.isdigit():
            found = session.exec(select(Incident).where(Incident.number == int(text))).first()
            if found is not None:
                return found
        exact = session.get(Incident, text)
        if exact is not None:
            return exact
        if len(text) >= 4:
            matches = session.exec(select(Incident).where(col(Incident.id).startswith(text))).all()
            if len(matches) == 1:
                return matches[0]
        raise IncidentNotFound(ref)

    def list_summaries(
        self,
        *,
        status: IncidentStatus | None = None,
        event: str | None = None,
    ) -> list[IncidentSummary]:
        """The queue, oldest case first. `event` matches an event name or id."""
        with self.store.read() as session:
            query = (
                select(Incident, RaceSession, Event)
                .join(RaceSession, col(RaceSession.id) == Incident.session_id)
                .join(Event, col(Event.id) == RaceSession.event_id)
            )
            if status is not None:
                query = query.where(Incident.status == status.value)
            if event:
                query = query.where((Event.name == event) | (Event.id == event))
            rows = session.exec(query.order_by(col(Incident.number))).all()
            ids = [incident.id for incident, _, _ in rows]
            return self._summaries(session, rows, ids)

    def _summaries(
        self,
        session: Session,
        rows: Sequence[tuple[Incident, RaceSession, Event]],
        ids: list[str],
    ) -> list[IncidentSummary]:
        involved = self._involved(session, ids)
        findings = self._findings(session, ids)
        reporters = self._first_reporters(session, ids)
        return [
            IncidentSummary(
                id=incident.id,
                number=incident.number,
                event=event.name,
                event_kind=EventKind(event.kind),
                session=f"{race.raw_type or race.type} · {race.track}",
                session_id=race.id,
                status=IncidentStatus(incident.status),
                category=incident.category,
                reporter=reporters.get(incident.id, ""),
                involved=tuple(involved.get(incident.id, ())),
                reported_at=aware_utc(incident.reported_at) or datetime.now(UTC),
                deadline=aware_utc(incident.deadline),
                lap=incident.lap,
                race_time_ms=incident.race_time_ms,
                findings=tuple(f for _, f in findings.get(incident.id, ())),
            )
            for incident, race, event in rows
        ]

    @staticmethod
    def _involved(session: Session, ids: Iterable[str]) -> dict[str, list[InvolvedDriver]]:
        out: dict[str, list[InvolvedDriver]] = defaultdict(list)
        id_list = list(ids)
        if not id_list:
            return out
        rows = session.exec(
            select(Involvement, DriverRow)
            .join(DriverRow, col(DriverRow.player_id) == Involvement.player_id)
            .where(col(Involvement.incident_id).in_(id_list))
            .order_by(col(Involvement.id))
        ).all()
        for inv, d in rows:
            name = Driver(d.player_id, d.first_name, d.last_name, d.short_name).name
            out[inv.incident_id].append(
                InvolvedDriver(d.player_id, name, inv.car_number, InvolvementRole(inv.role))
            )
        return out

    @staticmethod
    def _findings(session: Session, ids: Iterable[str]) -> dict[str, list[tuple[int, Finding]]]:
        out: dict[str, list[tuple[int, Finding]]] = defaultdict(list)
        id_list = list(ids)
        if not id_list:
            return out
        rows = session.exec(
            select(FindingRow)
            .where(col(FindingRow.incident_id).in_(id_list))
            .order_by(col(FindingRow.id))
        ).all()
        for row in rows:
            assert row.id is not None
            out[row.incident_id].append(
                (
                    row.id,
                    Finding(
                        FindingKind(row.kind), row.message, row.overridden, row.override_reason
                    ),
                )
            )
        return out

    @staticmethod
    def _first_reporters(session: Session, ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        id_list = list(ids)
        if not id_list:
            return out
        rows = session.exec(
            select(IncidentReport)
            .where(col(IncidentReport.incident_id).in_(id_list))
            .order_by(col(IncidentReport.submitted_at))
        ).all()
        for row in rows:
            out.setdefault(row.incident_id, row.reporter_name)
        return out

    def finding_ids(self, ref: str) -> list[tuple[int, Finding]]:
        with self.store.read() as session:
            incident = self._get(session, ref)
            return self._findings(session, [incident.id]).get(incident.id, [])

    def detail(self, ref: str) -> IncidentDetail:
        with self.store.read() as session:
            incident = self._get(session, ref)
            race = session.get(RaceSession, incident.session_id)
            assert race is not None
            event = session.get(Event, race.event_id)
            assert event is not None
            summary = self._summaries(session, [(incident, race, event)], [incident.id])[0]
            reports = tuple(
                Report(
                    id=r.id,
                    reporter_player_id=r.reporter_player_id,
                    reporter_name=r.reporter_name,
                    description=r.description,
                    lap=r.lap,
                    race_time_ms=r.race_time_ms,
                    submitted_at=aware_utc(r.submitted_at) or datetime.now(UTC),
                    source=r.source,
                )
                for r in session.exec(
                    select(IncidentReport)
                    .where(IncidentReport.incident_id == incident.id)
                    .order_by(col(IncidentReport.submitted_at))
                )
            )
            footage = tuple(self._footage_refs(session, incident.id))
            trail = tuple(
                f"{aware_utc(entry.at):%Y-%m-%d %H:%M} {entry.actor}: {entry.action}"
                for entry in audit.entries_for(session, incident.id)
            )
            return IncidentDetail(
                summary=summary,
                reports=reports,
                footage=footage,
                track=race.track,
                audit=trail,
            )

    @staticmethod
    def _footage_refs(session: Session, incident_id: str) -> list[FootageRef]:
        refs: list[FootageRef] = []
        for row in session.exec(
            select(Footage)
            .where(Footage.incident_id == incident_id)
            .order_by(col(Footage.added_at))
        ):
            probe = _summary(row.probe_json)
            refs.append(
                FootageRef(
                    id=row.id,
                    source=row.source,
                    location=row.location,
                    sha256=row.sha256,
                    start_ms=row.start_ms,
                    offset_ms=row.offset_ms,
                    owner_player_id=row.owner_player_id,
                    label=row.label,
                    duration_ms=probe.get("duration_ms"),
                    fps=probe.get("fps"),
                    vfr=bool(probe.get("vfr", False)),
                )
            )
        return refs

    def footage(self, ref: str) -> list[FootageRef]:
        with self.store.read() as session:
            return self._footage_refs(session, self._get(session, ref).id)

    def set_footage_offset(self, footage_id: str, offset_ms: int) -> None:
        with self.store.transaction() as session:
            row = session.get(Footage, footage_id)
            if row is None:
                raise LookupError(f"no footage {footage_id}")
            before = row.offset_ms
            row.offset_ms = offset_ms
            audit.record(
                session,
                self.store.actor,
                "footage.offset",
                "incident",
                row.incident_id,
                footage=footage_id,
                before=before,
                after=offset_ms,
            )

    def find_footage_by_hash(self, sha256: str) -> Path | None:
        """Another stored path of the same file (same SHA-256) that exists on this desk."""
        with self.store.read() as session:
            rows = session.exec(select(Footage.location).where(Footage.sha256 == sha256)).all()
        for location in rows:
            path = Path(location)
            if path.exists():
                return path
        return None

    def probe_json(self, footage_id: str) -> str:
        """The probe document stored with a footage row ("" when never probed)."""
        with self.store.read() as session:
            row = session.get(Footage, footage_id)
            return row.probe_json if row is not None else ""
