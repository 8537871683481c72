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
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import Outcome, Penalty, PenaltyType, format_race_time
from steward_desk.core.penalties import PenaltyCalculator, Suggestion
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.verdict import VerdictError
from steward_desk.core.workflow import WorkflowError
from steward_desk.paths import Paths
from steward_desk.storage.stewards import StewardInfo
from steward_desk.storage.store import Store
from steward_desk.storage.verdict_records import CaseFacts, ConflictOfInterest, VerdictRecord
from steward_desk.storage.verdicts import VerdictRepository
from steward_desk.ui.verdict.checklist import ChecklistWidget
from steward_desk.ui.verdict.drivers import DriversBox
from steward_desk.ui.verdict.evidence_list import EvidenceList
from steward_desk.ui.verdict.precedents_view import PrecedentsView
from steward_desk.ui.verdict.ruling import RulingBox

DEBOUNCE_MS = 300
FORM, REFUSAL, NO_STEWARD = range(3)
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

        self.drivers = DriversBox(body)
        column.addWidget(self.drivers)
        self.ruling_box = RulingBox(self.rulebook, self.calculator, body)
        column.addWidget(self.ruling_box)
        # The ruling's controls, named on the panel for the lead's wiring and the tests.
        r = self.ruling_box
        self.severity, self.factor_boxes, self.outcome = r.severity, r.factor_boxes, r.outcome
        self.penalty_type, self.penalty_value = r.penalty_type, r.penalty_value
        self.suggested, self.use_suggestion, self.departure = (
            r.suggested,
            r.use_suggestion,
            r.departure,
        )
        self.override_reason = r.override_reason

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
        self.evidence = EvidenceList(evidence)
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
        self.editable = [what, self.drivers, self.ruling_box, words, evidence]

        self.category.currentIndexChanged.connect(self._category_changed)
        self.checklist.answered.connect(self._checklist_answered)
        self.ruling_box.edited.connect(self._edited)
        self.drivers.edited.connect(self._edited)
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
        self.drivers.set_drivers(case.involved, case.teams)
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
            index = self.category.findData(body.get("category"))
            self.category.setCurrentIndex(max(index, 0))
            self._category_changed(self.category.currentIndex())
            self.checklist.set_answers(body.get("checklist") or {})
            self.drivers.load(body.get("at_fault") or [], body.get("affected") or [])
            self._set_rule_refs(body.get("rule_refs"))
            self.reasoning.setPlainText(body.get("reasoning", ""))
            self.private_notes.setPlainText(body.get("private_notes", ""))
            ruling = None
            if "outcome" in body:
                ruling = (Outcome(body["outcome"]), _penalty(body.get("penalty")))
            self.ruling_box.load(
                body.get("severity"),
                body.get("factors") or [],
                ruling,
                body.get("override_reason", ""),
            )
            cited = body.get("evidence")
            if isinstance(cited, list):
                self.evidence.load_cited(cited)
        finally:
            self._loading = False

    def body(self) -> dict[str, Any]:
        """The form as the verdict JSON shape (CLI.md) plus the form-only fields."""
        outcome, penalty = self.ruling()
        refs = [
            self.rule_refs.item(i).text()
            for i in range(self.rule_refs.count())
            if self.rule_refs.item(i).checkState() == Qt.CheckState.Checked
        ]
        evidence = self.evidence.cited()
        return {
            "category": self.category.currentData(),
            "outcome": outcome.value,
            "at_fault": self.drivers.at_fault(),
            "affected": self.drivers.affected(),
            "penalty": None
            if penalty is None
            else {"type": penalty.type.value, "value": penalty.value},
            "checklist": self.checklist.answers(),
            "factors": self.ruling_box.factors(),
            "severity": self.ruling_box.severity_id(),
            "rule_refs": refs,
            "reasoning": self.reasoning.toPlainText(),
            "private_notes": self.private_notes.toPlainText(),
            "override_reason": self.override_reason.text(),
            "evidence": evidence,
        }

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
        self.evidence.show_items(source)

    # -- reacting to the steward -----------------------------------------------------------
    def _category_changed(self, _index: int) -> None:
        category_id = self.category.currentData()
        category = self.rulebook.category(category_id)
        self.checklist.set_category(category)
        if self.case is None:
            return
        matches = self.calculator.suggest_category(self.case.report_text, limit=1)
        if matches:
            words = ", ".join(f"“{w}”" for w in matches[0].matched[:4])
            name = self.rulebook.category(matches[0].category).name
            self.category_hint.setText(f"Suggested from the report: {name} ({words}).")
        else:
            self.category_hint.setText("The report's words suggest no category.")
        precedents = self.repo.precedents(
            category_id,
            kind=self.case.event_kind,
            track=self.case.track,
            exclude_incident=self.case.incident_id,
        )
        self.precedents_view.show_precedents(precedents, category.name, self.case.track)
        self.ruling_box.set_context(self.case.event_kind, category_id, precedents)
        if not self._loading:
            self._set_rule_refs(None)
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
