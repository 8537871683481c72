"""How long a clip may go without a time report before it counts as stalled."""

from __future__ import annotations

import pytest

from steward_desk.media.realign_backoff import (
    FIRST_REPORT_GAP_S,
    MAX_REPORT_GAP_S,
    Backoff,
    ReportGap,
    stalled_after_s,
)


def test_a_stall_takes_longer_in_slow_motion_and_for_a_clip_that_reports_seldom() -> None:
    backoff, gap = Backoff(), ReportGap()
    assert stalled_after_s(backoff, gap, 1.0) == pytest.approx(1.5 * FIRST_REPORT_GAP_S)
    assert stalled_after_s(backoff, gap, 0.25) == pytest.approx(6 * FIRST_REPORT_GAP_S)
    gap.add(0.9, 1.0)  # a VFR MKV's long gap, learnt in content time
    assert stalled_after_s(backoff, gap, 1.0) == pytest.approx(1.35)
    assert stalled_after_s(backoff, gap, 0.5) == pytest.approx(2.7)
    backoff.lengthen()  # a stall without progress since waits longer before the next seek
    assert stalled_after_s(backoff, gap, 1.0) == 2.0


def test_a_long_gap_fades_with_content_played_not_with_the_number_of_reports() -> None:
    gap = ReportGap()
    gap.add(0.9, 1.0)
    for _ in range(60):  # 60 short gaps of 0.15 s: 9 s of content
        gap.add(0.15, 1.0)
    assert 0.7 < gap.content_s < 0.9  # still most of the long one
    for _ in range(400):  # a minute more
        gap.add(0.15, 1.0)
    assert gap.content_s < 0.2


def test_a_silence_longer_than_the_cap_is_not_learnt_as_normal() -> None:
    gap = ReportGap()
    gap.add(30.0, 1.0)  # a real stall that ended on its own
    assert gap.content_s == MAX_REPORT_GAP_S
    assert stalled_after_s(Backoff(), gap, 1.0) == pytest.approx(1.5 * MAX_REPORT_GAP_S)
