"""With scrub previews the steward's jump shows the exact frame at once, then its original pixels;
a snapshot never takes a preview as evidence; previews made once serve the next session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from review_story import ACCUSED_OFFSET, expected_index

from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.frame_server import Frame
from steward_desk.media.previews import SUFFIX
from steward_desk.media.stamp import read_stamp
from steward_desk.ui.review.memory_services import InMemoryReviewServices
from steward_desk.ui.review.workspace import ReviewWorkspace


@pytest.fixture
def previewing(
    qtbot: QtBot, services: InMemoryReviewServices, tmp_path: Path
) -> Iterator[ReviewWorkspace]:
    """Case 1 opened with a previews folder, every preview around the incident made."""
    services.previews = tmp_path / "previews"
    ws = ReviewWorkspace(services)
    qtbot.addWidget(ws)
    ws.resize(1100, 700)
    ws.show()
    ws.open_incident("case-1")
    qtbot.waitUntil(lambda: all(e.usable for e in ws.entries.values()), timeout=10_000)
    qtbot.waitUntil(ws.exact, timeout=10_000)
    builder = ws.fetcher.previews
    assert builder is not None
    qtbot.waitUntil(lambda: builder.pending() == 0 and builder.built >= 2, timeout=20_000)
    qtbot.waitUntil(lambda: all(e.server.previews for e in ws.entries.values()), timeout=5_000)
    yield ws
    ws.close_incident()


def test_a_jump_shows_the_exact_frame_as_a_preview_then_in_original_pixels(
    previewing: ReviewWorkspace, qtbot: QtBot, onboards: dict[str, ClipInfo]
) -> None:
    seen: list[tuple[int, bool, int]] = []  # serial, preview, stamped index

    def record(clip_id: str, serial: int, result: object) -> None:
        if clip_id == "accused" and isinstance(result, Frame):
            seen.append((serial, result.preview, read_stamp(result.image).index))

    previewing.fetcher.delivered.connect(record)
    # Far from where the case opened: another GOP, nothing of it decoded yet.
    target = ACCUSED_OFFSET + 2_700
    previewing.timeline.set_position(target)
    qtbot.waitUntil(previewing.exact, timeout=5_000)
    expected = expected_index(onboards["accused"], target - ACCUSED_OFFSET)
    last_serial = seen[-1][0]
    answers = [(preview, index) for serial, preview, index in seen if serial == last_serial]
    assert answers == [(True, expected), (False, expected)]
    tile = previewing.tile("accused")
    assert tile.displayed is not None and not tile.displayed.preview
    assert not tile.frames.preview  # the badge is gone with the original pixels


def test_a_snapshot_waits_for_the_original_pixels(
    previewing: ReviewWorkspace, qtbot: QtBot
) -> None:
    previewing.timeline.set_position(ACCUSED_OFFSET + 2_500)
    with qtbot.waitSignal(previewing.snapshot_saved, timeout=5_000):
        previewing.snapshot()  # asked while the tiles may still show previews
    for entry in previewing.entries.values():
        assert entry.tile.displayed is not None and not entry.tile.displayed.preview


def test_previews_made_once_serve_the_next_session(
    previewing: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    assert services.previews is not None
    made = sorted(services.previews.glob(f"*{SUFFIX}"))
    assert made
    previewing.close_incident()
    previewing.open_incident("case-1")
    qtbot.waitUntil(lambda: all(e.usable for e in previewing.entries.values()), timeout=10_000)
    builder = previewing.fetcher.previews
    assert builder is not None
    # Every clip has its previews at once, read back from the folder, none made again.
    assert all(e.server is not None and e.server.previews for e in previewing.entries.values())
    qtbot.wait(300)
    assert builder.built == 0
    assert sorted(services.previews.glob(f"*{SUFFIX}")) == made


def test_playback_holds_the_preview_builder_and_pausing_releases_it(
    previewing: ReviewWorkspace, qtbot: QtBot
) -> None:
    builder = previewing.fetcher.previews
    assert builder is not None and not builder.held
    previewing.play()
    assert builder.held
    qtbot.wait(200)
    previewing.pause()
    assert not builder.held


def test_frames_at_a_running_clock_are_not_refined_and_pausing_brings_the_originals(
    previewing: ReviewWorkspace, qtbot: QtBot
) -> None:
    # Without libVLC (offscreen) playback shows frame-server frames at the clock.
    deliveries: dict[int, int] = {}
    while_playing: set[int] = set()

    def record(clip_id: str, serial: int, result: object) -> None:
        if clip_id == "accused" and isinstance(result, Frame):
            deliveries[serial] = deliveries.get(serial, 0) + 1
            if previewing.timeline.playing:
                while_playing.add(serial)

    previewing.fetcher.delivered.connect(record)
    previewing.timeline.set_position(ACCUSED_OFFSET + 300)
    qtbot.waitUntil(previewing.exact, timeout=5_000)
    previewing.play()
    qtbot.waitUntil(lambda: len(while_playing) >= 5, timeout=5_000)
    previewing.pause()
    qtbot.waitUntil(previewing.exact, timeout=5_000)
    assert all(deliveries[s] == 1 for s in while_playing)  # a picture each, no second decode
    tile = previewing.tile("accused")
    assert tile.displayed is not None and not tile.displayed.preview
