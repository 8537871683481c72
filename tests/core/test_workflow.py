"""A case moves through the workflow; illegal moves are refused with what is allowed."""

from __future__ import annotations

import pytest

from steward_desk.core.model import IncidentStatus as S
from steward_desk.core.workflow import REASON_REQUIRED, WorkflowError, allowed_actions, transition
from steward_desk.core.workflow import CaseAction as A


def test_a_case_goes_from_report_to_published() -> None:
    status = S.NEW
    for action, expected in [
        (A.START_REVIEW, S.IN_REVIEW),
        (A.SEND_TO_PANEL, S.AWAITING_PANEL),
        (A.DECIDE, S.DECIDED),
        (A.PUBLISH, S.PUBLISHED),
    ]:
        status = transition(status, action)
        assert status is expected


def test_a_single_steward_can_decide_without_a_panel_and_a_panel_can_send_a_case_back() -> None:
    assert transition(S.IN_REVIEW, A.DECIDE) is S.DECIDED
    assert transition(S.AWAITING_PANEL, A.RETURN_TO_REVIEW) is S.IN_REVIEW
    assert transition("new", "send_to_panel") is S.AWAITING_PANEL


@pytest.mark.parametrize("status", [S.NEW, S.IN_REVIEW, S.AWAITING_PANEL])
def test_drivers_who_shake_hands_withdraw_an_open_case_with_a_reason(status: S) -> None:
    assert (
        transition(status, A.WITHDRAW, "Both drivers settled it in the Discord thread.")
        is S.WITHDRAWN
    )
    assert transition(status, A.REJECT, "Filed 30 hours after the race.") is S.REJECTED
    with pytest.raises(WorkflowError, match="a reason is required to withdraw a case"):
        transition(status, A.WITHDRAW, "  ")
    with pytest.raises(WorkflowError, match="a reason is required to reject a case"):
        transition(status, A.REJECT)


def test_a_withdrawal_is_final_and_a_wrong_rejection_can_be_reopened() -> None:
    with pytest.raises(
        WorkflowError,
        match="cannot reopen a case that is withdrawn \\(allowed: nothing: it is final\\)",
    ):
        transition(S.WITHDRAWN, A.REOPEN, "changed my mind")
    assert (
        transition(S.REJECTED, A.REOPEN, "The report was on time: the server clock was off.")
        is S.NEW
    )


def test_a_published_decision_is_reopened_for_a_correction_or_appeal() -> None:
    assert transition(S.PUBLISHED, A.REOPEN, "Appeal upheld: new onboard footage.") is S.IN_REVIEW
    assert transition(S.DECIDED, A.REOPEN, "Wrong car number.") is S.IN_REVIEW


def test_illegal_moves_say_what_is_allowed() -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(S.IN_REVIEW, A.PUBLISH)
    assert str(caught.value) == (
        "cannot publish a case that is in review (allowed: send to panel, decide, withdraw, reject)"
    )
    assert caught.value.status is S.IN_REVIEW and caught.value.action is A.PUBLISH
    with pytest.raises(WorkflowError, match="unknown action 'approve'"):
        transition(S.NEW, "approve")
    with pytest.raises(ValueError):
        transition("lost", A.DECIDE)


def test_every_status_and_action_is_either_allowed_or_refused() -> None:
    for status in S:
        allowed = allowed_actions(status)
        for action in A:
            reason = "because" if action in REASON_REQUIRED else None
            if action in allowed:
                assert isinstance(transition(status, action, reason), S)
            else:
                with pytest.raises(WorkflowError):
                    transition(status, action, reason)
    # Every status is reachable from a new case.
    reached, frontier = {S.NEW}, [S.NEW]
    while frontier:
        status = frontier.pop()
        for action in allowed_actions(status):
            nxt = transition(status, action, "because")
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(S)
