"""A steward judges demo cases in the verdict form: checklist, calculator, precedents,
conflicts of interest, the override reason, submission and correction, the case workflow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from steward_desk.app import Desk
from steward_desk.core.model import IncidentStatus
from steward_desk.core.workflow import CaseAction
from steward_desk.storage.tables import Decision, Incident
from steward_desk.ui.verdict.panel import FORM, REFUSAL, VerdictPanel

JOSE = "S76561198000000102"


def judge(desk: Desk, case: str) -> VerdictPanel:
    window = desk.window
    assert window.select_incident(desk.store.incidents.resolve(case))
    window.verdicts.judge_action.trigger()
    panel = window.tabs.currentWidget()
    assert isinstance(panel, VerdictPanel)
    return panel


def click(qtbot: QtBot, widget) -> None:  # type: ignore[no-untyped-def]
    """Click where a person clicks: on the box or the text, at the left (a stretched check
    box's centre can lie past its label, where Qt does not count a click)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def radio(panel: VerdictPanel, item: str, answer: str):  # type: ignore[no-untyped-def]
    return panel.checklist.findChild(
        type(panel.checklist.groups[item].button(1)), f"{item}:{answer}"
    )


def test_a_steward_judges_the_opening_lap_contact_end_to_end(
    steward_desk: Desk, qtbot: QtBot
) -> None:
    desk = steward_desk
    panel = judge(desk, "1")
    assert panel.pages.currentIndex() == FORM
    assert panel.category.currentData() == "avoidable_contact"  # from the report
    assert "Suggested from the report: Avoidable Contact" in panel.category_hint.text()
    assert "dived up the inside" in panel.report.text()
    assert panel.suggested.text().startswith("<b>Penalty: 5 s time penalty")

    click(qtbot, radio(panel, "overlap_before_turn_in", "no"))
    click(qtbot, radio(panel, "opening_lap", "yes"))  # a "yes" sets the opening-lap factor
    assert panel.factor_boxes["opening_lap"].isChecked()
    click(qtbot, panel.factor_boxes["damage"])  # "lost ... the front splitter"
    suggestion = panel.suggestion
    assert suggestion is not None and suggestion.severity == "severe"
    assert suggestion.penalty is not None and suggestion.penalty.value > 5
    assert panel.ruling() == (suggestion.outcome, suggestion.penalty)  # the form follows it
    assert not panel.override_reason.isVisible()
    click(qtbot, panel.fault_boxes[JOSE])
    click(qtbot, panel.affected_boxes["S76561198000000101"])
    qtbot.keyClicks(panel.reasoning, "No overlap at turn-in on the opening lap.")

    with qtbot.waitSignal(panel.submitted, timeout=2000) as signal:
        qtbot.keyClick(panel.reasoning, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    verdict_id = signal.args[0]
    record = panel.repo.latest_submitted(panel.case.incident_id, panel.steward.id)
    assert record is not None and record.id == verdict_id
    assert record.body["checklist"]["overlap_before_turn_in"] is False
    assert record.body["factors"] == ["opening_lap", "damage"]
    assert record.body["penalty"] == {"type": "time", "value": suggestion.penalty.value}
    assert record.body["reasoning"] == "No overlap at turn-in on the opening lap."
    assert panel.repo.form_extras(verdict_id)["affected"] == ["S76561198000000101"]
    assert panel.repo.case("1").status is IncidentStatus.AWAITING_PANEL
    assert "Submitted" in panel.state.text()
    assert not panel.editable[0].isEnabled() and not panel.submit_button.isEnabled()
    row = desk.window.model.row_of(panel.case.incident_id)
    assert desk.window.model.rows()[row].status is IncidentStatus.AWAITING_PANEL


def test_drafts_save_300_ms_after_typing_and_come_back(steward_desk: Desk, qtbot: QtBot) -> None:
    panel = judge(steward_desk, "3")
    qtbot.keyClicks(panel.private_notes, "Check the second move")
    assert panel.repo.draft(panel.case.incident_id, panel.steward.id) is None  # debounced
    qtbot.waitUntil(
        lambda: panel.repo.draft(panel.case.incident_id, panel.steward.id) is not None,
        timeout=2000,
    )
    draft = panel.repo.draft(panel.case.incident_id, panel.steward.id)
    assert draft is not None and draft.body["private_notes"] == "Check the second move"
    assert panel.repo.case("3").status is IncidentStatus.IN_REVIEW
    again = steward_desk.window.verdicts.make_panel(panel.case.incident_id)
    assert again.private_notes.toPlainText() == "Check the second move"
    assert again.category.currentData() == "unsafe_rejoin"


def test_a_penalty_off_the_tariff_needs_a_reason_before_submit(
    steward_desk: Desk, qtbot: QtBot
) -> None:
    panel = judge(steward_desk, "1")
    click(qtbot, panel.fault_boxes[JOSE])
    qtbot.keyClicks(panel.reasoning, "Dive at La Source.")
    panel.penalty_value.setValue(15)
    assert panel.override_reason.isVisible()
    assert not panel.follow_suggestion and panel.use_suggestion.isEnabled()
    assert panel.submit() is None
    assert "override_reason: required" in panel.errors.text()
    qtbot.keyClicks(panel.override_reason, "Second offence tonight.")
    assert panel.submit() is not None
    assert panel.repo.case("1").status is IncidentStatus.AWAITING_PANEL


def test_precedents_are_listed_and_a_departure_is_flagged(
    steward_desk: Desk, qtbot: QtBot, add_decision: Callable[..., str], clear_decisions
) -> None:
    store = steward_desk.store
    clear_decisions(store)  # the demo decided two cases: this league's precedents are our own
    add_decision(store, "6", {"category": "avoidable_contact", "outcome": "penalty",
                              "penalty": {"type": "time", "value": 10}, "reasoning": "Squeeze."})  # fmt: skip
    add_decision(store, "4", {"category": "avoidable_contact", "outcome": "penalty",
                              "penalty": {"type": "time", "value": 15}, "reasoning": "Punt."}, 3)  # fmt: skip
    panel = judge(steward_desk, "1")
    view = panel.precedents_view
    assert [p.reasoning for p in view.precedents] == ["Squeeze.", "Punt."]  # newest first
    listed = view.text()
    assert listed.index("10 s time penalty") < listed.index("Squeeze.") < listed.index("Punt.")
    assert "2 earlier decisions" in panel.precedents_view.summary.text()
    # The tariff's 5 s is below what the league gave before.
    assert panel.departure.isVisible()
    assert "below the precedents' range 10–15 s" in panel.departure.text()
    panel.penalty_value.setValue(10)
    assert "departs from the tariff's suggestion" in panel.departure.text()
    assert "range" not in panel.departure.text()
    panel.apply_suggestion()
    assert panel.ruling()[1] is not None and panel.ruling()[1].value == 5


def test_a_steward_of_the_accused_drivers_team_gets_a_refusal(desk: Desk, qtbot: QtBot) -> None:
    desk.window.verdicts.save_steward("Nico Nova", "Scuderia Nova", "", ("steward",))
    panel = judge(desk, "1")
    assert panel.pages.currentIndex() == REFUSAL
    text = panel.refusal.text()
    assert "You cannot judge case 1" in text
    assert "Nico Nova is on the same team (Scuderia Nova) as José Álvarez (car #11)." in text
    assert panel.submit() is None
    recusals = panel.repo.recusals(panel.case.incident_id)
    assert [r.steward_name for r in recusals] == ["Nico Nova"]
    html = desk.window.verdicts.workflow.clocks_html(panel.case.incident_id)
    assert "Recusals" in html and "Nico Nova" in html


def test_a_submitted_verdict_is_read_only_and_a_correction_is_version_2(
    steward_desk: Desk, qtbot: QtBot
) -> None:
    panel = judge(steward_desk, "1")
    click(qtbot, panel.fault_boxes[JOSE])
    qtbot.keyClicks(panel.reasoning, "Dive.")
    first = panel.submit()
    assert first is not None and panel.correct_button.isVisible()
    assert panel.submit() is None and "Correct it with a new version" in panel.errors.text()
    click(qtbot, panel.correct_button)
    assert panel.record is not None and (panel.record.version, panel.record.supersedes) == (
        2,
        first,
    )
    assert panel.submit_button.isEnabled() and panel.reasoning.toPlainText() == "Dive."
    panel.reasoning.setPlainText("Dive, corrected.")
    second = panel.submit()
    versions = panel.repo.visible_verdicts(panel.case.incident_id, panel.steward)
    assert [(r.id, r.version, r.superseded_by) for r in versions] == [
        (first, 1, second),
        (second, 2, None),
    ]
    assert versions[0].body["reasoning"] == "Dive."


def test_the_incident_menu_moves_cases_by_the_workflow(steward_desk: Desk, qtbot: QtBot) -> None:
    window = steward_desk.window
    flow = window.verdicts.workflow
    assert window.select_incident(steward_desk.store.incidents.resolve("3"))
    flow.update()
    enabled = {m for m, a in flow.actions.items() if a.isEnabled()}
    assert enabled == {CaseAction.START_REVIEW, CaseAction.SEND_TO_PANEL, CaseAction.WITHDRAW,
                       CaseAction.REJECT}  # fmt: skip
    assert flow.move(CaseAction.START_REVIEW) is IncidentStatus.IN_REVIEW
    assert flow.move(CaseAction.WITHDRAW, reason="Shook hands.") is IncidentStatus.WITHDRAWN
    flow.update()
    assert not any(a.isEnabled() for a in flow.actions.values())  # a withdrawal is final
    assert "Case set to Withdrawn" in window.statusBar().currentMessage()


def test_the_case_details_show_the_decision_target_and_then_the_appeal_window(
    steward_desk: Desk, add_decision: Callable[..., str]
) -> None:
    flow = steward_desk.window.verdicts.workflow
    store = steward_desk.store
    open_case = store.incidents.resolve("1")
    assert "Decision target" in flow.clocks_html(open_case)
    decided = store.incidents.resolve("6")
    assert "Appeal window: 48 h from publication" in flow.clocks_html(decided)
    decision = add_decision(store, "6", {"category": "avoidable_contact", "outcome": "warning"})
    with store.transaction() as session:
        row = session.get(Decision, decision)
        incident = session.get(Incident, decided)
        assert row is not None and incident is not None
        row.published_at = datetime.now(UTC)
        incident.status = IncidentStatus.PUBLISHED.value
    html = flow.clocks_html(decided)
    assert "Appeal window until" in html and "1 d 23 h left" in html
    steward_desk.window.select_incident(decided)
    steward_desk.window.refresh()
    flow.show_clocks(decided)
    assert "Appeal window until" in steward_desk.window.details.browser.toPlainText()


def test_bookmarks_of_the_case_are_evidence_the_verdict_cites(
    steward_desk: Desk, qtbot: QtBot
) -> None:
    from steward_desk.storage.tables import Bookmark

    store = steward_desk.store
    incident_id = store.incidents.resolve("1")
    with store.transaction() as session:
        session.add(Bookmark(incident_id=incident_id, race_ms=151_200, label="Contact"))
        session.add(Bookmark(incident_id=incident_id, race_ms=150_000, label="Turn-in"))
    panel = judge(steward_desk, "1")
    assert [panel.evidence.item(i).text() for i in range(panel.evidence.count())] == [
        "bookmark · 02:30.000 · Turn-in",
        "bookmark · 02:31.200 · Contact",
    ]
    panel.evidence.item(0).setCheckState(Qt.CheckState.Unchecked)  # not worth citing
    # The review workspace hands over its own list when the lead connects it.
    panel.evidence_provider = lambda: [
        {"label": "Contact", "race_ms": 151_200, "ref": panel.evidence.item(1).data(256).ref},
        {"path": "/evidence/case-1-contact.png", "race_ms": 151_200, "sha256": "ab" * 32},
    ]
    panel.refresh_evidence()
    assert panel.evidence.count() == 2
    click(qtbot, panel.fault_boxes[JOSE])
    qtbot.keyClicks(panel.reasoning, "Dive.")
    verdict_id = panel.submit()
    assert verdict_id is not None
    cited = panel.repo.cited_evidence(verdict_id)
    assert [(e.kind, e.label) for e in cited] == [
        ("bookmark", "Contact"),
        ("snapshot", "case-1-contact.png"),
    ]


def test_the_form_shows_other_verdicts_only_after_submitting(
    steward_desk: Desk, qtbot: QtBot
) -> None:
    from steward_desk.storage.stewards import StewardRepository

    store = steward_desk.store
    other = StewardRepository(store).register("Olga Other")
    panel = judge(steward_desk, "1")
    incident_id = panel.case.incident_id
    panel.repo.submit(
        incident_id,
        other,
        {"category": "avoidable_contact", "outcome": "racing_incident", "reasoning": "50/50."},
    )
    panel.open_incident(incident_id)
    assert "1 other steward verdict stays hidden" in panel.others.text()
    assert "Olga" not in panel.others.text()
    click(qtbot, panel.fault_boxes[JOSE])
    qtbot.keyClicks(panel.reasoning, "Dive.")
    assert panel.submit() is not None
    assert "Olga Other" in panel.others.text() and "Racing incident" in panel.others.text()
