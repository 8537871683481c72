"""How fast the frame server delivers exact paused frames, next to what decoding costs anyway.

Prints ONE JSON document on stdout (progress on stderr). Per clip kind:

- `paused_seek_ms.server`: p50/p95 from a paused-seek request (the server open on the file as
  in the app, its decoded frames dropped before each request so nothing is cached, default
  decoding threads) at a random content time to the exact frame delivered as RGB;
  `server_1_thread` the same with a single decoding thread.
- `paused_seek_ms.bound`: the decode bound, doing the same with PyAV directly and nothing
  clever: seek to the keyframe at or before the frame, decode forward to its pts, convert it
  to RGB (FFmpeg's default threading; `bound_threaded` with frame threads).
  Every figure has `wall` (what a person waits, on this machine under its current load) and
  `cpu` (this process's CPU time, all threads: what the work costs whatever else runs). The
  four are measured interleaved, sample by sample, so they see the same load.
- `drag_forward` / `drag_backward`: frames delivered per second (and per CPU second) while a
  scrubber drags through nearby times, 40 ms of content per mouse event.
- `previews`: making the clip's scrub previews (media/previews.py: ms and CPU ms per frame,
  seconds of work per second of footage, bytes per frame and MB per minute of footage); then,
  previews made, `exact_frame_ms` p50/p95 from a paused-seek request (fresh server, cold
  cache) to the exact frame delivered as its preview, and `original_pixels_ms` to the same
  frame's original pixels right after (what the tile swaps in); `drag_frames_per_s` dragging
  on previews. Every delivered frame is checked by its stamp.

Goals (the issue): paused seek p95 ≤ 1.5 × decode bound and ≤ 150 ms on 1080p60 H.264 with
B-frames and a 2 s GOP; drag ≥ 20 frames/s. Checked twice: without previews (the exact frame
decoded from the original) and with them (the exact frame on screen as its preview).

    /work/venv/bin/python bench/bench_frame_server.py [--quick] [--keep DIR] [--samples N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import numpy as np

from steward_desk.media.clip_maker import (
    ClipSpec,
    h264_60_bframes,
    make_clip,
    nonzero_start,
    obs_vfr_mkv,
    ps4_720p30,
    ps5_vp9_webm,
)
from steward_desk.media.footage_index import FootageIndex, probe
from steward_desk.media.frame_server import Frame, FrameServer
from steward_desk.media.previews import (
    PreviewSegment,
    build_segment,
    segment_bounds,
    segment_range,
)
from steward_desk.media.stamp import read_stamp


def kinds(quick: bool) -> dict[str, ClipSpec]:
    """The footage stewards get, at the sizes consoles and PCs record (smaller with --quick)."""
    scale = 4 if quick else 1
    seconds = 5.0 if quick else 20.0
    return {
        # Bit rates like real captures, so the decoder does real work.
        "h264_1080p60_bframes_gop2s": replace(
            h264_60_bframes(1920 // scale, 1080 // scale, seconds=seconds),
            crf=None, bitrate=12_000_000 // scale**2,
        ),
        "ps4_720p30_mp4": replace(
            ps4_720p30(1280 // scale, 720 // scale, seconds=seconds / 2),
            crf=None, bitrate=5_000_000 // scale**2,
        ),
        "ps5_vp9_720p60_webm": replace(
            ps5_vp9_webm(1280 // scale, 720 // scale, seconds=seconds / 4),
            crf=None, bitrate=8_000_000 // scale**2,
        ),
        "obs_vfr_720p_mkv": replace(
            obs_vfr_mkv(1280 // scale, 720 // scale, frames=int(60 * seconds / 2)),
            crf=None, bitrate=8_000_000 // scale**2,
        ),
        "nonzero_start_720p30_mp4": replace(
            nonzero_start(1280 // scale, 720 // scale, seconds=seconds / 2),
            crf=None, bitrate=5_000_000 // scale**2,
        ),
    }  # fmt: skip


def _grainy_painter(spec: ClipSpec) -> Callable[[int, float], np.ndarray]:
    """A moving scene plus changing grain: captures of games are never flat colour."""
    rng = np.random.default_rng(spec.seed)
    h, w = spec.height, spec.width
    small = rng.integers(20, 200, (h // 16 + 2, w // 16 + 2, 3), dtype=np.uint8)
    scene = np.repeat(np.repeat(small, 16, axis=0), 16, axis=1)[:h, :w]
    grains = [rng.integers(0, 48, (h, w, 1), dtype=np.uint8) for _ in range(7)]

    def paint(index: int, seconds: float) -> np.ndarray:
        image = np.roll(scene, (index * 5) % w, axis=1)
        image += grains[index % len(grains)]
        return image

    return paint


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1)}


class Clock:
    """Wall time and this process's CPU time (all threads) of each measured call, in ms.

    The CPU figure is what the work costs whatever else the machine is doing; the wall figure
    is what a person waits for on this machine now.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def measure(self, work: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)
        return result

    def summary(self) -> dict[str, dict[str, float]]:
        return {"wall": _percentiles(self.wall), "cpu": _percentiles(self.cpu)}


