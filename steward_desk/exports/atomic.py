"""Atomic file writes: a reader (a league's bot polling the feed, a web server) sees the old
file or the new one, never half of one, and a failed export leaves the old file in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class ExportError(Exception):
    """An export that could not be written: names the file and what went wrong."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    The rename is atomic on POSIX and Windows (`os.replace`) only within one file system,
    which is why the temporary file sits next to the target.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(path, f"cannot write here ({error.strerror or error})") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file 0600; exports are for sharing, so use the usual mode.
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise ExportError(path, f"cannot write it ({error.strerror or error})") from None


def link_atomic(source: Path, target: Path) -> bool:
    """Make `target` a second name of the file at `source` (a hard link), replacing whatever
    `target` was in one step; False where that cannot be done (another drive, a file system
    without hard links): the caller then writes a copy.

    Keeping a copy of a ten-megabyte export this way costs no write and no disk sync.
    """
    temp = target.with_name(f".{target.name}.{os.getpid()}.link")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.unlink(missing_ok=True)
        os.link(source, temp)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    return True


def write_text_atomic(path: Path, text: str) -> None:
    """UTF-8 text with `\\n` line ends on every platform (byte-identical re-exports)."""
    write_atomic(path, text.encode("utf-8"))
