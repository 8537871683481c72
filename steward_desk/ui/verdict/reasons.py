"""The words of the verdict form: the rule references ticked from the category, the public
reasoning the drivers read and the panel's private notes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from steward_desk.core.rulebook import Category


class ReasonsBox(QGroupBox):
    """`edited` fires when the steward types or ticks a reference (never on `set_rule_refs`)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Rules and reasons", parent)
        layout = QFormLayout(self)
        self.rule_refs = QListWidget(self)
        self.rule_refs.setMaximumHeight(96)
        self.reasoning = QPlainTextEdit(self)
        self.reasoning.setPlaceholderText("Public reason: sent to the drivers involved")
        self.reasoning.setMaximumHeight(90)
        self.private_notes = QPlainTextEdit(self)
        self.private_notes.setPlaceholderText("For the panel only: never exported")
        self.private_notes.setMaximumHeight(60)
        layout.addRow("Rule references", self.rule_refs)
        layout.addRow("Public reasoning", self.reasoning)
        layout.addRow("Private notes", self.private_notes)

        self.reasoning.textChanged.connect(self.edited.emit)
        self.private_notes.textChanged.connect(self.edited.emit)
        self.rule_refs.itemChanged.connect(lambda _i: self.edited.emit())

    def set_rule_refs(self, category: Category, chosen: list[str] | None) -> None:
        """Offer the category's references and its checklist's; tick `chosen`, or the
        category's own when None. A draft's references the rulebook no longer lists are kept."""
        refs = list(dict.fromkeys([*category.rule_refs, *(i.rule_ref for i in category.checklist)]))
        checked = set(chosen) if chosen is not None else set(category.rule_refs)
        refs += [r for r in (chosen or []) if r not in refs]
        self.rule_refs.blockSignals(True)
        self.rule_refs.clear()
        for ref in refs:
            item = QListWidgetItem(ref, self.rule_refs)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ref in checked else Qt.CheckState.Unchecked)
        self.rule_refs.blockSignals(False)

    def checked_rule_refs(self) -> list[str]:
        return [
            self.rule_refs.item(i).text()
            for i in range(self.rule_refs.count())
            if self.rule_refs.item(i).checkState() == Qt.CheckState.Checked
        ]
