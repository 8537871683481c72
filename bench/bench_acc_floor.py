"""What an ACC results import cannot get below: its fixed steps, each timed on its own.

    /work/venv/bin/python bench/bench_acc_floor.py [--repeat N]

Prints one JSON document (median and best of N runs per figure, milliseconds). Companion to
bench_acc_import.py: that one times the whole import against `json.loads`; this one says
how much of it is work `json.loads` of the decoded text does not do and no Python-level
change on the import path can remove, each step run in the conditions of that benchmark
(a freshly created, migrated SQLite file; garbage collected just before):

  read          the file's bytes
  decode        UTF-16 to text (0 for a UTF-8 file: msgspec reads its bytes as they are)
  json_decode   the typed msgspec decode of that text as the import hands it over
                (acc_bytes.utf8_text: an ASCII str as it is, Latin-1 text as UTF-8 bytes),
                the JSON work itself
  sha256        the file's hash (idempotency); the import runs it on a worker thread, so
                with a free core it overlaps the decode and is left out of the floor
  sql           the import's own statements (captured from one import) replayed straight
                on the store's sqlite3 connection: no Python builds a row here
  commit        that transaction's commit (WAL, synchronous=NORMAL: no fsync)
  session       SQLAlchemy's share of store.transaction(): Session, connection checkout
                and begin, ORM commit and close, around an empty transaction
  floor         read + decode + json_decode + sql + commit + session
  import        import_results() as bench_acc_import.py times it; import - floor is the
                Python that turns decoded values into cars, laps and rows
  import_page_faults, page_fault_us
                fresh memory pages the import touches (Linux: minor faults of the thread),
                and what touching one costs on this machine (a VM's are dear). The count
                depends on what ran before: the UTF-16 text and msgspec's UTF-8 copy of it
                (0.27 MB each for the 40-car race) are new pages only when the allocator
                gave the last ones back to the system
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from acc_bench_files import run_on_fixtures
from bench_acc_import import fresh_store
from sqlmodel import Session

from steward_desk.intake.acc_bytes import utf8_text
from steward_desk.intake.acc_results import decode_acc_bytes, sniff_encoding
from steward_desk.intake.acc_typed import decode_typed
from steward_desk.intake.results_import import import_results
from steward_desk.storage import sql_rows

Statement = tuple[str, str, Any]


class _Recorder:
    """Stands in for the sqlite3 connection sql_rows writes through, keeping each statement."""

    def __init__(self, connection: Any, log: list[Statement]) -> None:
        self.connection, self.log = connection, log

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.log.append(("execute", sql, params))
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        rows = list(rows)
        self.log.append(("executemany", sql, rows))
        return self.connection.executemany(sql, rows)


@contextmanager
def recorded_statements(log: list[Statement]) -> Iterator[None]:
    """sql_rows' connection lookup wrapped so that its statements land in `log`."""
    original = sql_rows._connection

    def recording(session: Session) -> tuple[Any, Any]:
        connection, dialect = original(session)
        return (_Recorder(connection, log) if connection is not None else None), dialect

    sql_rows._connection = recording
    try:
        yield
    finally:
        sql_rows._connection = original


def capture(path: Path) -> list[Statement]:
    log: list[Statement] = []
    with fresh_store() as store, recorded_statements(log):
        import_results(store, [path], event="Bench")
    return log


def timed(run: Callable[[], object]) -> float:
    gc.collect()  # as bench_acc_import's fresh store leaves it
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def sql_and_commit_ms(log: list[Statement]) -> tuple[float, float]:
    with fresh_store() as store:
        raw = store.engine.raw_connection()
        try:
            connection = raw.driver_connection
            assert connection is not None
            gc.collect()
            start = time.perf_counter()
            for kind, sql, params in log:
                if kind == "execute":
                    connection.execute(sql, params).fetchall()
                else:
                    connection.executemany(sql, params)
            middle = time.perf_counter()
            connection.commit()
            end = time.perf_counter()
        finally:
            raw.close()
    return (middle - start) * 1000, (end - middle) * 1000


