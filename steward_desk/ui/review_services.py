"""The review workspace's calls into the app, answered by the SQLite store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from steward_desk.core.model import FootageRef, InvolvedDriver
from steward_desk.core.timeline import Bookmark, LapMark
from steward_desk.media.errors import MediaError
from steward_desk.media.footage_index import FootageIndex
from steward_desk.paths import Paths
from steward_desk.storage.store import Store


class StoreReviewServices:
    """Implements `ui.review.services.ReviewServices` on the store."""

    def __init__(self, store: Store, paths: Paths) -> None:
        self.store = store
        self.paths = paths

    def footage_for(self, incident_id: str) -> Sequence[FootageRef]:
        return self.store.incidents.footage(incident_id)

    def involved(self, incident_id: str) -> Sequence[InvolvedDriver]:
        return self.store.incidents.detail(incident_id).summary.involved

    def resolve_path(self, footage: FootageRef) -> Path | None:
        if footage.source != "file":
            return None
        path = Path(footage.location)
        if path.exists() or footage.sha256 is None:
            return path  # a missing file is reported in its tile, by name
        return self.store.incidents.find_footage_by_hash(footage.sha256) or path

    def footage_index(self, footage: FootageRef) -> FootageIndex | None:
        """The frame index taken at intake (None when the file was never probed here)."""
        from steward_desk.intake.footage_files import index_of

        try:
            return index_of(self.store.incidents.probe_json(footage.id))
        except (ValueError, MediaError):
            return None  # an unusable stored index: the frame server indexes the file again

    def save_offset(self, footage_id: str, offset_ms: int) -> None:
        self.store.incidents.set_footage_offset(footage_id, offset_ms)

    def incident_time(self, incident_id: str) -> int | None:
        return self.store.incidents.detail(incident_id).summary.race_time_ms

    def lap_marks(self, incident_id: str) -> Sequence[LapMark]:
        session_id = self.store.incidents.detail(incident_id).summary.session_id
        return [LapMark(lap, ms) for lap, ms in self.store.results.lap_marks(session_id)]

    def bookmarks(self, incident_id: str) -> Sequence[Bookmark]:
        return [
            Bookmark(b.id, b.race_ms, b.label, b.colour)
            for b in self.store.evidence.bookmarks(incident_id)
        ]

    def add_bookmark(
        self,
        incident_id: str,
        race_ms: int,
        label: str,
        colour: str,
        *,
        bookmark_id: str | None = None,
    ) -> str:
        return self.store.evidence.add_bookmark(
            incident_id, race_ms, label, colour, bookmark_id=bookmark_id
        )

    def remove_bookmark(self, bookmark_id: str) -> None:
        self.store.evidence.remove_bookmark(bookmark_id)

    def previews_dir(self) -> Path | None:
        return self.paths.previews_dir

    def save_snapshot(self, incident_id: str, race_ms: int, png: bytes) -> tuple[Path, str]:
        return self.store.evidence.save_snapshot(incident_id, race_ms, png, self.paths.evidence_dir)
