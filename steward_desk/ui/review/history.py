"""Undo and redo in the review workspace: bookmarks added or removed, clips synced or nudged.

A bookmark change is made by its command (pushing it adds or removes the bookmark). A
bookmark brought back by undo is stored again under the id it had, so a draft verdict citing
it still finds it. Offsets are worked out by the timeline as the steward syncs or nudges, so
their command is pushed once they are set: its first `redo()` does nothing. The stack is per
incident: opening another one clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from steward_desk.core.timeline import Bookmark, ReviewTimeline
from steward_desk.ui.review.services import ReviewServices


class BookmarkChange(QUndoCommand):
    """Add (`added=True`) or remove a bookmark of the open incident, in storage and on the
    timeline. A bookmark to add carries no id yet (""): storing it gives it one."""

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

    def redo(self) -> None:
        self._store() if self.added else self._drop()

    def undo(self) -> None:
        self._drop() if self.added else self._store()

    def _store(self) -> None:
        b = self.bookmark
        stored = self.services.add_bookmark(
            self.incident_id, b.race_ms, b.label, b.colour, bookmark_id=b.id or None
        )
        self.bookmark = replace(b, id=stored)
        self.timeline.add_bookmark(self.bookmark)

    def _drop(self) -> None:
        self.services.remove_bookmark(self.bookmark.id)
        self.timeline.remove_bookmark(self.bookmark.id)


class OffsetsChange(QUndoCommand):
    """Clip offsets set by "sync here" or a nudge, pushed once set and stored: undo puts the
    earlier ones back, stored too."""

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
        self._pushed = True

    def redo(self) -> None:
        if self._pushed:  # QUndoStack.push calls redo(): the offsets are already set
            self._pushed = False
            return
        self._set(self.after)

    def undo(self) -> None:
        self._set(self.before)

    def _set(self, offsets: Mapping[str, int]) -> None:
        self.timeline.set_offsets(offsets)
        for clip_id, offset in offsets.items():
            self.services.save_offset(clip_id, offset)


def offsets_of(timeline: ReviewTimeline) -> dict[str, int]:
    """Every clip's offset on the race clock now."""
    return {track.clip_id: track.offset_ms for track in timeline.tracks}
