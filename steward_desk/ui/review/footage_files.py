"""What opening an incident's footage has to know before a frame server is asked: where a
clip starts on the race clock, why its file cannot be opened, and the index kept at intake.

Plain functions over `FootageRef` and paths, so the workspace's `open_incident` and its
`_on_opened` read as the story of opening clips, not as file checks.
"""

from __future__ import annotations

from pathlib import Path

from steward_desk.core.model import FootageRef
from steward_desk.media.errors import MediaError
from steward_desk.media.footage_index import FootageIndex
from steward_desk.ui.review.services import ReviewServices


def initial_offset(ref: FootageRef, incident_ms: int | None) -> int:
    """A clip never aligned (offset 0) whose report gave a timestamp starts aligned on the
    incident's reported time: the report's moment in the clip is that race time."""
    if ref.offset_ms == 0 and ref.start_ms is not None and incident_ms is not None:
        return incident_ms - ref.start_ms
    return ref.offset_ms


def file_problem(ref: FootageRef, path: Path | None) -> str | None:
    """Why this footage cannot be opened at all, in words naming the file; None if it can."""
    if path is None:
        return f"{ref.location}\nNo local file for this footage (a link that was not downloaded)."
    if not path.exists():
        return f"{path}\nFile not found: it was moved, renamed or is on a drive not connected."
    if path.is_dir():
        return f"{path}\nThis is a folder, not a video file."
    return None


def describe_failure(path: Path | None, result: object) -> str:
    """What the tile says when the frame server could not open the file (`result` is the
    error the fetcher delivered instead of a server)."""
    if isinstance(result, MediaError):
        return f"{result.path or path}\n{result.problem}"
    return f"{path}\nCannot be opened: {result}"


def stored_index(services: ReviewServices, ref: FootageRef, path: Path) -> FootageIndex | None:
    """The index kept at intake, so a long file is not demuxed again on every open; None (the
    server indexes the file itself) when the services keep none or the file has changed."""
    provider = getattr(services, "footage_index", None)
    if provider is None:
        return None
    index = provider(ref)
    if index is None:
        return None
    try:
        if path.stat().st_size != index.size_bytes:
            return None
    except OSError:
        return None
    return index  # type: ignore[no-any-return]
