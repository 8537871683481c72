"""What the steward keeps from a review: bookmarks on the race clock (added and removed with
undo), and snapshots of every tile's exact frame saved as evidence (PNG + SHA-256).

A mixin of `ReviewWorkspace`, so the commands stay workspace methods that the named actions
(`actions.SPECS`) and the bookmarks panel call by name. Storing goes through the services;
composing the PNG is `snapshot.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack

from steward_desk.core.model import format_race_time
from steward_desk.core.timeline import Bookmark, ReviewTimeline
from steward_desk.ui.review.clips import ClipEntry, snapshot_part
from steward_desk.ui.review.history import BookmarkChange
from steward_desk.ui.review.services import ReviewServices
from steward_desk.ui.review.snapshot import compose, png_bytes

BOOKMARK_COLOURS = ("#f5c518", "#ff4d4d", "#4cc9f0", "#b5e48c", "#f72585", "#ffb703")


class EvidenceCommands:
    """Bookmarks and snapshots of the open incident."""

    # set by ReviewWorkspace (and its TransportCommands)
    incident_id: str | None
    timeline: ReviewTimeline
    services: ReviewServices
    entries: dict[str, ClipEntry]
    message: SignalInstance
    snapshot_saved: SignalInstance
    _snapshot_wanted: bool
    _paused_then: Callable[[], None]
    exact: Callable[[], bool]
    history: QUndoStack

    def add_bookmark(self) -> None:
        if self.incident_id is None:
            return
        count = len(self.timeline.bookmarks)
        colour = BOOKMARK_COLOURS[count % len(BOOKMARK_COLOURS)]
        bookmark = Bookmark("", self.timeline.position_ms, f"Bookmark {count + 1}", colour)
        self._push_bookmark(bookmark, added=True)

    def remove_bookmark(self, bookmark_id: str) -> None:
        bookmark = next((b for b in self.timeline.bookmarks if b.id == bookmark_id), None)
        if bookmark is not None and self.incident_id is not None:
            self._push_bookmark(bookmark, added=False)
            return
        self.services.remove_bookmark(bookmark_id)  # not on the timeline: nothing to undo
        self.timeline.remove_bookmark(bookmark_id)

    def _push_bookmark(self, bookmark: Bookmark, *, added: bool) -> None:
        assert self.incident_id is not None
        change = BookmarkChange(
            self.services, self.timeline, self.incident_id, bookmark, added=added
        )
        self.history.push(change)  # pushing makes the change

    def snapshot(self) -> None:
        """Every tile's exact frame at this moment, as one PNG handed to the services (once
        every tile has its exact frame; pauses playback first)."""
        if self.incident_id is None:
            return
        self._paused_then()
        self._snapshot_wanted = True
        self._try_snapshot()

    def _try_snapshot(self) -> None:
        # Also called on each delivered frame while a snapshot is wanted: the PNG is made
        # once the last tile shows its exact frame.
        if not self.exact() or self.incident_id is None:
            return
        self._snapshot_wanted = False
        here = self.timeline.position_ms
        parts = [snapshot_part(entry, here) for entry in self.entries.values()]
        heading = f"Incident {self.incident_id} · race time {format_race_time(here)}"
        png = png_bytes(compose(parts, heading))
        try:
            path, digest = self.services.save_snapshot(self.incident_id, here, png)
        except OSError as error:
            self.message.emit(f"Snapshot not saved: {error}")
            return
        self.snapshot_saved.emit(str(path), digest)
        self.message.emit(f"Snapshot saved: {path} (SHA-256 {digest[:12]}…)")
