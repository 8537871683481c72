"""The ruling part of the verdict form: severity and factors feed the penalty calculator live;
the outcome and penalty follow its suggestion until the steward changes them, which asks for an
override reason; a warning names any departure from the tariff and the precedents."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from steward_desk.core.model import MAX_PENALTY_VALUE, EventKind, Outcome, Penalty, PenaltyType
from steward_desk.core.penalties import PenaltyCalculator, Suggestion
from steward_desk.core.precedents import Precedent
from steward_desk.core.rulebook import PenaltyRequirement, Rulebook, penalty_needs_value
from steward_desk.core.verdict import SANCTIONS

_WARN = "color:#b45309;"


class RulingBox(QGroupBox):
    """`edited` fires on every change the steward makes here (never on programmatic fills)."""

    edited = Signal()

    def __init__(
        self, rulebook: Rulebook, calculator: PenaltyCalculator, parent: QWidget | None = None
    ) -> None:
        super().__init__("Ruling", parent)
        self.rulebook = rulebook
        self.calculator = calculator
        self.kind: EventKind | None = None
        self.category: str | None = None
        self.precedents: list[Precedent] = []
        self.suggestion: Suggestion | None = None
        self.follow_suggestion = True
        self._quiet = 0  # > 0 while the form fills itself: no `edited`, no following
        form = QFormLayout(self)

        self.severity = QComboBox(self)
        for severity in rulebook.severities:
            self.severity.addItem(severity.name, severity.id)
        factors = QWidget(self)
        grid = QGridLayout(factors)
        grid.setContentsMargins(0, 0, 0, 0)
        self.factor_boxes: dict[str, QCheckBox] = {}
        for i, factor in enumerate(rulebook.factors):
            box = QCheckBox(factor.name, factors)
            box.setToolTip(f"{factor.description}\nRule: {factor.rule_ref}")
            self.factor_boxes[factor.id] = box
            grid.addWidget(box, i // 2, i % 2)
        self.suggested = QLabel(self)
        self.suggested.setWordWrap(True)
        self.use_suggestion = QPushButton("Use suggestion", self)
        suggestion_row = QWidget(self)
        suggestion_layout = QHBoxLayout(suggestion_row)
        suggestion_layout.setContentsMargins(0, 0, 0, 0)
        suggestion_layout.addWidget(self.suggested, 1)
        suggestion_layout.addWidget(self.use_suggestion)
        self.outcome = QComboBox(self)
        for spec in rulebook.outcomes:
            self.outcome.addItem(spec.name, spec.id.value)
        penalty_row = QWidget(self)
        penalty_layout = QHBoxLayout(penalty_row)
        penalty_layout.setContentsMargins(0, 0, 0, 0)
        self.penalty_type = QComboBox(penalty_row)
        self.penalty_value = QSpinBox(penalty_row)
        self.penalty_value.setRange(0, MAX_PENALTY_VALUE)
        penalty_layout.addWidget(self.penalty_type, 2)
        penalty_layout.addWidget(self.penalty_value, 1)
        self.override_label = QLabel("Override reason", self)
        self.override_reason = QLineEdit(self)
        self.override_reason.setPlaceholderText(
            "Why the ruling differs from the calculator's suggestion (required)"
        )
        self.departure = QLabel(self)
        self.departure.setObjectName("departureWarning")
        self.departure.setWordWrap(True)
        self.departure.setStyleSheet(_WARN)
        form.addRow("Severity", self.severity)
        form.addRow("Factors", factors)
        form.addRow("Suggested", suggestion_row)
        form.addRow("Outcome", self.outcome)
        form.addRow("Penalty", penalty_row)
        form.addRow(self.override_label, self.override_reason)
        form.addRow(self.departure)

        self.severity.currentIndexChanged.connect(lambda _i: self._inputs_changed())
        for box in self.factor_boxes.values():
            box.toggled.connect(lambda _c: self._inputs_changed())
        self.outcome.currentIndexChanged.connect(lambda _i: self._ruling_edited())
        self.penalty_type.currentIndexChanged.connect(lambda _i: self._ruling_edited())
        self.penalty_value.valueChanged.connect(lambda _v: self._ruling_edited())
        self.use_suggestion.clicked.connect(lambda: self.apply_suggestion())
        self.override_reason.textChanged.connect(lambda _t: self._emit())

    # -- what the form reads and writes ----------------------------------------------------
    def ruling(self) -> tuple[Outcome, Penalty | None]:
        outcome = Outcome(self.outcome.currentData())
        kind = self.penalty_type.currentData()
        if not self.penalty_type.isEnabled() or not kind:
            return outcome, None
        penalty_type = PenaltyType(kind)
        value = self.penalty_value.value() if penalty_needs_value(penalty_type) else 0
        return outcome, Penalty(penalty_type, value)

    def factors(self) -> list[str]:
        return [f for f, box in self.factor_boxes.items() if box.isChecked()]

    def severity_id(self) -> str:
        return str(self.severity.currentData())

    def load(
        self,
        severity: str | None,
        factors: Iterable[str],
        ruling: tuple[Outcome, Penalty | None] | None,
        override_reason: str,
    ) -> None:
        """Fill from a draft or a submitted verdict; None `ruling` takes the suggestion."""
        self._quiet += 1
        try:
            wanted = severity or self.rulebook.default_severity
            self.severity.setCurrentIndex(max(self.severity.findData(wanted), 0))
            chosen = set(factors)
            for factor_id, box in self.factor_boxes.items():
                box.setChecked(factor_id in chosen)
            self.override_reason.setText(override_reason)
            self._recompute()
            if ruling is None and self.suggestion is not None:
                ruling = (self.suggestion.outcome, self.suggestion.penalty)
            if ruling is not None:
                self._set_ruling(*ruling)
            self.follow_suggestion = self.suggestion is not None and self.suggestion.same_ruling(
                *self.ruling()
            )
        finally:
            self._quiet -= 1
        self._update_view()

    def set_context(self, kind: EventKind, category: str, precedents: Sequence[Precedent]) -> None:
        """The case's event kind, the chosen category and its ranked precedents."""
        self.kind, self.category, self.precedents = kind, category, list(precedents)
        self._recompute()
        if self.follow_suggestion:
            self.apply_suggestion(emit=False)
        self._update_view()

    def set_factor(self, factor_id: str, on: bool) -> None:
        """A checklist answer that sets a factor (as if the steward ticked it)."""
        box = self.factor_boxes.get(factor_id)
        if box is not None:
            box.setChecked(on)

    def apply_suggestion(self, emit: bool = True) -> None:
        if self.suggestion is None:
            return
        self._quiet += 1
        try:
            self._set_ruling(self.suggestion.outcome, self.suggestion.penalty)
        finally:
            self._quiet -= 1
        self.follow_suggestion = True
        self._update_view()
        if emit:
            self._emit()

    # -- reacting --------------------------------------------------------------------------
    def _emit(self) -> None:
        if not self._quiet:
            self.edited.emit()

    def _inputs_changed(self) -> None:
        if self._quiet:
            return
        self._recompute()
        if self.follow_suggestion:
            self.apply_suggestion(emit=False)
        self._update_view()
        self._emit()

    def _ruling_edited(self) -> None:
        if self._quiet or self.kind is None:
            return
        self._sync_penalty_widgets()
        if self.suggestion is not None:
            self.follow_suggestion = self.suggestion.same_ruling(*self.ruling())
        self._update_view()
        self._emit()

    def _recompute(self) -> None:
        if self.kind is None or self.category is None:
            return
        self.suggestion = self.calculator.suggest(
            self.kind, self.category, self.severity_id(), self.factors()
        )
        marker = " <i>(example tariff)</i>" if self.suggestion.example_values else ""
        self.suggested.setText(f"<b>{html.escape(self.suggestion.describe())}</b>{marker}")
        self.suggested.setToolTip("\n".join(self.suggestion.explanation))

    def _set_ruling(self, outcome: Outcome, penalty: Penalty | None) -> None:
        self._quiet += 1
        try:
            self.outcome.setCurrentIndex(max(self.outcome.findData(outcome.value), 0))
            self._sync_penalty_widgets()
            if penalty is not None:
                index = self.penalty_type.findData(penalty.type.value)
                self.penalty_type.setCurrentIndex(max(index, 0))
                self._sync_penalty_widgets()
                self.penalty_value.setValue(penalty.value)
            else:
                self.penalty_type.setCurrentIndex(max(self.penalty_type.findData(""), 0))
            self._sync_penalty_widgets()
        finally:
            self._quiet -= 1

    def _sync_penalty_widgets(self) -> None:
        """Offer the penalty types this outcome and the event's system allow."""
        if self.kind is None:
            return
        spec = self.rulebook.outcome(Outcome(self.outcome.currentData()))
        system = self.rulebook.system_for(self.kind)
        allowed = [t for t in system.penalty_types if spec.allows(t)]
        wanted = ([""] if spec.penalty is PenaltyRequirement.OPTIONAL else []) + [
            t.value for t in allowed
        ]
        have = [self.penalty_type.itemData(i) for i in range(self.penalty_type.count())]
        if have != wanted:
            current = self.penalty_type.currentData()
            self.penalty_type.blockSignals(True)
            self.penalty_type.clear()
            for value in wanted:
                label = value.replace("_", " ").capitalize() if value else "No penalty"
                self.penalty_type.addItem(label, value)
            self.penalty_type.setCurrentIndex(max(self.penalty_type.findData(current), 0))
            self.penalty_type.blockSignals(False)
        self.penalty_type.setEnabled(bool(allowed))
        kind = self.penalty_type.currentData()
        needs = bool(kind) and penalty_needs_value(PenaltyType(kind))
        self.penalty_value.setEnabled(needs)
        self.penalty_value.setSuffix(f" {PenaltyType(kind).unit}" if needs else "")
        self.penalty_value.setMinimum(1 if needs else 0)

    def _update_view(self) -> None:
        if self.suggestion is None:
            return
        outcome, penalty = self.ruling()
        needs_reason = outcome in SANCTIONS and not self.suggestion.same_ruling(outcome, penalty)
        self.override_label.setVisible(needs_reason)
        self.override_reason.setVisible(needs_reason)
        self.use_suggestion.setEnabled(not self.follow_suggestion)
        departure = self.calculator.departure(outcome, penalty, self.suggestion, self.precedents)
        self.departure.setText("⚠ " + departure.message() if departure else "")
        self.departure.setVisible(departure is not None)
