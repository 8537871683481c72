"""The main window: the incident queue, the selected case's details, menus and the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from steward_desk import __version__
from steward_desk.core.model import IncidentStatus, IncidentSummary
from steward_desk.paths import Paths
from steward_desk.storage.store import Store
from steward_desk.ui.detail_pane import DetailPane
from steward_desk.ui.menus import add_action
from steward_desk.ui.queue_model import (
    DEADLINE,
    EVENT,
    FLAGS,
    INVOLVED,
    NUMBER,
    SESSION,
    SUMMARY_ROLE,
    IncidentFilterProxy,
    IncidentTableModel,
    QueueFilter,
    category_label,
)
from steward_desk.ui.shortcuts_dialog import ShortcutsDialog
from steward_desk.ui.tasks import TaskRunner
from steward_desk.ui.theme import THEMES, apply_theme

SETTINGS_GEOMETRY = "window/geometry"
SETTINGS_STATE = "window/state"
SETTINGS_HEADER = "queue/header"
SETTINGS_THEME = "view/theme"
STATE_VERSION = 1


class FilterBar(QWidget):
    """Text search plus pickers for event, session, status, category, driver and deadline."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search cases, drivers, player ids…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.event_combo = self._combo("All events")
        self.session = self._combo("All sessions")
        self.status = self._combo("Any status")
        self.category = self._combo("Any category")
        self.driver = self._combo("Any driver")
        self.due = self._combo("Any deadline")
        for value, text in (
            ("open", "Open cases"),
            ("24h", "Due within 24 h"),
            ("overdue", "Overdue"),
        ):
            self.due.addItem(text, value)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.search, 3)
        for combo in (
            self.event_combo,
            self.session,
            self.status,
            self.category,
            self.driver,
            self.due,
        ):
            layout.addWidget(combo, 1)
        self.search.textChanged.connect(self._emit)

    def _combo(self, any_text: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(any_text, "")
        combo.currentIndexChanged.connect(self._emit)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        return combo

    def criteria(self) -> QueueFilter:
        return QueueFilter(
            text=self.search.text(),
            event=self.event_combo.currentData() or "",
            session=self.session.currentData() or "",
            status=self.status.currentData() or "",
            category=self.category.currentData() or "",
            driver=self.driver.currentData() or "",
            due=self.due.currentData() or "",
        )

    def set_choices(self, rows: list[IncidentSummary]) -> None:
        """Offer only values present in the queue, keeping the current picks."""

        def fill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, text in items:
                combo.addItem(text, value)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

        fill(self.event_combo, [(e, e) for e in sorted({r.event for r in rows})])
        fill(self.session, [(s, s) for s in sorted({r.session for r in rows})])
        fill(
            self.status,
            [(s.value, s.label) for s in IncidentStatus if any(r.status == s for r in rows)],
        )
        fill(
            self.category,
            [(c, category_label(c)) for c in sorted({r.category for r in rows if r.category})],
        )
        drivers = {d.player_id: d.name for r in rows for d in r.involved}
        fill(
            self.driver,
            sorted(((pid, name) for pid, name in drivers.items()), key=lambda x: x[1].casefold()),
        )

    def _emit(self, *_: Any) -> None:
        self.changed.emit(self.criteria())


class MainWindow(QMainWindow):
    """Thin: turns gestures into repository calls and repaints from what they return."""

    incident_selected = Signal(str)

    def __init__(
        self,
        store: Store,
        paths: Paths,
        runner: TaskRunner,
        settings: QSettings,
        *,
        banner: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.paths = paths
        self.runner = runner
        self.settings = settings
        self.setWindowTitle("Steward Desk")
        self.setObjectName("MainWindow")
        self.review_factory: Callable[[str], QWidget] | None = None

        self.model = IncidentTableModel(self)
        self.proxy = IncidentFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filters = FilterBar(self)
        self.filters.changed.connect(self.proxy.set_criteria)
        self.filters.changed.connect(lambda _c: self._update_counts())

        self.table = QTableView(self)
        self.table.setObjectName("queueTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NUMBER, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_review())

        queue_page = QWidget(self)
        queue_layout = QVBoxLayout(queue_page)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.setSpacing(0)
        queue_layout.addWidget(self.filters)
        self.banner = QLabel(banner, queue_page)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#banner{background:#fef3c7;color:#78350f;padding:6px 10px;}"
        )
        self.banner.setVisible(bool(banner))
        queue_layout.addWidget(self.banner)
        queue_layout.addWidget(self.table)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._details_hidden_for_review = False
        self.tabs.addTab(queue_page, "Queue")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)

        self.details = DetailPane(self)
        self.details.review_requested.connect(self.open_review)
        self.details.override_requested.connect(self.override_finding)
        self.details_dock = QDockWidget("Case details", self)
        self.details_dock.setObjectName("detailsDock")
        self.details_dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)

        self.count_label = QLabel(self)
        self.db_label = QLabel(self)
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self.db_label.setText(f"Database: {self.paths.db_path or self.paths.db_url}")

        self._build_menus()
        self.restore_layout()
        self.refresh()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    # -- menus -----------------------------------------------------------------------------
    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        group: str = "Main window",
    ) -> QAction:
        return add_action(self, menu, text, slot, shortcut, group)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.incident_menu = bar.addMenu("&Incident")
        self.panel_menu = bar.addMenu("&Panel")
        self.export_menu = bar.addMenu("&Export")
        self.view_menu = bar.addMenu("&View")
        self.help_menu = bar.addMenu("&Help")

        self.action_refresh = self._action(
            self.file_menu, "&Refresh", self.refresh, QKeySequence.StandardKey.Refresh
        )
        self.file_menu.addSeparator()
        self._action(self.file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.action_review = self._action(
            self.incident_menu, "Open &review", self.open_review, "Return"
        )
        self._action(
            self.incident_menu,
            "Find…",
            lambda: self.filters.search.setFocus(),
            QKeySequence.StandardKey.Find,
        )

        self.details_dock.toggleViewAction().setText("Case &details pane")
        self.view_menu.addAction(self.details_dock.toggleViewAction())
        theme_menu = self.view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        current = str(self.settings.value(SETTINGS_THEME, "system"))
        for theme in THEMES:
            action = QAction(theme.capitalize(), self, checkable=True)
            action.setChecked(theme == current)
            action.triggered.connect(lambda _c=False, t=theme: self.set_theme(t))
            group.addAction(action)
            theme_menu.addAction(action)

        self._action(self.help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(self.help_menu, "&About Steward Desk", self.show_about)

    def all_actions(self) -> list[QAction]:
        """Every action of the window, including those of open review tabs."""
        actions = list(self.findChildren(QAction))
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            provider = getattr(widget, "shortcut_actions", None)
            if callable(provider):
                actions.extend(provider())
        return actions

    # -- queue -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the queue, keeping the selected case selected."""
        current = self.current_incident_id()
        rows = self.store.incidents.list_summaries()
        self.model.set_rows(rows)
        self.filters.set_choices(rows)
        self.proxy.set_criteria(self.filters.criteria())
        self.table.resizeColumnsToContents()
        # Long event names and driver lists would push the deadline out of sight.
        for column, cap in ((EVENT, 170), (INVOLVED, 270), (SESSION, 120), (FLAGS, 200)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        self.table.setColumnWidth(DEADLINE, max(self.table.columnWidth(DEADLINE), 96))
        if current:
            self.select_incident(current)
        self._update_counts()

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        open_count = sum(1 for s in self.model.rows() if s.status.is_open)
        overdue = sum(
            1
            for s in self.model.rows()
            if s.status.is_open and s.deadline and s.deadline < self.model.now
        )
        text = f"{shown} of {total} cases shown · {open_count} open"
        if overdue:
            text += f" · {overdue} overdue"
        self.count_label.setText(text)

    def current_incident_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        summary = index.data(SUMMARY_ROLE)
        return summary.id if summary else None

    def select_incident(self, incident_id: str) -> bool:
        row = self.model.row_of(incident_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = current.data(SUMMARY_ROLE) if current.isValid() else None
        if summary is None:
            self.details.show_empty()
            return
        self.show_details(summary.id)
        self.incident_selected.emit(summary.id)

    def show_details(self, incident_id: str) -> None:
        detail = self.store.incidents.detail(incident_id)
        ids = [fid for fid, _ in self.store.incidents.finding_ids(incident_id)]
        self.details.show_detail(detail, ids)

    # -- case actions ----------------------------------------------------------------------
    def override_finding(self, incident_id: str, finding_id: int) -> None:
        reason, ok = QInputDialog.getText(
            self, "Override finding", "Why does this finding not apply? (kept in the audit log)"
        )
        if not ok or not reason.strip():
            return
        self.store.incidents.override_finding(finding_id, reason)
        self.refresh()
        self.show_details(incident_id)

    def open_review(self, incident_id: str | None = None) -> None:
        incident_id = incident_id or self.current_incident_id()
        if incident_id is None:
            return
        for i in range(1, self.tabs.count()):
            if self.tabs.widget(i).property("incident_id") == incident_id:
                self.tabs.setCurrentIndex(i)
                return
        if self.review_factory is None:
            self.statusBar().showMessage(
                "The review workspace is not available in this build", 5000
            )
            return
        widget = self.review_factory(incident_id)
        widget.setProperty("incident_id", incident_id)
        number = self.store.incidents.detail(incident_id).summary.number
        index = self.tabs.addTab(widget, f"Review · case {number}")
        self.tabs.setCurrentIndex(index)

    def _on_tab_changed(self, index: int) -> None:
        """The case details duplicate what a review tab shows: give its room to the footage,
        and bring the pane back on the queue if it was open there."""
        if not hasattr(self, "details_dock"):
            return
        if index == 0:
            if self._details_hidden_for_review:
                self._details_hidden_for_review = False
                self.details_dock.show()
        elif self.details_dock.isVisible():
            self._details_hidden_for_review = True
            self.details_dock.hide()

    def _close_tab(self, index: int) -> None:
        if index == 0:
            return
        widget = self.tabs.widget(index)
        closer = getattr(widget, "shutdown", None)
        if callable(closer):
            closer()
        self.tabs.removeTab(index)
        widget.deleteLater()

    # -- view ------------------------------------------------------------------------------
    def set_theme(self, theme: str) -> None:
        self.settings.setValue(SETTINGS_THEME, theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.all_actions(), self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Steward Desk",
            f"<b>Steward Desk {__version__}</b><p>A workstation for the stewards of online "
            "sim-racing leagues: incident reports, onboard footage on one race clock, the "
            "rulebook's checklists, signed verdicts and decisions.</p>"
            f"<p>Database: {self.paths.db_path or self.paths.db_url}<br>Home: {self.paths.home}</p>",
        )

    # -- layout memory ---------------------------------------------------------------------
    def restore_layout(self) -> None:
        geometry = self.settings.value(SETTINGS_GEOMETRY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 820)
        state = self.settings.value(SETTINGS_STATE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state, STATE_VERSION)
        else:
            self.resizeDocks([self.details_dock], [380], Qt.Orientation.Horizontal)
        header = self.settings.value(SETTINGS_HEADER)
        if isinstance(header, QByteArray) and not header.isEmpty():
            # Restored after the first fill, else resizeColumnsToContents would undo it.
            QTimer.singleShot(0, lambda: self.table.horizontalHeader().restoreState(header))

    def save_layout(self) -> None:
        self.settings.setValue(SETTINGS_GEOMETRY, self.saveGeometry())
        self.settings.setValue(SETTINGS_STATE, self.saveState(STATE_VERSION))
        self.settings.setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        for i in range(self.tabs.count() - 1, 0, -1):
            self._close_tab(i)
        self.save_layout()
        self.runner.wait(5000)
        super().closeEvent(event)
