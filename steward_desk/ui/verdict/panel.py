"""The verdict form beside the footage: a thin view over the verdict repository and the
penalty calculator. Every change is saved as a draft 300 ms after the last keystroke."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import Outcome, Penalty, PenaltyType, format_race_time
from steward_desk.core.penalties import PenaltyCalculator, Suggestion
from steward_desk.core.rulebook import PenaltyRequirement, Rulebook, penalty_needs_value
from steward_desk.core.verdict import SANCTIONS, VerdictError
from steward_desk.core.workflow import WorkflowError
from steward_desk.paths import Paths
from steward_desk.storage.stewards import StewardInfo
from steward_desk.storage.store import Store
from steward_desk.storage.verdicts import (
    CaseFacts,
    ConflictOfInterest,
    EvidenceItem,
    VerdictRecord,
    VerdictRepository,
)
from steward_desk.ui.verdict.checklist import ChecklistWidget
from steward_desk.ui.verdict.precedents_view import PrecedentsView

DEBOUNCE_MS = 300
FORM, REFUSAL, NO_STEWARD = range(3)
_WARN = "color:#b45309;"
_ERROR = "color:#b91c1c;"


class VerdictPanel(QWidget):
    """One steward's verdict on one incident. `evidence_provider` (no arguments) returns the
    case's bookmarks and snapshots; without one, those stored with the case are listed."""

    submitted = Signal(str)
    changed = Signal()

    def __init__(
        self,
        store: Store,
        paths: Paths,
        rulebook: Rulebook,
        steward_provider: Callable[[], StewardInfo | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.paths, self.rulebook = store, paths, rulebook
        self.steward_provider = steward_provider
        self.evidence_provider: Callable[[], Iterable[object]] | None = None
        self.steward_setup: Callable[[], None] | None = None
        self.repo = VerdictRepository(store, rulebook)
        self.calculator = PenaltyCalculator(rulebook)
        self.case: CaseFacts | None = None
        self.steward: StewardInfo | None = None
        self.record: VerdictRecord | None = None
        self.suggestion: Suggestion | None = None
        self.precedents: list[Any] = []
        self.follow_suggestion = True
        self._loading = False
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_form())
        self.refusal = QLabel(self)
        self.refusal.setObjectName("conflictRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.refusal.setMargin(24)
        self.refusal.setMaximumWidth(760)
        self.pages.addWidget(self.refusal)
        self.pages.addWidget(self._build_no_steward())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.submit_action = QAction("Submit verdict", self)
        self.submit_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.submit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.submit_action.setProperty("shortcut_group", "Verdict form")
        self.submit_action.triggered.connect(lambda _c=False: self.submit())
        self.addAction(self.submit_action)

    # -- building --------------------------------------------------------------------------
    def _build_form(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(scroll)
        column = QVBoxLayout(body)
        self.header = QLabel(body)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.state = QLabel(body)
        self.state.setObjectName("draftState")
        self.report = QLabel(body)
        self.report.setObjectName("reportText")
        self.report.setWordWrap(True)
        self.report.setTextFormat(Qt.TextFormat.PlainText)
        self.report.setStyleSheet("background: palette(base); padding: 6px;")
        column.addWidget(self.header)
        column.addWidget(self.report)
        column.addWidget(self.state)

        what = QGroupBox("Category and checklist", body)
        what_layout = QVBoxLayout(what)
        self.category = QComboBox(what)
        for category in self.rulebook.categories:
            self.category.addItem(category.name, category.id)
        self.category_hint = QLabel(what)
        self.category_hint.setWordWrap(True)
        self.category_hint.setStyleSheet("color: palette(mid);")
        self.checklist = ChecklistWidget(what)
        what_layout.addWidget(self.category)
        what_layout.addWidget(self.category_hint)
        what_layout.addWidget(self.checklist)
        column.addWidget(what)

        drivers = QGroupBox("Drivers", body)
        self.drivers_grid = QGridLayout(drivers)
        self.fault_boxes: dict[str, QCheckBox] = {}
        self.affected_boxes: dict[str, QCheckBox] = {}
        column.addWidget(drivers)

        ruling = QGroupBox("Ruling", body)
        form = QFormLayout(ruling)
        self.outcome = QComboBox(ruling)
        for spec in self.rulebook.outcomes:
            self.outcome.addItem(spec.name, spec.id.value)
        self.severity = QComboBox(ruling)
        for severity in self.rulebook.severities:
            self.severity.addItem(severity.name, severity.id)
            self.severity.setItemData(
                self.severity.count() - 1, severity.description, Qt.ItemDataRole.ToolTipRole
            )
        factors = QWidget(ruling)
        factor_grid = QGridLayout(factors)
        factor_grid.setContentsMargins(0, 0, 0, 0)
        self.factor_boxes: dict[str, QCheckBox] = {}
        for i, factor in enumerate(self.rulebook.factors):
            box = QCheckBox(factor.name, factors)
            box.setToolTip(f"{factor.description}\nRule: {factor.rule_ref}")
            self.factor_boxes[factor.id] = box
            factor_grid.addWidget(box, i // 2, i % 2)
        penalty_row = QWidget(ruling)
        penalty_layout = QHBoxLayout(penalty_row)
        penalty_layout.setContentsMargins(0, 0, 0, 0)
        self.penalty_type = QComboBox(penalty_row)
        self.penalty_value = QSpinBox(penalty_row)
        self.penalty_value.setRange(0, 999)
        penalty_layout.addWidget(self.penalty_type, 2)
        penalty_layout.addWidget(self.penalty_value, 1)
        self.suggested = QLabel(ruling)
        self.suggested.setWordWrap(True)
        self.use_suggestion = QPushButton("Use suggestion", ruling)
        suggestion_row = QWidget(ruling)
        suggestion_layout = QHBoxLayout(suggestion_row)
        suggestion_layout.setContentsMargins(0, 0, 0, 0)
        suggestion_layout.addWidget(self.suggested, 1)
        suggestion_layout.addWidget(self.use_suggestion)
        self.override_reason = QLineEdit(ruling)
        self.override_reason.setPlaceholderText(
            "Why the ruling differs from the calculator's suggestion (required)"
        )
        self.override_label = QLabel("Override reason", ruling)
        self.departure = QLabel(ruling)
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
        column.addWidget(ruling)

        precedents = QGroupBox("Precedents", body)
        precedents_layout = QVBoxLayout(precedents)
        self.precedents_view = PrecedentsView(precedents)
        precedents_layout.addWidget(self.precedents_view)
        self.precedents_box = precedents
        column.addWidget(precedents)

        words = QGroupBox("Rules and reasons", body)
        words_layout = QFormLayout(words)
        self.rule_refs = QListWidget(words)
        self.rule_refs.setMaximumHeight(96)
        self.reasoning = QPlainTextEdit(words)
        self.reasoning.setPlaceholderText("Public reason: sent to the drivers involved")
        self.reasoning.setMaximumHeight(90)
        self.private_notes = QPlainTextEdit(words)
        self.private_notes.setPlaceholderText("For the panel only: never exported")
        self.private_notes.setMaximumHeight(60)
        words_layout.addRow("Rule references", self.rule_refs)
        words_layout.addRow("Public reasoning", self.reasoning)
        words_layout.addRow("Private notes", self.private_notes)
        column.addWidget(words)

        evidence = QGroupBox("Evidence", body)
        evidence_layout = QVBoxLayout(evidence)
        self.evidence = QListWidget(evidence)
        self.evidence.setMaximumHeight(90)
        self.refresh_evidence_button = QPushButton("Refresh from the footage", evidence)
        self.refresh_evidence_button.clicked.connect(lambda: self.refresh_evidence())
        evidence_layout.addWidget(self.evidence)
        evidence_layout.addWidget(self.refresh_evidence_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(evidence)

        self.others = QLabel(body)
        self.others.setObjectName("panelVerdicts")
        self.others.setWordWrap(True)
        self.errors = QLabel(body)
        self.errors.setObjectName("formErrors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet(_ERROR)
        buttons = QHBoxLayout()
        self.submit_button = QPushButton("Submit verdict  (Ctrl+Enter)", body)
        self.submit_button.setDefault(True)
        self.correct_button = QPushButton("Correct (new version)…", body)
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        column.addWidget(self.others)
        column.addWidget(self.errors)
        column.addLayout(buttons)
        column.addStretch(1)
        scroll.setWidget(body)
        self.form_body = body
        self.editable = [what, drivers, ruling, words, evidence]

        self.category.currentIndexChanged.connect(self._category_changed)
        self.checklist.answered.connect(self._checklist_answered)
        self.severity.currentIndexChanged.connect(lambda _i: self._inputs_changed())
        for box in self.factor_boxes.values():
            box.toggled.connect(lambda _c: self._inputs_changed())
        self.outcome.currentIndexChanged.connect(lambda _i: self._ruling_edited())
        self.penalty_type.currentIndexChanged.connect(lambda _i: self._ruling_edited())
        self.penalty_value.valueChanged.connect(lambda _v: self._ruling_edited())
        self.use_suggestion.clicked.connect(self.apply_suggestion)
        self.override_reason.textChanged.connect(lambda _t: self._edited())
        self.reasoning.textChanged.connect(self._edited)
        self.private_notes.textChanged.connect(self._edited)
        self.rule_refs.itemChanged.connect(lambda _i: self._edited())
        self.evidence.itemChanged.connect(lambda _i: self._edited())
        self.submit_button.clicked.connect(lambda: self.submit())
        self.correct_button.clicked.connect(self.start_correction)
        return scroll

    def _build_no_steward(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        label = QLabel(
            "<h3>Who is judging?</h3><p>This desk has no steward yet. Create a signing key "
            "(<code>steward-desk keys init</code>) or enter your name, team and player id "
            "once: the conflict-of-interest rule needs them.</p>",
            page,
        )
        label.setWordWrap(True)
        button = QPushButton("Set up who I am…", page)
        button.clicked.connect(self._ask_steward)
        layout.addWidget(label)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def _ask_steward(self) -> None:
        if self.steward_setup is not None:
            self.steward_setup()
        if self.case is not None:
            self.open_incident(self.case.incident_id)

    # -- opening a case --------------------------------------------------------------------
    def open_incident(self, incident_id: str) -> None:
        """Show the form for `incident_id`: the steward's draft, their submitted verdict, or
        a fresh form filled from the report; a refusal instead when they are in conflict."""
        self.flush()
        self.case = self.repo.case(incident_id)
        self.steward = self.steward_provider()
        self.record = None
        if self.steward is None:
            self.pages.setCurrentIndex(NO_STEWARD)
            return
        reason = self.repo.conflict(self.steward, self.case)
        if reason is not None:
            self.repo.recuse(self.case.incident_id, self.steward, reason)
            self._show_refusal(reason)
            return
        self.pages.setCurrentIndex(FORM)
        draft = self.repo.draft(self.case.incident_id, self.steward.id)
        latest = self.repo.latest_submitted(self.case.incident_id, self.steward.id)
        self.record = draft or latest
        self._fill_header()
        if draft is not None:
            self._load(draft.body)
        elif latest is not None:
            self._load({**latest.body, **self.repo.form_extras(latest.id)})
        else:
            self._load(self._fresh_body())
        self._show_state()

    def _show_refusal(self, reason: str) -> None:
        case, steward = self.case, self.steward
        assert case is not None and steward is not None
        drivers = "".join(
            f"<li>{'#' + str(d.car_number) + ' ' if d.car_number is not None else ''}"
            f"<b>{html.escape(d.name)}</b> ({d.role.value})"
            f"{' · ' + html.escape(case.teams[d.player_id]) if case.teams.get(d.player_id) else ''}"
            "</li>"
            for d in case.involved
        )
        you = html.escape(steward.name) + (
            f" · team {html.escape(steward.team)}" if steward.team else ""
        )
        if steward.player_id:
            you += f" · player id {html.escape(steward.player_id)}"
        self.refusal.setText(
            f"<h2 style='{_ERROR}'>You cannot judge case {case.number}</h2>"
            f"<p style='font-size:15px'><b>{html.escape(reason)}</b></p>"
            f"<p>Case {case.number} · {html.escape(case.event)} · lap {case.lap or '—'}</p>"
            f"<p>Drivers involved:</p><ul>{drivers}</ul><p>You: {you}</p>"
            "<p>The rulebook's panel rules keep stewards who are involved in an incident, or "
            "race for the same team as a driver involved, out of it. <b>Your recusal is "
            "recorded</b> in the case's history and listed for the head steward in the case "
            "details; the case goes to the other stewards of the panel.</p>"
        )
        self.pages.setCurrentIndex(REFUSAL)

    def _fill_header(self) -> None:
        case = self.case
        assert case is not None
        system = self.rulebook.system_for(case.event_kind)
        where = f"lap {case.lap}" if case.lap else format_race_time(case.race_time_ms)
        self.header.setText(
            f"<b style='font-size:15px'>Case {case.number}</b> · {html.escape(case.event)} · "
            f"{html.escape(case.track)} · {html.escape(where)}<br>"
            f"<span style='color:gray'>{case.event_kind.value} event: "
            f"{html.escape(system.name)} · judging as {html.escape(self.steward.name if self.steward else '')}</span>"
        )
        text = case.report_text.strip()
        self.report.setText("“" + (text if len(text) <= 600 else text[:600] + "…") + "”")
        self._fill_drivers()
        self.refresh_evidence()

    def _fill_drivers(self) -> None:
        assert self.case is not None
        while self.drivers_grid.count():
            item = self.drivers_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fault_boxes, self.affected_boxes = {}, {}
        for row, driver in enumerate(self.case.involved):
            car = f"#{driver.car_number} " if driver.car_number is not None else ""
            team = self.case.teams.get(driver.player_id, "")
            label = QLabel(
                f"<b>{html.escape(car + driver.name)}</b> <span style='color:gray'>"
                f"{driver.role.value}{' · ' + html.escape(team) if team else ''}</span>"
            )
            fault = QCheckBox("At fault")
            fault.setObjectName(f"fault:{driver.player_id}")
            affected = QCheckBox("Affected")
            affected.setObjectName(f"affected:{driver.player_id}")
            fault.toggled.connect(lambda _c: self._ruling_edited())
            affected.toggled.connect(lambda _c: self._edited())
            self.drivers_grid.addWidget(label, row, 0)
            self.drivers_grid.addWidget(fault, row, 1)
            self.drivers_grid.addWidget(affected, row, 2)
            self.fault_boxes[driver.player_id] = fault
            self.affected_boxes[driver.player_id] = affected
        self.drivers_grid.setColumnStretch(0, 1)

    def _fresh_body(self) -> dict[str, Any]:
        assert self.case is not None
        matches = self.calculator.suggest_category(self.case.report_text, limit=1)
        category = self.case.category or (matches[0].category if matches else None)
        return {"category": category or self.rulebook.category_ids[0], "_fresh": True}

    # -- form <-> body ---------------------------------------------------------------------
    def _load(self, body: dict[str, Any]) -> None:
        self._loading = True
        try:
            index = self.category.findData(body.get("category"))
            self.category.setCurrentIndex(max(index, 0))
            self._category_changed(self.category.currentIndex())
            self.checklist.set_answers(body.get("checklist") or {})
            severity = body.get("severity") or self.rulebook.default_severity
            self.severity.setCurrentIndex(max(self.severity.findData(severity), 0))
            factors = set(body.get("factors") or [])
            for factor_id, box in self.factor_boxes.items():
                box.setChecked(factor_id in factors)
            at_fault = set(body.get("at_fault") or [])
            affected = set(body.get("affected") or [])
            for pid, box in self.fault_boxes.items():
                box.setChecked(pid in at_fault)
            for pid, box in self.affected_boxes.items():
                box.setChecked(pid in affected)
            self._set_rule_refs(body.get("rule_refs"))
            self.reasoning.setPlainText(body.get("reasoning", ""))
            self.private_notes.setPlainText(body.get("private_notes", ""))
            self.override_reason.setText(body.get("override_reason", ""))
            self._recompute()
            if "outcome" in body:
                self._set_ruling(Outcome(body["outcome"]), _penalty(body.get("penalty")))
                assert self.suggestion is not None
                self.follow_suggestion = self.suggestion.same_ruling(*self.ruling())
            else:
                self.follow_suggestion = True
                self.apply_suggestion(save=False)
            cited = body.get("evidence")
            if cited is not None:
                refs = {(e.get("ref"), e.get("label")) for e in cited if isinstance(e, dict)}
                for i in range(self.evidence.count()):
                    item = self.evidence.item(i)
                    data = item.data(Qt.ItemDataRole.UserRole)
                    if data is None:
                        continue  # the "no bookmarks yet" line
                    checked = (data.ref, data.label) in refs
                    item.setCheckState(
                        Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                    )
        finally:
            self._loading = False
        self._update_ruling_view()

    def body(self) -> dict[str, Any]:
        """The form as the verdict JSON shape (CLI.md) plus the form-only fields."""
        outcome, penalty = self.ruling()
        refs = [
            self.rule_refs.item(i).text()
            for i in range(self.rule_refs.count())
            if self.rule_refs.item(i).checkState() == Qt.CheckState.Checked
        ]
        evidence = [
            self.evidence.item(i).data(Qt.ItemDataRole.UserRole).to_json()
            for i in range(self.evidence.count())
            if self.evidence.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {
            "category": self.category.currentData(),
            "outcome": outcome.value,
            "at_fault": [p for p, box in self.fault_boxes.items() if box.isChecked()],
            "affected": [p for p, box in self.affected_boxes.items() if box.isChecked()],
            "penalty": None
            if penalty is None
            else {"type": penalty.type.value, "value": penalty.value},
            "checklist": self.checklist.answers(),
            "factors": [f for f, box in self.factor_boxes.items() if box.isChecked()],
            "severity": self.severity.currentData(),
            "rule_refs": refs,
            "reasoning": self.reasoning.toPlainText(),
            "private_notes": self.private_notes.toPlainText(),
            "override_reason": self.override_reason.text(),
            "evidence": evidence,
        }

    def ruling(self) -> tuple[Outcome, Penalty | None]:
        outcome = Outcome(self.outcome.currentData())
        kind = self.penalty_type.currentData()
        if not self.penalty_type.isEnabled() or not kind:
            return outcome, None
        penalty_type = PenaltyType(kind)
        value = self.penalty_value.value() if penalty_needs_value(penalty_type) else 0
        return outcome, Penalty(penalty_type, value)

    def _set_rule_refs(self, chosen: list[str] | None) -> None:
        category = self.rulebook.category(self.category.currentData())
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

    # -- evidence --------------------------------------------------------------------------
    def refresh_evidence(self) -> None:
        """Re-read the case's bookmarks and snapshots, keeping what was ticked."""
        if self.case is None:
            return
        source = (
            self.evidence_provider()
            if self.evidence_provider
            else self.repo.evidence(self.case.incident_id)
        )
        items = [EvidenceItem.coerce(e) for e in source]
        before = {
            (d.ref, d.label): self.evidence.item(i).checkState()
            for i in range(self.evidence.count())
            if (d := self.evidence.item(i).data(Qt.ItemDataRole.UserRole)) is not None
        }
        self.evidence.blockSignals(True)
        self.evidence.clear()
        for e in items:
            when = format_race_time(e.race_ms) if e.race_ms is not None else ""
            item = QListWidgetItem(f"{e.kind} · {when} · {e.label}".replace(" ·  · ", " · "))
            item.setData(Qt.ItemDataRole.UserRole, e)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(before.get((e.ref, e.label), Qt.CheckState.Checked))
            self.evidence.addItem(item)
        if not items:
            self.evidence.addItem("No bookmarks or snapshots yet: mark them in the footage (M).")
        self.evidence.blockSignals(False)

    # -- reacting to the steward -----------------------------------------------------------
    def _category_changed(self, _index: int) -> None:
        category = self.rulebook.category(self.category.currentData())
        self.checklist.set_category(category)
        if self.case is not None:
            matches = self.calculator.suggest_category(self.case.report_text, limit=2)
            if matches:
                words = ", ".join(f"“{w}”" for w in matches[0].matched[:4])
                name = self.rulebook.category(matches[0].category).name
                self.category_hint.setText(f"Suggested from the report: {name} ({words}).")
            else:
                self.category_hint.setText("The report's words suggest no category.")
        if not self._loading:
            self._set_rule_refs(None)
            self._inputs_changed()

    def _checklist_answered(self, item_id: str, answer: object) -> None:
        category = self.rulebook.category(self.category.currentData())
        item = category.item(item_id)
        if item.factor is not None and item.factor in self.factor_boxes and answer is not None:
            self.factor_boxes[item.factor].setChecked(bool(answer))  # a "yes" sets the factor
        self._edited()

    def _inputs_changed(self) -> None:
        """Category, severity or factors moved: ask the calculator again."""
        if self._loading:
            return
        self._recompute()
        if self.follow_suggestion:
            self.apply_suggestion(save=False)
        self._update_ruling_view()
        self._edited()

    def _ruling_edited(self) -> None:
        if self._loading:
            return
        self._sync_penalty_widgets()
        if self.suggestion is not None:
            self.follow_suggestion = self.suggestion.same_ruling(*self.ruling())
        self._update_ruling_view()
        self._edited()

    def _edited(self) -> None:
        if self._loading or self.case is None or self.steward is None:
            return
        if self.record is not None and self.record.submitted:
            return
        self._pending = True
        self._timer.start()
        self.changed.emit()

    def _recompute(self) -> None:
        assert self.case is not None
        category = self.category.currentData()
        factors = [f for f, box in self.factor_boxes.items() if box.isChecked()]
        self.suggestion = self.calculator.suggest(
            self.case.event_kind, category, self.severity.currentData(), factors
        )
        self.precedents = self.repo.precedents(
            category,
            kind=self.case.event_kind,
            track=self.case.track,
            exclude_incident=self.case.incident_id,
        )
        self.precedents_view.show_precedents(
            self.precedents, self.rulebook.category(category).name, self.case.track
        )
        marker = " <i>(example tariff)</i>" if self.suggestion.example_values else ""
        self.suggested.setText(f"<b>{html.escape(self.suggestion.describe())}</b>{marker}")
        self.suggested.setToolTip("\n".join(self.suggestion.explanation))

    def apply_suggestion(self, save: bool = True) -> None:
        if self.suggestion is None:
            return
        was = self._loading
        self._loading = True
        try:
            self._set_ruling(self.suggestion.outcome, self.suggestion.penalty)
        finally:
            self._loading = was
        self.follow_suggestion = True
        self._update_ruling_view()
        if save:
            self._edited()

    def _set_ruling(self, outcome: Outcome, penalty: Penalty | None) -> None:
        self.outcome.setCurrentIndex(max(self.outcome.findData(outcome.value), 0))
        self._sync_penalty_widgets()
        if penalty is not None:
            self.penalty_type.setCurrentIndex(
                max(self.penalty_type.findData(penalty.type.value), 0)
            )
            self.penalty_value.setValue(penalty.value)
        self._sync_penalty_widgets()

    def _sync_penalty_widgets(self) -> None:
        """Offer the penalty types this outcome and the event's system allow."""
        assert self.case is not None
        spec = self.rulebook.outcome(Outcome(self.outcome.currentData()))
        system = self.rulebook.system_for(self.case.event_kind)
        allowed = [t for t in system.penalty_types if spec.allows(t)]
        current = self.penalty_type.currentData()
        wanted = [t.value for t in allowed]
        if [self.penalty_type.itemData(i) for i in range(self.penalty_type.count())] != wanted:
            self.penalty_type.blockSignals(True)
            self.penalty_type.clear()
            if spec.penalty is PenaltyRequirement.OPTIONAL:
                self.penalty_type.addItem("No penalty", "")
            for kind in allowed:
                self.penalty_type.addItem(kind.value.replace("_", " ").capitalize(), kind.value)
            self.penalty_type.setCurrentIndex(max(self.penalty_type.findData(current), 0))
            self.penalty_type.blockSignals(False)
        self.penalty_type.setEnabled(bool(allowed))
        kind = self.penalty_type.currentData()
        needs = bool(kind) and penalty_needs_value(PenaltyType(kind))
        self.penalty_value.setEnabled(needs)
        self.penalty_value.setSuffix(f" {PenaltyType(kind).unit}" if needs else "")
        self.penalty_value.setMinimum(1 if needs else 0)

    def _update_ruling_view(self) -> None:
        if self.suggestion is None or self.case is None:
            return
        outcome, penalty = self.ruling()
        needs_reason = outcome in SANCTIONS and not self.suggestion.same_ruling(outcome, penalty)
        self.override_label.setVisible(needs_reason)
        self.override_reason.setVisible(needs_reason)
        self.use_suggestion.setEnabled(not self.follow_suggestion)
        departure = self.calculator.departure(outcome, penalty, self.suggestion, self.precedents)
        self.departure.setText("⚠ " + departure.message() if departure else "")
        self.departure.setVisible(departure is not None)

    # -- saving and submitting -------------------------------------------------------------
    def flush(self) -> None:
        """Save a pending change now (also called 300 ms after the last change)."""
        self._timer.stop()
        if not self._pending or self.case is None or self.steward is None:
            return
        self._pending = False
        self.record = self.repo.save_draft(self.case.incident_id, self.steward, self.body())
        self._show_state()

    def submit(self) -> str | None:
        """Submit the verdict; returns its id, or None with the problems shown in the form."""
        if self.case is None or self.steward is None or self.pages.currentIndex() != FORM:
            return None
        if self.record is not None and self.record.submitted:
            self.errors.setText("This verdict is submitted. Correct it with a new version.")
            return None
        self.flush()
        try:
            record = self.repo.submit(self.case.incident_id, self.steward, self.body())
        except VerdictError as error:
            self.errors.setText(
                "<b>Not submitted:</b><br>"
                + "<br>".join(html.escape(str(p)) for p in error.problems)
            )
            return None
        except ConflictOfInterest as error:
            self._show_refusal(error.reason)
            return None
        except WorkflowError as error:
            self.errors.setText(html.escape(str(error)))
            return None
        self.errors.clear()
        self.record = record
        self._show_state()
        self.submitted.emit(record.id)
        return record.id

    def start_correction(self) -> None:
        if self.case is None or self.steward is None:
            return
        self.record = self.repo.start_correction(self.case.incident_id, self.steward)
        self._load(self.record.body)
        self._show_state()

    def _show_state(self) -> None:
        record = self.record
        locked = record is not None and record.submitted
        for box in self.editable:
            box.setEnabled(not locked)
        self.submit_button.setEnabled(not locked)
        self.correct_button.setVisible(locked)
        if record is None:
            self.state.setText("<span style='color:gray'>New verdict: saved as you type.</span>")
        elif locked:
            assert record.submitted_at is not None
            self.state.setText(
                f"<b style='color:#047857'>Submitted</b> v{record.version} at "
                f"{record.submitted_at:%d %b %H:%M} UTC · read-only"
            )
        else:
            label = f"Draft v{record.version}" + (" (correction)" if record.supersedes else "")
            self.state.setText(
                f"<span style='color:gray'>{label} saved {record.updated_at:%H:%M:%S} UTC</span>"
            )
        self._show_others()

    def _show_others(self) -> None:
        if self.case is None or self.steward is None:
            return
        mine = self.steward.id
        others = [
            r
            for r in self.repo.visible_verdicts(self.case.incident_id, self.steward)
            if r.steward_id != mine and r.superseded_by is None
        ]
        hidden = self.repo.hidden_count(self.case.incident_id, self.steward)
        lines = []
        for r in others:
            penalty = _penalty(r.body.get("penalty"))
            ruling = Outcome(r.body["outcome"]).label + (
                f": {penalty.describe()}" if penalty else ""
            )
            lines.append(
                f"<b>{html.escape(r.steward_name)}</b> (v{r.version}): {html.escape(ruling)}"
            )
        if hidden:
            lines.append(
                f"<span style='color:gray'>{hidden} other steward verdict(s) stay hidden until "
                "you submit yours (blind review).</span>"
            )
        self.others.setText("<br>".join(lines))

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Save what is pending (the window calls this before closing the tab)."""
        self.flush()

    def shortcut_actions(self) -> list[QAction]:
        return [self.submit_action]


def _penalty(raw: object) -> Penalty | None:
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    return Penalty(PenaltyType(raw["type"]), int(raw.get("value") or 0))
