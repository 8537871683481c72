"""Reports into cases, as a steward does it: a form export through the mapping and confirm
steps, or one report typed in. The services decide and store; this module asks the person
what only a person can answer and shows what was filed and flagged."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from steward_desk.core.rulebook import Rulebook, RulebookError, load_rulebook
from steward_desk.core.wording import counted
from steward_desk.intake.errors import IntakeError, ReportFormError
from steward_desk.intake.report_forms import (
    ReportRow,
    decode_report_bytes,
    parse_reports,
    preview_reports,
)
from steward_desk.intake.report_import import (
    Confirmations,
    ReportImport,
    ReportPlan,
    apply_plan,
    plan_reports,
)
from steward_desk.intake.report_mapping import ReportMapping
from steward_desk.ui.intake.confirm_dialog import MatchConfirmDialog
from steward_desk.ui.intake.mapping_dialog import ColumnMappingDialog
from steward_desk.ui.intake.new_report_dialog import ManualReport, NewReportDialog
from steward_desk.ui.tasks import Progress

if TYPE_CHECKING:
    from steward_desk.app import Desk
    from steward_desk.ui.intake.actions import IntakeCapability

SETTINGS_MAPPING = "intake/report_mapping"


def is_json_export(data: bytes, path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    try:
        text, _ = decode_report_bytes(data, path)
    except ReportFormError:
        return False
    return text.lstrip("\ufeff \r\n\t")[:1] in ("[", "{")


def summary_text(outcome: ReportImport, source: str) -> str:
    """What was filed and what was flagged, in a steward's words."""
    kinds = Counter(f.kind for findings in outcome.findings.values() for f in findings)
    lines = [
        f"{source}: {counted(outcome.reports, 'report')} filed into "
        f"{counted(len(outcome.incidents), 'case')} "
        f"({outcome.created} new)."
    ]
    flagged = sum(1 for findings in outcome.findings.values() if findings)
    if flagged:
        parts = [f"{count} {kind.label.lower()}" for kind, count in sorted(kinds.items())]
        lines.append(f"{counted(flagged, 'report')} flagged: {', '.join(parts)}.")
    else:
        lines.append("Nothing was flagged.")
    if outcome.skipped:
        lines.append(
            f"{counted(len(outcome.skipped), 'report')} "
            f"{'was' if len(outcome.skipped) == 1 else 'were'} imported before "
            "and left as they are."
        )
    return "\n".join(lines)


