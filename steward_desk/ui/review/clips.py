"""What the workspace knows about each clip of the open incident, and how tiles are titled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from steward_desk.core.model import FootageRef, InvolvedDriver
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.player import Player
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
    video_since: float | None = None  # when its libVLC picture became trustworthy

    @property
    def clip_id(self) -> str:
        return self.footage.id

    @property
    def usable(self) -> bool:
        return self.server is not None
