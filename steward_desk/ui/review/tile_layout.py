"""How the review workspace lays out its tiles: 1, 2 or 2×2, which clip has the focus, and
the tiles themselves by clip.

A mixin of `ReviewWorkspace`, so `tiles()`, `tile()`, `set_layout()` and the layout and focus
commands stay workspace methods that the named actions (`actions.SPECS`), the host and the
tests call by name.
"""

from __future__ import annotations

from steward_desk.core.timeline import ReviewTimeline
from steward_desk.ui.review.clips import ClipEntry
from steward_desk.ui.review.playback import Playback
from steward_desk.ui.review.tile import ClipTile
from steward_desk.ui.review.tile_area import TileArea
from steward_desk.ui.review.transport_bar import TransportBar


class TileLayout:
    """The tiles shown and the focused clip; the focus itself lives on the timeline."""

    # set by ReviewWorkspace
    timeline: ReviewTimeline
    entries: dict[str, ClipEntry]
    layout_mode: int
    grid_host: TileArea
    toolbar: TransportBar
    playback: Playback

    def tiles(self) -> list[ClipTile]:
        """Every clip's tile, in footage order."""
        return [e.tile for e in self.entries.values()]

    def tile(self, clip_id: str) -> ClipTile:
        return self.entries[clip_id].tile

    def set_layout(self, mode: int) -> None:
        """1, 2 or 4 (2×2) tiles; one tile shows the focused clip."""
        self.layout_mode = mode
        self.toolbar.show_layout(mode)
        ids = list(self.entries)
        focus = self.timeline.focus
        if mode == 1:
            shown = [focus] if focus in self.entries else ids[:1]
        else:
            shown = ids[:mode]
            if mode == 2 and focus in self.entries and focus not in shown:
                shown = [shown[0], focus]
        for entry in self.entries.values():
            entry.tile.setVisible(entry.clip_id in shown)
        columns = 1 if len(shown) == 1 else 2
        self.grid_host.set_tiles([self.entries[c].tile for c in shown], columns)

    def layout_1(self) -> None:
        self.set_layout(1)

    def layout_2(self) -> None:
        self.set_layout(2)

    def layout_4(self) -> None:
        self.set_layout(4)

    def _focus_tile(self, number: int) -> None:
        ids = list(self.entries)
        if number <= len(ids):
            self.timeline.set_focus(ids[number - 1])
            if self.layout_mode == 1:
                self.set_layout(1)  # one tile shows the focused clip: show the new one

    def focus_1(self) -> None:
        self._focus_tile(1)

    def focus_2(self) -> None:
        self._focus_tile(2)

    def focus_3(self) -> None:
        self._focus_tile(3)

    def focus_4(self) -> None:
        self._focus_tile(4)

    def _on_focus(self, clip_id: str | None) -> None:
        for entry in self.entries.values():
            entry.tile.set_focused(entry.clip_id == clip_id)
        self.playback.on_focus(clip_id)
