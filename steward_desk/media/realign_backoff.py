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


@dataclass
class Backoff:
    """The least time before a clip's next re-alignment."""

    wait_s: float = MIN_BACKOFF_S

    def lengthen(self) -> None:
        self.wait_s = min(self.wait_s * 2, MAX_BACKOFF_S)

    def reset(self) -> None:
        self.wait_s = MIN_BACKOFF_S


def stalled_after_s(stall: Backoff, rate: float) -> float:
    """Wall time without a new reported time that counts as a stall: the stall back-off, but
    never less than libVLC's own reporting gap (at least every ~250 ms of content, so longer
    in slow motion)."""
    return max(stall.wait_s, 0.6 / max(abs(rate), 0.1))


def starved(drift_ms: float, since_s: float) -> bool:
    """True when a clip drifted `drift_ms` in `since_s` since its last re-alignment: too fast
    for clock skew, so the clip cannot be decoded in time."""
    return abs(drift_ms) > STARVED_RATE * since_s * 1000
