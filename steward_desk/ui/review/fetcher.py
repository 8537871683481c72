"""Exact frames off the main thread: one worker per clip, newest request wins.

Each clip gets a worker thread that opens its frame server (probe + open, which reads the
whole file's packet index) and then decodes whatever content time was asked for last: a
request made while another is decoding replaces any request still waiting, so a fast drag
never queues up stale frames. Results come back on the main thread through Qt signals (the
fetcher lives there; queued connections). `synchronous=True` does the work inline, for tests
that want determinism (picard's pattern).

With a preview folder, a request is answered in two steps: at once with the exact frame's
scrub preview when one exists (media/previews.py), then with the original's pixels, which a
newer request cancels (so a drag never waits for full decodes it has moved past). The
workspace asks the preview builder (`want_previews`) for the stretch around where it parks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from steward_desk.media.errors import Cancelled
from steward_desk.media.footage_index import FootageIndex
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.preview_builder import PreviewBuilder
from steward_desk.media.previews import PreviewSegment

OPEN_RADIUS = 6  # preview segments made each side of where an incident opens (~±24 s)


class _Worker:
    """One clip's thread: an open job, then the latest frame request."""

    def __init__(
        self, fetcher: FrameFetcher, clip_id: str, path: Path, index: FootageIndex | None = None
    ) -> None:
        self.fetcher = fetcher
        self.clip_id = clip_id
        self.path = path
        self.index = index
        self.server: FrameServer | None = None
        self.wanted: tuple[int, int, bool] | None = None  # (serial, content_ms, refine)
        self.stopping = False
        self.wake = threading.Condition()
        self.thread = threading.Thread(target=self.run, name=f"frames-{clip_id}", daemon=True)

    def run(self) -> None:
        self.server = self.fetcher.open_server(self.clip_id, self.path, self.index)
        while True:
            with self.wake:
                while self.wanted is None and not self.stopping:
                    self.wake.wait()
                if self.stopping:
                    break
                job, self.wanted = self.wanted, None
            if job is not None and self.server is not None:
                self.fetcher.decode(self.clip_id, self.server, *job, newer=self.has_newer)
        if self.server is not None:
            self.server.close()

    def has_newer(self) -> bool:
        """A newer request is waiting (or the clip is closing): the current one is moot."""
        return self.wanted is not None or self.stopping

    def ask(self, serial: int, content_ms: int, refine: bool) -> None:
        with self.wake:
            self.wanted = (serial, content_ms, refine)
            self.wake.notify()

    def stop(self) -> None:
        with self.wake:
            self.stopping = True
            self.wake.notify()


class FrameFetcher(QObject):
    """Opens clips and decodes their frames; emits results on the main thread."""

    opened = Signal(str, object)  # clip id, FrameServer or the Exception that stopped it
    delivered = Signal(str, int, object)  # clip id, request serial, Frame or Exception

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        synchronous: bool = False,
        max_width: int | None = 1280,
        previews_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self.max_width = max_width
        self._workers: dict[str, _Worker] = {}
        self._servers: dict[str, FrameServer] = {}
        self._serial = 0
        self.previews: PreviewBuilder | None = None  # no folder: every frame from the original
        if previews_dir is not None:
            self.previews = PreviewBuilder(
                previews_dir, self._on_preview_built, synchronous=synchronous
            )

    def open(self, clip_id: str, path: Path, index: FootageIndex | None = None) -> None:
        """Open `path` for `clip_id` (indexing it unless the stored `index` is given);
        `opened` follows (with an error if it fails)."""
        if self.synchronous:
            self.open_server(clip_id, path, index)
            return
        worker = _Worker(self, clip_id, path, index)
        self._workers[clip_id] = worker
        worker.thread.start()

    def open_server(
        self, clip_id: str, path: Path, index: FootageIndex | None = None
    ) -> FrameServer | None:
        """(Worker side) open the frame server and report the outcome."""
        try:
            server = FrameServer(path, index, max_width=self.max_width)
        except Exception as error:  # a tile shows any failure in words; the others go on
            self.opened.emit(clip_id, error)
            return None
        self._servers[clip_id] = server
        if self.previews is not None:
            server.add_previews(self.previews.add_source(clip_id, path, server.index))
        self.opened.emit(clip_id, server)
        return server

    def want_previews(self, clip_id: str, content_ms: int, radius: int = 1, epoch: int = 0) -> None:
        """Ask for scrub previews around `content_ms` of a clip (no-op without a builder);
        a later `epoch` (the steward moved again) goes before earlier ones."""
        if self.previews is not None:
            self.previews.want(clip_id, max(0, content_ms), radius, epoch)

    def _on_preview_built(self, clip_id: str, segment: PreviewSegment) -> None:
        server = self._servers.get(clip_id)
        if server is not None:
            server.add_previews([segment])

    def request(self, clip_id: str, content_ms: int, refine: bool = True) -> int:
        """Ask for the frame shown at `content_ms`; returns the request's serial (later
        requests have larger serials). Unknown or failed clips are ignored. `refine=False`
        (frames at a running clock): a preview is enough, its original is not decoded."""
        self._serial += 1
        if self.synchronous:
            server = self._servers.get(clip_id)
            if server is not None:
                self.decode(clip_id, server, self._serial, content_ms, refine=refine)
        elif clip_id in self._workers:
            self._workers[clip_id].ask(self._serial, content_ms, refine)
        return self._serial

    def decode(
        self,
        clip_id: str,
        server: FrameServer,
        serial: int,
        content_ms: int,
        refine: bool = True,
        newer: Callable[[], bool] | None = None,
    ) -> None:
        """(Worker side) deliver the frame: its preview first when that is all there is at
        once, then the original (skipped when `newer()` says a newer request waits, or not
        wanted: `refine=False`)."""
        at = max(0, content_ms)
        try:
            quick = server.quick(at)
            if quick is not None:
                self.delivered.emit(clip_id, serial, quick)
                if not quick.preview or not refine:
                    return
            result: object = server.frame(at, cancel=newer)
        except Cancelled:
            return  # a newer request is waiting; it will be answered next
        except Exception as error:  # shown in the tile; a damaged spot must not kill the worker
            result = error
        self.delivered.emit(clip_id, serial, result)

    def close(self) -> None:
        """Stop the workers (they close their files); pending requests are dropped."""
        if self.previews is not None:
            self.previews.close()
        for worker in self._workers.values():
            worker.stop()
        for worker in self._workers.values():
            worker.thread.join(timeout=2)
        self._workers.clear()
        for server in self._servers.values():
            server.close()
        self._servers.clear()
