"""The verdict form's page and its sections (the case, category and checklist, drivers,
ruling, precedents, rules and reasons, evidence, the panel's verdicts, the buttons) and the
mapping between the form and the verdict JSON body. It reacts to nothing: the panel does."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import Outcome, Penalty, PenaltyType, format_race_time
from steward_desk.core.penalties import CategoryMatch, PenaltyCalculator
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.wording import counted
from steward_desk.storage.verdict_records import CaseFacts, VerdictRecord
from steward_desk.ui.theme import ERROR_TEXT
from steward_desk.ui.verdict.checklist import ChecklistWidget
from steward_desk.ui.verdict.drivers import DriversBox
from steward_desk.ui.verdict.evidence_list import EvidenceList
from steward_desk.ui.verdict.precedents_view import PrecedentsView
from steward_desk.ui.verdict.reasons import ReasonsBox
from steward_desk.ui.verdict.ruling import RulingBox

_ERROR = f"color:{ERROR_TEXT};"


class VerdictForm(QScrollArea):
    """The scrolling form; `editable` lists the sections a submitted verdict locks."""

    def __init__(
        self, rulebook: Rulebook, calculator: PenaltyCalculator, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.rulebook = rulebook
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(self)
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
        for category in rulebook.categories:
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
        self.ruling_box = RulingBox(rulebook, calculator, body)
        column.addWidget(self.ruling_box)

        precedents = QGroupBox("Precedents", body)
        precedents_layout = QVBoxLayout(precedents)
        self.precedents_view = PrecedentsView(precedents)
        precedents_layout.addWidget(self.precedents_view)
        self.precedents_box = precedents
        column.addWidget(precedents)

        self.reasons = ReasonsBox(body)
        column.addWidget(self.reasons)

        evidence = QGroupBox("Evidence", body)
        evidence_layout = QVBoxLayout(evidence)
        self.evidence = EvidenceList(evidence)
        self.refresh_evidence_button = QPushButton("Refresh from the footage", evidence)
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
        self.setWidget(body)
        self.form_body = body
        self.editable: list[QWidget] = [what, self.drivers, self.ruling_box, self.reasons, evidence]

    # -- the case --------------------------------------------------------------------------
    def show_case(self, case: CaseFacts, steward_name: str) -> None:
        """The case's header, the report's words (the first 600 characters) and its drivers."""
        system = self.rulebook.system_for(case.event_kind)
        where = f"lap {case.lap}" if case.lap else format_race_time(case.race_time_ms)
        self.header.setText(
            f"<b style='font-size:15px'>Case {case.number}</b> · {html.escape(case.event)} · "
            f"{html.escape(case.track)} · {html.escape(where)}<br>"
            f"<span style='color:gray'>{case.event_kind.value} event: "
            f"{html.escape(system.name)} · judging as {html.escape(steward_name)}</span>"
        )
        text = case.report_text.strip()
        self.report.setText("“" + (text if len(text) <= 600 else text[:600] + "…") + "”")
        self.drivers.set_drivers(case.involved, case.teams)

    def show_category_hint(self, match: CategoryMatch | None) -> None:
        if match is not None:
            words = ", ".join(f"“{w}”" for w in match.matched[:4])
            name = self.rulebook.category(match.category).name
            self.category_hint.setText(f"Suggested from the report: {name} ({words}).")
        else:
            self.category_hint.setText("The report's words suggest no category.")

    # -- form <-> body ---------------------------------------------------------------------
    def select_category(self, category_id: object) -> None:
        """Choose `category_id`, or the rulebook's first category when it has no such one."""
        self.category.setCurrentIndex(max(self.category.findData(category_id), 0))

    def fill(self, body: dict[str, Any]) -> None:
        """Fill everything but the category from `body`; the category is chosen (and its
        checklist, precedents and tariff set up) first, as they decide what is offered here."""
        self.checklist.set_answers(body.get("checklist") or {})
        self.drivers.load(body.get("at_fault") or [], body.get("affected") or [])
        self.set_rule_refs(body.get("rule_refs"))
        self.reasons.reasoning.setPlainText(body.get("reasoning", ""))
        self.reasons.private_notes.setPlainText(body.get("private_notes", ""))
        ruling = None
        if "outcome" in body:
            ruling = (Outcome(body["outcome"]), penalty_from_json(body.get("penalty")))
        self.ruling_box.load(
            body.get("severity"),
            body.get("factors") or [],
            ruling,
            body.get("override_reason", ""),
        )
        cited = body.get("evidence")
        if isinstance(cited, list):
            self.evidence.load_cited(cited)

    def body(self) -> dict[str, Any]:
        """The form as the verdict JSON shape (CLI.md) plus the form-only fields."""
        outcome, penalty = self.ruling_box.ruling()
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
            "rule_refs": self.reasons.checked_rule_refs(),
            "reasoning": self.reasons.reasoning.toPlainText(),
            "private_notes": self.reasons.private_notes.toPlainText(),
            "override_reason": self.ruling_box.override_reason.text(),
            "evidence": self.evidence.cited(),
        }

    def set_rule_refs(self, chosen: list[str] | None) -> None:
        """Offer the chosen category's rule references; None ticks the category's own."""
        self.reasons.set_rule_refs(self.rulebook.category(self.category.currentData()), chosen)

    # -- where the verdict stands ----------------------------------------------------------
    def show_state(self, record: VerdictRecord | None) -> None:
        """Say whether the verdict is new, a saved draft or submitted; submitted locks it."""
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

    def show_others(self, others: Sequence[VerdictRecord], hidden: int) -> None:
        """The other stewards' verdicts this steward may see, and how many stay hidden."""
        lines = []
        for r in others:
            penalty = penalty_from_json(r.body.get("penalty"))
            ruling = Outcome(r.body["outcome"]).label + (
                f": {penalty.describe()}" if penalty else ""
            )
            lines.append(
                f"<b>{html.escape(r.steward_name)}</b> (v{r.version}): {html.escape(ruling)}"
            )
        if hidden:
            lines.append(
                f"<span style='color:gray'>{counted(hidden, 'other steward verdict')} "
                f"{'stays' if hidden == 1 else 'stay'} hidden until "
                "you submit yours (blind review).</span>"
            )
        self.others.setText("<br>".join(lines))

    def show_problems(self, problems: Sequence[object]) -> None:
        self.errors.setText(
            "<b>Not submitted:</b><br>" + "<br>".join(html.escape(str(p)) for p in problems)
        )


def penalty_from_json(raw: object) -> Penalty | None:
    """The penalty of a verdict body, None when it has none (or an empty type)."""
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    return Penalty(PenaltyType(raw["type"]), int(raw.get("value") or 0))
