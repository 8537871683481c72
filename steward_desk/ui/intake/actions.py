"""What intake adds to the main window: File → Import results… (Ctrl+I), Import results
folder…, Import reports…, New report… (Ctrl+N), result and report files dropped on the
window, and "Open at time" for footage links in the case details."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu, QMessageBox

from steward_desk.core.model import FootageRef, IncidentSummary, format_race_time
from steward_desk.core.wording import counted
from steward_desk.intake.errors import IntakeError
from steward_desk.intake.footage_links import parse_footage_link
from steward_desk.intake.report_forms import decode_report_bytes
from steward_desk.intake.results_import import (
    ResultsImport,
    default_event_name,
    expand_files,
    import_results,
)
from steward_desk.ui.intake.report_flow import ReportFlow
from steward_desk.ui.intake.results_dialog import ResultsImportDialog
from steward_desk.ui.tasks import Progress

if TYPE_CHECKING:
    from steward_desk.app import Desk

log = logging.getLogger(__name__)

SETTINGS_LAST_DIR = "intake/last_dir"
RESULTS_FILTER = "ACC result files (*.json);;All files (*)"
REPORTS_FILTER = "Report exports (*.csv *.tsv *.txt *.json);;All files (*)"
_REPORT_SUFFIXES = (".csv", ".tsv", ".txt")
GROUP = "Import"


def install(desk: Desk) -> None:
    """Add the intake menu items, drop handling and footage actions to the desk's window."""
    desk.window.intake = IntakeCapability(desk)  # type: ignore[attr-defined]


def footage_moment(clip: FootageRef, summary: IncidentSummary) -> int | None:
    """Where in the clip the incident is: race time minus the clip's race-time start, or
    else the moment the report's link pointed at."""
    if summary.race_time_ms is None:
        return clip.start_ms
    if clip.offset_ms == 0 and clip.start_ms is not None:
        return clip.start_ms  # no race time was known when the clip was filed
    return max(0, summary.race_time_ms - clip.offset_ms)


def open_at_time_url(clip: FootageRef, summary: IncidentSummary) -> str:
    """The address that opens `clip` at the incident (FootageLink.open_url_at)."""
    return parse_footage_link(clip.location).open_url_at(footage_moment(clip, summary))


def looks_like_results(path: Path) -> bool:
    """A dropped file: ACC results (or a folder of them) rather than a report export."""
    if path.is_dir():
        return True
    if path.suffix.lower() in _REPORT_SUFFIXES:
        return False
    try:
        head = path.read_bytes()[:65536]
        text, _ = decode_report_bytes(head, path)
    except (OSError, IntakeError, UnicodeDecodeError):
        return path.suffix.lower() == ".json"  # the results importer will say what is wrong
    return '"sessionResult"' in text or '"leaderBoardLines"' in text or '"sessionType"' in text


