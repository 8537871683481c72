"""What can go wrong with footage, as typed errors a steward (or support) can act on.

Every error names the file it is about and says what was expected, so the UI can show it in
plain words and the CLI can print "<file>: <problem>".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


class MediaError(Exception):
    """Base of the media layer's errors; `path` is the file concerned (None if none)."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path is not None else problem)


class FootageError(MediaError):
    """The file cannot be used as footage: unreadable, not a video, no video stream, no frames."""


class FrameNotFound(MediaError):
    """The frame the index promises could not be decoded (a damaged or changed file)."""


class RemuxError(MediaError):
    """Copying the packets into a Matroska file failed; nothing was left behind."""


class Cancelled(MediaError):
    """Long work (probe, remux, clip making) was cancelled on request; nothing was left behind."""


class StampError(MediaError):
    """A frame's pixel stamp could not be read: the check row does not match the data rows."""

    def __init__(self, problem: str) -> None:
        super().__init__(None, problem)


Progress = Callable[[float], None]
"""Told the fraction done (0.0 … 1.0) now and then during long work."""

CancelSignal = threading.Event | Callable[[], bool]
"""Set (or returning True) when the person pressed Cancel."""


def raise_if_cancelled(cancel: CancelSignal | None, path: str | Path | None, what: str) -> None:
    """Stop long work promptly when asked: raise Cancelled naming the file and the work."""
    if cancel is None:
        return
    asked = cancel.is_set() if isinstance(cancel, threading.Event) else cancel()
    if asked:
        raise Cancelled(path, f"{what} cancelled")
