"""Winning back a small drift by playing one clip a little faster or slower for a while.

A seek while playing lands anywhere within ~100–300 ms and costs a keyframe decode; a short
change of speed is smooth and exact (2–25 % off speed: a fifth of a second back in a second
is hard to see). Only a large drift (a stall, a start far off) is quicker to re-align by a
seek.
"""

from __future__ import annotations

from dataclasses import dataclass

SEEK_BEYOND_MS = 400.0  # drift at least this large is re-aligned by a seek instead
TRIM_S = 1.0  # content time over which a trim wins the drift back
MIN_TRIM = 0.02
MAX_TRIM = 0.25
# The estimate is a median of the last second: aiming at all of it overshoots.
TRIM_SHARE = 0.7


@dataclass(frozen=True)
class SpeedTrim:
    """Play at `rate` for `duration_s` of wall time, then back at the clock's speed."""

    rate: float
    duration_s: float


def trimmable(estimate_ms: float) -> bool:
    """True when a drift this large is won back by a trim rather than a seek."""
    return abs(estimate_ms) < SEEK_BEYOND_MS


def speed_trim(estimate_ms: float, speed: float) -> SpeedTrim:
    """The trim that wins back most of `estimate_ms` (+ ahead, − behind) for a clip playing at
    `speed`: in about TRIM_S of content time, at most MAX_TRIM off speed."""
    gap = abs(estimate_ms) * TRIM_SHARE
    trim = min(max(gap / (1000 * TRIM_S), MIN_TRIM), MAX_TRIM)
    factor = 1 - trim if estimate_ms > 0 else 1 + trim
    return SpeedTrim(rate=speed * factor, duration_s=gap / (trim * 1000 * speed))
