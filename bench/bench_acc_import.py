"""The whole ACC results import (parse + store into a fresh SQLite file) against `json.loads`.

    /work/venv/bin/python bench/bench_acc_import.py [--repeat N]

Prints one JSON document. The files are the real ones in ../shared/fixtures/acc-results
(third-party data, never copied into the repo); without them it says so and exits 0.

Figures per file (best of N runs, milliseconds):
  import_ms   import_results(store, [file]) into a freshly created, migrated SQLite file:
              read + decode + parse + one transaction storing cars, drivers, laps, penalties
              (creating and migrating the database is not counted: a desk does it once)
  parse_ms    parse_acc_results alone, to show where the time goes
  store_ms    import_ms - parse_ms
  json_ms     json.loads of the already decoded text (the baseline the goal names)
  ratio       import_ms / json_ms (goal: <= 2)
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from acc_bench_files import best_ms, run_on_fixtures

from steward_desk.intake.acc_results import decode_acc_bytes, parse_acc_results
from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.storage.store import Store


def best_import_ms(path: Path, repeat: int) -> tuple[float, int]:
    """Each run imports into a new database, so every run stores everything (no dedup)."""
    best = float("inf")
    rows = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
            home = Path(folder)
            paths = Paths(home=home, db_url=f"sqlite:///{home / 'bench.sqlite'}").ensure()
            store = Store.open(paths)
            try:
                start = time.perf_counter()
                outcome = import_results(store, [path], event="Bench")
                best = min(best, time.perf_counter() - start)
                rows = outcome.sessions[0].laps
            finally:
                store.close()
    return round(best * 1000, 3), rows


def measure(path: Path, repeat: int) -> dict[str, object]:
    data = path.read_bytes()
    text = decode_acc_bytes(data, path)
    session = parse_acc_results(data, path)
    import_ms, stored_laps = best_import_ms(path, repeat)
    parse_ms = best_ms(lambda: parse_acc_results(data, path), repeat)
    json_ms = best_ms(lambda: json.loads(text), repeat)
    return {
        "file": path.name,
        "bytes": len(data),
        "cars": len(session.cars),
        "laps": len(session.laps),
        "laps_stored": stored_laps,
        "import_ms": import_ms,
        "parse_ms": parse_ms,
        "store_ms": round(import_ms - parse_ms, 3),
        "json_ms": json_ms,
        "ratio": round(import_ms / json_ms, 2),
    }


def main() -> int:
    return run_on_fixtures(
        (__doc__ or "").splitlines()[0],
        measure,
        repeat=7,
        goal="import_ms / json_ms <= 2 (parse + store into fresh SQLite)",
        goal_met=lambda results: all(float(r["ratio"]) <= 2 for r in results.values()),  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    raise SystemExit(main())
