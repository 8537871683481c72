"""The Ledger page: every driver's licence points, strikes and sanctions, the drivers nearest
a threshold first (a ban is one decision away for them)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.ledger import DriverLedger, drivers_near_threshold
from steward_desk.core.wording import counted
from steward_desk.exports.ledger import LedgerExport, strike_warning
from steward_desk.ui.exports.rows_model import Column, RowsModel
from steward_desk.ui.tasks import LatestRead, TaskRunner

AT_LIMIT, CLOSE, WATCH = "#55e53935", "#45fb8c00", "#30fdd835"


class LedgerPage(QWidget):
    """The league's licence ledger, ordered by how close each driver is to a limit."""

    def __init__(
        self,
        load: Callable[[], LedgerExport],
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ledger_page")
        self._load = load
        self._reads = LatestRead(runner)  # a league's whole ledger: read off the main thread
        self.export: LedgerExport | None = None
        self.rules = QLabel(self)
        self.rules.setWordWrap(True)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.rules, 1)
        top.addWidget(refresh)

        self.model: RowsModel[DriverLedger] = RowsModel(
            [
                Column("Driver", lambda d: d.name, tip=lambda d: d.player_id),
                Column("Player id", lambda d: d.player_id),
                Column(
                    "Points",
                    lambda d: str(d.active_points),
                    align_right=True,
                    tip=lambda d: f"{d.expired_points} expired" if d.expired_points else "",
                ),
                Column("Next threshold", self._next_threshold),
                Column("Strikes", self._strikes, align_right=True),
                Column("Strike warning", self._warning, tip=self._full_warning),
                Column("Next expiry", self._next_expiry),
                Column("Points deducted", self._deducted),
                Column("Thresholds reached", self._reached, tip=self._reached),
                Column("Sanctions", self._sanctions, tip=self._sanctions),
            ],
            background=_closeness_colour,
            parent=self,
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.empty = QLabel("No licence points, strikes or sanctions recorded yet.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.refresh()

    def refresh(self) -> None:
        """Read the ledger again (on the runner's thread) and show it when read."""
        self.table.setEnabled(False)
        self.rules.setText("Reading the licence ledger…")
        self._reads.read(self._load, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.table.setEnabled(True)
        self.rules.setText(f"The ledger could not be read: {error}")

    def _show(self, export: LedgerExport) -> None:
        self.export = export
        self.table.setEnabled(True)
        rulebook, ledger = self.export.rulebook, self.export.ledger
        limits = ", ".join(
            f"{t.name} at {t.points} points in {t.within_days} days"
            for t in rulebook.licence.thresholds
        )
        example = " (example values from the rulebook)" if rulebook.licence.example else ""
        self.rules.setText(
            f"As of {ledger.as_of:%d %b %Y %H:%M} UTC · points expire after "
            f"{rulebook.licence.points_expire_after_days} days · {limits} · "
            f"{rulebook.strikes.limit} strikes: {rulebook.strikes.penalty.describe().lower()}"
            f"{example}. Nearest to a limit first."
        )
        self.model.set_rows(drivers_near_threshold(ledger, include_clear=True))
        self.empty.setVisible(not ledger.drivers)
        self.table.resizeColumnsToContents()
        # Long histories stay one line; the tooltip has all of it.
        for column in (8, 9):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 280))
        self.table.horizontalHeader().setStretchLastSection(True)

    # -- cells -------------------------------------------------------------------------------
    def _next_threshold(self, driver: DriverLedger) -> str:
        if driver.to_next_threshold is None or self.export is None:
            return ""
        threshold_id, gap = driver.to_next_threshold
        name = next(
            (t.name for t in self.export.rulebook.licence.thresholds if t.id == threshold_id),
            threshold_id,
        )
        return f"{name}: {counted(gap, 'point')} to go"

    def _strikes(self, driver: DriverLedger) -> str:
        limit = self.export.rulebook.strikes.limit if self.export else 0
        return f"{driver.strikes} / {limit}" if driver.strikes else ""

    def _warning(self, driver: DriverLedger) -> str:
        if not driver.strikes or self.export is None:
            return ""
        consequence = self.export.rulebook.strikes.penalty.describe().lower()
        left = driver.strikes_to_limit
        if left <= 0:
            return f"limit reached: {consequence}"
        return f"{left} more → {consequence}"

    def _full_warning(self, driver: DriverLedger) -> str:
        return strike_warning(driver, self.export.rulebook) if self.export else ""

    @staticmethod
    def _next_expiry(driver: DriverLedger) -> str:
        if not driver.expiring:
            return ""
        when, points = driver.expiring[0]
        return f"{points} on {when:%d %b %Y}"

    @staticmethod
    def _reached(driver: DriverLedger) -> str:
        hits = [*driver.threshold_hits, *driver.strike_hits]
        return "; ".join(f"{h.name} ({h.reached_at:%d %b})" for h in hits)

    @staticmethod
    def _sanctions(driver: DriverLedger) -> str:
        return "; ".join(f"{s.penalty.describe()} ({s.issued_at:%d %b})" for s in driver.sanctions)

    @staticmethod
    def _deducted(driver: DriverLedger) -> str:
        return "; ".join(f"{n} ({season})" for season, n in sorted(driver.points_deducted.items()))


def _closeness_colour(driver: DriverLedger) -> str | None:
    if driver.closeness <= 0.0:
        return AT_LIMIT
    if driver.closeness <= 0.34:
        return CLOSE
    if driver.closeness < 1.0:
        return WATCH
    return None
