"""Self-describing clips: every frame carries its own index and pts (see `stamp`).

Tests, the demo league and the benchmark make their own footage with PyAV's encoders (x264,
VP9), shaped like what stewards receive (DESIGN "Test footage"): H.264 60 fps with B-frames,
PS4-like 720p30 MP4, PS5-like VP9 WebM, OBS-like variable frame rate MKV, and files whose first
pts is not 0. `make_clip` reads the timestamps back from the written file, so callers compare
against what the muxer really stored, not what was asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from steward_desk.media.errors import CancelSignal, Progress, raise_if_cancelled
from steward_desk.media.stamp import StampLayout, stamp

CONTAINER_FORMATS = {"mkv": "matroska", "mp4": "mp4", "webm": "webm", "ts": "mpegts", "flv": "flv"}

Painter = Callable[[int, float], np.ndarray]
"""Draws frame `index` at `seconds` into a fresh H×W×3 uint8 image."""


@dataclass(frozen=True)
class ClipSpec:
    """What to encode. Constant rate from `fps` unless `pts_ms` lists every frame's time.

    `pts_ms` (VFR) are offsets from the first frame in ms; `first_pts_ms` moves the whole clip
    (a file whose first frame is not at 0). `codec`: libx264, libx265 or libvpx-vp9. `gop` is
    the keyframe interval in frames; `bframes` the B-frames between references (x264/x265). Quality: `crf`, or `bitrate` in bit/s.
    """

    container: str = "mkv"
    codec: str = "libx264"
    width: int = 320
    height: int = 180
    fps: float = 30.0
    frames: int = 60
    pts_ms: tuple[int, ...] | None = None
    gop: int = 60
    bframes: int = 0
    first_pts_ms: int = 0
    crf: int | None = 23
    bitrate: int | None = None
    preset: str = "veryfast"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.container not in CONTAINER_FORMATS:
            raise ValueError(
                f"container {self.container!r} is not one of {list(CONTAINER_FORMATS)}"
            )
        if self.pts_ms is not None:
            if len(self.pts_ms) != self.frames:
                raise ValueError(f"{len(self.pts_ms)} pts given for {self.frames} frames")
            if any(b <= a for a, b in zip(self.pts_ms, self.pts_ms[1:], strict=False)):
                raise ValueError("pts_ms must rise strictly")
        if self.width % 2 or self.height % 2:
            raise ValueError(f"4:2:0 video needs even sizes, got {self.width}×{self.height}")

    @property
    def time_base(self) -> Fraction:
        """The encoder's clock: one tick per frame for constant rate, 1 ms for VFR."""
        if self.pts_ms is not None:
            return Fraction(1, 1000)
        return 1 / Fraction(self.fps).limit_denominator(1001)

    def requested_pts(self) -> list[int]:
        """Every frame's pts in `time_base` ticks, as handed to the encoder."""
        tb = self.time_base
        first = round(Fraction(self.first_pts_ms, 1000) / tb)
        if self.pts_ms is not None:
            return [first + p for p in self.pts_ms]
        return [first + i for i in range(self.frames)]


@dataclass(frozen=True)
class ClipInfo:
    """A clip as written: its spec and what the file really holds (read back by demuxing)."""

    path: Path
    spec: ClipSpec
    requested_pts_ms: tuple[float, ...]  # what the encoder was given, in ms
    pts_ms: tuple[float, ...]  # sorted video packet pts read back from the file, in ms
    keyframe_indices: tuple[int, ...] = field(default=())

    @property
    def frames(self) -> int:
        return len(self.pts_ms)


def h264_60_bframes(
    width: int = 320, height: int = 180, seconds: float = 5.0, container: str = "mkv"
) -> ClipSpec:
    """OBS/ShadowPlay-like PC capture: H.264 60 fps, 3 B-frames, a keyframe every 2 s."""
    return ClipSpec(
        container, "libx264", width, height, 60.0, round(60 * seconds), gop=120, bframes=3
    )


