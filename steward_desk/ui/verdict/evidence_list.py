"""The evidence a verdict cites: the case's bookmarks and snapshots, each ticked or not."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from steward_desk.core.model import format_race_time
from steward_desk.storage.verdict_records import EvidenceItem

_ROLE = Qt.ItemDataRole.UserRole


class EvidenceList(QListWidget):
    """`itemChanged` fires when the steward ticks or unticks an item."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(90)

    def show_items(self, items: Iterable[object]) -> None:
        """List what a provider hands over, keeping the ticks of items already listed."""
        evidence = [EvidenceItem.coerce(e) for e in items]
        before = {(e.ref, e.label): state for e, state in self._entries()}
        self.blockSignals(True)
        self.clear()
        for e in evidence:
            when = format_race_time(e.race_ms) if e.race_ms is not None else ""
            item = QListWidgetItem(" · ".join(p for p in (e.kind, when, e.label) if p))
            item.setData(_ROLE, e)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(before.get((e.ref, e.label), Qt.CheckState.Checked))
            self.addItem(item)
        if not evidence:
            self.addItem("No bookmarks or snapshots yet: mark them in the footage (M).")
        self.blockSignals(False)

    def cited(self) -> list[dict[str, object]]:
        return [e.to_json() for e, state in self._entries() if state == Qt.CheckState.Checked]

    def load_cited(self, cited: Iterable[object]) -> None:
        """Tick exactly the items a draft cited (by reference and label)."""
        refs = {(c.get("ref"), c.get("label")) for c in cited if isinstance(c, Mapping)}
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            data = item.data(_ROLE)
            if isinstance(data, EvidenceItem):
                on = (data.ref, data.label) in refs
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def _entries(self) -> list[tuple[EvidenceItem, Qt.CheckState]]:
        out = []
        for i in range(self.count()):
            data = self.item(i).data(_ROLE)
            if isinstance(data, EvidenceItem):  # not the "no bookmarks yet" line
                out.append((data, self.item(i).checkState()))
        return out
