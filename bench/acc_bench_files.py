"""What the two ACC benchmarks share: the real files they time and a best-of timer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "acc-results"
FILES = {
    "8h_50_cars_race": "fabieu__simdesk__Session_R.json",
    "40_car_race": "mauserrifle__simresults__race.to.fix.positions.json",
}


def best_ms(run: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` runs, in ms: the figure least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 3)
