"""The race clock the sync controller plays every clip on: monotonic time × rate.

The app owns this clock and the players follow it (DESIGN decision 2: never libVLC's
`get_time()`, which lags the picture by up to half a second). The monotonic source is
injected so tests can drive the clock by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class RaceClock:
    """Race time from a monotonic clock: position = start + (now − t0) × rate."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._anchor_ms = 0.0
        self._anchor_t = now()
        self._rate = 1.0
        self.running = False

    def position(self, at: float | None = None) -> float:
        """Race ms now (or at monotonic time `at`)."""
        if not self.running:
            return self._anchor_ms
        t = self._now() if at is None else at
        return self._anchor_ms + max(0.0, t - self._anchor_t) * 1000 * self._rate

    def start(self, race_ms: float, rate: float, delay_s: float = 0.0) -> None:
        """Run from `race_ms` at `rate`, holding still for `delay_s` first (the time players
        take to show their first picture after being told to go)."""
        self._anchor_ms, self._anchor_t, self._rate = race_ms, self._now() + delay_s, rate
        self.running = True

    def stop(self) -> float:
        """Stop and return where the clock stopped."""
        self._anchor_ms = self.position()
        self.running = False
        return self._anchor_ms

    def seek(self, race_ms: float) -> None:
        self._anchor_ms, self._anchor_t = race_ms, self._now()

    def set_rate(self, rate: float) -> None:
        self._anchor_ms, self._anchor_t = self.position(), max(self._now(), self._anchor_t)
        self._rate = rate

    def shift(self, delta_ms: float) -> None:
        """Move the running clock by `delta_ms` without changing its pace."""
        self._anchor_ms += delta_ms

    @property
    def rate(self) -> float:
        return self._rate