def ps4_720p30(width: int = 1280, height: int = 720, seconds: float = 5.0) -> ClipSpec:
    """PS4 share clip: MP4, H.264 30 fps (720p on the console), B-frames, 1 s GOP."""
    return ClipSpec("mp4", "libx264", width, height, 30.0, round(30 * seconds), gop=30, bframes=2)


def ps5_vp9_webm(width: int = 1280, height: int = 720, seconds: float = 4.0) -> ClipSpec:
    """PS5 capture: WebM, VP9 60 fps (alt-ref frames hidden inside superframes)."""
    return ClipSpec("webm", "libvpx-vp9", width, height, 60.0, round(60 * seconds), gop=120, crf=32)


def obs_vfr_mkv(width: int = 320, height: int = 180, frames: int = 240, seed: int = 5) -> ClipSpec:
    """OBS under load: MKV with irregular frame gaps (mostly 16–17 ms, some 33–50 ms drops)."""
    rng = np.random.default_rng(seed)
    gaps = rng.choice([16, 17, 17, 16, 17, 33, 50, 24, 9], size=frames - 1)
    pts = (0, *(int(v) for v in np.cumsum(gaps)))
    return ClipSpec(
        "mkv", "libx264", width, height, 60.0, frames, pts_ms=pts, gop=120, bframes=2, seed=seed
    )


def nonzero_start(
    width: int = 320, height: int = 180, seconds: float = 4.0, first_pts_ms: int = 1400
) -> ClipSpec:
    """A file whose first frame is at 1.4 s (as .ts captures and trimmed MP4s start)."""
    return ClipSpec(
        "mp4", "libx264", width, height, 30.0, round(30 * seconds), gop=45, bframes=2,
        first_pts_ms=first_pts_ms,
    )  # fmt: skip


