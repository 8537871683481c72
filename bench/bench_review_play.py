"""Play in the real review workspace: how long after Play each tile shows libVLC's picture.

Prints ONE JSON document on stdout (progress on stderr). Needs an X server (run it under
Xvfb) and libVLC:

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        /work/venv/bin/python bench/bench_review_play.py [--quick] [--keep DIR] [--wait S]

Four self-describing clips (the kinds of bench_playback.py, 1280×720 or 640×360 with --quick)
open as one incident in a `ReviewWorkspace`, with scrub previews, exactly as a steward opens a
case. After the previews around the incident are made and `--wait` more seconds paused (a
steward looks at frames before pressing Play: the players must not play on meanwhile), Play
is pressed at three race times; per start, the seconds until each tile switched from exact
frames to libVLC's picture (the sync controller measured it on the clock), or null if it had
not within 10 s. Also the process's CPU use while paused with the four clips open.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_playback import make_clips
from PySide6.QtWidgets import QApplication

from steward_desk.core.model import FootageRef
from steward_desk.media.vlc_backend import libvlc_status
from steward_desk.ui.review.memory_services import InMemoryReviewServices, MemoryIncident
from steward_desk.ui.review.tile import ClipTile
from steward_desk.ui.review.workspace import ReviewWorkspace

STARTS_MS = (63_000, 68_000, 73_000)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def pump(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def until(app: QApplication, done: Any, limit_s: float) -> float:
    """Pump until `done()`; the seconds it took (or the limit)."""
    start = time.monotonic()
    while not done() and time.monotonic() - start < limit_s:
        pump(app, 0.02)
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="640×360 clips")
    parser.add_argument("--keep", type=Path, help="folder to make (and reuse) the clips in")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds paused before Play")
    args = parser.parse_args()
    available, reason = libvlc_status()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if not available or app.platformName() != "xcb":
        print(json.dumps({"error": f"needs libVLC and an X server (xcb): {reason}"}))
        return 1
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-review-play-"))
    clips = make_clips(folder, 26.0, args.quick)
    scratch = Path(tempfile.mkdtemp(prefix="bench-review-home-"))
    services = InMemoryReviewServices(scratch / "evidence", previews=scratch / "previews")
    footage = [
        FootageRef(f"clip{i}", "file", str(path), None, None, 60_000 + 137 * i, None, name)
        for i, (name, path) in enumerate(clips.items())
    ]
    services.add_incident("case", MemoryIncident(footage, [], 62_000))
    workspace = ReviewWorkspace(services)
    workspace.resize(1500, 950)
    workspace.show()
    say("opening the case…")
    workspace.open_incident("case")
    opened_s = until(
        app, lambda: all(e.usable for e in workspace.entries.values()) and workspace.exact(), 60
    )
    builder = workspace.fetcher.previews
    assert builder is not None
    previews_s = until(app, lambda: builder.pending() == 0, 300)
    say(f"previews made in {previews_s:.1f} s; {args.wait:.0f} s paused…")
    cpu0, wall0 = time.process_time(), time.monotonic()
    pump(app, args.wait)
    paused_cores = (time.process_time() - cpu0) / (time.monotonic() - wall0)
    states = [e.player._video.state() for e in workspace.entries.values() if e.player]  # type: ignore[attr-defined]
    starts: list[dict[str, Any]] = []
    for race_ms in STARTS_MS:
        workspace.timeline.set_position(race_ms)
        until(app, workspace.exact, 10)
        say(f"play from {race_ms} ms…")
        began = time.monotonic()
        workspace.play()
        shown: dict[str, float] = {}
        while time.monotonic() - began < 10 and len(shown) < len(workspace.entries):
            pump(app, 0.02)
            for clip_id, entry in workspace.entries.items():
                if clip_id not in shown and entry.tile.face == ClipTile.VIDEO:
                    shown[clip_id] = round(time.monotonic() - began, 2)
        workspace.pause()
        until(app, workspace.exact, 10)
        names = {f.id: f.label for f in footage}
        starts.append(
            {
                "from_race_ms": race_ms,
                "video_shown_after_s": {names[c]: shown.get(c) for c in names},
            }
        )
    workspace.close_incident()
    doc = {
        "bench": "review_play",
        "clips": {name: str(path.name) for name, path in clips.items()},
        "opened_s": round(opened_s, 2),
        "previews_made_s": round(previews_s, 1),
        "paused_for_s": args.wait,
        "player_states_after_pause": states,
        "cores_used_while_paused": round(paused_cores, 3),
        "starts": starts,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