def server_seek(server: FrameServer, at: float, clock: Clock) -> None:
    """One paused seek to a place not decoded yet (cache dropped; the file and the decoder
    open, as in the app), checked."""
    server.drop_cache()
    frame = clock.measure(lambda: server.frame(at))
    index, path = server.index, server.path
    expected = index.frame_at(at)
    assert isinstance(frame, Frame)
    if frame.index != expected or read_stamp(frame.image).index != expected:
        raise AssertionError(f"{path.name}: wrong frame at {at} ms")


def bound_seek(
    container: av.container.InputContainer, index: FootageIndex, at: float, clock: Clock
) -> None:
    """Seek to the keyframe before, decode to the frame's pts, convert it: PyAV, no caching."""
    stream = container.streams.video[0]
    target = index.frame_at(at)
    key_pts = index.pts[index.keyframe_at_or_before(target)]

    def work() -> None:
        container.seek(key_pts, stream=stream, backward=True, any_frame=False)
        for frame in container.decode(stream):
            if frame.pts == index.pts[target]:
                frame.to_ndarray(format="rgb24")
                return
        raise AssertionError(f"frame {target} not decoded")

    clock.measure(work)


def paused_seeks(path: Path, index: FootageIndex, times: list[float]) -> dict[str, Any]:
    """Server and decode bound, interleaved per sample so both see the same machine load."""
    clocks = {name: Clock() for name in ("server", "server_1_thread", "bound", "bound_threaded")}
    with (
        av.open(str(path)) as plain,
        av.open(str(path)) as threaded,
        FrameServer(path, index) as server,
        FrameServer(path, index, threads=1) as single,
    ):
        threaded.streams.video[0].codec_context.thread_type = "AUTO"
        for at in times:
            server_seek(server, at, clocks["server"])
            server_seek(single, at, clocks["server_1_thread"])
            bound_seek(plain, index, at, clocks["bound"])
            bound_seek(threaded, index, at, clocks["bound_threaded"])
    return {name: clock.summary() for name, clock in clocks.items()}


def drag(path: Path, index: FootageIndex, start_ms: float, step_ms: float) -> dict[str, float]:
    """A scrubber drag: 2 s of content in `step_ms` moves; every frame checked."""
    times = [start_ms + k * step_ms for k in range(int(2000 / abs(step_ms)))]
    times = [t for t in times if 0 <= t <= index.duration_ms]
    wall = cpu = 0.0
    with FrameServer(path, index) as server:
        for at in times:
            started, started_cpu = time.perf_counter(), time.process_time()
            frame = server.frame(at)
            wall += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            # Checked outside the timing: reading the stamp is the test's work, not the app's.
            if read_stamp(frame.image).index != index.frame_at(at):
                raise AssertionError(f"{path.name}: wrong frame while dragging at {at} ms")
    return {
        "frames_per_s": round(len(times) / wall, 1),
        "frames_per_cpu_s": round(len(times) / cpu, 1),
        "requests": len(times),
        "seeks": server.seeks,
    }


def make_previews(
    path: Path, index: FootageIndex, folder: Path
) -> tuple[list[PreviewSegment], dict[str, Any]]:
    """Every segment of the clip, made as the app's background builder makes them."""
    out = folder / f"{path.stem}.previews"
    shutil.rmtree(out, ignore_errors=True)
    bounds = segment_bounds(index)
    wall, cpu = time.perf_counter(), time.process_time()
    segments = []
    for first in bounds:
        _, last = segment_range(bounds, index.frames, first)
        segments.append(build_segment(path, index, first, last, out))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = sum(s.path.stat().st_size for s in segments)
    return segments, {
        "segments": len(segments),
        "width": segments[0].width,
        "ms_per_frame": round(wall * 1000 / index.frames, 2),
        "cpu_ms_per_frame": round(cpu * 1000 / index.frames, 2),
        "seconds_per_footage_second": round(wall * 1000 / index.duration_ms, 2),
        "kb_per_frame": round(size / index.frames / 1024, 1),
        "mb_per_footage_minute": round(size / 1024**2 / (index.duration_ms / 60_000), 1),
    }


def preview_seeks(
    path: Path, index: FootageIndex, segments: list[PreviewSegment], times: list[float]
) -> dict[str, Any]:
    """Paused seeks with previews made: the exact frame's preview, then its original pixels."""
    quick, original = Clock(), Clock()
    with FrameServer(path, index) as server:
        server.add_previews(segments)
        for at in times:
            expected = index.frame_at(at)
            server.drop_cache()
            shown = quick.measure(lambda at=at: server.quick(at))
            assert isinstance(shown, Frame) and shown.preview
            if shown.index != expected or read_stamp(shown.image).index != expected:
                raise AssertionError(f"{path.name}: wrong preview at {at} ms")
            exact = original.measure(lambda at=at: server.frame(at))
            assert isinstance(exact, Frame)
            if read_stamp(exact.image).index != expected:
                raise AssertionError(f"{path.name}: wrong original frame at {at} ms")
    return {"exact_frame_ms": quick.summary(), "original_pixels_ms": original.summary()}


