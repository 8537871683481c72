"""Undo and redo in the review workspace: bookmarks added or removed, clips synced or nudged.

Each command is pushed once its change is made and stored (so the change itself stays in
the workspace's commands); the stack's first `redo()` therefore does nothing, and later ones
make the change again. A bookmark brought back by undo is stored again under the id it had,
so a draft verdict citing it still finds it. The stack is per incident: opening another one
clears it.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QUndoCommand

from steward_desk.core.timeline import Bookmark, ReviewTimeline
from steward_desk.ui.review.services import ReviewServices


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
    """A bookmark added (`added=True`) or removed on the open incident."""

    def __init__(
        self,
        services: ReviewServices,
        timeline: ReviewTimeline,
        incident_id: str,
        bookmark: Bookmark,
        *,
        added: bool,
    ) -> None:
        super().__init__(f"{'add' if added else 'remove'} {bookmark.label}")
        self.services, self.timeline, self.incident_id = services, timeline, incident_id
        self.bookmark, self.added = bookmark, added

    def make(self) -> None:
        self._store() if self.added else self._drop()

    def unmake(self) -> None:
        self._drop() if self.added else self._store()

    def _store(self) -> None:
        b = self.bookmark
        self.services.add_bookmark(self.incident_id, b.race_ms, b.label, b.colour, bookmark_id=b.id)
        self.timeline.add_bookmark(b)

    def _drop(self) -> None:
        self.services.remove_bookmark(self.bookmark.id)
        self.timeline.remove_bookmark(self.bookmark.id)


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
