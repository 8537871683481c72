"""Cold start: time from process start to the first shown main window, against a bare
PySide6 window, median of N runs each. Prints one JSON document.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--home DIR]

Each run is a fresh interpreter (so imports are measured), on the offscreen platform unless
QT_QPA_PLATFORM says otherwise; the app opens the demo league built once beforehand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import time, sys
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1400, 820); w.show()
def shown():
    print(time.time() - t0); app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""

DESK = """
import time, sys
t0 = float(sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QTimer
from steward_desk.app import build_desk
from steward_desk.paths import Paths
home = Path(sys.argv[2])
desk = build_desk(Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}"))
desk.window.show()
def shown():
    print(time.time() - t0); desk.app.quit()
QTimer.singleShot(0, shown)
desk.app.exec()
"""


def run(code: str, *args: str) -> float:
    t0 = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, repr(t0), *args], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(args.home or tempfile.mkdtemp(prefix="steward-desk-bench-"))
    if not (home / "steward-desk.sqlite").exists():
        subprocess.run(
            [sys.executable, "-m", "steward_desk", "--home", str(home), "demo", "--no-gui"],
            check=True,
            capture_output=True,
        )
    bare = [run(BARE) for _ in range(args.runs)]
    desk = [run(DESK, str(home)) for _ in range(args.runs)]
    print(
        json.dumps(
            {
                "runs": args.runs,
                "platform": os.environ["QT_QPA_PLATFORM"],
                "bare_pyside6_window_s": {
                    "median": round(statistics.median(bare), 3),
                    "all": [round(x, 3) for x in bare],
                },
                "steward_desk_window_s": {
                    "median": round(statistics.median(desk), 3),
                    "all": [round(x, 3) for x in desk],
                },
                "ratio": round(statistics.median(desk) / statistics.median(bare), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
