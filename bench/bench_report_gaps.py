"""How often libVLC reports each clip's time, at 1× and in slow motion, and whether the sync
controller takes a sparse reporter for stalled.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        /work/venv/bin/python bench/bench_report_gaps.py [--seconds 8] [--rates 1,0.5,0.25] \\
        [--keep DIR] [--quick]

Prints ONE JSON document on stdout (progress on stderr). The four clips of
bench_playback.py play together under the app's SyncController (a 30 ms tick), once per
rate, and every ~10 ms each player's reported time is read. Per rate and clip:

- `max_gap_s` / `p95_gap_s`: wall time between two changes of the reported time
- `reports`: how many changes
- `realignments`: seeks the controller made to put the clip back on the clock, and of
  them `stall_realignments`, made because the reported time stood still (a healthy clip
  that merely reports seldom should have none)
- `learnt_gap_s`: the reporting gap (content time) the controller had learnt at the end

libVLC's time for most files changes every ~0.25–0.5 s of content; an OBS-style VFR MKV's
now and then only after ~0.9 s, which at 0.25× is over 2 s of wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_playback import TICK_S, Rig, clip_arguments, make_clips, say, x_app_with_libvlc


def play_at(rig: Rig, rate: float, seconds: float) -> dict[str, Any]:
    rig.controller.play(60_500, rate)
    while not rig.controller.started:
        rig.controller.tick()
        rig.pump(TICK_S)
    last: dict[str, int | None] = {n: None for n in rig.players}
    changed = dict.fromkeys(rig.players, time.monotonic())
    gaps: dict[str, list[float]] = {n: [] for n in rig.players}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        rig.controller.tick()
        now = time.monotonic()
        for name, player in rig.players.items():
            position = player.position()
            if position != last[name]:
                if last[name] is not None:
                    gaps[name].append(now - changed[name])
                last[name], changed[name] = position, now
        rig.pump(0.01)
    rig.controller.pause()
    rig.pump(0.3)
    out = {}
    for name, seen in gaps.items():
        drift = rig.controller.drift(name)  # measured since this play started
        out[name] = {
            "max_gap_s": round(max(seen, default=0.0), 3),
            "p95_gap_s": round(statistics.quantiles(seen, n=20)[-1], 3) if len(seen) > 1 else None,
            "reports": len(seen),
            "realignments": drift.corrections,
            "stall_realignments": drift.stalls,
            "learnt_gap_s": round(rig.controller.report_gap_s(name), 3),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="playing time per rate")
    parser.add_argument("--rates", default="1,0.5,0.25", help="rates to play at, in order")
    clip_arguments(parser)
    args = parser.parse_args()
    app, reason = x_app_with_libvlc()
    if app is None:
        return 1
    rates = [float(r) for r in args.rates.split(",")]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-gaps-"))
    # Enough content for every rate's run from 0.5 s into the clip.
    clips = make_clips(folder, 2 + args.seconds * max(rates), args.quick)
    rig = Rig(app, clips)
    runs = {}
    try:
        for rate in rates:
            say(f"playing 4 clips at {rate}× for {args.seconds:.0f} s")
            runs[str(rate)] = play_at(rig, rate, args.seconds)
    finally:
        rig.close()
    doc = {
        "bench": "report_gaps",
        "seconds_per_rate": args.seconds,
        "rates": runs,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "libvlc": reason,
    }
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
