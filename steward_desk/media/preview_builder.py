"""Makes scrub previews in the background, nearest to where the steward is looking first.

One thread for all clips of the open incident (two cores must also decode the exact frames
and play video), lowered in priority where the OS allows it per thread (Linux). Work comes as
"want" requests: a clip, a content time and an epoch (the caller's count of the steward's
moves). The newest epoch goes first; within one epoch, the segments nearest the wanted times
first, clip after clip (so four clips opened together each get their incident's segment
before any gets its neighbours), then their neighbours outwards; a segment already made
(now or in an earlier session: they are kept in the cache folder by source) is never made
again. The folder is kept under a byte budget, least recently used segments going first.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from steward_desk.media.errors import Cancelled, MediaError
from steward_desk.media.footage_index import FootageIndex
from steward_desk.media.previews import (
    PREVIEW_QUALITY,
    PREVIEW_WIDTH,
    SEGMENT_SECONDS,
    PreviewSegment,
    build_segment,
    prune,
    segment_bounds,
    segment_range,
    source_key,
    stored_segments,
)

DEFAULT_BUDGET = 4 * 1024**3  # about 10 minutes of 1080p60 at tile size
_NICE = 10  # below the frame fetchers and libVLC, so previews never slow what is on screen

Built = Callable[[str, PreviewSegment], None]


@dataclass
class _Source:
    path: Path
    index: FootageIndex
    key: str
    bounds: list[int]
    done: dict[int, PreviewSegment] = field(default_factory=dict)  # first frame → segment
    failed: bool = False


class PreviewBuilder:
    """Builds preview segments of registered sources on one background thread.

    `on_built(source_id, segment)` is called on the builder's thread. A clip whose file cannot
    be read gets no more previews (its frames still come from the original, which says what
    is wrong when asked). `synchronous=True` builds inside `want()` (tests).
    """

    def __init__(
        self,
        folder: str | Path,
        on_built: Built | None = None,
        *,
        budget_bytes: int = DEFAULT_BUDGET,
        width: int = PREVIEW_WIDTH,
        quality: int = PREVIEW_QUALITY,
        segment_seconds: float = SEGMENT_SECONDS,
        synchronous: bool = False,
    ) -> None:
        self.folder = Path(folder)
        self.on_built = on_built
        self.budget_bytes = budget_bytes
        self.width, self.quality = width, quality
        self.segment_seconds = segment_seconds
        self.synchronous = synchronous
        self._sources: dict[str, _Source] = {}
        # (−epoch, distance rank, arrival, source id, segment first frame): the least goes next.
        self._queue: list[tuple[int, int, int, str, int]] = []
        self._arrivals = 0
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._held = False
        self._thread: threading.Thread | None = None
        self.built = 0  # segments made by this builder (tests, benchmark)

    def add_source(
        self, source_id: str, path: str | Path, index: FootageIndex
    ) -> list[PreviewSegment]:
        """Register a clip; returns its segments already in the folder (ready to use)."""
        path = Path(path)
        try:
            key = source_key(path, index)
        except OSError:
            return []
        stored = stored_segments(self.folder, key) if self.folder.is_dir() else []
        source = _Source(path, index, key, segment_bounds(index, self.segment_seconds))
        for segment in stored:
            source.done[segment.first] = segment
        with self._wake:
            self._sources[source_id] = source
        return stored

    def want(self, source_id: str, content_ms: float, radius: int = 1, epoch: int = 0) -> None:
        """Make the segment holding `content_ms` of this source, then `radius` segments on
        each side: before anything of an earlier epoch, and by distance among the same one."""
        with self._wake:
            source = self._sources.get(source_id)
            if source is None or source.failed:
                return
            frame = source.index.frame_at(content_ms)
            first, _ = segment_range(source.bounds, source.index.frames, frame)
            at = source.bounds.index(first)
            order = [at]
            for step in range(1, radius + 1):
                order += [at + step, at - step]
            wanted = [
                (rank, source.bounds[i])
                for rank, i in enumerate(order)
                if 0 <= i < len(source.bounds) and source.bounds[i] not in source.done
            ]
            firsts = {first for _, first in wanted}
            kept = [job for job in self._queue if job[3] != source_id or job[4] not in firsts]
            for rank, first in wanted:
                self._arrivals += 1
                kept.append((-epoch, (rank + 1) // 2, self._arrivals, source_id, first))
            self._queue = sorted(kept)
            self._wake.notify()
        if self.synchronous:
            self._drain()
        elif self._thread is None:
            self._thread = threading.Thread(target=self._run, name="previews", daemon=True)
            self._thread.start()

    def hold(self, held: bool) -> None:
        """Make nothing while held (playback needs the cores: the segment being made is
        dropped and made again first when released), go on when released."""
        with self._wake:
            self._held = held
            self._wake.notify()

    @property
    def held(self) -> bool:
        return self._held

    def queued(self) -> list[tuple[str, int]]:
        """(source id, segment first frame) in the order they will be made."""
        with self._wake:
            return [(job[3], job[4]) for job in self._queue]

    def pending(self) -> int:
        """Segments waiting to be made."""
        with self._wake:
            return len(self._queue)

    def close(self) -> None:
        """Stop: the segment being made is abandoned (nothing half-written stays)."""
        self._stop.set()
        with self._wake:
            self._queue.clear()
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ---- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        _lower_priority()
        while not self._stop.is_set():
            with self._wake:
                while (not self._queue or self._held) and not self._stop.is_set():
                    self._wake.wait()
            self._drain()

    def _drain(self) -> None:
        while not self._stop.is_set():
            with self._wake:
                if not self._queue or self._held:
                    return
                *_, source_id, first = self._queue.pop(0)
                source = self._sources.get(source_id)
                if source is None or source.failed or first in source.done:
                    continue
            self._make(source_id, source, first)

    def _make(self, source_id: str, source: _Source, first: int) -> None:
        _, last = segment_range(source.bounds, source.index.frames, first)
        try:
            segment = build_segment(
                source.path, source.index, first, last, self.folder, key=source.key,
                width=self.width, quality=self.quality, cancel=self._abandon,
            )  # fmt: skip
        except Cancelled:
            if not self._stop.is_set():  # held (playback started): made again when released
                with self._wake:
                    self._arrivals += 1
                    self._queue.insert(0, (-(10**9), 0, self._arrivals, source_id, first))
            return
        except MediaError:
            with self._wake:
                source.failed = True
            return
        with self._wake:
            source.done[first] = segment
            in_use = [s.path for src in self._sources.values() for s in src.done.values()]
        self.built += 1
        if self.on_built is not None:
            self.on_built(source_id, segment)
        with contextlib.suppress(OSError):
            prune(self.folder, self.budget_bytes, keep=in_use)

    def _abandon(self) -> bool:
        """The segment being made is dropped when closing, and when playback starts (a
        segment takes seconds: the cores go to libVLC at once, not once it is done)."""
        return self._stop.is_set() or self._held


def _lower_priority() -> None:
    """Lower this thread's scheduling priority (Linux: threads have their own nice value; the
    decoder threads FFmpeg starts from here inherit it). Elsewhere the OS default stays."""
    if not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return
    with contextlib.suppress(OSError):
        if os.uname().sysname == "Linux":
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _NICE)
