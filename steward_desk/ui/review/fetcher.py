"""Exact frames off the main thread: one worker per clip, newest request wins.

Each clip gets a worker thread that opens its frame server (probe + open, which reads the
whole file's packet index) and then decodes whatever content time was asked for last: a
request made while another is decoding replaces any request still waiting, so a fast drag
never queues up stale frames. Results come back on the main thread through Qt signals (the
fetcher lives there; queued connections). `synchronous=True` does the work inline, for tests
that want determinism (picard's pattern).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from steward_desk.media.footage_index import FootageIndex
from steward_desk.media.frame_server import FrameServer


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
        self.wanted: tuple[int, int] | None = None  # (serial, content_ms)
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
                self.fetcher.decode(self.clip_id, self.server, *job)
        if self.server is not None:
            self.server.close()

    def ask(self, serial: int, content_ms: int) -> None:
        with self.wake:
            self.wanted = (serial, content_ms)
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
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self.max_width = max_width
        self._workers: dict[str, _Worker] = {}
        self._servers: dict[str, FrameServer] = {}
        self._serial = 0

    def open(self, clip_id: str, path: Path, index: FootageIndex | None = None) -> None:
        """Open `path` for `clip_id` (indexing it unless the stored `index` is given);
        `opened` follows (with an error if it fails)."""
        if self.synchronous:
            server = self.open_server(clip_id, path, index)
            if server is not None:
                self._servers[clip_id] = server
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
        self.opened.emit(clip_id, server)
        return server

    def request(self, clip_id: str, content_ms: int) -> int:
        """Ask for the frame shown at `content_ms`; returns the request's serial (later
        requests have larger serials). Unknown or failed clips are ignored."""
        self._serial += 1
        if self.synchronous:
            server = self._servers.get(clip_id)
            if server is not None:
                self.decode(clip_id, server, self._serial, content_ms)
        elif clip_id in self._workers:
            self._workers[clip_id].ask(self._serial, content_ms)
        return self._serial

    def decode(self, clip_id: str, server: FrameServer, serial: int, content_ms: int) -> None:
        """(Worker side) decode one frame and deliver it, or the error."""
        try:
            result: object = server.frame(max(0, content_ms))
        except Exception as error:  # shown in the tile; a damaged spot must not kill the worker
            result = error
        self.delivered.emit(clip_id, serial, result)

    def close(self) -> None:
        """Stop the workers (they close their files); pending requests are dropped."""
        for worker in self._workers.values():
            worker.stop()
        for worker in self._workers.values():
            worker.thread.join(timeout=2)
        self._workers.clear()
        for server in self._servers.values():
            server.close()
        self._servers.clear()
