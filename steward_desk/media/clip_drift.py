"""How far one clip's libVLC picture is from the race clock, measured from its time reports.

libVLC's time only changes every ~250 ms, and when it changes it names (near enough) the
picture being shown (measured with stamped clips). So each *change* is one sample of
`player time − race clock`, taken against the clock halfway between the two ticks that
bracket it; the median of the last few samples is the clip's drift. A single sample is
report jitter; the median is what the controller acts on.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass, field

SAMPLES = 5  # fresh samples in the drift median
MIN_SAMPLES = 3  # fewer than this: no verdict on drift yet
# libVLC's time reports are off the picture by up to ~30 ms depending on the codec (measured
# with stamped clips: exact for H.264 MKV, ±30 ms for VP9 and 30 fps MP4). A clip is re-aligned
# when two estimates in a row put it more than max(one frame, this floor) off the clock.
MEASURE_FLOOR_MS = 25.0


def tolerance_ms(frame_ms: float) -> float:
    """How far off the clock a clip may be and still count as on it: one frame, but never
    finer than libVLC's time reports can tell."""
    return max(frame_ms, MEASURE_FLOOR_MS)


@dataclass
class ClipDrift:
    """What the controller measured about one clip since playback last started."""

    estimate_ms: float | None = None  # median of recent samples; + means the clip is ahead
    max_abs_ms: float = 0.0  # the largest |estimate| seen
    corrections: int = 0  # re-alignments (seeks while playing)
    stalls: int = 0  # of them, for a player whose time stood still
    trims: int = 0  # small drifts won back by a short change of speed
    samples: deque[float] = field(default_factory=lambda: deque(maxlen=SAMPLES))

    def add_sample(self, sample_ms: float) -> float | None:
        """Take one `player time − race clock` sample; returns the new estimate, or None
        while there are too few samples to tell."""
        self.samples.append(sample_ms)
        if len(self.samples) < MIN_SAMPLES:
            return None
        estimate = statistics.median(self.samples)
        self.estimate_ms = estimate
        self.max_abs_ms = max(self.max_abs_ms, abs(estimate))
        return estimate

    def clock_shifted(self, delta_ms: float) -> None:
        """The race clock moved `delta_ms` towards the clip: what was measured against the old
        clock is that much less off the new one."""
        self.samples = deque((v - delta_ms for v in self.samples), maxlen=SAMPLES)
        if self.estimate_ms is not None:
            self.estimate_ms -= delta_ms
