"""`ReviewServices` in memory: the boundary fake the workspace's tests (and demos) use.

It behaves like the store would: offsets and bookmarks persist for the object's lifetime,
snapshots are written to a folder and hashed.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from steward_desk.core.model import FootageRef, InvolvedDriver
from steward_desk.core.timeline import Bookmark, LapMark


@dataclass
class MemoryIncident:
    """One incident's review data."""

    footage: list[FootageRef]
    involved: list[InvolvedDriver] = field(default_factory=list)
    incident_ms: int | None = None
    laps: list[LapMark] = field(default_factory=list)
    bookmarks: list[Bookmark] = field(default_factory=list)


class InMemoryReviewServices:
    """Incidents held in dicts; snapshots written under `evidence_dir`."""

    def __init__(
        self, evidence_dir: Path, base_dir: Path | None = None, previews: Path | None = None
    ) -> None:
        self.evidence_dir = evidence_dir
        self.base_dir = base_dir
        self.previews = previews
        self.incidents: dict[str, MemoryIncident] = {}
        self.saved_offsets: list[tuple[str, int]] = []
        self.snapshots: list[tuple[str, int, Path, str]] = []
        self._ids = itertools.count(1)

    def add_incident(self, incident_id: str, incident: MemoryIncident) -> None:
        self.incidents[incident_id] = incident

    def previews_dir(self) -> Path | None:
        return self.previews

    def footage_for(self, incident_id: str) -> Sequence[FootageRef]:
        return list(self.incidents[incident_id].footage)

    def involved(self, incident_id: str) -> Sequence[InvolvedDriver]:
        return list(self.incidents[incident_id].involved)

    def resolve_path(self, footage: FootageRef) -> Path | None:
        if footage.source != "file":
            return None
        path = Path(footage.location)
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        return path

    def save_offset(self, footage_id: str, offset_ms: int) -> None:
        self.saved_offsets.append((footage_id, offset_ms))
        for incident in self.incidents.values():
            incident.footage = [
                replace(f, offset_ms=offset_ms) if f.id == footage_id else f
                for f in incident.footage
            ]

    def incident_time(self, incident_id: str) -> int | None:
        return self.incidents[incident_id].incident_ms

    def lap_marks(self, incident_id: str) -> Sequence[LapMark]:
        return list(self.incidents[incident_id].laps)

    def bookmarks(self, incident_id: str) -> Sequence[Bookmark]:
        return list(self.incidents[incident_id].bookmarks)

    def add_bookmark(
        self,
        incident_id: str,
        race_ms: int,
        label: str,
        colour: str,
        *,
        bookmark_id: str | None = None,
    ) -> str:
        bookmark = Bookmark(bookmark_id or f"bm{next(self._ids)}", race_ms, label, colour)
        self.incidents[incident_id].bookmarks.append(bookmark)
        return bookmark.id

    def remove_bookmark(self, bookmark_id: str) -> None:
        for incident in self.incidents.values():
            incident.bookmarks = [b for b in incident.bookmarks if b.id != bookmark_id]

    def save_snapshot(self, incident_id: str, race_ms: int, png: bytes) -> tuple[Path, str]:
        self.evidence_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(png).hexdigest()
        path = self.evidence_dir / f"{incident_id}-snapshot-{race_ms}ms-{digest[:8]}.png"
        part = path.with_name(f".{path.name}.part")
        part.write_bytes(png)
        part.replace(path)
        self.snapshots.append((incident_id, race_ms, path, digest))
        return path, digest
