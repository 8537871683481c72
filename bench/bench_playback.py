"""Joint playback of four clips at 1× with libVLC under X: CPU used and drift from the race clock.

Prints ONE JSON document on stdout (progress on stderr). Needs an X server (run it under
Xvfb) and libVLC:

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        /work/venv/bin/python bench/bench_playback.py [--seconds 10] [--keep DIR] [--quick]

Four self-describing clips (PS4-like 720p30 MP4, PC 720p60 H.264 with B-frames, PS5-like
VP9 WebM, OBS-like VFR MKV) play embedded in native windows, driven by the app's
`SyncController` exactly as the review workspace drives them (a 30 ms tick).

- `cpu`: this process's CPU time (all threads: libVLC decodes in-process) over wall time,
  during a run that only plays (no measuring), as cores used and as a share of the machine.
- `drift_ms` per clip, from a second run: every ~100 ms each window is grabbed from the X
  server and its frame stamp read; drift = the stamped pts (content ms) − the race clock's
  content time at the grab (+ means the picture is ahead). `max_abs` / `p95_abs` / `median`
  after the first second (the start, before any re-alignment, is reported apart as
  `first_second_max_abs`; `drift_ms_after_4s` is the steady state once the start's
  corrections are done; `on_clock_after_s` is when the picture first came within 1.5
  frames of the clock). One frame is 16.7 ms at 60 fps, 33.3 ms at 30 fps; a grab takes a
  few ms itself, so the figures include that much measuring error.
- `drift_ms_while_video_shown`: the same, only for the grabs at moments the review workspace
  shows libVLC's picture in the tile (`SyncController.on_clock`: its drift measured within
  tolerance); at other moments the tile shows exact frame-server frames at the clock, which
  are on it by construction. `video_shown_after_s`: when libVLC's picture was first shown;
  `video_shown_share`: the share of grabs after that moment that showed it.
  `frames_off_while_video_shown` / `frames_off_after_4s`: the stamped frame against the frame
  the clock names (the last whose pts ≤ the clock): the share exact, within one frame, and
  the largest difference — "in sync" in a steward's terms, which a drift in ms cannot say on
  variable-frame-rate files (a long frame legitimately shows for its whole gap).
- `controller`: what the sync controller measured from libVLC's own time reports: its last
  drift estimate, the largest, and how many re-alignments it made.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

from steward_desk.media.clip_maker import (
    ClipSpec,
    h264_60_bframes,
    make_clip,
    obs_vfr_mkv,
    ps4_720p30,
    ps5_vp9_webm,
)
from steward_desk.media.footage_index import FootageIndex, probe
from steward_desk.media.player import VlcPlayer
from steward_desk.media.stamp import default_layout, read_stamp
from steward_desk.media.sync import SyncController, SyncedClip
from steward_desk.media.vlc_backend import libvlc_status

TICK_S = 0.03


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def kinds(seconds: float, quick: bool) -> dict[str, ClipSpec]:
    width, height = (640, 360) if quick else (1280, 720)
    return {
        "ps4_720p30": replace(ps4_720p30(width, height), frames=round(30 * seconds)),
        "pc_720p60_bframes": h264_60_bframes(width, height, seconds=seconds),
        "ps5_vp9_webm": replace(ps5_vp9_webm(width, height), frames=round(60 * seconds)),
        "obs_vfr_mkv": obs_vfr_mkv(width, height, frames=round(55 * seconds)),
    }


def make_clips(folder: Path, seconds: float, quick: bool) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, spec in kinds(seconds, quick).items():
        path = folder / f"{name}-{spec.width}x{spec.height}-{spec.frames}.{spec.container}"
        if not path.exists():
            say(f"making {path.name}")
            make_clip(path, spec)
        paths[name] = path
    return paths


class Rig:
    """Four fixed-size native windows at half the clips' size, and their players."""

    def __init__(self, app: QApplication, clips: dict[str, Path]) -> None:
        self.app = app
        self.host = QWidget()
        grid = QGridLayout(self.host)
        grid.setSpacing(4)
        self.indexes: dict[str, FootageIndex] = {n: probe(p) for n, p in clips.items()}
        self.windows: dict[str, QWidget] = {}
        for i, (name, index) in enumerate(self.indexes.items()):
            window = QWidget()
            window.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
            window.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
            window.setFixedSize(index.width // 2, index.height // 2)
            grid.addWidget(window, i // 2, i % 2)
            self.windows[name] = window
        self.host.show()
        self.pump(0.3)
        self.offsets = {name: 60_000 + 137 * i for i, name in enumerate(self.indexes)}
        self.players = {
            name: VlcPlayer(
                clips[name],
                first_pts_ms=index.first_pts_ms,
                duration_ms=index.duration_ms,
                window_id=int(self.windows[name].winId()),
            )
            for name, index in self.indexes.items()
        }
        self.controller = SyncController()
        self.controller.set_clips(
            SyncedClip(
                name, self.players[name], self.offsets[name], index.duration_ms, 1000 / index.fps
            )
            for name, index in self.indexes.items()
        )
        self.controller.set_focus(next(iter(self.indexes)))
        deadline = time.monotonic() + 10
        while not all(p.ready() for p in self.players.values()) and time.monotonic() < deadline:
            self.controller.tick()
            self.pump(TICK_S)

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.005)

    def play_from(self, race_ms: int) -> None:
        self.controller.play(race_ms, 1.0)
        while not self.controller.started:
            self.controller.tick()
            self.pump(TICK_S)

    def grab_stamp(self, name: str) -> tuple[float, float, int] | None:
        """(race-clock content ms at the grab, stamped content ms, frames between the frame
        shown and the one the clock names: + ahead) or None if unreadable."""
        window = self.windows[name]
        index = self.indexes[name]
        before = self.controller.clock.position()
        image = self.app.primaryScreen().grabWindow(int(window.winId())).toImage()
        after = self.controller.clock.position()
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        w, h, stride = image.width(), image.height(), image.bytesPerLine()
        pixels = np.frombuffer(image.constBits(), np.uint8, count=stride * h)
        pixels = pixels.reshape(h, stride)[:, : w * 3].reshape(h, w, 3)
        layout = default_layout(index.width).scaled(w / index.width)
        try:
            stamp = read_stamp(pixels, layout)
        except Exception:
            return None
        clock = (before + after) / 2 - self.offsets[name]
        return clock, stamp.pts_ms - index.first_pts_ms, stamp.index - index.frame_at(clock)

    def close(self) -> None:
        self.controller.pause()
        for player in self.players.values():
            player.close()
        self.host.close()


def summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    absolute = sorted(abs(v) for v in values)
    return {
        "max_abs": round(absolute[-1], 1),
        "p95_abs": round(absolute[min(len(absolute) - 1, int(len(absolute) * 0.95))], 1),
        "median": round(statistics.median(values), 1),
        "samples": len(values),
    }


def frame_summary(offs: list[int]) -> dict[str, float] | None:
    """How often the picture was the clock's own frame, within one frame, and the worst."""
    if not offs:
        return None
    return {
        "exact_share": round(sum(o == 0 for o in offs) / len(offs), 3),
        "within_1_share": round(sum(abs(o) <= 1 for o in offs) / len(offs), 3),
        "max_abs": max(abs(o) for o in offs),
        "samples": len(offs),
    }


def x_app_with_libvlc() -> tuple[QApplication | None, str]:
    """(the application on a real X server, libVLC's version), or (None, why not) after
    printing the error as the benchmark's JSON document."""
    available, reason = libvlc_status()
    if not available:
        print(json.dumps({"error": f"libVLC not usable: {reason}"}))
        return None, reason
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if app.platformName() != "xcb":
        print(json.dumps({"error": "needs QT_QPA_PLATFORM=xcb and an X server (Xvfb)"}))
        return None, "no X server"
    return app, reason


def clip_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep", type=Path, help="folder to make (and reuse) the clips in")
    parser.add_argument("--quick", action="store_true", help="640×360 clips")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="playing time per run")
    clip_arguments(parser)
    args = parser.parse_args()
    app, reason = x_app_with_libvlc()
    if app is None:
        return 1
    clip_seconds = 2 * args.seconds + 6
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-playback-"))
    clips = make_clips(folder, clip_seconds, args.quick)
    rig = Rig(app, clips)
    try:
        # Run 1: play only, to measure what playback costs.
        say(f"playing 4 clips for {args.seconds:.0f} s (CPU)")
        rig.play_from(61_000)
        cpu0, wall0 = time.process_time(), time.monotonic()
        while time.monotonic() - wall0 < args.seconds:
            rig.controller.tick()
            rig.pump(TICK_S)
        cpu_s, wall_s = time.process_time() - cpu0, time.monotonic() - wall0
        rig.controller.pause()
        # Run 2: the same, grabbing every window about every 100 ms.
        say(f"playing 4 clips for {args.seconds:.0f} s (drift from frame stamps)")
        start_race = 61_000 + round(args.seconds * 1000) + 1_000
        rig.play_from(start_race)
        samples: dict[str, list[tuple[float, float, bool]]] = {name: [] for name in rig.players}
        frames_off: dict[str, list[tuple[float, int, bool]]] = {name: [] for name in rig.players}
        wall0 = time.monotonic()
        next_grab = wall0
        while time.monotonic() - wall0 < args.seconds:
            rig.controller.tick()
            if time.monotonic() >= next_grab:
                next_grab += 0.1
                for name in rig.players:
                    # Would the workspace show libVLC's picture now? (measured on the clock)
                    now = time.monotonic()
                    shown = rig.controller.on_clock(name)
                    found = rig.grab_stamp(name)
                    if found is not None:
                        samples[name].append((now - wall0, found[1] - found[0], shown))
                        frames_off[name].append((now - wall0, found[2], shown))
            rig.pump(TICK_S)
        clips_out: dict[str, Any] = {}
        for name, index in rig.indexes.items():
            drift = rig.controller.drift(name)
            early = [d for t, d, _ in samples[name] if t < 1.0]
            settled = [d for t, d, _ in samples[name] if t >= 1.0]
            on_screen = [d for _, d, shown in samples[name] if shown]
            first_shown = next((t for t, _, shown in samples[name] if shown), None)
            after = [
                shown
                for t, _, shown in samples[name]
                if first_shown is not None and t >= first_shown
            ]
            clips_out[name] = {
                "file": clips[name].name,
                "codec": index.codec,
                "size": f"{index.width}x{index.height}",
                "fps": round(index.fps, 2),
                "vfr": index.vfr,
                "frame_ms": round(1000 / index.fps, 1),
                "drift_ms": summary(settled),
                "drift_ms_after_4s": summary([d for t, d, _ in samples[name] if t >= 4.0]),
                "drift_ms_while_video_shown": summary(on_screen),
                # What a steward sees: the frame on screen against the frame the clock names.
                "frames_off_while_video_shown": frame_summary(
                    [f for _, f, shown in frames_off[name] if shown]
                ),
                "frames_off_after_4s": frame_summary([f for t, f, _ in frames_off[name] if t >= 4]),
                "video_shown_after_s": None if first_shown is None else round(first_shown, 2),
                "video_shown_share": round(sum(after) / len(after), 3) if after else 0.0,
                "first_second_max_abs": round(max((abs(d) for d in early), default=0.0), 1),
                # When the picture first came within a frame-and-a-half of the clock.
                "on_clock_after_s": next(
                    (round(t, 2) for t, d, _ in samples[name] if abs(d) <= 1.5 * 1000 / index.fps),
                    None,
                ),
                "controller": {
                    "last_estimate_ms": None
                    if drift.estimate_ms is None
                    else round(drift.estimate_ms, 1),
                    "max_abs_estimate_ms": round(drift.max_abs_ms, 1),
                    "realignments": drift.corrections,
                    "stall_realignments": drift.stalls,
                },
            }
    finally:
        rig.close()
    cores = os.cpu_count() or 1
    doc = {
        "bench": "playback",
        "clips": clips_out,
        "cpu": {
            "seconds_playing": round(wall_s, 2),
            "process_cpu_s": round(cpu_s, 2),
            "cores_used": round(cpu_s / wall_s, 2),
            "machine_share": round(cpu_s / wall_s / cores, 3),
            "cores": cores,
        },
        "start_latency_learnt_ms": round(rig.controller.start_latency_s * 1000, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "tick_ms": TICK_S * 1000,
        "libvlc": reason,
    }
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
