"""The case workflow: which moves an incident may make from each status.

new → in review → awaiting panel → decided → published is the usual road. A case can be
withdrawn (the drivers involved "shake hands and speak no more of it") or rejected (late, filed
by a driver not involved) while it is open, each with a reason. A decided or published case is
reopened for a correction or an appeal (the new decision supersedes the old one); a rejection
can be reopened when it was wrong. A withdrawal is final.
"""

from __future__ import annotations

from enum import StrEnum

from steward_desk.core.model import IncidentStatus


class CaseAction(StrEnum):
    START_REVIEW = "start_review"
    SEND_TO_PANEL = "send_to_panel"
    RETURN_TO_REVIEW = "return_to_review"
    DECIDE = "decide"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    REJECT = "reject"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_S = IncidentStatus
_A = CaseAction
_CLOSE_OPEN_CASE = {_A.WITHDRAW: _S.WITHDRAWN, _A.REJECT: _S.REJECTED}
_MOVES: dict[IncidentStatus, dict[CaseAction, IncidentStatus]] = {
    _S.NEW: {
        _A.START_REVIEW: _S.IN_REVIEW,
        _A.SEND_TO_PANEL: _S.AWAITING_PANEL,
        **_CLOSE_OPEN_CASE,
    },
    _S.IN_REVIEW: {_A.SEND_TO_PANEL: _S.AWAITING_PANEL, _A.DECIDE: _S.DECIDED, **_CLOSE_OPEN_CASE},
    _S.AWAITING_PANEL: {
        _A.RETURN_TO_REVIEW: _S.IN_REVIEW,
        _A.DECIDE: _S.DECIDED,
        **_CLOSE_OPEN_CASE,
    },
    _S.DECIDED: {_A.PUBLISH: _S.PUBLISHED, _A.REOPEN: _S.IN_REVIEW},
    _S.PUBLISHED: {_A.REOPEN: _S.IN_REVIEW},
    _S.REJECTED: {_A.REOPEN: _S.NEW},
    _S.WITHDRAWN: {},
}

# Moves that close or reopen a case must say why: the drivers are told.
REASON_REQUIRED = frozenset({CaseAction.WITHDRAW, CaseAction.REJECT, CaseAction.REOPEN})


class WorkflowError(ValueError):
    """A move the workflow does not allow; the message says what is allowed instead."""

    def __init__(self, status: IncidentStatus, action: CaseAction | str, message: str) -> None:
        self.status = status
        self.action = action
        super().__init__(message)


def allowed_actions(status: IncidentStatus) -> tuple[CaseAction, ...]:
    """The moves a case in this status may make."""
    return tuple(_MOVES[status])


def transition(
    status: IncidentStatus | str, action: CaseAction | str, reason: str | None = None
) -> IncidentStatus:
    """The status after `action`; raises WorkflowError for an illegal move or a missing reason."""
    current = IncidentStatus(status)
    try:
        move = CaseAction(action)
    except ValueError:
        known = ", ".join(a.value for a in CaseAction)
        raise WorkflowError(
            current, str(action), f"unknown action {action!r} (expected one of {known})"
        ) from None
    target = _MOVES[current].get(move)
    if target is None:
        allowed = ", ".join(a.label for a in _MOVES[current]) or "nothing: it is final"
        raise WorkflowError(
            current,
            move,
            f"cannot {move.label} a case that is {current.label.lower()} (allowed: {allowed})",
        )
    if move in REASON_REQUIRED and not (reason or "").strip():
        raise WorkflowError(current, move, f"a reason is required to {move.label} a case")
    return target
