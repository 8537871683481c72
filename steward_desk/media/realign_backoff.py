"""How long one clip waits before it is re-aligned by a seek again: the stall and starve
back-offs.

A seek costs a keyframe decode. A clip the machine cannot decode in time (four 720p decoders
on a busy machine take seconds to start) only gets slower with more seeks, and one still
starting would be sent back to the start by every seek. So a clip that stalls (its time
stands still while the clock runs) without progress since, or that drifts fast (more than
STARVED_RATE of the time since its last re-alignment), doubles the least time before the
next seek (MIN_BACKOFF_S up to MAX_BACKOFF_S); progress, or a slow drift (mere clock skew),
resets it.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_BACKOFF_S = 1.0
MAX_BACKOFF_S = 8.0
STARVED_RATE = 0.05
# libVLC reports a clip's time every ~0.25–0.5 s of content for most files, but an OBS-style
# VFR MKV's now and then only after 0.6–0.95 s (measured under Xvfb at 1×, 0.5× and 0.25×;
# most of its reports still come every 0.15 s). A clip starts from this gap and learns its own
# longest (ReportGap); a stall is no report for half as long again, in content time: at 0.5×
# that is twice as long in wall time.
FIRST_REPORT_GAP_S = 0.8
MAX_REPORT_GAP_S = 1.5  # a longer silence is never learnt as normal: a stall is caught in 2.25 s
GAP_HALF_LIFE_S = 30.0  # content time after which a long gap counts half
STALL_MARGIN = 1.5


@dataclass
class Backoff:
    """The least time before a clip's next re-alignment."""

    wait_s: float = MIN_BACKOFF_S

    def lengthen(self) -> None:
        self.wait_s = min(self.wait_s * 2, MAX_BACKOFF_S)

    def reset(self) -> None:
        self.wait_s = MIN_BACKOFF_S


@dataclass
class ReportGap:
    """How much content time a clip's player lets pass between two time reports: the longest
    gap seen lately. The long gaps of a VFR file come seldom, between many short ones, so the
    longest fades with content played (GAP_HALF_LIFE_S), not with the number of reports."""

    content_s: float = FIRST_REPORT_GAP_S

    def add(self, wall_s: float, rate: float) -> None:
        """A report came `wall_s` after the one before, while playing at `rate`."""
        gap = min(wall_s * abs(rate), MAX_REPORT_GAP_S)
        self.content_s = max(gap, self.content_s * 0.5 ** (gap / GAP_HALF_LIFE_S))


def stalled_after_s(stall: Backoff, gap: ReportGap, rate: float) -> float:
    """Wall time without a new reported time that counts as a stall: the stall back-off, but
    never less than STALL_MARGIN × the clip's own reporting gap at this speed (in slow motion
    the same content takes longer)."""
    return max(stall.wait_s, STALL_MARGIN * gap.content_s / max(abs(rate), 0.1))


def starved(drift_ms: float, since_s: float) -> bool:
    """True when a clip drifted `drift_ms` in `since_s` since its last re-alignment: too fast
    for clock skew, so the clip cannot be decoded in time."""
    return abs(drift_ms) > STARVED_RATE * since_s * 1000