def preview_drag(path: Path, index: FootageIndex, segments: list[PreviewSegment]) -> float:
    """Frames per second while dragging 2 s of content on previews, 40 ms per mouse event."""
    start = max(0.0, index.duration_ms / 2 - 1000)
    times = [start + k * 40.0 for k in range(50) if start + k * 40.0 <= index.duration_ms]
    with FrameServer(path, index) as server:
        server.add_previews(segments)
        began = time.perf_counter()
        frames = [server.quick(at) for at in times]
        wall = time.perf_counter() - began
    for at, frame in zip(times, frames, strict=True):
        if frame is None or read_stamp(frame.image).index != index.frame_at(at):
            raise AssertionError(f"{path.name}: wrong preview while dragging at {at} ms")
    return round(len(times) / wall, 1)


def bench_kind(name: str, spec: ClipSpec, folder: Path, samples: int) -> dict[str, Any]:
    path = folder / f"{name}.{spec.container}"
    if not path.exists():
        say(f"making {path.name} ({spec.width}×{spec.height}, {spec.frames} frames)…")
        make_clip(path, spec, painter=_grainy_painter(spec))
    index = probe(path)
    rng = random.Random(7)
    times = [rng.uniform(0, index.duration_ms) for _ in range(samples)]
    say(f"{name}: paused seeks…")
    seeks = paused_seeks(path, index, times)
    bound = min(seeks["bound"]["wall"]["p95"], seeks["bound_threaded"]["wall"]["p95"])
    bound_cpu = seeks["bound"]["cpu"]["p95"]
    say(f"{name}: drags…")
    middle = index.duration_ms / 2
    drags = {
        "drag_forward": drag(path, index, middle - 1000, 40.0),
        "drag_backward": drag(path, index, middle + 1000, -40.0),
    }
    say(f"{name}: previews…")
    segments, made = make_previews(path, index, folder)
    with_previews = preview_seeks(path, index, segments, times)
    return {
        "file": {
            "width": index.width, "height": index.height, "frames": index.frames,
            "duration_s": round(index.duration_ms / 1000, 1), "fps": round(index.fps, 2),
            "vfr": index.vfr, "gop_frames": spec.gop, "bframes": spec.bframes,
            "codec": index.codec,
            "mbit_per_s": round(path.stat().st_size * 8 / index.duration_ms / 1000, 1),
        },
        "paused_seek_ms": seeks,
        "server_p95_over_bound": {
            "wall": round(seeks["server"]["wall"]["p95"] / bound, 2),
            "cpu": round(seeks["server_1_thread"]["cpu"]["p95"] / bound_cpu, 2),
        },
        **drags,
        "previews": {
            "making": made,
            **with_previews,
            "exact_frame_p95_over_bound": round(
                with_previews["exact_frame_ms"]["wall"]["p95"] / bound, 3
            ),
            "drag_frames_per_s": preview_drag(path, index, segments),
        },
    }  # fmt: skip


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="quarter-size, short clips")
    parser.add_argument("--keep", type=Path, help="make clips here once and reuse them")
    parser.add_argument("--samples", type=int, default=40, help="random paused seeks per kind")
    args = parser.parse_args()
    load_before = [round(v, 2) for v in os.getloadavg()]
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = {
            name: bench_kind(name, spec, folder, args.samples)
            for name, spec in kinds(args.quick).items()
        }
    main_kind = results["h264_1080p60_bframes_gop2s"]
    seek_p95 = main_kind["paused_seek_ms"]["server"]["wall"]["p95"]
    previewed_p95 = main_kind["previews"]["exact_frame_ms"]["wall"]["p95"]
    doc = {
        "machine": {
            "cpus": os.cpu_count(),
            "pyav": av.__version__,
            "load_average_before": load_before,
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
        },
        "quick": args.quick,
        "samples": args.samples,
        "kinds": results,
        "goals": {
            "h264_1080p60_seek_p95_le_1_5x_bound": main_kind["server_p95_over_bound"]["wall"]
            <= 1.5,
            "h264_1080p60_seek_p95_le_150ms": seek_p95 <= 150,
            "with_previews_h264_1080p60_exact_frame_p95_le_1_5x_bound": main_kind["previews"][
                "exact_frame_p95_over_bound"
            ]
            <= 1.5,
            "with_previews_h264_1080p60_exact_frame_p95_le_150ms": previewed_p95 <= 150,
            "drag_ge_20fps_all_kinds": all(
                min(k["drag_forward"]["frames_per_s"], k["drag_backward"]["frames_per_s"]) >= 20
                for k in results.values()
            ),
            "with_previews_drag_ge_20fps_all_kinds": all(
                k["previews"]["drag_frames_per_s"] >= 20 for k in results.values()
            ),
        },
    }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
