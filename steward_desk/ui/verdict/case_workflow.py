"""The case workflow in the Incident menu (core/workflow.py decides what is allowed) and the
case's clocks and recusals added to the details pane."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox

from steward_desk.core.deadlines import format_time_left, time_left
from steward_desk.core.model import IncidentStatus
from steward_desk.core.workflow import REASON_REQUIRED, CaseAction, WorkflowError, allowed_actions
from steward_desk.storage.verdicts import VerdictRepository

if TYPE_CHECKING:
    from steward_desk.app import Desk

MENU_ACTIONS: tuple[tuple[CaseAction, str], ...] = (
    (CaseAction.START_REVIEW, "Start review"),
    (CaseAction.SEND_TO_PANEL, "Send to panel"),
    (CaseAction.RETURN_TO_REVIEW, "Return to review"),
    (CaseAction.WITHDRAW, "Withdraw (drivers settled)…"),
    (CaseAction.REJECT, "Reject…"),
    (CaseAction.REOPEN, "Reopen…"),
)

_QUESTIONS = {
    CaseAction.WITHDRAW: "Why is the case withdrawn? (the drivers are told)",
    CaseAction.REJECT: "Why is the case rejected? (late, reporter not involved…)",
    CaseAction.REOPEN: "Why is the case reopened? (correction, appeal…)",
}


class CaseWorkflowMenu:
    """Workflow moves for the selected case, enabled by what the workflow allows."""

    def __init__(self, desk: Desk, repo: VerdictRepository, actor: Callable[[], str]) -> None:
        self.desk = desk
        self.repo = repo
        self.actor = actor
        window = desk.window
        self.menu = window.incident_menu.addMenu("Case &workflow")
        self.actions: dict[CaseAction, QAction] = {}
        for move, text in MENU_ACTIONS:
            action = QAction(text, window)
            action.setProperty("shortcut_group", "Case workflow")
            action.triggered.connect(lambda _c=False, m=move: self.move(m))
            self.menu.addAction(action)
            self.actions[move] = action
        self.menu.aboutToShow.connect(self.update)
        window.incident_selected.connect(lambda _id: self.update())
        window.incident_selected.connect(self.show_clocks)
        self.update()

    def update(self) -> None:
        incident_id = self.desk.window.current_incident_id()
        allowed: tuple[CaseAction, ...] = ()
        if incident_id is not None:
            allowed = allowed_actions(self.desk.store.incidents.detail(incident_id).summary.status)
        for move, action in self.actions.items():
            action.setEnabled(move in allowed)

    def move(self, action: CaseAction, reason: str | None = None) -> IncidentStatus | None:
        """Make a workflow move on the selected case, asking for a reason where one is due."""
        window = self.desk.window
        incident_id = window.current_incident_id()
        if incident_id is None:
            return None
        if action in REASON_REQUIRED and reason is None:
            text, ok = QInputDialog.getText(window, "Steward Desk", _QUESTIONS[action])
            if not ok:
                return None
            reason = text
        try:
            status = self.repo.move_case(incident_id, action, reason or "", actor=self.actor())
        except WorkflowError as error:
            QMessageBox.warning(window, "Steward Desk", str(error))
            return None
        window.refresh()
        window.show_details(incident_id)
        self.show_clocks(incident_id)
        window.statusBar().showMessage(f"Case set to {status.label}", 4000)
        return status

    def show_clocks(self, incident_id: str) -> None:
        """Append the case's clocks (decision target, appeal window) and recusals."""
        details = self.desk.window.details
        if details.detail is None or details.detail.summary.id != incident_id:
            return
        details.browser.append(self.clocks_html(incident_id))

    def clocks_html(self, incident_id: str, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        case = self.repo.case(incident_id)
        rulebook = self.repo.rulebook
        deadlines = case.deadlines(rulebook)
        parts = ["<h3>Clocks</h3>"]
        if deadlines is None:
            parts.append("<p class='muted'>The session has no end time: no clocks.</p>")
        else:
            left = format_time_left(time_left(deadlines.decision_due, now))
            parts.append(
                f"<p>Decision target: {deadlines.decision_due:%a %d %b %H:%M} UTC"
                + (f" · <b>{left}</b>" if case.status.is_open else "")
                + "</p>"
            )
            hours = rulebook.deadlines.appeal_hours
            if hours is None:
                parts.append("<p>Appeals: this league's rulebook has none.</p>")
            elif deadlines.appeal_until is not None:
                left = format_time_left(time_left(deadlines.appeal_until, now))
                parts.append(
                    f"<p>Appeal window until {deadlines.appeal_until:%a %d %b %H:%M} UTC · "
                    f"<b>{left}</b></p>"
                )
            elif case.status is IncidentStatus.DECIDED:
                parts.append(f"<p>Appeal window: {hours} h from publication of the decision.</p>")
        recusals = self.repo.recusals(incident_id)
        if recusals:
            parts.append("<h3>Recusals</h3><ul>")
            parts += [
                f"<li><b>{html.escape(r.steward_name)}</b>: {html.escape(r.reason)} "
                f"<span class='muted'>({r.at:%d %b %H:%M})</span></li>"
                for r in recusals
            ]
            parts.append("</ul>")
        return "".join(parts)
