"""The precedents panel: the league's earlier decisions in the same category, same track first,
each with its ruling and its full public reason (a steward reads them, so nothing is elided)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from steward_desk.core.precedents import Precedent, summarize
from steward_desk.core.wording import counted


def _norm(track: str) -> str:
    return track.strip().casefold().replace(" ", "_")


class PrecedentsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.list = QTextBrowser(self)
        self.list.setObjectName("precedentsList")
        self.list.setOpenLinks(False)
        self.list.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)
        self.precedents: list[Precedent] = []

    def show_precedents(
        self, precedents: Sequence[Precedent], category_name: str, track: str
    ) -> None:
        """List `precedents` (already ranked: same track first, newest first)."""
        self.precedents = list(precedents)
        if not precedents:
            self.summary.setText(
                f"No earlier decisions in {category_name} under this penalty system yet."
            )
            self.list.setVisible(False)
            return
        self.list.setVisible(True)
        stats = summarize(precedents)
        ranges = []
        for kind, values in stats.values.items():
            unit = f" {kind.unit}" if kind.unit else ""
            low, high = values[0], values[-1]
            span = f"{low}" if low == high else f"{low}–{high}"
            median = stats.median(kind)
            ranges.append(f"{kind.value.replace('_', ' ')} {span}{unit} (median {median:g})")
        outcomes = ", ".join(f"{n} {o.label.lower()}" for o, n in stats.outcomes.items())
        same = sum(1 for p in precedents if _norm(p.track) == _norm(track))
        self.summary.setText(
            f"<b>{counted(len(precedents), 'earlier decision')}</b> in {html.escape(category_name)} "
            f"({same} at {html.escape(track or 'this track')}): {outcomes}"
            + (f"; {'; '.join(ranges)}" if ranges else "")
        )
        rows = []
        for p in precedents:
            ruling = p.outcome.label if p.penalty is None else p.penalty.describe()
            here = " · <i>same track</i>" if _norm(p.track) == _norm(track) else ""
            rows.append(
                f"<p style='margin:0 0 6px 0'><b>{html.escape(ruling)}</b> · "
                f"{p.decided_at:%d %b %Y} · {html.escape(p.event)}{here}<br>"
                f"{html.escape(p.reasoning) or '<i>no reason recorded</i>'}</p>"
            )
        self.list.setHtml("".join(rows))

    def text(self) -> str:
        """What the panel lists, as plain text (for tests and accessibility)."""
        return self.list.toPlainText() if self.list.isVisibleTo(self) else self.summary.text()
