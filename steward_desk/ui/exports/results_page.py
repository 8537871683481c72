"""The Results page: a session's classification before and after the stewards' penalties,
side by side, with the penalties that moved each car."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.classification import CarResult, ClassifiedRow, penalty_ms
from steward_desk.core.model import format_race_time
from steward_desk.core.wording import counted
from steward_desk.exports.classification import RevisedClassification
from steward_desk.storage.league import SessionInfo
from steward_desk.ui.exports.rows_model import SORT_ROLE, Column, RowsModel
from steward_desk.ui.tasks import LatestRead, TaskRunner

MOVED_DOWN, MOVED_UP = "#c62828", "#2e7d32"
PENALISED = "#40f5a623"  # translucent amber: readable on light and dark themes


@dataclass(frozen=True)
class MovedBy:
    """One steward penalty and what it did to its car's place."""

    car_number: int
    drivers: str
    penalty: str
    added: str
    decision: str
    before: int
    after: int


def _names(drivers: tuple) -> str:  # type: ignore[type-arg]
    return " / ".join(d.name for d in drivers)


def _table(model: RowsModel) -> QTableView:  # type: ignore[type-arg]
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setHighlightSections(False)
    return view


class ResultsPage(QWidget):
    """Pick a session; see the file's order and the revised order and why they differ."""

    def __init__(
        self,
        sessions: Callable[[], list[SessionInfo]],
        revise: Callable[[str], RevisedClassification],
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("results_page")
        self._sessions, self._revise = sessions, revise
        self._reads = LatestRead(runner)  # a classification with its penalties: off the main thread
        self.revised: RevisedClassification | None = None
        self._penalised: set[str] = set()

        self.session = QComboBox(self)
        self.session.setMinimumWidth(320)
        self.session.currentIndexChanged.connect(lambda _i: self.show_session())
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        self.summary = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Session:", self))
        top.addWidget(self.session)
        top.addWidget(refresh)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.before_model: RowsModel[CarResult] = RowsModel(
            [
                Column("Pos", lambda c: str(c.position), lambda c: c.position, True),
                Column("#", lambda c: str(c.car_number), lambda c: c.car_number, True),
                Column("Driver", lambda c: _names(c.drivers)),
                Column("Class", lambda c: c.car_class),
                Column("Laps", lambda c: str(c.laps), lambda c: c.laps, True),
                Column(
                    "Time",
                    lambda c: format_race_time(c.total_time_ms),
                    lambda c: c.total_time_ms or 0,
                    True,
                ),
            ],
            background=lambda c: PENALISED if c.entry_id in self._penalised else None,
            parent=self,
        )
        self.after_model: RowsModel[ClassifiedRow] = RowsModel(
            [
                Column("Pos", lambda r: str(r.position), lambda r: r.position, True),
                Column(
                    "Δ",
                    _moved_text,
                    lambda r: r.file_position - r.position,
                    True,
                    tip=lambda r: f"P{r.file_position} in the game's results",
                    colour=_moved_colour,
                ),
                Column("#", lambda r: str(r.car_number), lambda r: r.car_number, True),
                Column("Driver", lambda r: _names(r.drivers)),
                Column("Class", lambda r: f"{r.car_class} {r.class_position}".strip()),
                Column("Laps", lambda r: str(r.laps), lambda r: r.laps, True),
                Column(
                    "Time",
                    lambda r: format_race_time(r.final_time_ms),
                    lambda r: r.final_time_ms or 0,
                    True,
                ),
                Column(
                    "Penalty",
                    lambda r: f"+{r.penalty_ms // 1000} s" if r.penalty_ms else "",
                    lambda r: r.penalty_ms,
                    True,
                    tip=lambda r: "; ".join(p.penalty.describe() for p in r.penalties),
                ),
                Column("Status", lambda r: "" if r.status.value == "classified" else r.status),
            ],
            background=lambda r: PENALISED if r.penalties else None,
            parent=self,
        )
        self.moves_model: RowsModel[MovedBy] = RowsModel(
            [
                Column("#", lambda m: str(m.car_number), lambda m: m.car_number, True),
                Column("Driver", lambda m: m.drivers),
                Column("Penalty", lambda m: m.penalty),
                Column("Adds", lambda m: m.added, align_right=True),
                Column("Place", lambda m: f"P{m.before} → P{m.after}", lambda m: m.before),
                Column("Decision", lambda m: m.decision[:8], tip=lambda m: m.decision),
            ],
            parent=self,
        )
        self.before_view = _table(self.before_model)
        self.after_view = _table(self.after_model)
        self.moves_view = _table(self.moves_model)
        self.moves_view.sortByColumn(4, Qt.SortOrder.AscendingOrder)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(_boxed("Before — the game's results", self.before_view))
        split.addWidget(_boxed("After — with the stewards' penalties", self.after_view))
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        moves = _boxed("Penalties that moved cars", self.moves_view)
        moves.setMaximumHeight(170)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(moves)
        self.refresh()

    def refresh(self) -> None:
        """Reload the session list (keeping the chosen one) and the classification."""
        chosen = self.session.currentData()
        self.session.blockSignals(True)
        self.session.clear()
        for info in self._sessions():
            track = info.track.replace("_", " ").title()
            label = f"{info.event} · {info.raw_type or info.type.value} · {track}"
            self.session.addItem(f"{label} ({info.cars} cars)", info.id)
        index = self.session.findData(chosen) if chosen else -1
        if index < 0:
            # A race is what penalties move: start on the last race listed.
            races = [i for i in range(self.session.count()) if " · R" in self.session.itemText(i)]
            index = races[-1] if races else self.session.count() - 1
        self.session.setCurrentIndex(max(index, 0))
        self.session.blockSignals(False)
        self.show_session()

    def choose_session(self, session_id: str) -> None:
        index = self.session.findData(session_id)
        if index >= 0:
            self.session.setCurrentIndex(index)

    def show_session(self) -> None:
        session_id = self.session.currentData()
        if not session_id:
            self._reads.forget()
            self.revised = None
            for model in (self.before_model, self.after_model, self.moves_model):
                model.set_rows([])
            self.summary.setText("No imported sessions yet: File → Import results.")
            return
        self.summary.setText("Reading the classification…")
        for view in (self.before_view, self.after_view, self.moves_view):
            view.setEnabled(False)
        self._reads.read(lambda: self._revise(str(session_id)), self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        for view in (self.before_view, self.after_view, self.moves_view):
            view.setEnabled(True)
        self.summary.setText(f"The classification could not be worked out: {error}")

    def _show(self, revised: RevisedClassification) -> None:
        for view in (self.before_view, self.after_view, self.moves_view):
            view.setEnabled(True)
        self.revised = revised
        self._penalised = {r.entry_id for r in self.revised.after if r.penalties}
        self.before_model.set_rows(self.revised.before)
        self.after_model.set_rows(self.revised.after)
        moves = self._moves(self.revised)
        self.moves_model.set_rows(moves)
        moved = sum(1 for r in self.revised.after if r.position != r.file_position)
        self.summary.setText(
            f"{len(moves)} steward penalt{'y' if len(moves) == 1 else 'ies'} · "
            f"{counted(moved, 'car')} changed place"
        )
        for view in (self.before_view, self.after_view, self.moves_view):
            view.resizeColumnsToContents()
            view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.before_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.before_view.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.ResizeToContents
        )
        self.moves_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.moves_view.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.ResizeToContents
        )

    @staticmethod
    def _moves(revised: RevisedClassification) -> list[MovedBy]:
        out = []
        for row in revised.after:
            for item in row.penalties:
                added = penalty_ms(item.penalty, revised.conversion)
                out.append(
                    MovedBy(
                        car_number=row.car_number,
                        drivers=_names(row.drivers),
                        penalty=item.penalty.describe(),
                        added=f"+{added // 1000} s" if added else "—",
                        decision=item.reference,
                        before=row.file_position,
                        after=row.position,
                    )
                )
        return out


def _boxed(title: str, view: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(view)
    return box


def _moved_text(row: ClassifiedRow) -> str:
    delta = row.file_position - row.position
    if delta > 0:
        return f"▲{delta}"
    if delta < 0:
        return f"▼{-delta}"
    return ""


def _moved_colour(row: ClassifiedRow) -> str | None:
    delta = row.file_position - row.position
    return MOVED_UP if delta > 0 else MOVED_DOWN if delta < 0 else None
