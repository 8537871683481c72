"""The head steward's decision form: the majority's ruling to start from, every field editable.

Returns the decision as the verdict form's JSON (CLI.md "JSON shapes"); the caller records it
(`panel.decisions.decide`), which checks it against the rulebook and says what is wrong.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import MAX_PENALTY_VALUE, Outcome, PenaltyType
from steward_desk.core.rulebook import Rulebook, penalty_needs_value
from steward_desk.core.verdict import SANCTIONS
from steward_desk.panel.merge import IncidentPanel


class DecideDialog(QDialog):
    def __init__(
        self, panel: IncidentPanel, rulebook: Rulebook, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Decide case {panel.number}")
        self.setMinimumWidth(520)
        self.panel = panel
        ruling = panel.result.ruling
        start = next(
            (c.verdict for c in panel.columns if ruling and c.key in ruling.supporters),
            panel.columns[0].verdict if panel.columns else None,
        )

        self.category = QComboBox(self)
        for category in rulebook.categories:
            self.category.addItem(category.name, category.id)
        self.outcome = QComboBox(self)
        for outcome in rulebook.outcomes:
            self.outcome.addItem(outcome.name, outcome.id.value)
        self.penalty_type = QComboBox(self)
        self.penalty_type.addItem("No penalty", "")
        for kind in rulebook.penalty_types:
            self.penalty_type.addItem(kind.value.replace("_", " ").capitalize(), kind.value)
        self.penalty_value = QSpinBox(self)
        self.penalty_value.setRange(0, MAX_PENALTY_VALUE)
        self.at_fault: dict[str, QCheckBox] = {}
        drivers = QWidget(self)
        column = QVBoxLayout(drivers)
        column.setContentsMargins(0, 0, 0, 0)
        for player_id, label in panel.drivers.items():
            box = QCheckBox(label, drivers)
            self.at_fault[player_id] = box
            column.addWidget(box)
        self.reasoning = QPlainTextEdit(self)
        self.reasoning.setPlaceholderText("The public reason, sent to the drivers")
        self.override_reason = QLineEdit(self)
        self.override_reason.setPlaceholderText("Why this differs from the calculator, if it does")
        self.private_notes = QPlainTextEdit(self)
        self.private_notes.setMaximumHeight(60)

        # The checklist answers, factors and rule references the form does not show travel
        # from the verdict it starts from (the majority's, when there is one).
        self.carried: dict[str, Any] = {"checklist": {}, "factors": [], "rule_refs": []}
        self._start_category = start.category if start is not None else None
        if start is not None:
            self.carried = {
                "checklist": dict(start.checklist),
                "factors": list(ruling.factors if ruling is not None else start.factors),
                "rule_refs": list(ruling.rule_refs if ruling is not None else start.rule_refs),
            }
            self.category.setCurrentIndex(max(0, self.category.findData(start.category)))
            chosen = ruling.outcome if ruling is not None else start.outcome
            self.outcome.setCurrentIndex(max(0, self.outcome.findData(chosen.value)))
            penalty = ruling.penalty if ruling is not None else start.penalty
            if penalty is not None:
                self.penalty_type.setCurrentIndex(
                    max(0, self.penalty_type.findData(penalty.type.value))
                )
                self.penalty_value.setValue(penalty.value)
            blamed = ruling.at_fault if ruling is not None else start.at_fault
            for player_id in blamed:
                if player_id in self.at_fault:
                    self.at_fault[player_id].setChecked(True)
            self.reasoning.setPlainText(
                ruling.reasons[0] if ruling is not None and ruling.reasons else start.reasoning
            )
            self.override_reason.setText(start.override_reason)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record and sign")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Category:", self.category)
        form.addRow("Outcome:", self.outcome)
        form.addRow("Penalty:", self.penalty_type)
        form.addRow("Amount:", self.penalty_value)
        form.addRow("At fault:", drivers)
        form.addRow("Reasoning:", self.reasoning)
        form.addRow("Override reason:", self.override_reason)
        form.addRow("Private notes:", self.private_notes)
        layout = QVBoxLayout(self)
        if panel.disagreements():
            note = QLabel("The panel split — " + "; ".join(panel.disagreements()), self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def decision(self) -> dict[str, Any]:
        """The form as the decision JSON (`decide --json` shape)."""
        outcome = Outcome(str(self.outcome.currentData()))
        kind = str(self.penalty_type.currentData() or "")
        penalty = None
        if kind:
            value = self.penalty_value.value() if penalty_needs_value(PenaltyType(kind)) else 0
            penalty = {"type": kind, "value": value}
        blamed = [p for p, box in self.at_fault.items() if box.isChecked()]
        return {
            "category": self.category.currentData(),
            "outcome": outcome.value,
            "at_fault": blamed if outcome in SANCTIONS else [],
            "penalty": penalty,
            "checklist": dict(self.carried["checklist"])
            if self.category.currentData() == self._start_category
            else {},
            "factors": list(self.carried["factors"]),
            "rule_refs": list(self.carried["rule_refs"]),
            "reasoning": self.reasoning.toPlainText().strip(),
            "override_reason": self.override_reason.text().strip(),
            "private_notes": self.private_notes.toPlainText().strip(),
        }
