"""How long parsing an ACC results file takes, against `json.loads` of the same text.

    /work/venv/bin/python bench/bench_acc_parse.py [--repeat N]

Prints one JSON document. The files are the real ones in ../shared/fixtures/acc-results
(third-party data, never copied into the repo); without them it says so and exits 0.

Figures per file (best of N runs, milliseconds):
  parse_ms      parse_acc_results(bytes): decode (UTF-16 only) + sha256 + JSON + typed objects
  json_ms       json.loads of the already decoded text (the baseline the goal names)
  decode_ms     decode_acc_bytes alone, and json_with_decode_ms = decode + json.loads
  ratio         parse_ms / json_ms (goal for the whole import, database included: ≤ 2)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from acc_bench_files import best_ms, run_on_fixtures

from steward_desk.intake.acc_results import decode_acc_bytes, parse_acc_results


def measure(path: Path, repeat: int) -> dict[str, object]:
    data = path.read_bytes()
    text = decode_acc_bytes(data, path)
    session = parse_acc_results(data, path)
    runs: dict[str, Callable[[], object]] = {
        "parse": lambda: parse_acc_results(data, path),
        "json": lambda: json.loads(text),
        "decode": lambda: decode_acc_bytes(data, path),
        "json_with_decode": lambda: json.loads(decode_acc_bytes(data, path)),
    }
    # In turn, round after round, so that all four see the same load from elsewhere.
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            best[name] = min(best[name], best_ms(run, 1))
    parse_ms, json_ms, decode_ms, json_with_decode_ms = best.values()
    return {
        "file": path.name,
        "bytes": len(data),
        "cars": len(session.cars),
        "laps": session.lap_count,
        "parse_ms": parse_ms,
        "json_ms": json_ms,
        "decode_ms": decode_ms,
        "json_with_decode_ms": json_with_decode_ms,
        "ratio": round(parse_ms / json_ms, 2),
        "ratio_vs_decode_and_json": round(parse_ms / json_with_decode_ms, 2),
    }


def main() -> int:
    return run_on_fixtures(
        (__doc__ or "").splitlines()[0],
        measure,
        repeat=20,
        goal="parse_ms / json_ms <= 2 for the whole import",
    )


if __name__ == "__main__":
    raise SystemExit(main())
