"""Every quick benchmark still runs: each one, at its smallest size, exits 0 and prints one
JSON document with its figures. A benchmark is only run by hand, so without this an API
change breaks it unnoticed (bench_panel did, once). The long ones (start-up, playback under
Xvfb, libVLC report gaps) are left to their authors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

QUICK = {
    "bench_panel.py": (["--verdicts", "3"], "merge_all_incidents_s"),
    "bench_exports.py": (["--decisions", "20", "--rounds", "1"], None),
    "bench_signing.py": ([], None),
    "bench_acc_import.py": (["--repeat", "1"], "results"),
    "bench_acc_floor.py": (["--repeat", "1"], "results"),
    "bench_acc_parse.py": (["--repeat", "1"], "results"),
    "bench_frame_server.py": (["--quick", "--samples", "2"], None),
}


def test_every_benchmark_is_either_smoke_run_here_or_named_as_long() -> None:
    long = {
        "bench_startup.py",
        "bench_playback.py",
        "bench_review_play.py",
        "bench_report_gaps.py",
    }
    assert {p.name for p in BENCH.glob("bench_*.py")} == set(QUICK) | long


@pytest.mark.parametrize("script", sorted(QUICK))
def test_the_benchmark_runs_at_its_smallest_and_prints_json(script: str, tmp_path: Path) -> None:
    args, key = QUICK[script]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STEWARD_DESK_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    assert isinstance(doc, dict) and doc
    if key is not None and "skipped" not in doc:
        assert key in doc, sorted(doc)
