"""The footage index: when each frame of a file is shown, from its packets alone (no decode).

DESIGN decision 3: the sorted pts of the video stream's packets. Frame *i* is `pts[i]`; the
frame shown at content time *t* is the last one whose `pts − first pts ≤ t`; content time 0 is
the first video frame, not the container start. Timestamps stay integers in the stream's
time base, so nothing drifts on variable-frame-rate files; milliseconds are derived on demand.
VFR is detected from the spread of the packet gaps, never from frame-rate metadata.

The index is made once at import (`probe`) and stored (`to_json` / `from_json`).
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import av

from steward_desk.media.errors import CancelSignal, FootageError, Progress, raise_if_cancelled

INDEX_FORMAT = "steward-desk/footage-index"
INDEX_VERSION = 1
_STILL_FORMATS = ("image2", "_pipe", "gif", "apng", "webp")
_SNAP_S = Fraction(1, 10**9)  # float ms values closer than this to a tick mean that tick
_REPORT_EVERY = 512  # packets between progress reports and cancel checks


@dataclass(frozen=True)
class FootageIndex:
    """Every frame's pts (sorted, unique, in stream ticks) and what else a player needs."""

    path: str
    time_base: Fraction
    pts: tuple[int, ...]
    keyframes: tuple[int, ...]  # indices into `pts` of frames a decoder can start from
    codec: str
    width: int
    height: int
    last_duration: int  # ticks the last frame lasts (the file's end)
    size_bytes: int
    stream_index: int = 0

    # ---- what a frame is, in milliseconds ------------------------------------------------

    @property
    def frames(self) -> int:
        return len(self.pts)

    @property
    def first_pts_ms(self) -> float:
        """The file time of the first video frame (content time 0)."""
        return self._ms(self.pts[0])

    def pts_ms(self, index: int) -> float:
        """The file pts of frame `index` in ms (not shifted to content time)."""
        return self._ms(self.pts[index])

    def content_ms(self, index: int) -> float:
        """When frame `index` starts being shown, in content ms (frame 0 at 0.0)."""
        return self._ms(self.pts[index] - self.pts[0])

    def frame_start_ms(self, index: int) -> int:
        """The first whole content millisecond that shows frame `index`.

        `frame_at(frame_start_ms(i)) == i` for every frame that lasts at least 1 ms, so a race
        clock in integer ms can land on any frame exactly (rounding 33.33 down would not).
        """
        return math.ceil((self.pts[index] - self.pts[0]) * self.time_base * 1000)

    def frame_at(self, content_ms: float) -> int:
        """The index of the frame shown at `content_ms`: the last with pts − first ≤ t.

        Before 0 it is frame 0; past the end it is the last frame. A time within a nanosecond
        of a tick counts as that tick, so a float standing for a frame's exact start
        (166.666… ms) finds that frame and not the one before.
        """
        exact = Fraction(content_ms) / 1000 / self.time_base
        nearest = round(exact)
        snap = abs(exact - nearest) * self.time_base <= _SNAP_S
        ticks = nearest if snap else math.floor(exact)
        found = bisect_right(self.pts, self.pts[0] + ticks) - 1
        return min(max(found, 0), len(self.pts) - 1)

    def keyframe_at_or_before(self, index: int) -> int:
        """The index of the keyframe a decoder starts from to reach frame `index`."""
        position = bisect_right(self.keyframes, index) - 1
        return self.keyframes[max(position, 0)]

    # ---- the numbers `media probe` shows ----------------------------------------------------

    @property
    def duration_ms(self) -> float:
        """Content length: from the first frame to the end of the last one."""
        return self._ms(self.pts[-1] + self.last_duration - self.pts[0])

    @property
    def gaps(self) -> tuple[int, ...]:
        return tuple(b - a for a, b in pairwise(self.pts))

    @property
    def fps(self) -> float:
        """Frames per second of the regular gaps (the median gap, averaged over its jitter)."""
        regular = self._regular_gaps()
        if not regular:
            return 0.0
        return float(1 / (Fraction(sum(regular), len(regular)) * self.time_base))

    @property
    def vfr(self) -> bool:
        """Variable frame rate: more than 1 gap in 1000 strays from the median gap.

        A gap may stray by one tick of rounding (a 60 fps MKV stores 16/17/17 ms) and by 10 %.
        """
        gaps = self.gaps
        irregular = len(gaps) - len(self._regular_gaps())
        return irregular > len(gaps) // 1000

    def _regular_gaps(self) -> list[int]:
        gaps = self.gaps
        if not gaps:
            return []
        median = statistics.median(gaps)
        tolerance = max(2.0, median * 0.1)
        return [g for g in gaps if abs(g - median) <= tolerance]

    def summary(self) -> dict[str, Any]:
        """The probe document of CLI.md; `keyframes` is the count (the list is in to_json)."""
        return {
            "duration_ms": round(self.duration_ms),
            "frames": self.frames,
            "fps": round(self.fps, 3),
            "vfr": self.vfr,
            "first_pts_ms": round(self.first_pts_ms, 3),
            "keyframes": len(self.keyframes),
            "codec": self.codec,
            "width": self.width,
            "height": self.height,
        }

    def _ms(self, ticks: int) -> float:
        return float(ticks * self.time_base * 1000)

    # ---- storage ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON document the database keeps, so the file is never probed twice.

        The pts are stored as the first pts and the gaps between frames (short numbers).
        """
        return {
            "format": INDEX_FORMAT,
            "version": INDEX_VERSION,
            "path": self.path,
            "size_bytes": self.size_bytes,
            "stream_index": self.stream_index,
            "codec": self.codec,
            "width": self.width,
            "height": self.height,
            "time_base": [self.time_base.numerator, self.time_base.denominator],
            "first_pts": self.pts[0],
            "gaps": list(self.gaps),
            "last_duration": self.last_duration,
            "keyframes": list(self.keyframes),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FootageIndex:
        """Read back what `to_json` wrote; FootageError names the key that is wrong."""
        path = doc.get("path") if isinstance(doc, dict) else None
        try:
            if doc["format"] != INDEX_FORMAT or doc["version"] != INDEX_VERSION:
                raise ValueError(f"format {doc['format']!r} v{doc['version']!r} is not ours")
            pts = [int(doc["first_pts"])]
            for gap in doc["gaps"]:
                if int(gap) <= 0:
                    raise ValueError(f"gaps must be positive, found {gap!r}")
                pts.append(pts[-1] + int(gap))
            keyframes = tuple(int(k) for k in doc["keyframes"])
            if not keyframes or keyframes[0] != 0 or keyframes[-1] >= len(pts):
                raise ValueError(f"keyframes {keyframes[:3]}… do not fit {len(pts)} frames")
            num, den = doc["time_base"]
            return cls(
                path=str(doc["path"]),
                time_base=Fraction(int(num), int(den)),
                pts=tuple(pts),
                keyframes=keyframes,
                codec=str(doc["codec"]),
                width=int(doc["width"]),
                height=int(doc["height"]),
                last_duration=int(doc["last_duration"]),
                size_bytes=int(doc["size_bytes"]),
                stream_index=int(doc["stream_index"]),
            )
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
            raise FootageError(path, f"stored footage index is not usable: {error!r}") from error


def probe(
    path: str | Path, progress: Progress | None = None, cancel: CancelSignal | None = None
) -> FootageIndex:
    """Index a footage file by demuxing its video packets (no decoding).

    Raises FootageError (naming the file) for a missing, unreadable or damaged file, one with
    no video stream or no timestamped frames, or a still image; Cancelled when asked to stop.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise FootageError(path, f"cannot be read ({error.strerror or error})") from error
    if path.is_dir():
        raise FootageError(path, "is a folder, not a video file")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as error:
        raise FootageError(
            path, f"is not a video file FFmpeg can read ({_reason(error)})"
        ) from error
    with container:
        if any(part in container.format.name for part in _STILL_FORMATS):
            raise FootageError(path, f"is a still image ({container.format.name}), not footage")
        stream = _video_stream(container, path)
        time_base = stream.time_base
        if time_base is None or time_base <= 0:
            raise FootageError(path, "the video stream has no time base")
        packets = _demux(container, stream, path, size, progress, cancel)
        codec = stream.codec_context.name
        width, height = stream.codec_context.width, stream.codec_context.height
        stream_index = stream.index  # read now: a closed container's streams are freed
    if not packets:
        raise FootageError(path, "has a video stream but no timestamped video frames")
    if width <= 0 or height <= 0:
        raise FootageError(path, "the video stream has no picture size")
    packets.sort()
    pts: list[int] = []
    keyframes: list[int] = []
    for ticks, key, _ in packets:
        if pts and ticks == pts[-1]:
            continue  # a duplicate timestamp cannot be shown on its own
        if key:
            keyframes.append(len(pts))
        pts.append(ticks)
    if not keyframes or keyframes[0] != 0:
        # A decoder can always start at the first packet it is given; name it the first key.
        keyframes.insert(0, 0)
    gaps = sorted(b - a for a, b in pairwise(pts))
    last_duration = packets[-1][2] or (gaps[len(gaps) // 2] if gaps else 1)
    if progress is not None:
        progress(1.0)
    return FootageIndex(
        path=str(path),
        time_base=Fraction(time_base),
        pts=tuple(pts),
        keyframes=tuple(keyframes),
        codec=codec,
        width=width,
        height=height,
        last_duration=last_duration,
        size_bytes=size,
        stream_index=stream_index,
    )


def _video_stream(container: av.container.InputContainer, path: Path) -> av.VideoStream:
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise FootageError(path, "has no video stream (audio only, or not footage)")


def _demux(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    path: Path,
    size: int,
    progress: Progress | None,
    cancel: CancelSignal | None,
) -> list[tuple[int, bool, int]]:
    """(pts, keyframe, duration) of every video packet the decoder will show."""
    packets: list[tuple[int, bool, int]] = []
    try:
        for count, packet in enumerate(container.demux(stream)):
            if count % _REPORT_EVERY == 0:
                raise_if_cancelled(cancel, path, "indexing the footage")
                if progress is not None and size and packet.pos is not None and packet.pos >= 0:
                    progress(min(packet.pos / size, 0.99))
            # Size 0 is the end-of-stream marker; discard-flagged packets lie before an MP4
            # edit list's start and are never shown.
            if packet.pts is None or not packet.size or packet.is_discard:
                continue
            packets.append((packet.pts, packet.is_keyframe, packet.duration or 0))
    except (av.FFmpegError, OSError, ValueError) as error:
        raise FootageError(
            path, f"is damaged after {len(packets)} video frames ({_reason(error)})"
        ) from error
    return packets


def _reason(error: BaseException) -> str:
    """FFmpeg's words without the repeated file name."""
    text = getattr(error, "strerror", None) or str(error)
    return str(text).split(": '")[0]
