"""When a clip's libVLC picture may stand for the race clock: the on-clock gate.

What a steward sees must be on the clock. A clip's libVLC picture can be shown once its own
measured drift is within tolerance (until then, after a start or a re-alignment, the review
shows exact frames at the clock instead), and no longer once it is more than
OFF_CLOCK_TOLERANCES times that off. Between the two the gate keeps its last verdict.
"""

from __future__ import annotations

# The gap between "on" (within one tolerance) and "off" (beyond this many) gives hysteresis,
# so a picture does not flicker between libVLC's and exact frames on report jitter.
OFF_CLOCK_TOLERANCES = 2.0


def on_clock_after(
    on_clock: bool, estimate_ms: float, tolerance_ms: float, *, moving: bool
) -> bool:
    """The gate's verdict after a new drift estimate, given its verdict before.

    It only opens for a clip that is `moving` (its picture comes from where it was last sent:
    libVLC reports a seek's target at once but shows the old picture until it has decoded)."""
    if abs(estimate_ms) <= tolerance_ms and moving:
        return True
    if abs(estimate_ms) > OFF_CLOCK_TOLERANCES * tolerance_ms:
        return False
    return on_clock
