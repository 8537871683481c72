"""Turn incident reports (form exports, JSON, manual entry) into cases in the database.

Two steps, so a person can confirm what software can only guess:
1. `plan_reports` works out each report's session, matches the drivers it names against the
   session's roster and reads its footage links. Nothing is written.
2. `apply_plan` takes the steward's confirmations for ambiguous driver matches, validates
   every report against the rulebook's procedures (late, reporter not involved, no footage,
   no timestamp, unknown driver), groups reports of the same contact into one incident (also
   with incidents already in the database), and stores it all in one transaction.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from steward_desk.core.matching import Match, RosterDriver, match_driver, normalise
from steward_desk.core.model import Finding, InvolvementRole
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.validation import (
    ReportFacts,
    duplicate_findings,
    group_duplicates,
    validate_report,
)
from steward_desk.intake.errors import IntakeError, ReportFormError
from steward_desk.intake.footage_links import FootageLink, parse_footage_link
from steward_desk.intake.report_forms import ReportRow
from steward_desk.storage.incidents import NewFootage, NewInvolvement, NewReport
from steward_desk.storage.league import SessionInfo
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Footage, Incident, IncidentReport, Involvement

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class DriverRef:
    """A driver as a report names them, and what matching made of it."""

    text: str
    match: Match

    @property
    def needs_confirmation(self) -> bool:
        return self.match.needs_confirmation


@dataclass(frozen=True, slots=True)
class PlannedFootage:
    text: str
    link: FootageLink | None
    problem: str = ""


@dataclass
class PlannedReport:
    row: ReportRow
    source: str
    session: SessionInfo
    reporter: DriverRef
    involved: list[DriverRef]
    footage: list[PlannedFootage]
    category: str | None = None
    duplicate_of_existing: str | None = None  # set by apply_plan

    @property
    def label(self) -> str:
        return f"{Path(self.source).name}:{self.row.line}"


@dataclass
class ReportPlan:
    reports: list[PlannedReport]
    skipped: list[str] = field(default_factory=list)  # already imported (same file line)

    def to_confirm(self) -> list[tuple[int, DriverRef]]:
        """(report index, reference) for every match a person should confirm."""
        out: list[tuple[int, DriverRef]] = []
        for i, planned in enumerate(self.reports):
            for ref in [planned.reporter, *planned.involved]:
                if ref.needs_confirmation and ref.match.candidates:
                    out.append((i, ref))
        return out


Confirmations = dict[tuple[int, str], str | None]  # (report index, reference text) → player id


@dataclass(frozen=True, slots=True)
class ReportImport:
    incidents: tuple[str, ...]  # incident ids touched, in order
    created: int  # new incidents
    reports: int
    findings: dict[str, tuple[Finding, ...]]  # report label → findings
    skipped: tuple[str, ...]

    def to_json(self, store: Store) -> dict[str, object]:
        summaries = {s.id: s for s in store.incidents.list_summaries()}
        return {
            "incidents": [summaries[i].to_json() for i in self.incidents if i in summaries],
            "created": self.created,
            "reports": self.reports,
            "findings": [
                {"report": label, **finding.to_json()}
                for label, findings in self.findings.items()
                for finding in findings
            ],
            "skipped": list(self.skipped),
        }


# -- planning -------------------------------------------------------------------------------
def plan_reports(
    store: Store,
    rows: Sequence[ReportRow],
    source: str | Path,
    *,
    session_id: str | None = None,
    rulebook: Rulebook | None = None,
) -> ReportPlan:
    """Resolve sessions, match drivers and read footage links; writes nothing.

    Raises ReportFormError naming the line when a report's session cannot be told.
    """
    sessions = store.league.sessions()
    if not sessions:
        raise ReportFormError(
            source,
            None,
            None,
            "no race results are imported yet: import the ACC results of the race first",
        )
    fixed = _session_by_id(sessions, session_id, source) if session_id else None
    rosters: dict[str, list[RosterDriver]] = {}
    calculator = _calculator(rulebook)
    already = _imported_refs(store)
    plan = ReportPlan(reports=[])
    for row in rows:
        label = f"{Path(str(source)).name}:{row.line}"
        if label in already:
            plan.skipped.append(label)
            continue
        session = fixed or _session_for(row, sessions, source)
        if session.id not in rosters:
            rosters[session.id] = _roster(store, session.id)
        roster = rosters[session.id]
        reporter = DriverRef(row.reporter, match_driver(row.reporter, roster))
        involved = [DriverRef(text, match_driver(text, roster)) for text in row.involved]
        footage = [_plan_footage(text) for text in row.footage]
        category = None
        if calculator is not None and row.description:
            suggestions = calculator.suggest_category(row.description, limit=1)
            category = suggestions[0].category if suggestions else None
        plan.reports.append(
            PlannedReport(row, str(source), session, reporter, involved, footage, category)
        )
    return plan


def _calculator(rulebook: Rulebook | None):  # type: ignore[no-untyped-def]
    from steward_desk.core.penalties import PenaltyCalculator

    return PenaltyCalculator(rulebook) if rulebook is not None else None


def _imported_refs(store: Store) -> set[str]:
    with store.read() as session:
        return {ref for ref in session.exec(select(IncidentReport.source_ref)) if ref}


def _session_by_id(sessions: list[SessionInfo], session_id: str, source: str | Path) -> SessionInfo:
    found = [s for s in sessions if s.id == session_id or s.id.startswith(session_id)]
    if len(found) != 1:
        raise ReportFormError(source, None, None, f"no single session matches {session_id!r}")
    return found[0]


def _session_for(row: ReportRow, sessions: list[SessionInfo], source: str | Path) -> SessionInfo:
    """The session a report is about: its event hint, then its session hint (race first)."""
    candidates = sessions
    if row.event_hint:
        hint = normalise(row.event_hint)
        scored = []
        for s in sessions:
            name = normalise(s.event)
            track = normalise(s.track)
            score = max(
                difflib.SequenceMatcher(None, hint, name).ratio(),
                1.0 if hint and (hint in name or name in hint) else 0.0,
                0.9 if track and track in hint else 0.0,
            )
            scored.append((score, s))
        best = max(score for score, _ in scored)
        if best < 0.6:
            events = sorted({s.event for s in sessions})
            raise ReportFormError(
                source, row.line, None,
                f"the event {row.event_hint!r} matches none of the imported events ({', '.join(events)})",
            )  # fmt: skip
        candidates = [s for score, s in scored if score == best]
    elif len({s.event_id for s in sessions}) > 1:
        events = sorted({s.event for s in sessions})
        raise ReportFormError(
            source, row.line, None,
            f"the report names no event and there are several ({', '.join(events)}): "
            "map an event column or choose the session",
        )  # fmt: skip
    wanted = (row.session_hint or "R").strip().upper()[:1]
    typed = (
        [s for s in candidates if s.type.value.startswith(wanted)]
        or [s for s in candidates if s.type.value == "R"]
        or candidates
    )
    return sorted(typed, key=lambda s: s.ended_at or datetime.min.replace(tzinfo=UTC))[-1]


def _roster(store: Store, session_id: str) -> list[RosterDriver]:
    by_player: dict[str, RosterDriver] = {}
    for entry in store.league.roster(session_id):
        names = tuple(n for n in (entry.name, entry.short_name) if n)
        known = by_player.get(entry.player_id)
        if known is None:
            by_player[entry.player_id] = RosterDriver(entry.player_id, names, (entry.car_number,))
        else:
            by_player[entry.player_id] = RosterDriver(
                entry.player_id, known.names, (*known.car_numbers, entry.car_number)
            )
    return list(by_player.values())


def _plan_footage(text: str) -> PlannedFootage:
    try:
        return PlannedFootage(text, parse_footage_link(text))
    except IntakeError as error:
        return PlannedFootage(text, None, str(error))


# -- applying -------------------------------------------------------------------------------
def apply_plan(
    store: Store,
    plan: ReportPlan,
    *,
    confirmations: Confirmations | None = None,
    footage_dir: Path | None = None,
    report_window: timedelta = timedelta(hours=24),
    decision_target: timedelta = timedelta(hours=72),
    progress: Progress | None = None,
) -> ReportImport:
    """Validate, group and store the planned reports in one transaction."""
    confirmations = confirmations or {}
    report = progress or (lambda done, total, text: None)
    total = len(plan.reports) + 1

    resolved: list[tuple[str | None, list[tuple[str, str]], list[str]]] = []
    for i, planned in enumerate(plan.reports):
        reporter_id = _chosen(i, planned.reporter, confirmations)
        involved: list[tuple[str, str]] = []  # (player id, as named)
        unmatched: list[str] = []
        for ref in planned.involved:
            chosen = _chosen(i, ref, confirmations)
            if chosen is None:
                unmatched.append(ref.text)
            elif chosen != reporter_id and chosen not in {p for p, _ in involved}:
                involved.append((chosen, ref.text))
        resolved.append((reporter_id, involved, unmatched))

    # Footage files are hashed and indexed before the transaction: that is the slow part.
    def footage_step(i: int, label: str) -> Callable[[float, str], None]:
        # Hashing and indexing a long onboard takes a while: each chunk reports (and so
        # gives a Cancel pressed meanwhile its chance to stop the import).
        return lambda _fraction, text: report(i, total, f"{label}: {text}")

    footage: list[list[NewFootage]] = []
    for i, planned in enumerate(plan.reports):
        report(i, total, f"Reading footage of {planned.label}")
        footage.append(_footage_for(store, planned, footage_dir, footage_step(i, planned.label)))

    facts = [
        ReportFacts(
            report_id=str(i),
            session_id=planned.session.id,
            submitted_at=planned.row.submitted_at or datetime.now(UTC),
            reporter_player_id=reporter_id,
            reporter_name=planned.row.reporter,
            involved_player_ids=_named(reporter_id, involved, planned),
            unmatched=tuple(unmatched),
            lap=planned.row.lap,
            race_time_ms=planned.row.race_time_ms,
            footage_count=len(footage[i]),
            footage_has_time=any(f.start_ms is not None for f in footage[i])
            or planned.row.footage_time_ms is not None,
        )
        for i, (planned, (reporter_id, involved, unmatched)) in enumerate(
            zip(plan.reports, resolved, strict=True)
        )
    ]
    existing = _existing_facts(store, {p.session.id for p in plan.reports})
    groups = group_duplicates([*existing, *facts])
    duplicates = duplicate_findings([*existing, *facts], groups)

    numbers = {
        sid: {e.player_id: e.car_number for e in store.league.roster(sid)}
        for sid in {p.session.id for p in plan.reports}
    }
    findings: dict[str, tuple[Finding, ...]] = {}
    touched: list[str] = []
    created = 0
    with store.transaction() as session:
        incident_of: dict[str, str] = {f.report_id: f.report_id.split(":", 1)[1] for f in existing}
        for group in groups:
            target = next((incident_of[r] for r in group if r in incident_of), None)
            for report_id in group:
                if report_id in incident_of:
                    continue
                i = int(report_id)
                planned = plan.reports[i]
                reporter_id, involved, _ = resolved[i]
                own = validate_report(facts[i], planned.session.ended_at, window=report_window)
                mine = own + duplicates.get(report_id, ())
                findings[planned.label] = mine
                cars = numbers[planned.session.id]
                roles = [
                    NewInvolvement(pid, InvolvementRole.ACCUSED, cars.get(pid))
                    for pid, _ in involved
                ]
                if reporter_id is not None and reporter_id in {p for p, _ in involved}:
                    roles = [r for r in roles if r.player_id != reporter_id]
                if reporter_id is not None and not any(
                    f.kind.value == "reporter_not_involved" for f in own
                ):
                    roles.insert(
                        0,
                        NewInvolvement(
                            reporter_id, InvolvementRole.REPORTER, cars.get(reporter_id)
                        ),
                    )
                ended = planned.session.ended_at
                new = NewReport(
                    session_id=planned.session.id,
                    reporter_player_id=reporter_id,
                    reporter_name=_display_name(store, reporter_id) or planned.row.reporter,
                    involved=roles,
                    description=planned.row.description,
                    submitted_at=planned.row.submitted_at or datetime.now(UTC),
                    lap=planned.row.lap,
                    race_time_ms=planned.row.race_time_ms,
                    source=_source_kind(planned.source),
                    source_ref=planned.label,
                    footage=footage[i],
                    findings=mine,
                    category=planned.category,
                    deadline=(ended + decision_target) if ended else None,
                )
                incident_id = store.incidents.file_report_in(session, new, into=target)
                if target is None:
                    created += 1
                    target = incident_id
                if incident_id not in touched:
                    touched.append(incident_id)
                report(i + 1, total, f"Filed {planned.label}")
    return ReportImport(tuple(touched), created, len(plan.reports), findings, tuple(plan.skipped))


def _named(
    reporter_id: str | None, involved: list[tuple[str, str]], planned: PlannedReport
) -> tuple[str, ...]:
    """The drivers a report concerns. Forms ask for "the other drivers", so a reporter who
    names one other driver ("#11 hit me") is taken as involved; one who names two or more
    others but not themself may be reporting what they saw, and is flagged for a person."""
    others = tuple(p for p, _ in involved)
    named_self = any(ref.match.player_id == reporter_id for ref in planned.involved)
    if reporter_id is not None and (named_self or len(others) <= 1):
        return (reporter_id, *others)
    return others


def _source_kind(source: str) -> str:
    """ "csv" / "json" from the file name; "manual" for reports typed in (`manual-…`)."""
    suffix = Path(source).suffix.lstrip(".").lower()
    if suffix:
        return suffix
    return "manual" if Path(source).name.startswith("manual-") else "form"


def _chosen(index: int, ref: DriverRef, confirmations: Confirmations) -> str | None:
    key = (index, ref.text)
    if key in confirmations:
        return confirmations[key]
    return None if ref.match.ambiguous else ref.match.player_id


def _display_name(store: Store, player_id: str | None) -> str:
    if player_id is None:
        return ""
    driver = store.league.driver(player_id)
    return driver.name if driver else ""


def _footage_for(
    store: Store,
    planned: PlannedReport,
    footage_dir: Path | None,
    step: Callable[[float, str], None] | None = None,
) -> list[NewFootage]:
    out: list[NewFootage] = []
    race_ms = planned.row.race_time_ms
    for item in planned.footage:
        link = item.link
        if link is None:
            continue
        start = link.start_ms if link.start_ms is not None else planned.row.footage_time_ms
        offset = race_ms - start if (race_ms is not None and start is not None) else 0
        owner = planned.reporter.match.player_id
        if link.source == "file":
            path = Path(link.url).expanduser()
            if not path.exists():
                out.append(
                    NewFootage(
                        location=str(path),
                        source="file",
                        start_ms=start,
                        offset_ms=offset,
                        owner_player_id=owner,
                        label=f"{path.name} (not found on this desk)",
                    )
                )
                continue
            known = _known_by_hash(store, path)
            if known is not None:
                out.append(
                    NewFootage(
                        location=str(path),
                        source="file",
                        sha256=known.sha256,
                        start_ms=start,
                        offset_ms=offset,
                        owner_player_id=owner,
                        label=path.name,
                        probe_json=known.probe_json,
                    )
                )
                continue
            from steward_desk.intake.footage_files import ingest_footage_file  # PyAV on demand

            ingested = ingest_footage_file(path, footage_dir or path.parent, step)
            out.append(
                NewFootage(
                    location=ingested.location,
                    source="file",
                    sha256=ingested.sha256,
                    start_ms=start,
                    offset_ms=offset,
                    owner_player_id=owner,
                    label=path.name,
                    probe_json=ingested.probe_json,
                )
            )
        else:
            out.append(
                NewFootage(
                    location=link.url,
                    source=link.source,
                    start_ms=start,
                    offset_ms=offset,
                    owner_player_id=owner,
                    label=f"{link.source.capitalize()} link",
                )
            )
    return out


def _known_by_hash(store: Store, path: Path) -> Footage | None:
    """A file already indexed (perhaps at another path) is recognised by its hash."""
    from steward_desk.intake.footage_files import sha256_file

    sha = sha256_file(path)
    with store.read() as session:
        row = session.exec(
            select(Footage).where(Footage.sha256 == sha, Footage.probe_json != "")
        ).first()
    return row


def _existing_facts(store: Store, session_ids: set[str]) -> list[ReportFacts]:
    """Reports already filed in these sessions, so a new report can join their incident."""
    if not session_ids:
        return []
    out: list[ReportFacts] = []
    with store.read() as session:
        rows = session.exec(
            select(IncidentReport, Incident)
            .join(Incident, col(Incident.id) == IncidentReport.incident_id)
            .where(col(Incident.session_id).in_(session_ids))
        ).all()
        in_sessions = select(Incident.id).where(col(Incident.session_id).in_(session_ids))
        involved: dict[str, list[str]] = {}
        for inv in session.exec(
            select(Involvement).where(col(Involvement.incident_id).in_(in_sessions))
        ):
            involved.setdefault(inv.incident_id, []).append(inv.player_id)
        for report, incident in rows:
            out.append(
                ReportFacts(
                    report_id=f"{report.id}:{incident.id}",
                    session_id=incident.session_id,
                    submitted_at=report.submitted_at,
                    reporter_player_id=report.reporter_player_id,
                    reporter_name=report.reporter_name,
                    involved_player_ids=tuple(involved.get(incident.id, ())),
                    lap=report.lap,
                    race_time_ms=report.race_time_ms,
                )
            )
    return out