class _DropFilter(QObject):
    """Files dropped anywhere on the main window."""

    def __init__(self, capability: IntakeCapability) -> None:
        super().__init__(capability.desk.window)
        self.capability = capability

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if _local_paths(event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = _local_paths(event.mimeData().urls())
            if paths:
                event.acceptProposedAction()
                self.capability.dropped(paths)
                return True
        return False


def _local_paths(urls: Iterable[QUrl]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and url.toLocalFile()]


class IntakeCapability:
    """Holds the wiring so tests can reach it: `desk.window.intake`."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.reports = ReportFlow(self)
        self.last_results: ResultsImport | None = None
        window = desk.window
        menu = window.file_menu
        self.import_results_action = self._action("Import &results…", "Ctrl+I", self.import_results)
        self.import_folder_action = self._action(
            "Import results &folder…", None, self.import_results_folder
        )
        self.import_reports_action = self._action(
            "Import re&ports…", "Ctrl+Shift+I", self.import_reports
        )
        self.new_report_action = self._action("&New report…", "Ctrl+N", self.reports.new_report)
        # Imports come first in File, above the window's own Refresh and Quit.
        first = menu.actions()[0] if menu.actions() else None
        for action in self._own_actions():
            if first is None:
                menu.addAction(action)
            else:
                menu.insertAction(first, action)
        if first is not None:
            menu.insertSeparator(first)

        self.open_footage_action = self._action(
            "Open footage at incident &time", "Ctrl+Shift+O", self.open_footage_at_time
        )
        self.open_footage_action.setProperty("shortcut_group", "Main window")
        window.incident_menu.addAction(self.open_footage_action)

        window.setAcceptDrops(True)
        self.drops = _DropFilter(self)
        window.installEventFilter(self.drops)

        browser = window.details.browser
        browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        browser.customContextMenuRequested.connect(self._details_menu)

    def _own_actions(self) -> list[QAction]:
        return [
            self.import_results_action,
            self.import_folder_action,
            self.import_reports_action,
            self.new_report_action,
        ]

    def _action(self, text: str, keys: str | None, slot: object) -> QAction:
        action = QAction(text, self.desk.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setProperty("shortcut_group", GROUP)
        action.triggered.connect(lambda _c=False: slot())  # type: ignore[operator]
        return action

    # -- shared ----------------------------------------------------------------------------
    def league_name(self) -> str:
        """The league this desk imports for: its one non-demo league, else any, else ours."""
        names = self.desk.store.league.league_names()
        own = [n for n in names if not n.endswith("(demo)")]
        return (own or names or ["My league"])[0]

    def refuse(self, message: str) -> None:
        """Bad input: say which file and what, and that nothing changed."""
        QMessageBox.warning(
            self.desk.window,
            "Import refused",
            f"{message}\n\nNothing was imported: the database is unchanged.",
        )

    def task_failed(self, error: BaseException, trace: str) -> None:
        if isinstance(error, IntakeError | OSError):
            self.refuse(str(error))
            return
        log.error("intake task failed: %s\n%s", error, trace)
        QMessageBox.critical(
            self.desk.window,
            "Import failed",
            f"The import stopped on an unexpected error: {error}\n\nNothing was imported: "
            "the database is unchanged.",
        )

    def status(self, text: str) -> None:
        self.desk.window.statusBar().showMessage(text, 8000)

    def show_cases(self, incident_ids: Sequence[str], *, flagged_first: bool = False) -> None:
        """Refresh the queue and select a case of the import (a flagged one when asked)."""
        window = self.desk.window
        window.refresh()
        if not incident_ids:
            return
        target = incident_ids[0]
        if flagged_first:
            summaries = {s.id: s for s in self.desk.store.incidents.list_summaries()}
            flagged = [i for i in incident_ids if i in summaries and summaries[i].open_findings]
            target = flagged[0] if flagged else target
        window.select_incident(target)

    def _start_dir(self) -> str:
        return str(self.desk.settings.value(SETTINGS_LAST_DIR, "") or Path.home())

    def _remember_dir(self, path: Path) -> None:
        self.desk.settings.setValue(SETTINGS_LAST_DIR, str(path if path.is_dir() else path.parent))

    # -- results ---------------------------------------------------------------------------
    def import_results(self, paths: Sequence[Path] | None = None) -> None:
        """File → Import results…: choose files (or take the dropped ones), confirm the
        event, import on the worker pool with progress and cancel."""
        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(
                self.desk.window, "Import ACC results", self._start_dir(), RESULTS_FILTER
            )
            paths = [Path(n) for n in names]
        if not paths:
            return
        self._remember_dir(Path(paths[0]))
        try:
            files = expand_files(paths)
            suggested = self._suggest_event(files[0])
        except IntakeError as error:
            self.refuse(str(error))
            return
        known = sorted({s.event for s in self.desk.store.league.sessions()})
        dialog = ResultsImportDialog(files, suggested, known, self.desk.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        options = dialog.options()
        store = self.desk.store

        def work(progress: Progress) -> ResultsImport:
            return import_results(
                store,
                files,
                event=options.event,
                kind=options.kind,
                round=options.round,
                final_round=options.final_round,
                progress=progress,
            )

        self.desk.runner.with_progress(
            self.desk.window,
            f"Importing {counted(len(files), 'result file')}…",
            work,
            on_done=self._results_imported,
            on_error=self.task_failed,
            on_cancel=lambda: self.status("Results import cancelled: nothing was imported"),
        )

    def import_results_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.desk.window,
            "Import a folder of ACC results (one event weekend)",
            self._start_dir(),
        )
        if folder:
            self.import_results([Path(folder)])

    def _suggest_event(self, first: Path) -> str:
        from steward_desk.intake.acc_results import parse_acc_results
        from steward_desk.intake.errors import AccResultsError

        try:
            data = first.read_bytes()
        except OSError as error:
            raise AccResultsError(
                first, "", f"cannot be read ({error.strerror or error})"
            ) from None
        return default_event_name(parse_acc_results(data, first), first)

    def _results_imported(self, outcome: ResultsImport) -> None:
        self.last_results = outcome
        new = sum(1 for s in outcome.sessions if s.created)
        parts = [
            f"{Path(s.source).name}: {acc.raw_session_type} at {acc.track}, {s.cars} cars"
            + ("" if s.created else " (already imported)")
            for s, acc in zip(outcome.sessions, outcome.parsed, strict=True)
        ]
        self.desk.window.refresh()
        self.status(
            f"Imported {new} of {counted(len(outcome.sessions), 'session')}: " + "; ".join(parts)
        )

    # -- reports ---------------------------------------------------------------------------
    def import_reports(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self.desk.window, "Import incident reports", self._start_dir(), REPORTS_FILTER
            )
            if not name:
                return
            path = Path(name)
        self._remember_dir(path)
        self.reports.import_file(path)

    # -- drops -----------------------------------------------------------------------------
    def dropped(self, paths: list[Path]) -> None:
        """Result files and folders import as one event; report exports open the report
        import, one file after the other."""
        results = [p for p in paths if looks_like_results(p)]
        reports = [p for p in paths if p not in results]
        if results:
            self.import_results(results)
        for path in reports:
            self.import_reports(path)

    # -- footage at time -------------------------------------------------------------------
    def _current(self) -> tuple[IncidentSummary, list[FootageRef]] | None:
        incident_id = self.desk.window.current_incident_id()
        if incident_id is None:
            return None
        detail = self.desk.store.incidents.detail(incident_id)
        return detail.summary, list(detail.footage)

    def open_footage_at_time(self, footage_id: str | None = None) -> str | None:
        """Open a clip of the selected case in the browser (or player) at the incident;
        returns the address opened. With several clips and no id, a menu asks which."""
        current = self._current()
        if current is None:
            return None
        summary, clips = current
        if footage_id is not None:
            clips = [c for c in clips if c.id == footage_id]
        if not clips:
            self.status("This case has no footage")
            return None
        if len(clips) > 1:
            menu = QMenu(self.desk.window)
            for clip in clips:
                action = menu.addAction(self._clip_title(clip, summary))
                action.setData(clip.id)
            chosen = self.pick_from(menu)
            if chosen is None:
                return None
            clips = [c for c in clips if c.id == chosen.data()]
        url = open_at_time_url(clips[0], summary)
        QDesktopServices.openUrl(QUrl(url))
        return url

    def pick_from(self, menu: QMenu) -> QAction | None:
        """Pop the menu up at the pointer; the action picked, or None (tests replace this)."""
        return menu.exec(self.desk.window.cursor().pos())

    @staticmethod
    def _clip_title(clip: FootageRef, summary: IncidentSummary) -> str:
        at = footage_moment(clip, summary)
        where = f" at {format_race_time(at)}" if at is not None else ""
        return f"Open {clip.label or clip.source}{where}"

    def _details_menu(self, pos: QPoint) -> None:
        browser = self.desk.window.details.browser
        menu = self.details_menu(pos)
        menu.exec(browser.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def details_menu(self, pos: QPoint) -> QMenu:
        """The case details' context menu at `pos`: on a footage link, Open at time first."""
        browser = self.desk.window.details.browser
        menu = browser.createStandardContextMenu(pos)
        href = browser.anchorAt(pos)
        current = self._current()
        if current is not None and href:
            summary, clips = current
            for clip in clips:
                if clip.location == href or QUrl(clip.location) == QUrl(href):
                    first = menu.actions()[0] if menu.actions() else None
                    at = menu.addAction(
                        self._clip_title(clip, summary).replace("Open", "Open at time:", 1)
                    )
                    at.triggered.connect(lambda _c=False, c=clip.id: self.open_footage_at_time(c))
                    copy = menu.addAction("Copy link at incident time")
                    copy.triggered.connect(
                        lambda _c=False, c=clip: QApplication.clipboard().setText(
                            open_at_time_url(c, summary)
                        )
                    )
                    if first is not None:
                        menu.insertAction(first, at)
                        menu.insertAction(first, copy)
                        menu.insertSeparator(first)
                    break
        return menu
