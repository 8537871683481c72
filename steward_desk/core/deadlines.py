"""The clocks on a case: the report window, the decision target and the appeal window.

Reports are due within the rulebook's window after the session ends (SOP: 24 hours). The
decision target counts from the session's end too, so every case of a race shares one clock.
The appeal window opens when a decision is published and exists only when the rulebook
defines one. All times are aware datetimes; a naive one is refused rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from steward_desk.core.model import IncidentStatus
from steward_desk.core.rulebook import Rulebook


@dataclass(frozen=True, slots=True)
class CaseDeadlines:
    session_end: datetime
    report_due: datetime
    decision_due: datetime
    appeal_until: datetime | None  # None: not published yet, or the league has no appeals

    def to_json(self) -> dict[str, object]:
        return {
            "session_end": self.session_end.isoformat(),
            "report_due": self.report_due.isoformat(),
            "decision_due": self.decision_due.isoformat(),
            "appeal_until": self.appeal_until.isoformat() if self.appeal_until else None,
        }


def _aware(when: datetime, what: str) -> datetime:
    if when.tzinfo is None:
        raise ValueError(f"{what} needs a time zone, got naive {when.isoformat()}")
    return when


def case_deadlines(
    rulebook: Rulebook, session_end: datetime, published_at: datetime | None = None
) -> CaseDeadlines:
    """The deadlines of a case from its session's end (and its decision's publication)."""
    end = _aware(session_end, "session_end")
    limits = rulebook.deadlines
    appeal: datetime | None = None
    if published_at is not None and limits.appeal_hours is not None:
        appeal = _aware(published_at, "published_at") + timedelta(hours=limits.appeal_hours)
    return CaseDeadlines(
        session_end=end,
        report_due=end + timedelta(hours=limits.report_hours),
        decision_due=end + timedelta(hours=limits.decision_target_hours),
        appeal_until=appeal,
    )


def report_is_late(rulebook: Rulebook, session_end: datetime, submitted_at: datetime) -> bool:
    """True when a report came in after the window (the intake's `late_report` finding)."""
    due = case_deadlines(rulebook, session_end).report_due
    return _aware(submitted_at, "submitted_at") > due


def time_left(deadline: datetime, now: datetime) -> timedelta:
    """Time until the deadline; negative once it has passed."""
    return _aware(deadline, "deadline") - _aware(now, "now")


def queue_clock(deadlines: CaseDeadlines, status: IncidentStatus) -> tuple[str, datetime] | None:
    """The one clock the queue shows for a case in this status, or None."""
    if status.is_open:
        return "decision", deadlines.decision_due
    if status is IncidentStatus.PUBLISHED and deadlines.appeal_until is not None:
        return "appeal", deadlines.appeal_until
    return None


def format_time_left(delta: timedelta) -> str:
    """ "2 d 4 h left", "3 h 05 min left", "12 min left", "overdue by 1 h 10 min"."""
    seconds = int(delta.total_seconds())
    overdue = seconds < 0
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {mins:02d} min"
    else:
        text = f"{mins} min"
    return f"overdue by {text}" if overdue else f"{text} left"
