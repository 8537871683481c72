"""The verdict panel beside the footage: a thin view over the verdict repository and the
penalty calculator. It opens a case (or refuses it), reacts to the steward's edits, saves them
as a draft 300 ms after the last keystroke, submits and starts corrections. The form's widgets
live in verdict_form.py, the pages shown instead of it in refusal.py."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence
from PySide6.QtWidgets import QCheckBox, QStackedWidget, QVBoxLayout, QWidget

from steward_desk.core.model import Outcome, Penalty
from steward_desk.core.penalties import PenaltyCalculator, Suggestion
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.verdict import VerdictError
from steward_desk.core.workflow import WorkflowError
from steward_desk.paths import Paths
from steward_desk.storage.stewards import StewardInfo
from steward_desk.storage.store import Store
from steward_desk.storage.verdict_records import CaseFacts, ConflictOfInterest, VerdictRecord
from steward_desk.storage.verdicts import VerdictRepository
from steward_desk.ui.verdict.refusal import NoStewardPage, RefusalPage
from steward_desk.ui.verdict.verdict_form import VerdictForm

DEBOUNCE_MS = 300
FORM, REFUSAL, NO_STEWARD = range(3)


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
        self._loading = False
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)

        self.pages = QStackedWidget(self)
        self.form = VerdictForm(rulebook, self.calculator, self)
        self._name_form_widgets(self.form)
        self._wire_form()
        self.pages.addWidget(self.form)
        self.refusal = RefusalPage(self)
        self.pages.addWidget(self.refusal)
        no_steward = NoStewardPage(self)
        no_steward.setup_button.clicked.connect(self._ask_steward)
        self.pages.addWidget(no_steward)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.submit_action = QAction("Submit verdict", self)
        self.submit_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.submit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.submit_action.setProperty("shortcut_group", "Verdict form")
        self.submit_action.triggered.connect(lambda _c=False: self.submit())
        self.addAction(self.submit_action)

    def _name_form_widgets(self, form: VerdictForm) -> None:
        # The form's controls, named on the panel for the lead's wiring and the tests.
        self.form_body, self.editable = form.form_body, form.editable
        self.header, self.report, self.state = form.header, form.report, form.state
        self.category, self.category_hint = form.category, form.category_hint
        self.checklist, self.drivers = form.checklist, form.drivers
        self.ruling_box = form.ruling_box
        self.precedents_view, self.precedents_box = form.precedents_view, form.precedents_box
        reasons = form.reasons
        self.rule_refs, self.reasoning = reasons.rule_refs, reasons.reasoning
        self.private_notes = reasons.private_notes
        self.evidence, self.refresh_evidence_button = form.evidence, form.refresh_evidence_button
        self.others, self.errors = form.others, form.errors
        self.submit_button, self.correct_button = form.submit_button, form.correct_button
        r = self.ruling_box
        self.severity, self.factor_boxes, self.outcome = r.severity, r.factor_boxes, r.outcome
        self.penalty_type, self.penalty_value = r.penalty_type, r.penalty_value
        self.suggested, self.use_suggestion = r.suggested, r.use_suggestion
        self.departure, self.override_reason = r.departure, r.override_reason

    def _wire_form(self) -> None:
        self.refresh_evidence_button.clicked.connect(lambda: self.refresh_evidence())
        self.category.currentIndexChanged.connect(self._category_changed)
        self.checklist.answered.connect(self._checklist_answered)
        self.ruling_box.edited.connect(self._edited)
        self.drivers.edited.connect(self._edited)
        self.form.reasons.edited.connect(self._edited)
        self.evidence.itemChanged.connect(lambda _i: self._edited())
        self.submit_button.clicked.connect(lambda: self.submit())
        self.correct_button.clicked.connect(self.start_correction)

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
        assert self.case is not None and self.steward is not None
        self.refusal.show_conflict(self.case, self.steward, reason)
        self.pages.setCurrentIndex(REFUSAL)

    def _fill_header(self) -> None:
        assert self.case is not None
        self.form.show_case(self.case, self.steward.name if self.steward else "")
        self.refresh_evidence()

    def _fresh_body(self) -> dict[str, Any]:
        assert self.case is not None
        matches = self.calculator.suggest_category(self.case.report_text, limit=1)
        category = self.case.category or (matches[0].category if matches else None)
        return {"category": category or self.rulebook.category_ids[0], "_fresh": True}

    # -- form <-> body ---------------------------------------------------------------------
    def _load(self, body: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.form.select_category(body.get("category"))
            # Called even when the index did not move: a new case needs the category's
            # checklist, precedents and tariff context before the body is filled in.
            self._category_changed(self.category.currentIndex())
            self.form.fill(body)
        finally:
            self._loading = False

    def body(self) -> dict[str, Any]:
        """The form as the verdict JSON shape (CLI.md) plus the form-only fields."""
        return self.form.body()

    def ruling(self) -> tuple[Outcome, Penalty | None]:
        return self.ruling_box.ruling()

    @property
    def suggestion(self) -> Suggestion | None:
        return self.ruling_box.suggestion

    @property
    def follow_suggestion(self) -> bool:
        return self.ruling_box.follow_suggestion

    @property
    def fault_boxes(self) -> dict[str, QCheckBox]:
        return self.drivers.fault_boxes

    @property
    def affected_boxes(self) -> dict[str, QCheckBox]:
        return self.drivers.affected_boxes

    def apply_suggestion(self) -> None:
        self.ruling_box.apply_suggestion()

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
        self.evidence.show_items(source)

    # -- reacting to the steward -----------------------------------------------------------
    def _category_changed(self, _index: int) -> None:
        category_id = self.category.currentData()
        category = self.rulebook.category(category_id)
        self.checklist.set_category(category)
        if self.case is None:
            return
        matches = self.calculator.suggest_category(self.case.report_text, limit=1)
        self.form.show_category_hint(matches[0] if matches else None)
        precedents = self.repo.precedents(
            category_id,
            kind=self.case.event_kind,
            track=self.case.track,
            exclude_incident=self.case.incident_id,
        )
        self.precedents_view.show_precedents(precedents, category.name, self.case.track)
        self.ruling_box.set_context(self.case.event_kind, category_id, precedents)
        if not self._loading:
            self.form.set_rule_refs(None)
            self._edited()

    def _checklist_answered(self, item_id: str, answer: object) -> None:
        item = self.rulebook.category(self.category.currentData()).item(item_id)
        if item.factor is not None and answer is not None:
            self.ruling_box.set_factor(item.factor, bool(answer))  # a "yes" sets the factor
        self._edited()

    def _edited(self) -> None:
        if self._loading or self.case is None or self.steward is None:
            return
        if self.record is not None and self.record.submitted:
            return
        self._pending = True
        self._timer.start()
        self.changed.emit()

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
            self.form.show_problems(error.problems)
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
        self.form.show_state(self.record)
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
        self.form.show_others(others, hidden)

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Save what is pending (the window calls this before closing the tab)."""
        self.flush()

    def shortcut_actions(self) -> list[QAction]:
        return [self.submit_action]
