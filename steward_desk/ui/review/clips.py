"""What the workspace knows about each clip of the open incident, and how tiles are titled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from steward_desk.core.model import FootageRef, InvolvedDriver, format_race_time
from steward_desk.core.timeline import ClipTrack
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.player import Player
from steward_desk.ui.review.snapshot import SnapshotPart
from steward_desk.ui.review.tile import ClipTile

SOURCE_NAMES = {
    "file": "file",
    "youtube": "YouTube",
    "twitch": "Twitch",
    "streamable": "Streamable",
    "gdrive": "Google Drive",
    "dropbox": "Dropbox",
    "link": "link",
}


def tile_title(footage: FootageRef, involved: Sequence[InvolvedDriver]) -> str:
    """ "Driver (role) · #car · label" from the footage's owner; the label alone otherwise."""
    parts: list[str] = []
    owner = next((d for d in involved if d.player_id == footage.owner_player_id), None)
    if owner is not None:
        parts.append(f"{owner.name} ({owner.role.value})")
        if owner.car_number is not None:
            parts.append(f"#{owner.car_number}")
    parts.append(footage.label or SOURCE_NAMES.get(footage.source, footage.source))
    return " · ".join(parts)


@dataclass
class ClipEntry:
    """One clip in the workspace: its footage, file, tile, frame server and player."""

    footage: FootageRef
    tile: ClipTile
    path: Path | None
    server: FrameServer | None = None
    player: Player | None = None
    # Requests in flight: serial → race ms they stand for; the newest shown serial.
    requested: dict[int, int] = field(default_factory=dict)
    shown_serial: int = 0
    shown_race_ms: int | None = None

    @property
    def clip_id(self) -> str:
        return self.footage.id

    @property
    def usable(self) -> bool:
        return self.server is not None


def describe_clips(
    tracks: Sequence[ClipTrack], entries: dict[str, ClipEntry], colours: Sequence[str]
) -> str:
    """One rich-text line per clip: its colour, title, where its first frame sits on the race
    clock, frame rate, size and length (or that it is unavailable)."""
    rows = []
    for i, track in enumerate(tracks):
        entry = entries.get(track.clip_id)
        if entry is None:
            continue
        facts = [f"first frame at {format_race_time(track.offset_ms)}"]
        if entry.server is not None:
            index = entry.server.index
            rate = f"{index.fps:.3g} fps" + (" VFR" if index.vfr else "")
            facts += [rate, f"{index.width}×{index.height}", f"{index.duration_ms / 1000:.1f} s"]
        elif entry.tile.error is not None:
            facts = ["unavailable"]
        rows.append(
            f'<span style="color:{colours[i % len(colours)]}">■</span> {i + 1}. '
            f"{entry.tile.title.text()} — {' · '.join(facts)}"
        )
    return "<br>".join(rows)


def snapshot_part(entry: ClipEntry, race_ms: int) -> SnapshotPart:
    """A tile's contribution to a snapshot: its exact frame and a caption naming it."""
    frame = entry.tile.displayed
    if frame is not None and entry.usable:
        caption = (
            f"frame {frame.index} · pts {frame.pts_ms:.3f} ms · race {format_race_time(race_ms)}"
        )
        return SnapshotPart(entry.tile.title.text(), entry.tile.displayed_image, caption)
    return SnapshotPart(entry.tile.title.text(), None, entry.tile.error or "no picture")
