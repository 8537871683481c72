"""The review workspace's alignment commands: sync every clip here, nudge the focused clip.

Each settles offsets on the timeline and stores them through the services, so the next
opening of the incident finds the clips aligned; each can be undone. A mixin of `ReviewWorkspace`, so the
commands stay workspace methods that the named actions (`actions.SPECS`) call by name.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack

from steward_desk.core.model import format_race_time
from steward_desk.core.timeline import ReviewTimeline
from steward_desk.core.wording import counted
from steward_desk.ui.review.clips import ClipEntry
from steward_desk.ui.review.history import OffsetsChange, offsets_of
from steward_desk.ui.review.services import ReviewServices


class AlignmentCommands:
    """Offsets set by the steward; the workspace re-requests frames from the offset events."""

    # set by ReviewWorkspace (and its TransportCommands)
    timeline: ReviewTimeline
    services: ReviewServices
    entries: dict[str, ClipEntry]
    message: SignalInstance
    _paused_then: Callable[[], None]
    history: QUndoStack

    def sync_here(self) -> None:
        """Each clip's shown frame is the same moment: offsets so that frame starts at the
        current race time; stored through the services."""
        self._paused_then()
        before = offsets_of(self.timeline)
        here = self.timeline.position_ms
        positions: dict[str, int] = {}
        skipped: list[str] = []
        for entry in self.entries.values():
            track = self.timeline.track(entry.clip_id)
            index = track.frame_index(here)
            if not entry.usable or not track.covers(here) or index < 0:
                skipped.append(entry.tile.title.text())
                continue
            positions[entry.clip_id] = track.frame_pts_ms[index]
        offsets = self.timeline.sync_here(positions)
        for clip_id, offset in offsets.items():
            self.services.save_offset(clip_id, offset)
        self._record_offsets("sync clips", before)
        text = f"Synced {counted(len(offsets), 'clip')} at {format_race_time(here)}"
        if skipped:
            text += "; not at this time: " + ", ".join(skipped)
        self.message.emit(text)

    def _nudge(self, frames: int) -> None:
        self._paused_then()
        before = offsets_of(self.timeline)
        moved = self.timeline.nudge_focused(frames)
        if moved is not None:
            self.services.save_offset(moved.clip_id, moved.offset_ms)
            self._record_offsets("nudge a clip", before)

    def _nudge_ms(self, delta_ms: int) -> None:
        self._paused_then()
        focus = self.timeline.focus
        if focus is None:
            return
        before = offsets_of(self.timeline)
        offset = before[focus] - delta_ms
        self.timeline.set_offsets({focus: offset})
        self.services.save_offset(focus, offset)
        self._record_offsets("nudge a clip", before)

    def _record_offsets(self, text: str, before: dict[str, int]) -> None:
        after = offsets_of(self.timeline)
        if after != before:
            self.history.push(OffsetsChange(text, self.services, self.timeline, before, after))

    def nudge_back(self) -> None:
        self._nudge(-1)

    def nudge_forward(self) -> None:
        self._nudge(+1)

    def nudge_back_1s(self) -> None:
        self._nudge_ms(-1_000)

    def nudge_forward_1s(self) -> None:
        self._nudge_ms(1_000)
