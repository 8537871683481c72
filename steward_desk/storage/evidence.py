"""Bookmarks and snapshots a steward keeps on a case."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from steward_desk.storage import audit
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Bookmark, Evidence, Incident


@dataclass(frozen=True, slots=True)
class BookmarkInfo:
    id: str
    race_ms: int
    label: str
    colour: str


@dataclass(frozen=True, slots=True)
class EvidenceInfo:
    id: str
    kind: str
    path: str
    sha256: str
    race_ms: int | None
    created_at: datetime


class EvidenceRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def bookmarks(self, incident_id: str) -> list[BookmarkInfo]:
        with self.store.read() as session:
            rows = session.exec(
                select(Bookmark)
                .where(Bookmark.incident_id == incident_id)
                .order_by(col(Bookmark.race_ms))
            ).all()
            return [BookmarkInfo(b.id, b.race_ms, b.label, b.colour) for b in rows]

    def add_bookmark(
        self,
        incident_id: str,
        race_ms: int,
        label: str,
        colour: str,
        *,
        bookmark_id: str | None = None,
    ) -> str:
        """Store a bookmark and return its id; `bookmark_id` puts a removed one back under
        the id it had (undo), so a draft verdict citing it still finds it."""
        with self.store.transaction() as session:
            row = Bookmark(incident_id=incident_id, race_ms=race_ms, label=label, colour=colour)
            if bookmark_id is not None:
                row.id = bookmark_id
            session.add(row)
            audit.record(
                session,
                self.store.actor,
                "bookmark.added" if bookmark_id is None else "bookmark.restored",
                "incident",
                incident_id,
                race_ms=race_ms,
                label=label,
            )
            return row.id

    def remove_bookmark(self, bookmark_id: str) -> None:
        with self.store.transaction() as session:
            row = session.get(Bookmark, bookmark_id)
            if row is None:
                return
            session.delete(row)
            audit.record(
                session,
                self.store.actor,
                "bookmark.removed",
                "incident",
                row.incident_id,
                race_ms=row.race_ms,
            )

    def save_snapshot(
        self, incident_id: str, race_ms: int, png: bytes, folder: Path
    ) -> tuple[Path, str]:
        """Write the PNG atomically under `folder`, hash it, and attach it to the case."""
        sha = hashlib.sha256(png).hexdigest()
        with self.store.read() as session:
            incident = session.get(Incident, incident_id)
            number = incident.number if incident else 0
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = folder / f"case-{number:03d}-{race_ms}ms-{stamp}-{sha[:8]}.png"
        part = path.with_name(f".{path.name}.part")
        part.write_bytes(png)
        part.replace(path)
        with self.store.transaction() as session:
            session.add(
                Evidence(
                    incident_id=incident_id,
                    kind="snapshot",
                    path=str(path),
                    sha256=sha,
                    race_ms=race_ms,
                )
            )
            audit.record(
                session,
                self.store.actor,
                "evidence.snapshot",
                "incident",
                incident_id,
                sha256=sha,
                race_ms=race_ms,
            )
        return path, sha

    def evidence(self, incident_id: str) -> list[EvidenceInfo]:
        with self.store.read() as session:
            rows = session.exec(
                select(Evidence)
                .where(Evidence.incident_id == incident_id)
                .order_by(col(Evidence.created_at))
            ).all()
            return [
                EvidenceInfo(e.id, e.kind, e.path, e.sha256, e.race_ms, e.created_at) for e in rows
            ]
