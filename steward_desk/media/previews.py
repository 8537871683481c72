"""Scrub previews: every frame of a stretch of footage as its own small JPEG, for instant jumps.

A paused jump into long-GOP footage costs a decode from the keyframe before it: up to half a
second for 1080p60 H.264 with a 2 s GOP on a 2-core machine (bench/bench_frame_server.py),
however clever the decoder. Editors answer this with proxies; so do we, kept small and local:
the stretch around where a steward is looking is decoded once, in the background, and each
frame is stored as an intra-coded JPEG at tile size. A jump then reads one JPEG (a few ms)
and shows the exact frame (same index, same pts) at preview fidelity, while the frame server
decodes the original pixels behind it; the tile swaps them in as soon as they are ready. A
snapshot waits for the original pixels: evidence is never a preview.

A segment file is the JPEGs back to back, then a JSON footer naming the source (path, size,
modification time, frame count and pts span: a changed file gets new previews), the frames it
holds and each JPEG's offset, then the footer's length and a magic number. Files are written
under a temporary name and renamed, so a cancelled or failed build leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from steward_desk.media.errors import CancelSignal, FootageError, Progress, raise_if_cancelled
from steward_desk.media.footage_index import FootageIndex

PREVIEW_WIDTH = 960  # a tile of the 2-tile layout on a 1920-pixel screen
PREVIEW_QUALITY = 4  # MJPEG quantiser: 2 is best, 31 worst; 4 keeps car edges and text sharp
SEGMENT_SECONDS = 4.0  # one segment: about this much footage, starting on a keyframe
SUFFIX = ".sdpreview"
_MAGIC = b"SDPRV001"
_TAIL = 16  # footer length (8 bytes, little-endian) + magic


@dataclass(frozen=True)
class PreviewSegment:
    """Frames `first` … `first + count − 1` of one source, as JPEGs in `path`."""

    path: Path
    key: str
    first: int
    count: int
    width: int
    height: int
    offsets: tuple[int, ...]  # count + 1 byte offsets; an empty JPEG: frame not decodable

    def covers(self, index: int) -> bool:
        return self.first <= index < self.first + self.count


def source_key(path: str | Path, index: FootageIndex) -> str:
    """Names a source's previews: its path, size, modification time and frames. A file that
    changes (re-encoded, replaced) gets a new key, so stale previews are never shown."""
    path = Path(path)
    stat = path.stat()
    ident = [str(path.resolve()), stat.st_size, stat.st_mtime_ns, index.frames]
    ident += [index.pts[0], index.pts[-1], index.stream_index]
    return hashlib.sha256(json.dumps(ident).encode()).hexdigest()[:24]


def segment_bounds(index: FootageIndex, seconds: float = SEGMENT_SECONDS) -> list[int]:
    """First frame of every segment: keyframes about `seconds` apart (decoding a segment then
    starts on its own first frame), or a plain frame grid when keyframes are too far apart."""
    step = max(1, round((index.fps or 30.0) * seconds))
    bounds = {0}
    for target in range(step, index.frames, step):
        keyframe = index.keyframe_at_or_before(target)
        bounds.add(keyframe if target - keyframe <= step // 2 else target)
    return sorted(bounds)


def segment_range(bounds: list[int], frames: int, index: int) -> tuple[int, int]:
    """(first, last) frame of the segment holding frame `index`."""
    position = max(0, np.searchsorted(bounds, index, side="right") - 1)
    first = bounds[position]
    last = bounds[position + 1] - 1 if position + 1 < len(bounds) else frames - 1
    return first, last


def segment_name(key: str, first: int, count: int) -> str:
    return f"{key}-{first:08d}-{count}{SUFFIX}"


def build_segment(
    source: str | Path,
    index: FootageIndex,
    first: int,
    last: int,
    folder: str | Path,
    *,
    key: str | None = None,
    width: int = PREVIEW_WIDTH,
    quality: int = PREVIEW_QUALITY,
    cancel: CancelSignal | None = None,
    progress: Progress | None = None,
    threads: int = 0,
) -> PreviewSegment:
    """Decode frames `first` … `last` of `source` once and store each as a JPEG.

    Raises Cancelled (nothing written) when asked to stop, FootageError when the file cannot
    be read. A frame the decoder never produces is stored empty (the frame server decodes it
    from the original instead)."""
    source, folder = Path(source), Path(folder)
    key = key if key is not None else source_key(source, index)
    count = last - first + 1
    out_w, out_h = _preview_size(index.width, index.height, width)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / segment_name(key, first, count)
    part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    wanted = {index.pts[i]: i for i in range(first, last + 1)}
    blobs: dict[int, bytes] = {}
    try:
        with av.open(str(source)) as container:
            stream = next(s for s in container.streams.video if s.index == index.stream_index)
            stream.codec_context.thread_type = "AUTO"
            stream.codec_context.thread_count = threads
            encoder = _jpeg_encoder(out_w, out_h, quality)
            scaler = VideoReformatter()
            container.seek(index.pts[first], stream=stream, backward=True, any_frame=False)
            for video in container.decode(stream):
                found = wanted.get(video.pts) if video.pts is not None else None
                if found is None:
                    if video.pts is not None and video.pts > index.pts[last]:
                        break
                    continue
                picture = scaler.reformat(
                    video, width=out_w, height=out_h, format="yuvj420p", interpolation="BILINEAR"
                )
                blobs[found] = b"".join(bytes(p) for p in encoder.encode(picture))
                if found == last:
                    break
                if len(blobs) % 8 == 0:  # a closing workspace waits at most this many frames
                    raise_if_cancelled(cancel, source, "preparing scrub previews")
                    if progress is not None:
                        progress(len(blobs) / count)
        offsets = [0]
        with open(part, "wb") as out:
            for i in range(first, last + 1):
                blob = blobs.get(i, b"")
                out.write(blob)
                offsets.append(offsets[-1] + len(blob))
            footer = json.dumps(
                {"key": key, "first": first, "count": count, "width": out_w, "height": out_h,
                 "offsets": offsets, "source": str(source)},
                separators=(",", ":"),
            ).encode()  # fmt: skip
            out.write(footer)
            out.write(len(footer).to_bytes(8, "little") + _MAGIC)
        part.replace(target)
    except (av.FFmpegError, OSError, StopIteration) as error:
        raise FootageError(source, f"scrub previews could not be made ({error})") from error
    finally:
        part.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0)
    return PreviewSegment(target, key, first, count, out_w, out_h, tuple(offsets))


def read_segment(path: str | Path) -> PreviewSegment | None:
    """The segment stored in `path`, or None when the file is not a whole preview segment."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            if size < _TAIL:
                return None
            handle.seek(size - _TAIL)
            tail = handle.read(_TAIL)
            if tail[8:] != _MAGIC:
                return None
            length = int.from_bytes(tail[:8], "little")
            if length > size - _TAIL:
                return None
            handle.seek(size - _TAIL - length)
            doc = json.loads(handle.read(length))
        offsets = tuple(int(o) for o in doc["offsets"])
        segment = PreviewSegment(
            path, str(doc["key"]), int(doc["first"]), int(doc["count"]),
            int(doc["width"]), int(doc["height"]), offsets,
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(offsets) != segment.count + 1 or offsets[-1] != size - _TAIL - length:
        return None
    return segment


def stored_segments(folder: str | Path, key: str) -> list[PreviewSegment]:
    """The whole segments of source `key` already in `folder` (others are ignored)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [read_segment(p) for p in sorted(folder.glob(f"{key}-*{SUFFIX}"))]
    return [s for s in found if s is not None and s.key == key]


def prune(folder: str | Path, budget_bytes: int, keep: Iterable[Path] = ()) -> int:
    """Delete the least recently used segments until the folder fits `budget_bytes`; never
    those in `keep` (in use). Returns how many bytes were freed."""
    folder = Path(folder)
    kept = {Path(p).resolve() for p in keep}
    files = []
    for path in folder.glob(f"*{SUFFIX}"):
        try:
            stat = path.stat()
        except OSError:
            continue
        files.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    freed = 0
    for _, size, path in sorted(files):
        if total - freed <= budget_bytes:
            break
        if path.resolve() in kept:
            continue
        path.unlink(missing_ok=True)
        freed += size
    return freed


class PreviewReader:
    """Decodes preview frames of one source; call from one thread at a time."""

    def __init__(self) -> None:
        self._segments: list[PreviewSegment] = []
        self._files: dict[Path, int] = {}
        self._decoder = av.CodecContext.create("mjpeg", "r")
        self._scaler = VideoReformatter()

    def add(self, segment: PreviewSegment) -> None:
        """Use `segment` from now on (touching it: it was used recently, prune keeps it)."""
        if any(s.path == segment.path for s in self._segments):
            return
        try:
            self._files[segment.path] = os.open(segment.path, os.O_RDONLY | _BINARY)
            os.utime(segment.path)
        except OSError:
            return  # pruned or unreadable meanwhile: frames come from the original
        self._segments.append(segment)

    @property
    def segments(self) -> tuple[PreviewSegment, ...]:
        return tuple(self._segments)

    def image(self, index: int) -> np.ndarray | None:
        """Frame `index` as read-only RGB at preview size, or None when no segment holds it."""
        for segment in self._segments:
            if segment.covers(index) and _size(segment, index):
                break
        else:
            return None
        at = segment.offsets[index - segment.first]
        data = _read_at(self._files[segment.path], at, _size(segment, index))
        try:
            frames = self._decoder.decode(av.Packet(data))
        except av.FFmpegError:
            return None
        if not frames:
            return None
        picture = self._scaler.reformat(frames[0], format="rgb24")
        rgb: np.ndarray = picture.to_ndarray()
        rgb.flags.writeable = False
        return rgb

    def close(self) -> None:
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()
        self._segments.clear()


_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def _size(segment: PreviewSegment, index: int) -> int:
    at = index - segment.first
    return segment.offsets[at + 1] - segment.offsets[at]


def _read_at(fd: int, offset: int, size: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # Windows has no pread; one reader thread per source
    return os.read(fd, size)


def _jpeg_encoder(width: int, height: int, quality: int) -> av.VideoCodecContext:
    encoder = av.CodecContext.create("mjpeg", "w")
    assert isinstance(encoder, av.VideoCodecContext)
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
    encoder.time_base = Fraction(1, 1000)  # unused by MJPEG, but the encoder insists
    encoder.qmin = encoder.qmax = quality
    return encoder


def _preview_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    if width <= max_width:
        return width - width % 2, height - height % 2
    return max_width, max(2, round(height * max_width / width / 2) * 2)
