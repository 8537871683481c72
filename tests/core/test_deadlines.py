"""The clocks on a case: 24 h to report, the league's decision target, the appeal window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest

from steward_desk.core.deadlines import (
    case_deadlines,
    format_time_left,
    queue_clock,
    report_is_late,
    time_left,
)
from steward_desk.core.model import IncidentStatus
from steward_desk.core.rulebook import load_rulebook

RB = load_rulebook("sop-acc")
RACE_END = datetime(2025, 5, 4, 21, 30, tzinfo=UTC)


def test_a_sunday_race_has_its_report_window_and_decision_target() -> None:
    clocks = case_deadlines(RB, RACE_END)
    assert clocks.report_due == datetime(2025, 5, 5, 21, 30, tzinfo=UTC)
    assert clocks.decision_due == RACE_END + timedelta(hours=72)
    assert clocks.appeal_until is None  # nothing published yet


def test_a_report_one_minute_late_is_late_whatever_the_time_zone() -> None:
    cest = timezone(timedelta(hours=2))
    on_time = datetime(2025, 5, 5, 23, 30, tzinfo=cest)  # 21:30 UTC, exactly the deadline
    assert not report_is_late(RB, RACE_END, on_time)
    assert report_is_late(RB, RACE_END, on_time + timedelta(minutes=1))


def test_the_appeal_window_opens_at_publication() -> None:
    published = RACE_END + timedelta(days=2)
    clocks = case_deadlines(RB, RACE_END, published_at=published)
    assert clocks.appeal_until == published + timedelta(hours=48)
    assert clocks.to_json()["appeal_until"] == "2025-05-08T21:30:00+00:00"


def test_a_league_without_appeals_has_no_appeal_clock(tmp_path: Path) -> None:
    text = (resources.files("steward_desk.resources") / "rulebooks" / "sop-acc.toml").read_text(
        "utf-8"
    )
    own = tmp_path / "no-appeals.toml"
    own.write_text(text.replace("appeal_hours = 48\n", ""), encoding="utf-8")
    rulebook = load_rulebook(own)
    assert rulebook.deadlines.appeal_hours is None
    clocks = case_deadlines(rulebook, RACE_END, published_at=RACE_END + timedelta(days=1))
    assert clocks.appeal_until is None
    assert queue_clock(clocks, IncidentStatus.PUBLISHED) is None


def test_the_queue_shows_the_decision_clock_while_open_then_the_appeal_clock() -> None:
    clocks = case_deadlines(RB, RACE_END, published_at=RACE_END + timedelta(days=1))
    for status in (IncidentStatus.NEW, IncidentStatus.IN_REVIEW, IncidentStatus.AWAITING_PANEL):
        assert queue_clock(clocks, status) == ("decision", clocks.decision_due)
    assert queue_clock(clocks, IncidentStatus.PUBLISHED) == ("appeal", clocks.appeal_until)
    assert queue_clock(clocks, IncidentStatus.WITHDRAWN) is None


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=2, hours=4, minutes=10), "2 d 4 h left"),
        (timedelta(hours=3, minutes=5), "3 h 05 min left"),
        (timedelta(minutes=12, seconds=30), "12 min left"),
        (timedelta(seconds=20), "0 min left"),
        (-timedelta(hours=1, minutes=10), "overdue by 1 h 10 min"),
        (-timedelta(days=3, hours=1), "overdue by 3 d 1 h"),
    ],
)
def test_time_left_reads_like_a_person_would_say_it(delta: timedelta, text: str) -> None:
    assert format_time_left(delta) == text


def test_time_left_counts_down_and_goes_negative() -> None:
    due = case_deadlines(RB, RACE_END).decision_due
    assert time_left(due, RACE_END + timedelta(hours=70)) == timedelta(hours=2)
    assert time_left(due, RACE_END + timedelta(hours=73)) == -timedelta(hours=1)


def test_naive_times_are_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="session_end needs a time zone"):
        case_deadlines(RB, datetime(2025, 5, 4, 21, 30))
    with pytest.raises(ValueError, match="now needs a time zone"):
        time_left(RACE_END, datetime(2025, 5, 4, 22, 0))
