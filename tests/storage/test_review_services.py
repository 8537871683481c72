"""The review workspace's storage: offsets, bookmarks, snapshots and footage found by hash."""

from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

from steward_desk.paths import Paths
from steward_desk.storage.store import Store
from steward_desk.ui.review_services import StoreReviewServices


def test_a_steward_syncs_bookmarks_and_snapshots_a_case(demo_paths: Paths) -> None:
    store = Store.open(demo_paths)
    services = StoreReviewServices(store, demo_paths)
    incident = store.incidents.resolve("1")
    clips = services.footage_for(incident)
    assert len(clips) == 2 and all(
        services.resolve_path(c) and services.resolve_path(c).exists() for c in clips
    )
    assert services.incident_time(incident) == 95_200
    assert {d.player_id for d in services.involved(incident)} == {
        "S76561198000000101",
        "S76561198000000102",
    }

    services.save_offset(clips[1].id, clips[1].offset_ms + 33)
    assert services.footage_for(incident)[1].offset_ms == clips[1].offset_ms + 33

    mark = services.add_bookmark(incident, 95_250, "contact", "#ff0000")
    assert [(b.id, b.race_ms, b.label) for b in services.bookmarks(incident)] == [
        (mark, 95_250, "contact")
    ]
    services.remove_bookmark(mark)
    services.remove_bookmark("no-such-id")
    assert services.bookmarks(incident) == []
    # Undo puts it back under its own id: a draft citing it (evidence ref) still finds it.
    assert services.add_bookmark(incident, 95_250, "contact", "#ff0000", bookmark_id=mark) == mark
    assert [b.id for b in services.bookmarks(incident)] == [mark]
    services.remove_bookmark(mark)

    png = b"\x89PNG\r\n\x1a\n" + b"fake picture bytes"
    path, sha = services.save_snapshot(incident, 95_250, png)
    assert path.read_bytes() == png and sha == hashlib.sha256(png).hexdigest()
    assert path.parent == demo_paths.evidence_dir
    assert [e.sha256 for e in store.evidence.evidence(incident)] == [sha]
    trail = store.incidents.detail(incident).audit
    assert any("footage.offset" in line for line in trail)
    assert any("evidence.snapshot" in line for line in trail)
    assert any("bookmark.restored" in line for line in trail)
    index = services.footage_index(clips[0])
    assert index is not None and index.frames == 180  # 6 s at 30 fps, as probed at intake
    marks = services.lap_marks(incident)
    assert marks[0].lap == 1 and all(a.race_ms < b.race_ms for a, b in pairwise(marks))
    store.close()


def test_a_moved_clip_is_found_again_by_its_hash(demo_paths: Paths, tmp_path: Path) -> None:
    store = Store.open(demo_paths)
    services = StoreReviewServices(store, demo_paths)
    incident = store.incidents.resolve("3")
    (clip,) = services.footage_for(incident)
    from dataclasses import replace

    # The report named a path that is not on this desk; the same file (by SHA-256) is.
    gone = replace(clip, location=str(tmp_path / "deleted.mkv"))
    assert services.resolve_path(gone) == Path(clip.location)  # same hash, still on disk
    store.close()
