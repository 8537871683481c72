"""How long parsing an ACC results file takes, against `json.loads` of the same text.

    /work/venv/bin/python bench/bench_acc_parse.py [--repeat N]

Prints one JSON document. The files are the real ones in ../shared/fixtures/acc-results
(third-party data, never copied into the repo); without them it says so and exits 0.

Figures per file (best of N runs, milliseconds):
  parse_ms      parse_acc_results(bytes): decode + sha256 + JSON + typed objects
  json_ms       json.loads of the already decoded text (the baseline the goal names)
  decode_ms     decode_acc_bytes alone, and json_with_decode_ms = decode + json.loads
  ratio         parse_ms / json_ms (goal for the whole import, database included: ≤ 2)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from acc_bench_files import FILES, FIXTURES, best_ms

from steward_desk.intake.acc_results import decode_acc_bytes, parse_acc_results


def measure(path: Path, repeat: int) -> dict[str, object]:
    data = path.read_bytes()
    text = decode_acc_bytes(data, path)
    session = parse_acc_results(data, path)
    parse_ms = best_ms(lambda: parse_acc_results(data, path), repeat)
    json_ms = best_ms(lambda: json.loads(text), repeat)
    decode_ms = best_ms(lambda: decode_acc_bytes(data, path), repeat)
    json_with_decode_ms = best_ms(lambda: json.loads(decode_acc_bytes(data, path)), repeat)
    return {
        "file": path.name,
        "bytes": len(data),
        "cars": len(session.cars),
        "laps": len(session.laps),
        "parse_ms": parse_ms,
        "json_ms": json_ms,
        "decode_ms": decode_ms,
        "json_with_decode_ms": json_with_decode_ms,
        "ratio": round(parse_ms / json_ms, 2),
        "ratio_vs_decode_and_json": round(parse_ms / json_with_decode_ms, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per figure (best is kept)")
    args = parser.parse_args()
    if not FIXTURES.is_dir():
        print(json.dumps({"skipped": f"ACC fixtures not found at {FIXTURES} (../shared absent)"}))
        return 0
    results = {name: measure(FIXTURES / file, args.repeat) for name, file in FILES.items()}
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "repeat": args.repeat,
                "goal": "parse_ms / json_ms <= 2 for the whole import",
                "results": results,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
