"""Undo and redo in the review workspace: bookmarks added or removed, clips synced or nudged.

Each command is pushed once its change is made and stored (so the change itself stays in
the workspace's commands); the stack's first `redo()` therefore does nothing, and later ones
make the change again. A bookmark brought back by undo is stored anew and gets a new id;
commands name a bookmark by the id it was first stored under, and the history says which id
it has now. The history is per incident: opening another one clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from steward_desk.core.timeline import Bookmark, ReviewTimeline
from steward_desk.ui.review.services import ReviewServices


class ReviewHistory(QUndoStack):
    """The workspace's undo stack, with the ids bookmarks have now."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: dict[str, str] = {}  # first id → id now, for bookmarks stored anew

    def bookmark_id(self, first: str) -> str:
        """The id a bookmark first stored as `first` has now."""
        return self._ids.get(first, first)

    def first_bookmark_id(self, now: str) -> str:
        """The id the bookmark stored now as `now` was first stored under."""
        return next((first for first, current in self._ids.items() if current == now), now)

    def bookmark_stored_anew(self, first: str, now: str) -> None:
        self._ids[first] = now

    def clear(self) -> None:
        super().clear()
        self._ids.clear()


class _Made(QUndoCommand):
    """A change already made when it is pushed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._pushed = True

    def redo(self) -> None:
        if self._pushed:  # QUndoStack.push calls redo(): the change is already made
            self._pushed = False
            return
        self.make()

    def undo(self) -> None:
        self.unmake()

    def make(self) -> None:
        raise NotImplementedError

    def unmake(self) -> None:
        raise NotImplementedError


class BookmarkChange(_Made):
    """A bookmark added (`added=True`) or removed on the open incident; `bookmark` carries
    the id it was first stored under."""

    def __init__(
        self,
        history: ReviewHistory,
        services: ReviewServices,
        timeline: ReviewTimeline,
        incident_id: str,
        bookmark: Bookmark,
        *,
        added: bool,
    ) -> None:
        super().__init__(f"{'add' if added else 'remove'} {bookmark.label}")
        self.history, self.services, self.timeline = history, services, timeline
        self.incident_id, self.bookmark, self.added = incident_id, bookmark, added

    def make(self) -> None:
        self._store() if self.added else self._drop()

    def unmake(self) -> None:
        self._drop() if self.added else self._store()

    def _store(self) -> None:
        b = self.bookmark
        now = self.services.add_bookmark(self.incident_id, b.race_ms, b.label, b.colour)
        self.history.bookmark_stored_anew(b.id, now)
        self.timeline.add_bookmark(replace(b, id=now))

    def _drop(self) -> None:
        now = self.history.bookmark_id(self.bookmark.id)
        self.services.remove_bookmark(now)
        self.timeline.remove_bookmark(now)


class OffsetsChange(_Made):
    """Clip offsets set by "sync here" or a nudge: undo puts the earlier ones back, stored."""

    def __init__(
        self,
        text: str,
        services: ReviewServices,
        timeline: ReviewTimeline,
        before: Mapping[str, int],
        after: Mapping[str, int],
    ) -> None:
        super().__init__(text)
        self.services, self.timeline = services, timeline
        changed = [clip for clip in after if before.get(clip) != after[clip]]
        self.before = {clip: before[clip] for clip in changed if clip in before}
        self.after = {clip: after[clip] for clip in changed}

    def make(self) -> None:
        self._set(self.after)

    def unmake(self) -> None:
        self._set(self.before)

    def _set(self, offsets: Mapping[str, int]) -> None:
        self.timeline.set_offsets(offsets)
        for clip_id, offset in offsets.items():
            self.services.save_offset(clip_id, offset)


def offsets_of(timeline: ReviewTimeline) -> dict[str, int]:
    """Every clip's offset on the race clock now."""
    return {track.clip_id: track.offset_ms for track in timeline.tracks}