def session_ms() -> float:
    with fresh_store() as store:
        gc.collect()
        start = time.perf_counter()
        with Session(store.engine, expire_on_commit=False) as session:
            session.connection()
            session.commit()
        return (time.perf_counter() - start) * 1000


def import_ms(path: Path) -> tuple[float, int]:
    with fresh_store() as store:
        faults = _faults()
        start = time.perf_counter()
        import_results(store, [path], event="Bench")
        return (time.perf_counter() - start) * 1000, _faults() - faults


def _faults() -> int:
    """Minor page faults of this thread so far (0 where the platform does not say)."""
    import resource

    who = getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)
    return int(resource.getrusage(who).ru_minflt)


def page_fault_us(repeat: int) -> float:
    """What a fresh page costs: 1 MB of new anonymous memory touched once per page."""
    import mmap

    costs = []
    for _ in range(repeat):
        memory = mmap.mmap(-1, 1 << 20)
        start = time.perf_counter()
        for offset in range(0, 1 << 20, mmap.PAGESIZE):
            memory[offset] = 1
        costs.append((time.perf_counter() - start) * 1e6 / ((1 << 20) // mmap.PAGESIZE))
        memory.close()
    return round(statistics.median(costs), 2)


def measure(path: Path, repeat: int) -> dict[str, object]:
    import hashlib

    data = path.read_bytes()
    skip, encoding = sniff_encoding(data, path)
    text = decode_acc_bytes(data, path)
    log = capture(path)
    runs: dict[str, list[float]] = {
        k: [] for k in ("read", "decode", "json_decode", "sha256", "sql", "commit", "session")
    }
    runs.update(json_loads=[], import_=[])
    faults: list[int] = []
    for _ in range(repeat):
        runs["read"].append(timed(path.read_bytes))
        runs["decode"].append(
            timed(lambda: decode_acc_bytes(data, path)) if encoding != "utf-8" else 0.0
        )
        # A str made afresh each run: msgspec caches a str's UTF-8 form on the str.
        runs["json_decode"].append(
            timed(lambda: decode_typed(utf8_text(decode_acc_bytes(data, path))))
            - (runs["decode"][-1])
            if encoding != "utf-8"
            else timed(lambda: decode_typed(memoryview(data)[skip:]))
        )
        runs["sha256"].append(timed(lambda: hashlib.sha256(data).hexdigest()))
        sql, commit = sql_and_commit_ms(log)
        runs["sql"].append(sql)
        runs["commit"].append(commit)
        runs["session"].append(session_ms())
        runs["json_loads"].append(timed(lambda: json.loads(text)))
        took, touched = import_ms(path)
        runs["import_"].append(took)
        faults.append(touched)
    median = {k.rstrip("_"): round(statistics.median(v), 3) for k, v in runs.items()}
    best = {k.rstrip("_"): round(min(v), 3) for k, v in runs.items()}
    floor_steps = ("read", "decode", "json_decode", "sql", "commit", "session")
    for figures in (median, best):
        figures["floor"] = round(sum(figures[k] for k in floor_steps), 3)
        figures["floor_ratio"] = round(figures["floor"] / figures["json_loads"], 2)
        figures["import_ratio"] = round(figures["import"] / figures["json_loads"], 2)
        figures["python_beyond_floor"] = round(figures["import"] - figures["floor"], 3)
    return {
        "file": path.name,
        "load_average": [round(x, 2) for x in os.getloadavg()],  # other work on the machine
        "import_page_faults": statistics.median(faults),
        "page_fault_us": page_fault_us(repeat),
        "statements": len(log),
        "rows": sum(len(p) if kind == "executemany" else 0 for kind, _, p in log),
        "median_ms": median,
        "best_ms": best,
    }


def main() -> int:
    return run_on_fixtures(
        (__doc__ or "").splitlines()[0],
        measure,
        repeat=15,
        goal="floor / json_ms: how close to json.loads any import of this design can come",
    )


if __name__ == "__main__":
    raise SystemExit(main())
