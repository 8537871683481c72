"""The incident queue as a table model over plain rows, and the proxy that sorts and filters it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from steward_desk.core.model import (
    IncidentStatus,
    IncidentSummary,
    format_race_time,
    has_player_id,
)

NUMBER, STATUS, EVENT, SESSION, CATEGORY, INVOLVED, REPORTED, DEADLINE, FLAGS = range(9)
HEADERS = (
    "#",
    "Status",
    "Event",
    "Session",
    "Category",
    "Involved",
    "Reported",
    "Deadline",
    "Findings",
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)

_STATUS_COLOURS = {
    IncidentStatus.NEW: "#3b82f6",
    IncidentStatus.IN_REVIEW: "#f59e0b",
    IncidentStatus.AWAITING_PANEL: "#8b5cf6",
    IncidentStatus.DECIDED: "#10b981",
    IncidentStatus.PUBLISHED: "#059669",
    IncidentStatus.WITHDRAWN: "#9ca3af",
    IncidentStatus.REJECTED: "#ef4444",
}

Index = QModelIndex | QPersistentModelIndex


def category_label(category: str | None) -> str:
    return category.replace("_", " ").capitalize() if category else "—"


def shown_id(player_id: str) -> str:
    """A driver's id as a steward reads it: a stand-in made from the name (2019 result files
    carry no player id) says so instead of showing its internal spelling."""
    return player_id if has_player_id(player_id) else "no player id in the file"


def deadline_label(deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return "—"
    left = deadline - now
    hours = left.total_seconds() / 3600
    if hours < 0:
        return f"Overdue {_span(-left)}"
    return f"{_span(left)} left"


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours >= 48:
        return f"{hours / 24:.0f} d"
    if hours >= 1:
        return f"{hours:.0f} h"
    return f"{delta.total_seconds() / 60:.0f} min"


def involved_label(summary: IncidentSummary) -> str:
    return ", ".join(
        f"#{d.car_number} {d.name}" if d.car_number is not None else d.name
        for d in summary.involved
    )


@dataclass
class QueueFilter:
    """What the filter bar asks for; empty means 'any'."""

    text: str = ""
    event: str = ""
    session: str = ""
    status: str = ""
    category: str = ""
    driver: str = ""
    due: str = ""  # "", "overdue", "24h", "open"

    def accepts(self, s: IncidentSummary, now: datetime) -> bool:
        if self.event and s.event != self.event:
            return False
        if self.session and s.session != self.session:
            return False
        if self.status and s.status.value != self.status:
            return False
        if self.category and (s.category or "") != self.category:
            return False
        if self.driver and not any(d.player_id == self.driver for d in s.involved):
            return False
        if self.due:
            if self.due == "open" and not s.status.is_open:
                return False
            if self.due in ("overdue", "24h"):
                if s.deadline is None or not s.status.is_open:
                    return False
                limit = now if self.due == "overdue" else now + timedelta(hours=24)
                if s.deadline > limit:
                    return False
        if self.text:
            haystack = " ".join(
                [
                    str(s.number),
                    s.event,
                    s.session,
                    s.status.label,
                    category_label(s.category),
                    s.reporter,
                    involved_label(s),
                    " ".join(d.player_id for d in s.involved),
                    " ".join(f.kind.label for f in s.findings),
                ]
            ).casefold()
            if not all(word in haystack for word in self.text.casefold().split()):
                return False
        return True


class IncidentTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IncidentSummary] = []
        self.now = datetime.now(UTC)

    def set_rows(self, rows: list[IncidentSummary], now: datetime | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.now = now or datetime.now(UTC)
        self.endResetModel()

    def rows(self) -> list[IncidentSummary]:
        return list(self._rows)

    def row_of(self, incident_id: str) -> int:
        return next((i for i, s in enumerate(self._rows) if s.id == incident_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, column)
        if role == SORT_ROLE:
            return self._sort_key(s, column)
        if role == SUMMARY_ROLE:
            return s
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATUS:
                return QBrush(QColor(_STATUS_COLOURS[s.status]))
            if column == DEADLINE and s.deadline and s.deadline < self.now and s.status.is_open:
                return QBrush(QColor("#ef4444"))
            if column == FLAGS and s.open_findings:
                return QBrush(QColor("#d97706"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == FLAGS and s.findings:
                return "\n".join(
                    f"{f.kind.label}: {f.message}" + (" (overridden)" if f.overridden else "")
                    for f in s.findings
                )
            if column == INVOLVED:
                return "\n".join(
                    f"{d.role.value}: {d.name} ({shown_id(d.player_id)})" for d in s.involved
                )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, s: IncidentSummary, column: int) -> str:
        if column == NUMBER:
            return str(s.number)
        if column == STATUS:
            return s.status.label
        if column == EVENT:
            return s.event
        if column == SESSION:
            where = f"L{s.lap}" if s.lap else format_race_time(s.race_time_ms)
            return f"{s.session}  {where}" if (s.lap or s.race_time_ms is not None) else s.session
        if column == CATEGORY:
            return category_label(s.category)
        if column == INVOLVED:
            return involved_label(s)
        if column == REPORTED:
            return f"{s.reported_at:%a %d %b %H:%M}"
        if column == DEADLINE:
            return deadline_label(s.deadline, self.now) if s.status.is_open else "—"
        if column == FLAGS:
            open_findings = s.open_findings
            return ", ".join(f.kind.label for f in open_findings) if open_findings else ""
        return ""

    @staticmethod
    def _sort_key(s: IncidentSummary, column: int) -> Any:
        if column == NUMBER:
            return s.number
        if column == STATUS:
            return list(IncidentStatus).index(s.status)
        if column == REPORTED:
            return s.reported_at.timestamp()
        if column == DEADLINE:
            return (s.deadline or _FAR_FUTURE).timestamp() if s.status.is_open else float("inf")
        if column == FLAGS:
            return len(s.open_findings)
        if column == INVOLVED:
            return involved_label(s).casefold()
        if column == CATEGORY:
            return category_label(s.category).casefold()
        return (s.event if column == EVENT else s.session).casefold()


class IncidentFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.criteria = QueueFilter()
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_criteria(self, criteria: QueueFilter) -> None:
        self.beginFilterChange()
        self.criteria = criteria
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, IncidentTableModel)
        summary = model.index(source_row, 0, source_parent).data(SUMMARY_ROLE)
        return self.criteria.accepts(summary, model.now)
