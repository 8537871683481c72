"""The whole ACC results import (parse + store into a fresh SQLite file) against `json.loads`.

    /work/venv/bin/python bench/bench_acc_import.py [--repeat N]

Prints one JSON document. The files are the real ones in ../shared/fixtures/acc-results
(third-party data, never copied into the repo); without them it says so and exits 0.

Figures per file (best of N runs, milliseconds):
  import_ms   import_results(store, [file]) into a freshly created, migrated SQLite file:
              read + decode + parse + one transaction storing cars, drivers, laps, penalties
              (creating and migrating the database is not counted: a desk does it once)
  json_ms     json.loads of the already decoded text (the baseline the goal names)
  ratio       import_ms / json_ms (goal: <= 2)
  json_with_decode_ms, ratio_vs_decode_and_json
              the same with the UTF-16 decoding counted on the baseline's side too
  json_after_gc_ms, ratio_vs_json_after_gc
              json_ms measured as import_ms is: once per run, right after a fresh store is
              created and the garbage collected (fresh_store), not on the warm heap and
              caches its previous call left
  json_load_file_ms, ratio_vs_json_load_file
              json.load of the file opened as text in its encoding: reading and decoding
              counted on the baseline's side, as the import counts them on its own
  breakdown_ms  the same steps timed one by one, each on its own fresh database:
              read (file bytes); decode (UTF-16 to text; 0 for a UTF-8 file, whose bytes
              go to msgspec as they are); parse (JSON + typed objects + SHA-256, decode
              excluded); store (rows written in the open transaction); commit.
              Their sum is close to import_ms.
bench_acc_floor.py times the steps no import of this design can skip (read, decode, the
JSON decode itself, the SQL and its commit, SQLAlchemy's transaction), to say how close
to json.loads the import can get at all.
"""

from __future__ import annotations

import gc
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from acc_bench_files import best_ms, run_on_fixtures
from sqlmodel import Session

from steward_desk.core.model import EventKind
from steward_desk.intake.acc_results import decode_acc_bytes, parse_acc_results, sniff_encoding
from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.storage.store import Store

STEPS = ("read", "decode", "parse", "store", "commit")


@contextmanager
def fresh_store() -> Iterator[Store]:
    """A new, migrated database: every run stores everything (nothing is deduplicated)."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        home = Path(folder)
        store = Store.open(Paths(home=home, db_url=f"sqlite:///{home / 'bench.sqlite'}").ensure())
        gc.collect()  # the garbage of creating the database is not the import's to collect
        try:
            yield store
        finally:
            store.close()


def best_import_and_json_ms(path: Path, repeat: int) -> dict[str, float | int]:
    """Import and baselines measured in turn within each run, so that both see the same
    load from whatever else the machine is doing; the best of each over the runs."""
    data = path.read_bytes()
    text = decode_acc_bytes(data, path)
    best_import = best_json = best_json_decode = best_json_after_gc = best_load = float("inf")
    encoding = sniff_encoding(data, path)[1].replace("utf-8", "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # the BOM says which

    def load_file() -> object:
        with path.open(encoding=encoding) as file:
            return json.load(file)

    rows = 0
    for _ in range(repeat):
        best_json = min(best_json, best_ms(lambda: json.loads(text), 3))
        best_json_decode = min(
            best_json_decode, best_ms(lambda: json.loads(decode_acc_bytes(data, path)), 3)
        )
        best_load = min(best_load, best_ms(load_file, 3))
        with fresh_store():
            best_json_after_gc = min(best_json_after_gc, best_ms(lambda: json.loads(text), 1))
        with fresh_store() as store:
            start = time.perf_counter()
            outcome = import_results(store, [path], event="Bench")
            best_import = min(best_import, (time.perf_counter() - start) * 1000)
            rows = outcome.sessions[0].laps
    return {
        "import_ms": round(best_import, 3),
        "json_ms": best_json,
        "json_with_decode_ms": best_json_decode,
        "json_after_gc_ms": best_json_after_gc,
        "json_load_file_ms": best_load,
        "laps_stored": rows,
    }


def best_breakdown_ms(path: Path, repeat: int) -> dict[str, float]:
    """import_results' steps, each timed; the best of each step over the runs."""
    best = dict.fromkeys(STEPS, float("inf"))
    for _ in range(repeat):
        with fresh_store() as store:
            t0 = time.perf_counter()
            data = path.read_bytes()
            t1 = time.perf_counter()
            if sniff_encoding(data, path)[1] != "utf-8":
                decode_acc_bytes(data, path)
            t2 = time.perf_counter()
            acc = parse_acc_results(data, path)  # decodes again: that decode is taken off
            t3 = time.perf_counter()
            with Session(store.engine, expire_on_commit=False) as session:
                store.results.import_session_in(
                    session, acc, league="Bench league", event="Bench", kind=EventKind.SERIES
                )
                t4 = time.perf_counter()
                session.commit()
                t5 = time.perf_counter()
        took = (t1 - t0, t2 - t1, t3 - t2 - (t2 - t1), t4 - t3, t5 - t4)
        for step, seconds in zip(STEPS, took, strict=True):
            best[step] = min(best[step], seconds)
    return {step: round(seconds * 1000, 3) for step, seconds in best.items()}


def measure(path: Path, repeat: int) -> dict[str, object]:
    data = path.read_bytes()
    session = parse_acc_results(data, path)
    timed = best_import_and_json_ms(path, repeat)
    import_ms = float(timed["import_ms"])
    return {
        "file": path.name,
        "bytes": len(data),
        "cars": len(session.cars),
        "laps": session.lap_count,
        "laps_stored": timed["laps_stored"],
        "import_ms": import_ms,
        "json_ms": timed["json_ms"],
        "ratio": round(import_ms / timed["json_ms"], 2),
        "json_with_decode_ms": timed["json_with_decode_ms"],
        "ratio_vs_decode_and_json": round(import_ms / timed["json_with_decode_ms"], 2),
        "json_after_gc_ms": timed["json_after_gc_ms"],
        "ratio_vs_json_after_gc": round(import_ms / timed["json_after_gc_ms"], 2),
        "json_load_file_ms": timed["json_load_file_ms"],
        "ratio_vs_json_load_file": round(import_ms / timed["json_load_file_ms"], 2),
        "breakdown_ms": best_breakdown_ms(path, repeat),
    }


def main() -> int:
    return run_on_fixtures(
        (__doc__ or "").splitlines()[0],
        measure,
        repeat=15,
        goal="import_ms / json_ms <= 2 (parse + store into fresh SQLite); aim <= 1.7",
        goal_met=lambda results: all(float(r["ratio"]) <= 2 for r in results.values()),  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    raise SystemExit(main())