def _pattern_painter(spec: ClipSpec) -> Painter:
    """Moving texture with detail, so the encoder and decoder do realistic work."""
    rng = np.random.default_rng(spec.seed)
    small = rng.integers(30, 226, (spec.height // 8 + 2, spec.width // 8 + 2, 3), dtype=np.uint8)
    texture = np.repeat(np.repeat(small, 8, axis=0), 8, axis=1)[: spec.height, : spec.width]
    texture = (texture // 2 + rng.integers(0, 40, texture.shape, dtype=np.uint8)).astype(np.uint8)
    bar_w = max(4, spec.width // 20)

    def paint(index: int, seconds: float) -> np.ndarray:
        image = np.roll(texture, (index * 3) % spec.width, axis=1)
        x = int(seconds * spec.width / 2) % (spec.width - bar_w)
        image[:, x : x + bar_w] = (250, 200, 40)
        return image

    return paint


def make_clip(
    path: str | Path,
    spec: ClipSpec,
    progress: Progress | None = None,
    cancel: CancelSignal | None = None,
    painter: Painter | None = None,
    layout: StampLayout | None = None,
) -> ClipInfo:
    """Encode `spec` into `path` (temp file + rename) with every frame stamped; read it back.

    `painter` draws the picture under the stamp (a moving texture by default).
    """
    path = Path(path)
    paint = painter or _pattern_painter(spec)
    tb = spec.time_base
    ticks = spec.requested_pts()
    requested_ms = tuple(float(t * tb * 1000) for t in ticks)
    part = path.with_name(f".{path.name}.part")
    try:
        with av.open(str(part), "w", format=CONTAINER_FORMATS[spec.container]) as out:
            stream = out.add_stream(spec.codec, rate=Fraction(spec.fps).limit_denominator(1001))
            assert isinstance(stream, av.VideoStream)
            stream.width, stream.height = spec.width, spec.height
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = tb
            stream.codec_context.options = _encoder_options(spec)
            for i, (tick, ms) in enumerate(zip(ticks, requested_ms, strict=True)):
                raise_if_cancelled(cancel, path, "making the clip")
                image = paint(i, (ms - requested_ms[0]) / 1000)
                stamp(image, i, round(ms), layout)
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                frame.pts = tick
                frame.time_base = tb
                out.mux(stream.encode(frame))
                if progress is not None and i % 30 == 0:
                    progress(i / len(ticks))
            out.mux(stream.encode(None))
        pts_ms, keyframes = _read_back(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0)
    return ClipInfo(path, spec, requested_ms, pts_ms, keyframes)


def _encoder_options(spec: ClipSpec) -> dict[str, str]:
    options: dict[str, str] = {}
    if spec.codec == "libx264":
        options["preset"] = spec.preset
        # A fixed GOP (no scene-cut keyframes) so tests know where the keyframes are.
        options["x264-params"] = (
            f"keyint={spec.gop}:min-keyint={spec.gop}:scenecut=0:bframes={spec.bframes}"
        )
    elif spec.codec == "libx265":
        options["preset"] = spec.preset
        options["x265-params"] = (
            f"keyint={spec.gop}:min-keyint={spec.gop}:scenecut=0:bframes={spec.bframes}"
            ":open-gop=0:log-level=error"
        )
    elif spec.codec == "libvpx-vp9":
        options.update({"g": str(spec.gop), "deadline": "good", "cpu-used": "8", "row-mt": "1"})
        if spec.bitrate is None:
            options["b"] = "0"  # constant quality mode
    if spec.bitrate is not None:
        options["b"] = str(spec.bitrate)
    elif spec.crf is not None:
        options["crf"] = str(spec.crf)
    return options


def _read_back(path: Path) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """Sorted video packet pts in ms and the sorted indices of keyframes, straight from demux."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        tb = stream.time_base
        assert tb is not None
        packets = [
            (p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None and p.size
        ]
    packets.sort()
    pts_ms = tuple(float(pts * tb * 1000) for pts, _ in packets)
    keyframes = tuple(i for i, (_, key) in enumerate(packets) if key)
    return pts_ms, keyframes


Colour = tuple[int, int, int]


def make_onboard(
    path: str | Path,
    *,
    label_seed: int,
    car_colour: Colour,
    duration_s: float = 6.0,
    fps: float = 30.0,
    start_pts_ms: int = 0,
    contact_at_s: float | None = None,
    other_colour: Colour | None = None,
    width: int = 640,
    height: int = 360,
    container: str = "mkv",
    progress: Progress | None = None,
    cancel: CancelSignal | None = None,
) -> ClipInfo:
    """A synthetic onboard for the demo league: road, kerbs, horizon, a car ahead that closes
    in and touches at `contact_at_s` (60 % of the clip by default); H.264 with the stamp in
    the top-left corner (8 px cells). `label_seed` varies the track and the other car.
    """
    rng = np.random.default_rng(label_seed)
    spec = ClipSpec(
        container, "libx264", width, height, fps, round(duration_s * fps),
        gop=round(2 * fps), bframes=2, first_pts_ms=start_pts_ms, crf=26, seed=label_seed,
    )  # fmt: skip
    contact = duration_s * 0.6 if contact_at_s is None else contact_at_s
    other = other_colour or tuple(int(v) for v in rng.integers(40, 230, 3))
    painter = _onboard_painter(width, height, rng, car_colour, other, contact)  # type: ignore[arg-type]
    return make_clip(path, spec, progress, cancel, painter, StampLayout.with_cell(8))


def _onboard_painter(
    w: int, h: int, rng: np.random.Generator, own: Colour, other: Colour, contact_s: float
) -> Painter:
    horizon, dash = int(h * 0.42), int(h * 0.8)
    bend = float(rng.uniform(-1, 1))
    sky = np.linspace((90, 140, 210), (200, 220, 240), horizon)[:, None, :].repeat(w, axis=1)
    hills = horizon - (h * 0.06 * (1 + np.sin(np.arange(w) / w * 9 + rng.uniform(0, 6)))).astype(
        int
    )
    rows = np.arange(horizon, dash)
    depth = (rows - horizon + 1) / (h - horizon)  # 0 at the horizon, 1 at the bottom edge
    xs = np.arange(w)[None, :]
    palette = np.array(
        [(60, 130, 50), (75, 150, 60), (235, 235, 235), (200, 30, 30), (96, 96, 100)], np.uint8
    )
    yy, xx = np.mgrid[dash:h, 0:w]
    wheel = np.abs(np.hypot((xx - w / 2) / (w * 0.28), (yy - h * 1.12) / (h * 0.42)) - 1) < 0.06
    nose = np.abs(xx - w / 2) < (yy - dash + 4) * 1.6

    def paint(index: int, t: float) -> np.ndarray:
        image = np.empty((h, w, 3), np.uint8)
        image[:horizon] = sky
        for x in range(0, w, 4):  # distant hills, cheap: one column block at a time
            image[hills[x] : horizon, x : x + 4] = (70, 110, 70)
        curve = bend * np.sin(t * 0.7)
        centre = w / 2 + curve * (1 - depth) ** 2 * w * 0.6
        half = depth * w * 0.7
        dx = np.abs(xs - centre[:, None])
        # Colour index per pixel: grass (0/1 by mowing stripe), kerb (2/3 by kerb stripe), road.
        stripe = (np.floor(6 / depth + t * 30) % 2).astype(np.uint8)[:, None]
        mow = (np.floor(3 / depth + t * 15) % 2).astype(np.uint8)[:, None]
        kind = np.where(dx < half[:, None] * 1.14, 2 + stripe, mow)
        kind[dx < half[:, None]] = 4
        image[horizon:dash] = palette[kind]
        _draw_car_ahead(image, t, contact_s, horizon, other, w, h)
        image[dash:] = (28, 28, 32)
        image[dash:][nose] = own
        image[dash:][wheel] = (10, 10, 10)
        if 0 <= t - contact_s < 0.3:  # the jolt of the contact
            image = np.roll(image, (int(6 * np.sin(t * 90)), int(4 * np.cos(t * 70))), (0, 1))
        return image

    return paint


def _draw_car_ahead(
    image: np.ndarray, t: float, contact_s: float, horizon: int, colour: Colour, w: int, h: int
) -> None:
    # Distance shrinks until the contact, then the hit car is pushed away slightly.
    distance = 1.2 + max(0.0, contact_s - t) * 2.5 + max(0.0, t - contact_s) * 0.8
    scale = 1 / distance
    car_w, car_h = int(w * 0.5 * scale), int(h * 0.22 * scale)
    cx = int(w / 2 + w * 0.18 * scale * np.sin(t * 0.9) - (w * 0.05 if t > contact_s else 0))
    bottom = int(horizon + (h * 0.8 - horizon + 12) * scale)
    top, left = bottom - car_h, cx - car_w // 2

    def box(y0: int, y1: int, x0: int, x1: int, rgb: Colour) -> None:
        image[max(y0, 0) : max(min(y1, h), 0), max(x0, 0) : max(min(x1, w), 0)] = rgb

    box(top + car_h // 3, bottom - car_h // 6, left, left + car_w, colour)
    box(top, top + car_h // 3, left + car_w // 4, left + 3 * car_w // 4, (30, 30, 40))
    box(top - car_h // 8, top, left - car_w // 20, left + car_w + car_w // 20, (15, 15, 15))
    for x0 in (left, left + car_w - car_w // 5):
        box(bottom - car_h // 3, bottom, x0, x0 + car_w // 5, (12, 12, 12))
    for x0 in (left + car_w // 10, left + car_w - car_w // 4):
        box(top + car_h // 2, top + car_h // 2 + car_h // 8, x0, x0 + car_w // 7, (230, 20, 20))
