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


def run_on_fixtures(
    description: str,
    measure: Callable[[Path, int], dict[str, object]],
    *,
    repeat: int,
    goal: str,
    goal_met: Callable[[dict[str, dict[str, object]]], bool] | None = None,
) -> int:
    """Parse `--repeat`, measure every file, print one JSON document (or why it skipped)."""
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=repeat, help="runs per figure (best is kept)")
    args = parser.parse_args()
    if not FIXTURES.is_dir():
        print(json.dumps({"skipped": f"ACC fixtures not found at {FIXTURES} (../shared absent)"}))
        return 0
    results = {name: measure(FIXTURES / file, args.repeat) for name, file in FILES.items()}
    doc: dict[str, object] = {
        "python": sys.version.split()[0],
        "repeat": args.repeat,
        "goal": goal,
        "results": results,
    }
    if goal_met is not None:
        doc["goal_met"] = goal_met(results)
    print(json.dumps(doc, indent=2))
    return 0