class ReportFlow:
    """Import reports… and New report… of the File menu."""

    def __init__(self, capability: IntakeCapability) -> None:
        self.capability = capability
        self.desk: Desk = capability.desk
        self.last_summary = ""
        self._rulebook: Rulebook | None = None

    # -- shared ----------------------------------------------------------------------------
    def rulebook(self) -> Rulebook | None:
        if self._rulebook is None:
            try:
                self._rulebook = load_rulebook()
            except RulebookError:
                return None  # reports still import; only the category suggestion is lost
        return self._rulebook

    def _windows(self) -> tuple[timedelta, timedelta]:
        rulebook = self.rulebook()
        if rulebook is None:
            return timedelta(hours=24), timedelta(hours=72)
        return (
            timedelta(hours=rulebook.deadlines.report_hours),
            timedelta(hours=rulebook.deadlines.decision_target_hours),
        )

    def mapping_key(self) -> str:
        league = self.capability.league_name().replace("/", "∕").replace("\\", "∖")
        return f"{SETTINGS_MAPPING}/{league}"

    def saved_mapping(self) -> ReportMapping | None:
        text = self.desk.settings.value(self.mapping_key())
        if not text:
            return None
        try:
            return ReportMapping.from_toml(str(text), "saved mapping")
        except ReportFormError:
            return None  # a mapping from an older version: guess again

    def remember_mapping(self, mapping: ReportMapping) -> None:
        self.desk.settings.setValue(self.mapping_key(), mapping.to_toml())
        self.desk.settings.sync()

    # -- import a form export --------------------------------------------------------------
    def import_file(self, path: Path) -> None:
        """Read, map (CSV), plan, confirm, then file in the background."""
        window = self.desk.window
        try:
            data = path.read_bytes()
            mapping = None
            if not is_json_export(data, path):
                preview = preview_reports(data, path, limit=8)
                dialog = ColumnMappingDialog(
                    path.name,
                    preview,
                    self.saved_mapping(),
                    self.capability.league_name(),
                    window,
                )
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
                mapping = dialog.mapping()
                self.remember_mapping(mapping)
            rows = parse_reports(data, path, mapping)
            plan = self._plan(rows, path)
        except OSError as error:
            self.capability.refuse(f"{path.name}: cannot be read ({error.strerror or error}).")
            return
        except IntakeError as error:
            self.capability.refuse(str(error))
            return
        if plan is None:
            return
        confirmations = self._confirm(plan)
        if confirmations is None:
            return
        self._apply(plan, confirmations, path.name)

    def _plan(
        self, rows: tuple[ReportRow, ...] | list[ReportRow], source: Path | str
    ) -> ReportPlan | None:
        store = self.desk.store
        try:
            return plan_reports(store, rows, source, rulebook=self.rulebook())
        except ReportFormError as error:
            sessions = store.league.sessions()
            if not sessions or error.line is None:
                raise
            # The reports do not say which race they are about: the steward does.
            labels = [f"{s.event} · {s.label}" for s in sessions]
            choice, ok = QInputDialog.getItem(
                self.desk.window,
                "Which session?",
                f"{error}\n\nFile every report of this file under:",
                labels,
                len(labels) - 1,
                False,
            )
            if not ok:
                return None
            session = sessions[labels.index(choice)]
            return plan_reports(
                store, rows, source, session_id=session.id, rulebook=self.rulebook()
            )

    def _confirm(self, plan: ReportPlan) -> Confirmations | None:
        if not plan.to_confirm():
            return {}
        names = {}
        for session_id in {p.session.id for p in plan.reports}:
            for entry in self.desk.store.league.roster(session_id):
                names[entry.player_id] = f"#{entry.car_number} {entry.name}"
        dialog = MatchConfirmDialog(plan, names, self.desk.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.confirmations()

    def _apply(
        self, plan: ReportPlan, confirmations: Confirmations, source: str, *, announce: bool = True
    ) -> None:
        store = self.desk.store
        window, decision = self._windows()
        footage_dir = self.desk.window.paths.footage_dir

        def work(progress: Progress) -> ReportImport:
            return apply_plan(
                store,
                plan,
                confirmations=confirmations,
                footage_dir=footage_dir,
                report_window=window,
                decision_target=decision,
                progress=progress,
            )

        def done(outcome: ReportImport) -> None:
            self.last_summary = summary_text(outcome, source)
            self.capability.show_cases(outcome.incidents, flagged_first=announce)
            if announce:
                QMessageBox.information(self.desk.window, "Reports imported", self.last_summary)
            else:
                self.capability.status(self.last_summary.replace("\n", " "))

        self.desk.runner.with_progress(
            self.desk.window,
            f"Filing the reports of {source}…",
            work,
            on_done=done,
            on_error=self.capability.task_failed,
            on_cancel=lambda: self.capability.status("Report import cancelled: nothing was filed"),
        )

    # -- one report by hand ----------------------------------------------------------------
    def new_report(self) -> None:
        store = self.desk.store
        sessions = store.league.sessions()
        if not sessions:
            self.capability.refuse(
                "No race results are imported yet: import the ACC results of the race first."
            )
            return
        current = self.desk.window.current_incident_id()
        session_id = store.incidents.detail(current).summary.session_id if current else None
        races = [s for s in sessions if s.type.value == "R"]
        if session_id is None and races:
            session_id = max(races, key=lambda s: s.ended_at or datetime.min.replace(tzinfo=UTC)).id
        dialog = NewReportDialog(
            sessions, store.league.roster, session_id=session_id, parent=self.desk.window
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.file_manual(dialog.report())

    def file_manual(self, report: ManualReport) -> None:
        """File a typed-in report through the same plan → apply path as an import."""
        now = datetime.now(UTC)
        involved = (
            (report.reporter, *report.involved) if report.reporter_involved else report.involved
        )
        row = ReportRow(
            line=1,
            submitted_at=now,
            event_hint="",
            session_hint="",
            reporter=report.reporter,
            involved=tuple(involved),
            lap=report.lap,
            race_time_ms=report.race_time_ms,
            description=report.description,
            footage=report.footage,
        )
        try:
            plan = plan_reports(
                self.desk.store,
                [row],
                f"manual-{now:%Y%m%dT%H%M%S%f}",
                session_id=report.session_id,
                rulebook=self.rulebook(),
            )
        except IntakeError as error:
            self.capability.refuse(str(error))
            return
        self._apply(plan, {}, "New report", announce=False)
