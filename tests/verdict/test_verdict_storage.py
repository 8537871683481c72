"""A steward's verdicts in the database: drafts that follow the form, submissions that never
change, corrections as new versions, blind review, recusals, precedents and the audit log."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from verdict_cases import JOSE, ZOE, add_decision, contact_verdict

from steward_desk.core.model import IncidentStatus, Outcome, Penalty, PenaltyType
from steward_desk.core.verdict import VerdictError
from steward_desk.core.workflow import CaseAction, WorkflowError
from steward_desk.storage.stewards import StewardInfo, StewardRepository
from steward_desk.storage.tables import VerdictRow
from steward_desk.storage.verdict_records import ConflictOfInterest, VerdictLocked
from steward_desk.storage.verdicts import VerdictRepository


def rows(repo: VerdictRepository, incident_id: str) -> list[VerdictRow]:
    with repo.store.read() as session:
        return list(session.exec(select(VerdictRow).where(VerdictRow.incident_id == incident_id)))


def test_every_change_rewrites_one_draft_per_steward_and_case(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("3")  # a new case: the first draft starts its review
    assert case.status is IncidentStatus.NEW
    ana = stewards["ana"]
    repo.save_draft(case.incident_id, ana, {"category": "blocking", "reasoning": "Two"})
    repo.save_draft(case.incident_id, ana, {"category": "blocking", "reasoning": "Two moves"})
    repo.save_draft(case.incident_id, stewards["ben"], {"category": "blocking"})
    stored = rows(repo, case.incident_id)
    assert sorted((r.steward_id, r.status) for r in stored) == sorted(
        [(ana.id, "draft"), (stewards["ben"].id, "draft")]
    )
    mine = repo.draft(case.incident_id, ana.id)
    assert mine is not None and mine.body["reasoning"] == "Two moves"
    assert repo.case("3").status is IncidentStatus.IN_REVIEW
    saves = [e for e in repo.audit_trail(case.incident_id) if e.action == "verdict.draft_saved"]
    assert [e.actor for e in saves] == ["Ana Steward", "Ana Steward", "Ben Steward"]
    assert saves[1].detail["fields"] == ["reasoning"]  # what changed, not the text


def test_submitting_sends_the_case_to_the_panel_and_locks_the_verdict(
    repo: VerdictRepository, stewards: dict[str, StewardInfo], rulebook
) -> None:
    case = repo.case("1")
    ana = stewards["ana"]
    draft = repo.save_draft(case.incident_id, ana, contact_verdict(reasoning="draft"))
    record = repo.submit(case.incident_id, ana, contact_verdict())
    assert record.id == draft.id and record.submitted and record.version == 1
    assert repo.case("1").status is IncidentStatus.AWAITING_PANEL
    verdict = record.verdict(rulebook)
    assert verdict.penalty == Penalty(PenaltyType.TIME, 5) and verdict.at_fault == (JOSE,)
    assert verdict.steward.name == "Ana Steward" and verdict.submitted
    with pytest.raises(VerdictLocked):
        repo.ensure_editable(record.id)
    # Editing again makes a new version; the submitted row is untouched.
    before = json.dumps(record.body, sort_keys=True)
    repo.save_draft(case.incident_id, ana, contact_verdict(reasoning="second thoughts"))
    again = repo.latest_submitted(case.incident_id, ana.id)
    assert again is not None and json.dumps(again.body, sort_keys=True) == before


def test_a_correction_is_a_new_version_that_supersedes_the_old_one(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("1")
    ana = stewards["ana"]
    first = repo.submit(
        case.incident_id, ana, contact_verdict(evidence=[{"label": "contact", "race_ms": 151200}])
    )
    draft = repo.start_correction(case.incident_id, ana)
    assert (draft.version, draft.supersedes, draft.status) == (2, first.id, "draft")
    assert draft.body["evidence"][0]["label"] == "contact"  # carried over from the audit entry
    second = repo.submit(
        case.incident_id,
        ana,
        contact_verdict(
            penalty={"type": "time", "value": 10},
            override_reason="He never lifted: the onboard shows full throttle.",
        ),
    )
    assert (second.version, second.supersedes) == (2, first.id)
    history = repo.visible_verdicts(case.incident_id, ana)
    assert [(r.version, r.superseded_by) for r in history] == [(1, second.id), (2, None)]
    assert history[0].body["penalty"] == {"type": "time", "value": 5}  # v1 unchanged


def test_bad_input_names_the_key_and_stores_nothing(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("1")
    before = repo.audit_trail(case.incident_id)
    with pytest.raises(VerdictError) as caught:
        repo.submit(
            case.incident_id,
            stewards["ana"],
            contact_verdict(category="dive_bombing", reasoning="", factors=["rain"]),
        )
    keys = {p.path for p in caught.value.problems}
    assert {"category", "factors[0]", "reasoning"} <= keys
    assert rows(repo, case.incident_id) == []
    assert repo.audit_trail(case.incident_id) == before
    assert repo.case("1").status is IncidentStatus.IN_REVIEW


def test_a_penalty_away_from_the_tariff_needs_an_override_reason(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("1")
    harsher = contact_verdict(penalty={"type": "time", "value": 15})
    with pytest.raises(VerdictError) as caught:
        repo.submit(case.incident_id, stewards["ana"], harsher)
    assert [p.path for p in caught.value.problems] == ["override_reason"]
    assert "5 s time penalty" in str(caught.value)
    record = repo.submit(
        case.incident_id, stewards["ana"], {**harsher, "override_reason": "Third time this season."}
    )
    assert record.body["override_reason"] == "Third time this season."


def test_blind_review_hides_other_verdicts_until_your_own_is_in(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("1")
    ana, ben, head = stewards["ana"], stewards["ben"], stewards["head"]
    repo.submit(case.incident_id, ana, contact_verdict())
    repo.save_draft(case.incident_id, ben, {"category": "avoidable_contact"})
    assert [r.steward_name for r in repo.visible_verdicts(case.incident_id, ben)] == ["Ben Steward"]
    assert repo.hidden_count(case.incident_id, ben) == 1
    assert [r.steward_name for r in repo.visible_verdicts(case.incident_id, ana)] == [
        "Ana Steward"
    ]  # Ben's draft is his alone
    assert [r.steward_name for r in repo.visible_verdicts(case.incident_id, head)] == [
        "Ana Steward"
    ]
    repo.submit(case.incident_id, ben, contact_verdict(outcome="racing_incident", penalty=None))
    names = {r.steward_name for r in repo.visible_verdicts(case.incident_id, ben)}
    assert names == {"Ana Steward", "Ben Steward"}
    assert repo.hidden_count(case.incident_id, ben) == 0


def test_a_steward_of_an_involved_drivers_team_is_refused_and_the_recusal_recorded(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("1")
    nova = stewards["nova"]
    assert repo.conflict(nova, case) == (
        "Nico Nova is on the same team (Scuderia Nova) as José Álvarez (car #11)."
    )
    with pytest.raises(ConflictOfInterest):
        repo.submit(case.incident_id, nova, contact_verdict())
    assert rows(repo, case.incident_id) == []
    recusals = repo.recusals(case.incident_id)
    assert [(r.steward_name, r.reason) for r in recusals] == [
        ("Nico Nova", "Nico Nova is on the same team (Scuderia Nova) as José Álvarez (car #11).")
    ]
    repo.recuse(case.incident_id, nova, "again")  # recorded once per steward and case
    assert len(repo.recusals(case.incident_id)) == 1


def test_a_steward_who_raced_in_the_incident_is_refused(
    repo: VerdictRepository, store, stewards: dict[str, StewardInfo]
) -> None:
    zoe = StewardRepository(store).register("Zoë (steward)", player_id=ZOE)
    reason = repo.conflict(zoe, repo.case("1"))
    assert reason == "Zoë (steward) is involved in this incident as reporter (car #7)."
    assert repo.conflict(stewards["ana"], repo.case("1")) is None


def test_precedents_come_from_earlier_decisions_same_track_first(
    repo: VerdictRepository, store, clear_decisions
) -> None:
    clear_decisions(store)  # the demo decided two cases: this league's precedents are our own
    spa = add_decision(
        store, "6", {"category": "avoidable_contact", "outcome": "penalty",
                     "penalty": {"type": "time", "value": 10}, "reasoning": "Squeeze at Les Combes."},
        days_ago=2,
    )  # fmt: skip
    old = add_decision(
        store, "4", {"category": "avoidable_contact", "outcome": "warning", "penalty": None,
                     "reasoning": "Superseded."},
    )  # fmt: skip
    add_decision(
        store, "4", {"category": "avoidable_contact", "outcome": "penalty",
                     "penalty": {"type": "time", "value": 5}, "reasoning": "Corrected."},
        supersedes=old,
    )  # fmt: skip
    add_decision(  # Monza, a single event: licence points are not comparable with seconds
        store, "8", {"category": "avoidable_contact", "outcome": "penalty",
                     "penalty": {"type": "licence_points", "value": 2}, "reasoning": "Monza."},
    )  # fmt: skip
    case = repo.case("1")
    found = repo.precedents(
        "avoidable_contact", kind=case.event_kind, track=case.track, exclude_incident="x"
    )
    # Superseded and other-system decisions are left out; the newest comes first.
    assert [p.reasoning for p in found] == ["Corrected.", "Squeeze at Les Combes."]
    assert all(p.track == "spa" for p in found) and spa in {p.decision_id for p in found}
    assert {p.outcome for p in found} == {Outcome.PENALTY}


def test_workflow_moves_follow_the_rules_and_closing_needs_a_reason(
    repo: VerdictRepository, stewards: dict[str, StewardInfo]
) -> None:
    case = repo.case("3")
    with pytest.raises(WorkflowError, match="reason is required"):
        repo.move_case(case.incident_id, CaseAction.WITHDRAW, "")
    assert repo.move_case(case.incident_id, CaseAction.START_REVIEW) is IncidentStatus.IN_REVIEW
    assert (
        repo.move_case(case.incident_id, CaseAction.WITHDRAW, "Shook hands on Discord.")
        is IncidentStatus.WITHDRAWN
    )
    with pytest.raises(WorkflowError, match="nothing: it is final"):
        repo.move_case(case.incident_id, CaseAction.REOPEN, "changed my mind")
    with pytest.raises(WorkflowError):  # a withdrawn case takes no verdict
        repo.submit(case.incident_id, stewards["ana"], contact_verdict(category="blocking"))
    last = repo.audit_trail(case.incident_id)[-1]
    assert last.action == "incident.status" and last.detail["reason"] == "Shook hands on Discord."


def test_the_appeal_window_opens_when_the_decision_is_published(
    repo: VerdictRepository, store, rulebook
) -> None:
    from datetime import UTC, datetime

    from steward_desk.storage.tables import Decision

    case = repo.case("6")
    clocks = case.deadlines(rulebook)
    assert clocks is not None and clocks.appeal_until is None
    decision = add_decision(store, "6", {"category": "avoidable_contact", "outcome": "warning"})
    published = datetime.now(UTC)
    with store.transaction() as session:
        row = session.get(Decision, decision)
        assert row is not None
        row.published_at = published
    clocks = repo.case("6").deadlines(rulebook)
    assert clocks is not None and clocks.appeal_until is not None
    hours = (clocks.appeal_until - published).total_seconds() / 3600
    assert hours == pytest.approx(rulebook.deadlines.appeal_hours)
