"""The Merge tab: per incident, the panel's verdicts side by side, for the head steward.

Left, the incidents holding panel verdicts with their quorum and majority; right, the chosen
incident's verdicts in one column per steward. A row where the panel agrees is green; a row
where it splits is amber and the split is named underneath ("Outcome: Penalty (Ann, Bo) vs
Racing incident (Cy)"). Accept majority and Decide… hand the head steward's choice to the
caller (`decide_requested`); this widget never writes anything.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.panel import FIELDS
from steward_desk.panel.merge import IncidentPanel

AGREE_BG, AGREE_FG = QColor("#dcfce7"), QColor("#14532d")
SPLIT_BG, SPLIT_FG = QColor("#fef3c7"), QColor("#92400e")
MAJORITY_BG = QColor("#fde68a")
ROWS = (*FIELDS, "reasoning")
ROW_LABELS = {
    "category": "Category",
    "outcome": "Outcome",
    "penalty": "Penalty",
    "at_fault": "At fault",
    "reasoning": "Reasoning",
}
LIST_COLUMNS = ("Case", "Event", "Verdicts", "Quorum", "Majority", "Status")


class MergeView(QWidget):
    """Thin: shows `IncidentPanel`s; emits `decide_requested(incident_id, accept_majority)`."""

    decide_requested = Signal(str, bool)
    refresh_requested = Signal()
    save_document_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeView")
        self.panels: list[IncidentPanel] = []
        self.loading = False

        self.cases = QTableWidget(0, len(LIST_COLUMNS), self)
        self.cases.setObjectName("mergeCases")
        self.cases.setHorizontalHeaderLabels(LIST_COLUMNS)
        self.cases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases.verticalHeader().setVisible(False)
        self.cases.horizontalHeader().setStretchLastSection(True)
        self.cases.currentCellChanged.connect(lambda row, *_: self._show(row))

        self.title = QLabel(self)
        self.title.setObjectName("mergeTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.quorum = QLabel(self)
        self.quorum.setObjectName("mergeQuorum")
        self.quorum.setWordWrap(True)

        self.grid = QTableWidget(len(ROWS), 0, self)
        self.grid.setObjectName("mergeGrid")
        self.grid.setVerticalHeaderLabels([ROW_LABELS[r] for r in ROWS])
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.grid.setWordWrap(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.split = QLabel(self)
        self.split.setObjectName("mergeDisagreements")
        self.split.setWordWrap(True)
        self.split.setStyleSheet(
            f"QLabel#mergeDisagreements{{background:{SPLIT_BG.name()};color:{SPLIT_FG.name()};"
            "padding:6px 8px;border-radius:4px;}"
        )
        self.notes = QLabel(self)
        self.notes.setObjectName("mergeNotes")
        self.notes.setWordWrap(True)

        self.accept_button = QPushButton("Accept majority", self)
        self.accept_button.setObjectName("acceptMajority")
        self.accept_button.clicked.connect(lambda: self._request(True))
        self.decide_button = QPushButton("Decide…", self)
        self.decide_button.setObjectName("decide")
        self.decide_button.clicked.connect(lambda: self._request(False))
        self.document_button = QPushButton("Save signed decision…", self)
        self.document_button.setObjectName("saveDecision")
        self.document_button.setToolTip("For the panel members to co-sign (Panel → Co-sign)")
        self.document_button.clicked.connect(self.save_document_requested.emit)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        buttons.addWidget(self.document_button)
        buttons.addStretch(1)
        buttons.addWidget(self.decide_button)
        buttons.addWidget(self.accept_button)

        detail = QWidget(self)
        right = QVBoxLayout(detail)
        right.addWidget(self.title)
        right.addWidget(self.quorum)
        right.addWidget(self.grid)
        right.addWidget(self.split)
        right.addWidget(self.notes)
        legend = QLabel(
            f"<span style='background:{AGREE_BG.name()};color:{AGREE_FG.name()}'>&nbsp;the panel "
            f"agrees&nbsp;</span> &nbsp; <span style='background:{MAJORITY_BG.name()};"
            f"color:{SPLIT_FG.name()}'>&nbsp;split: the majority&nbsp;</span> &nbsp; "
            f"<span style='background:{SPLIT_BG.name()};color:{SPLIT_FG.name()}'>&nbsp;split: "
            "the others&nbsp;</span>",
            self,
        )
        legend.setObjectName("mergeLegend")
        right.addWidget(legend)
        right.addStretch(1)
        right.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.cases)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([520, 980])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._show(-1)

    # -- filling ------------------------------------------------------------------------------
    def set_panels(self, panels: list[IncidentPanel], select: str | None = None) -> None:
        """Show these incidents; keep (or move to) `select`'s row."""
        current = select or self.current_incident_id()
        self.loading = False
        self.cases.setEnabled(True)
        self.panels = panels
        self.cases.blockSignals(True)
        self.cases.setRowCount(len(panels))
        for row, panel in enumerate(panels):
            values = (
                f"{panel.number}",
                panel.event,
                f"{len(panel.columns)}",
                "reached"
                if panel.result.quorum_reached
                else f"{len(panel.columns)}/{panel.result.quorum}",
                panel.majority_text.removeprefix("majority "),
                panel.status.replace("_", " "),
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.cases.setItem(row, column, item)
        self.cases.resizeColumnsToContents()
        self.cases.resizeRowsToContents()
        self.cases.setColumnWidth(1, min(self.cases.columnWidth(1), 170))
        self.cases.blockSignals(False)
        ids = [p.incident_id for p in panels]
        row = ids.index(current) if current in ids else (0 if panels else -1)
        self.cases.setCurrentCell(row, 0) if row >= 0 else None
        self._show(row)

    def set_loading(self, loading: bool) -> None:
        """While the panels are read again (on a worker thread), nothing can be decided on
        the ones shown: they may be stale. set_panels ends it."""
        self.loading = loading
        self.cases.setEnabled(not loading)
        if loading:
            for button in (self.accept_button, self.decide_button, self.document_button):
                button.setEnabled(False)
            if self.panels:
                self.quorum.setText("Reading the panel's verdicts again…")
            else:  # the first reading: "no verdicts yet" would not be true
                self.title.setText("Reading the panel's verdicts…")
                self.quorum.clear()

    def current_incident_id(self) -> str | None:
        row = self.cases.currentRow()
        return self.panels[row].incident_id if 0 <= row < len(self.panels) else None

    def current_panel(self) -> IncidentPanel | None:
        row = self.cases.currentRow()
        return self.panels[row] if 0 <= row < len(self.panels) else None

    def _show(self, row: int) -> None:
        panel = self.panels[row] if 0 <= row < len(self.panels) else None
        self.accept_button.setEnabled(False)
        self.decide_button.setEnabled(panel is not None)
        self.document_button.setEnabled(panel is not None and panel.decision_id is not None)
        if panel is None:
            self.title.setText("No panel verdicts yet: import the stewards' bundles (Panel menu)")
            self.quorum.clear()
            self.grid.setColumnCount(0)
            self.split.hide()
            self.notes.clear()
            return
        drivers = " vs ".join(panel.drivers.values())
        self.title.setText(f"Case {panel.number} · {panel.event} · {drivers}")
        self.quorum.setText(f"{panel.quorum_text} · {panel.majority_text}")
        self.grid.setColumnCount(len(panel.columns))
        self.grid.setHorizontalHeaderLabels([c.name for c in panel.columns])
        ruling = panel.result.ruling
        for r, field in enumerate(ROWS):
            agrees = panel.agrees(field)
            for c, column in enumerate(panel.columns):
                item = QTableWidgetItem(panel.cell(column, field))
                item.setToolTip(item.text())
                if field != "reasoning":
                    in_majority = ruling is not None and column.key in ruling.supporters
                    background = AGREE_BG if agrees else (MAJORITY_BG if in_majority else SPLIT_BG)
                    item.setBackground(QBrush(background))
                    item.setForeground(QBrush(AGREE_FG if agrees else SPLIT_FG))
                    item.setData(Qt.ItemDataRole.UserRole, "agree" if agrees else "split")
                self.grid.setItem(r, c, item)
        self.grid.resizeRowsToContents()
        rows_height = sum(self.grid.rowHeight(r) for r in range(self.grid.rowCount()))
        frame = 2 * self.grid.frameWidth()
        self.grid.setFixedHeight(self.grid.horizontalHeader().height() + rows_height + frame)
        split = panel.disagreements()
        self.split.setVisible(bool(split))
        self.split.setText("Disagreement — " + "<br>".join(split) if split else "")
        notes = [
            f"Recused: {panel.names.get(r.steward_key, r.steward_key)} — {r.reason}"
            for r in panel.result.recusals
        ]
        notes += [f"Not counted: {i.reason}" for i in panel.result.ignored]
        if panel.decision_id:
            notes.append(f"Decided (decision {panel.decision_id[:8]}); deciding again corrects it.")
        self.notes.setText("\n".join(notes))
        self.accept_button.setEnabled(ruling is not None and ruling.category is not None)

    def _request(self, accept_majority: bool) -> None:
        incident_id = self.current_incident_id()
        if incident_id is not None:
            self.decide_requested.emit(incident_id, accept_majority)
