"""What the review workspace needs from the rest of the app: one Protocol, nothing more.

The main window hands a `ReviewServices` to `ReviewWorkspace(services, parent)`; the
storage-backed implementation lives with the store, `memory_services.InMemoryReviewServices`
is the in-memory one tests use. Every call is made on the main thread and should return
quickly (a database read or write, no network); the workspace does its own file work
(indexing, decoding) on worker threads.

Times are race-clock milliseconds unless a name says otherwise. Offsets are the race time of
a clip's first video frame (`FootageRef.offset_ms`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from steward_desk.core.model import FootageRef, InvolvedDriver
from steward_desk.core.timeline import Bookmark, LapMark


class ReviewServices(Protocol):
    """The workspace's calls into the app (storage, evidence folder, case details)."""

    def footage_for(self, incident_id: str) -> Sequence[FootageRef]:
        """The incident's footage in the order the tiles show it (first = focused)."""
        ...

    def involved(self, incident_id: str) -> Sequence[InvolvedDriver]:
        """The drivers of the incident, to title each tile "driver · #car · source" by the
        footage's `owner_player_id`."""
        ...

    def resolve_path(self, footage: FootageRef) -> Path | None:
        """The local file for a footage reference, or None when there is none (a link not yet
        downloaded). The workspace reports a missing or unreadable file in its tile."""
        ...

    def save_offset(self, footage_id: str, offset_ms: int) -> None:
        """Store a clip's new offset (after "sync here" or a ±1-frame nudge)."""
        ...

    def incident_time(self, incident_id: str) -> int | None:
        """The race time the reports gave for the incident (shown on the scrubber; the
        workspace opens there), or None when no report carried one."""
        ...

    def lap_marks(self, incident_id: str) -> Sequence[LapMark]:
        """Lap starts on the race clock from imported results (empty when not imported)."""
        ...

    def bookmarks(self, incident_id: str) -> Sequence[Bookmark]:
        """The incident's stored bookmarks."""
        ...

    def add_bookmark(
        self,
        incident_id: str,
        race_ms: int,
        label: str,
        colour: str,
        *,
        bookmark_id: str | None = None,
    ) -> str:
        """Store a bookmark; returns its id, new unless `bookmark_id` puts a removed one back
        under its own (undo). `colour` is "#rrggbb"."""
        ...

    def remove_bookmark(self, bookmark_id: str) -> None:
        """Delete a stored bookmark (unknown ids are ignored)."""
        ...

    def previews_dir(self) -> Path | None:
        """Where scrub previews of the clips are kept between sessions (a cache folder), or
        None to make none: every paused frame is then decoded from the original."""
        ...

    def save_snapshot(self, incident_id: str, race_ms: int, png: bytes) -> tuple[Path, str]:
        """Keep a snapshot of every tile at `race_ms` as evidence of the incident; returns the
        file written and its SHA-256 (hex). Raises OSError when it cannot be written."""
        ...
