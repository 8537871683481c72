"""The exact frame shown at a content time: what every paused picture in the review comes from.

DESIGN decision 2: libVLC is not frame-accurate when paused, so a paused frame (scrub release,
±1 step, bookmark jump, loop edge, snapshot) comes from here: seek to the keyframe at or before
the frame, decode forward, and match the decoded frame by its pts against the footage index.
Never "the first frame after the seek": a frame is only delivered when its pts is the one the
index names for that time.

Speed (bench/bench_frame_server.py): the container stays open; a jump skips the H.264/HEVC
frames no other frame refers to (about a third with x264's B-pyramid) and keeps the last few
frames before the target; a step or drag backwards decodes the whole run once and keeps it
(an LRU with a byte budget), so further steps back are instant; stepping forward goes on
decoding from where the last request stopped instead of seeking again.

Scrub previews (media/previews.py) make a jump instant where they exist: `quick()` answers
with the original frame when it is already decoded, else with the preview of that exact
frame (a few ms), else nothing; `frame()` then decodes the original pixels, and can be
cancelled when a newer request makes them moot.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from steward_desk.media.errors import CancelSignal, FootageError, FrameNotFound, raise_if_cancelled
from steward_desk.media.footage_index import FootageIndex, probe
from steward_desk.media.previews import PreviewReader, PreviewSegment

_FORWARD_WITHOUT_SEEK = 12  # frames ahead worth decoding on rather than seeking to a keyframe
_KEEP_BEHIND = 8  # after a jump, frames kept before the target (a few steps back are instant)
_BACKWARD_STEP = 8  # a request this far behind the last one is a step back or a drag back


@dataclass(frozen=True)
class Frame:
    """One decoded picture and which frame of the file it is.

    `pts_ms` is the file's pts; `content_ms` the first whole content ms that shows this frame
    (so `index.frame_at(content_ms) == index`); `image` is read-only H×W×3 RGB. `preview`:
    the picture comes from a scrub preview (the exact frame at preview fidelity, maybe smaller);
    the original's pixels follow from `FrameServer.frame`.
    """

    index: int
    pts_ms: float
    content_ms: int
    image: np.ndarray
    preview: bool = False


class _Entry:
    __slots__ = ("rgb", "video")

    def __init__(self, video: av.VideoFrame) -> None:
        self.video: av.VideoFrame | None = video
        self.rgb: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        planes = sum(p.buffer_size for p in self.video.planes) if self.video is not None else 0
        return planes + (self.rgb.nbytes if self.rgb is not None else 0)


class FrameServer:
    """Exact frames of one file, by content time or index; safe to call from any thread.

    `max_width` scales delivered pictures down (tiles); `cache_mb` bounds the decoded frames
    kept (a 2 s GOP of 1080p60 is ~370 MB); `threads` is the decoder's slice-thread count (None:
    see `default_decode_threads`; 0: FFmpeg picks).
    """

    def __init__(
        self,
        path: str | Path,
        index: FootageIndex | None = None,
        *,
        max_width: int | None = None,
        cache_mb: int = 512,
        threads: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.index = index if index is not None else probe(self.path)
        self._lock = threading.Lock()
        self._by_pts = {pts: i for i, pts in enumerate(self.index.pts)}
        self._budget = cache_mb * 1024 * 1024
        self._cached_bytes = 0
        self._cache: OrderedDict[int, _Entry] = OrderedDict()
        self._size = _scaled_size(self.index.width, self.index.height, max_width)
        try:
            self._container = av.open(str(self.path))
        except (av.FFmpegError, OSError, ValueError) as error:
            raise FootageError(self.path, f"cannot be opened ({error})") from error
        streams = [s for s in self._container.streams.video if s.index == self.index.stream_index]
        if not streams:
            self._container.close()
            raise FootageError(self.path, "the indexed video stream is gone (the file changed?)")
        self._stream = streams[0]
        count = default_decode_threads() if threads is None else threads
        if count != 1:
            # Slice threads share out each picture: no added delay. Frame threads decode
            # pictures ahead in parallel, a delay of one frame per thread that a seek pays.
            self._stream.codec_context.thread_type = "SLICE"
        self._stream.codec_context.thread_count = count
        self._decoded: Iterator[av.VideoFrame] | None = None
        self._last_decoded: int | None = None  # index of the frame the decoder is past
        self._last_delivered: int | None = None
        self._keep_from = 0  # frames of the current run before this index are not kept
        self._skip_below: int | None = None  # pts below which non-reference frames are skipped
        self._nal = _nal_layout(self._stream)
        self._reformatter = VideoReformatter()
        self._previews = PreviewReader()
        self._cancel: CancelSignal | None = None
        self._closed = False
        self.seeks = 0  # how many keyframe seeks were needed (for tests and the benchmark)
        self.skipped = 0  # non-reference packets not decoded on the way to a target

    # ---- public ---------------------------------------------------------------------------------

    def frame(self, content_ms: float, cancel: CancelSignal | None = None) -> Frame:
        """The frame shown at `content_ms` (0 = first frame; clamped to the file), decoded
        from the original. `cancel` set: raises Cancelled between two decoded frames (what
        was decoded so far stays cached and the decoder stays where it was)."""
        return self.frame_by_index(self.index.frame_at(content_ms), cancel)

    def quick(self, content_ms: float) -> Frame | None:
        """The frame shown at `content_ms` if it costs no decoding from a keyframe: the
        original when already decoded, else its scrub preview; None when neither exists."""
        index = self.index.frame_at(content_ms)
        with self._lock:
            if self._closed:
                raise FootageError(self.path, "the frame server was closed")
            if index in self._cache:
                return self._deliver(index, self._cache[index])
            image = self._previews.image(index)
        if image is None:
            return None
        pts_ms = self.index.pts_ms(index)
        return Frame(index, pts_ms, self.index.frame_start_ms(index), image, preview=True)

    def add_previews(self, segments: list[PreviewSegment]) -> None:
        """Answer `quick()` from these preview segments too (any thread)."""
        with self._lock:
            if not self._closed:
                for segment in segments:
                    self._previews.add(segment)

    @property
    def previews(self) -> tuple[PreviewSegment, ...]:
        """The preview segments in use."""
        with self._lock:
            return self._previews.segments

    def frame_by_index(self, index: int, cancel: CancelSignal | None = None) -> Frame:
        """Frame `index` of the file (clamped to 0 … frames − 1), from the original."""
        index = min(max(index, 0), self.index.frames - 1)
        with self._lock:
            if self._closed:
                raise FootageError(self.path, "the frame server was closed")
            entry = self._cache.get(index)
            if entry is None:
                self._cancel = cancel
                try:
                    entry = self._decode_to(index)
                finally:
                    self._cancel = None
            return self._deliver(index, entry)

    def _deliver(self, index: int, entry: _Entry) -> Frame:
        """(Lock held) the frame of a cached entry, converted to RGB once."""
        self._cache.move_to_end(index)
        self._last_delivered = index
        if entry.rgb is None:
            entry.rgb = self._to_rgb(entry)
            self._cached_bytes += entry.rgb.nbytes
            self._trim(keep=index)
        return Frame(index, self.index.pts_ms(index), self.index.frame_start_ms(index), entry.rgb)

    def drop_cache(self) -> None:
        """Forget every decoded frame (the file and the decoder stay open): the next request
        decodes from its keyframe, as a jump to a place not seen yet does."""
        with self._lock:
            self._cache.clear()
            self._cached_bytes = 0
            self._decoded = None
            self._last_decoded = self._last_delivered = None

    def step(self, index: int, delta: int) -> Frame:
        """The frame `delta` frames from `index` (±1 for a frame step), clamped to the file."""
        return self.frame_by_index(index + delta)

    def close(self) -> None:
        """Release the file and the decoded frames."""
        with self._lock:
            self._cache.clear()
            self._cached_bytes = 0
            self._decoded = None
            self._previews.close()
            if not self._closed:
                self._closed = True
                self._container.close()

    def __enter__(self) -> FrameServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- decoding --------------------------------------------------------------------------------

    def _decode_to(self, index: int) -> _Entry:
        last = self._last_decoded
        keyframe = self.index.keyframe_at_or_before(index)
        # Decoding on is cheaper than a seek while the target is near or in the same GOP.
        near = last is not None and (index - last <= _FORWARD_WITHOUT_SEEK or keyframe <= last)
        if self._decoded is not None and last is not None and last < index and near:
            self._keep_from, self._skip_below = 0, None
            found = self._run_to(index)
            if found is not None:
                return found
        # Stepping or dragging back: keep the whole run, the next requests are in it. A jump:
        # skip the frames nothing refers to and keep only the last few before the target.
        previous = self._last_delivered
        backward = previous is not None and 0 < previous - index <= _BACKWARD_STEP
        self._keep_from = keyframe if backward else max(keyframe, index - _KEEP_BEHIND)
        skip = not backward and self._nal is not None and self._keep_from > keyframe
        self._skip_below = self.index.pts[self._keep_from] if skip else None
        # Some demuxers (MPEG-TS, MP4 by dts) land after the keyframe asked for: then ask for a
        # point further back each time (1 s, 10 s, the start) and decode forward from there.
        start = self.index.pts[keyframe]
        for back_s in (0, 1, 10, None):
            if back_s is None:
                margin = start - self.index.pts[0] + 1
            else:
                margin = round(back_s / self.index.time_base)
            self._seek(start - margin)
            found = self._run_to(index)
            if found is not None:
                return found
        raise FrameNotFound(
            self.path,
            f"frame {index} (pts {self.index.pts_ms(index):.3f} ms) could not be decoded; "
            "the file may be damaged or changed since it was indexed",
        )

    def _seek(self, pts: int) -> None:
        self.seeks += 1
        self._container.seek(pts, stream=self._stream, backward=True, any_frame=False)
        self._decoded = self._stream_frames()
        self._last_decoded = None

    def _stream_frames(self) -> Iterator[av.VideoFrame]:
        for packet in self._container.demux(self._stream):
            below = self._skip_below
            if (
                below is not None
                and packet.pts is not None
                and packet.pts < below
                and packet.size
                and _is_non_reference(bytes(packet), self._nal)
            ):
                self.skipped += 1
                continue  # no other frame is predicted from it and it is not wanted
            yield from packet.decode()

    def _run_to(self, index: int) -> _Entry | None:
        """Decode on until frame `index`, keeping the run; None if the decoder passed it."""
        assert self._decoded is not None
        try:
            for video in self._decoded:
                found = self._by_pts.get(video.pts) if video.pts is not None else None
                if found is None:
                    continue  # a frame the index does not show (e.g. before an edit list)
                if found > index and self._last_decoded is None:
                    return None  # the seek landed after the target
                self._last_decoded = found
                entry = self._cache.get(found)
                if entry is None and found >= self._keep_from:
                    entry = _Entry(video)
                    self._cache[found] = entry
                    self._cached_bytes += entry.nbytes
                    self._trim(keep=found)
                if found == index:
                    return entry
                if found > index:
                    return None  # frame `index` never came out of the decoder
                raise_if_cancelled(self._cancel, self.path, f"decoding frame {index}")
        except (av.FFmpegError, OSError, ValueError) as error:
            self._decoded = None
            raise FrameNotFound(
                self.path, f"decoding failed near frame {index}: {error}"
            ) from error
        self._decoded = None  # end of file
        return None

    def _to_rgb(self, entry: _Entry) -> np.ndarray:
        assert entry.video is not None
        width, height = self._size
        # One reformatter for the server: a fresh one per frame rebuilds its scaler each time.
        picture = self._reformatter.reformat(
            entry.video, width=width, height=height, format="rgb24", interpolation="BILINEAR"
        )
        plane = picture.planes[0]
        if plane.line_size == width * 3:
            # Rows without padding: use the picture's own buffer, no second 6 MB copy at 1080p.
            rgb: np.ndarray = np.frombuffer(memoryview(plane), np.uint8).reshape(height, width, 3)
        else:
            rgb = picture.to_ndarray()
        rgb.flags.writeable = False
        # The picture is all we need now; the decoder's buffer can go back to its pool.
        self._cached_bytes -= sum(p.buffer_size for p in entry.video.planes)
        entry.video = None
        return rgb

    def _trim(self, keep: int) -> None:
        """Drop the least recently used frames over budget, never the one being delivered."""
        while self._cached_bytes > self._budget and len(self._cache) > 1:
            oldest = next(iter(self._cache))
            if oldest == keep:
                self._cache.move_to_end(oldest)
                continue
            self._cached_bytes -= self._cache.pop(oldest).nbytes


class _NalLayout:
    """How to find the NAL unit headers in a packet of an H.264 / HEVC stream."""

    __slots__ = ("hevc", "length_size")

    def __init__(self, hevc: bool, length_size: int | None) -> None:
        self.hevc = hevc
        self.length_size = length_size  # None: Annex B start codes (MPEG-TS)


def _nal_layout(stream: av.VideoStream) -> _NalLayout | None:
    """The NAL layout of H.264/HEVC streams; None for codecs whose frames are never skipped."""
    name = stream.codec_context.name
    if name not in ("h264", "hevc"):
        return None
    extra = stream.codec_context.extradata or b""
    hevc = name == "hevc"
    # avcC / hvcC configuration records start with version 1 and carry the length size.
    if extra[:1] == b"\x01" and len(extra) > (21 if hevc else 4):
        return _NalLayout(hevc, (extra[21 if hevc else 4] & 3) + 1)
    return _NalLayout(hevc, None)


def _is_non_reference(data: bytes, layout: _NalLayout | None) -> bool:
    """True when every picture slice in the packet is one no other frame is predicted from.

    H.264: nal_ref_idc == 0. HEVC: the sub-layer non-reference types (even types below 16).
    Any doubt (no slices found, unknown layout) answers False, so the frame is decoded.
    """
    if layout is None:
        return False
    headers = _nal_headers(data, layout.length_size)
    slices = 0
    for header in headers:
        if layout.hevc:
            kind = (header >> 1) & 0x3F
            if kind < 32:  # a picture slice
                slices += 1
                if kind > 14 or kind % 2:
                    return False
        else:
            kind = header & 0x1F
            if kind in (1, 5):
                slices += 1
                if header & 0x60:
                    return False
    return slices > 0


def _nal_headers(data: bytes, length_size: int | None) -> list[int]:
    """The first header byte of each NAL unit in a packet."""
    headers: list[int] = []
    if length_size is None:
        at = data.find(b"\x00\x00\x01")
        while at != -1 and at + 3 < len(data):
            headers.append(data[at + 3])
            at = data.find(b"\x00\x00\x01", at + 3)
        return headers
    at = 0
    while at + length_size < len(data):
        size = int.from_bytes(data[at : at + length_size], "big")
        headers.append(data[at + length_size])
        at += length_size + size
    return headers


def default_decode_threads() -> int:
    """Half the cores, at least 2 and at most 8: the rest stays for the UI and the other tiles.

    Measured on 2 cores (30 paused seeks, p50/p95 ms): 1080p60 H.264 one thread 366/645, two
    slice threads 179/379, two frame threads 235/441; 720p30 MP4 76/104, 44/64, 60/87 (slice
    threads only help files encoded in several slices per picture, and cost nothing otherwise).
    """
    return max(2, min(8, (os.cpu_count() or 2) // 2))


def _scaled_size(width: int, height: int, max_width: int | None) -> tuple[int, int]:
    if max_width is None or width <= max_width:
        return width, height
    return max_width, max(2, round(height * max_width / width / 2) * 2)


def write_png(frame: Frame, path: str | Path) -> None:
    """Save a frame as PNG with PyAV's encoder (no PIL), atomically (temp file + rename)."""
    path = Path(path)
    height, width = frame.image.shape[:2]
    codec = av.CodecContext.create("png", "w")
    assert isinstance(codec, av.VideoCodecContext)
    codec.width, codec.height, codec.pix_fmt = width, height, "rgb24"
    video = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame.image), format="rgb24")
    data = b"".join(bytes(p) for p in [*codec.encode(video), *codec.encode(None)])
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
