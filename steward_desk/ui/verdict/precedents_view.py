"""The precedents panel: the league's earlier decisions in the same category, same track first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from steward_desk.core.precedents import Precedent, summarize

COLUMNS = ("Decided", "Event · track", "Ruling", "Reason")


def _norm(track: str) -> str:
    return track.strip().casefold().replace(" ", "_")


class PrecedentsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("precedentsTree")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setMinimumHeight(110)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        self.precedents: list[Precedent] = []

    def show_precedents(
        self, precedents: Sequence[Precedent], category_name: str, track: str
    ) -> None:
        self.precedents = list(precedents)
        self.tree.clear()
        if not precedents:
            self.summary.setText(
                f"No earlier decisions in {category_name} under this penalty system yet."
            )
            self.tree.setVisible(False)
            return
        self.tree.setVisible(True)
        stats = summarize(precedents)
        ranges = []
        for kind, values in stats.values.items():
            unit = f" {kind.unit}" if kind.unit else ""
            low, high = values[0], values[-1]
            span = f"{low}" if low == high else f"{low}–{high}"
            ranges.append(
                f"{kind.value.replace('_', ' ')} {span}{unit} (median {stats.median(kind):g})"
            )
        outcomes = ", ".join(f"{n} {o.label.lower()}" for o, n in stats.outcomes.items())
        same = sum(1 for p in precedents if _norm(p.track) == _norm(track))
        self.summary.setText(
            f"<b>{len(precedents)} earlier decision{'s' if len(precedents) != 1 else ''}</b> in "
            f"{category_name} ({same} at {track or 'this track'}): {outcomes}"
            + (f"; {'; '.join(ranges)}" if ranges else "")
        )
        bold = QFont()
        bold.setBold(True)
        for p in precedents:
            ruling = p.outcome.label if p.penalty is None else p.penalty.describe()
            where = f"{p.event} · {p.track}"
            item = QTreeWidgetItem([f"{p.decided_at:%d %b %Y}", where, ruling, p.reasoning])
            item.setToolTip(3, p.reasoning)
            item.setToolTip(1, where)
            if _norm(p.track) == _norm(track):
                item.setFont(1, bold)
            self.tree.addTopLevelItem(item)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
