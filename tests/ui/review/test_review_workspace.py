"""A steward reviews case 1: the accused's and the reporter's onboards side by side on one
race clock. Every frame on screen is checked by reading back the stamp it carries."""

from __future__ import annotations

import hashlib
import time
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from review_story import ACCUSED_OFFSET, INCIDENT_MS, REPORTER_OFFSET, expected_index

from steward_desk.core.model import FootageRef
from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.stamp import read_stamp
from steward_desk.ui.review.memory_services import InMemoryReviewServices, MemoryIncident
from steward_desk.ui.review.snapshot import CAPTION_PX, GAP_PX
from steward_desk.ui.review.tile import ClipTile, image_to_rgb
from steward_desk.ui.review.workspace import ReviewWorkspace


def shown_index(ws: ReviewWorkspace, clip_id: str) -> int:
    """The frame index stamped in the pixels the tile is showing."""
    image = ws.tile(clip_id).displayed_image
    assert image is not None
    return read_stamp(image_to_rgb(image)).index


def park(ws: ReviewWorkspace, qtbot: QtBot, race_ms: int) -> None:
    ws.timeline.set_position(race_ms)
    qtbot.waitUntil(ws.exact, timeout=5_000)


def test_the_case_opens_on_the_reported_time_with_both_clips_aligned(
    workspace: ReviewWorkspace, onboards: dict[str, ClipInfo]
) -> None:
    assert workspace.timeline.position_ms == INCIDENT_MS
    assert shown_index(workspace, "accused") == expected_index(
        onboards["accused"], INCIDENT_MS - ACCUSED_OFFSET
    )
    assert shown_index(workspace, "reporter") == expected_index(
        onboards["reporter"], INCIDENT_MS - REPORTER_OFFSET
    )
    titles = [t.title.text() for t in workspace.tiles()]
    assert titles == ["Zoë Müller (accused) · #12 · onboard", "Tom Baker (reporter) · #7 · onboard"]


@pytest.mark.parametrize("race_ms", [60_000, 60_017, 61_999, 62_000, 62_016, 62_517])
def test_parked_on_a_race_time_each_tile_shows_its_frame_for_that_time(
    workspace: ReviewWorkspace, qtbot: QtBot, onboards: dict[str, ClipInfo], race_ms: int
) -> None:
    # 62 000 is the accused's second keyframe (2 s GOP): just before and after it too.
    park(workspace, qtbot, race_ms)
    assert shown_index(workspace, "accused") == expected_index(
        onboards["accused"], race_ms - ACCUSED_OFFSET
    )
    assert shown_index(workspace, "reporter") == expected_index(
        onboards["reporter"], race_ms - REPORTER_OFFSET
    )


def test_stepping_moves_the_focused_clip_one_frame_both_ways_across_a_keyframe(
    workspace: ReviewWorkspace, qtbot: QtBot
) -> None:
    park(workspace, qtbot, 61_950)  # frames 117 of the accused; its keyframe 120 is ahead
    seen = [shown_index(workspace, "accused")]
    for step in (workspace.step_forward,) * 5 + (workspace.step_back,) * 7:
        step()
        qtbot.waitUntil(workspace.exact, timeout=5_000)
        seen.append(shown_index(workspace, "accused"))
    first = seen[0]
    assert seen == [first + i for i in range(6)] + [first + 5 - i for i in range(1, 8)]
    assert first < 120 < first + 5


def test_nudge_moves_only_the_focused_clip_and_saves_its_offset(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    park(workspace, qtbot, 61_500)
    accused, reporter = shown_index(workspace, "accused"), shown_index(workspace, "reporter")
    workspace.timeline.set_focus("reporter")
    workspace.nudge_forward()
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert shown_index(workspace, "accused") == accused
    assert shown_index(workspace, "reporter") == reporter + 1
    assert workspace.timeline.position_ms == 61_500
    saved = dict(services.saved_offsets)
    assert list(saved) == ["reporter"]
    assert saved["reporter"] == workspace.timeline.track("reporter").offset_ms != REPORTER_OFFSET
    workspace.nudge_back()
    workspace.nudge_back()
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert shown_index(workspace, "reporter") == reporter - 1


def test_sync_here_stores_offsets_that_start_each_shown_frame_at_this_moment(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    park(workspace, qtbot, 61_234)
    shown = {c: shown_index(workspace, c) for c in ("accused", "reporter")}
    workspace.sync_here()
    saved = dict(services.saved_offsets)
    assert set(saved) == {"accused", "reporter"}
    for clip_id, index in shown.items():
        track = workspace.timeline.track(clip_id)
        assert saved[clip_id] == track.offset_ms == 61_234 - track.frame_pts_ms[index]
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert {c: shown_index(workspace, c) for c in shown} == shown  # the picture did not move
    # Stored in the services: the footage now carries the new offsets.
    offsets = {f.id: f.offset_ms for f in services.footage_for("case-1")}
    assert offsets == saved


def test_keys_drive_the_workspace(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    park(workspace, qtbot, 61_000)
    accused = shown_index(workspace, "accused")
    qtbot.keyClick(workspace, Qt.Key.Key_Period)
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert shown_index(workspace, "accused") == accused + 1
    qtbot.keyClick(workspace, Qt.Key.Key_Left)
    qtbot.keyClick(workspace, Qt.Key.Key_Comma)
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert shown_index(workspace, "accused") == accused - 1
    before = workspace.timeline.position_ms
    qtbot.keyClick(workspace, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert workspace.timeline.position_ms == before + 1_000
    qtbot.keyClick(workspace, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert workspace.timeline.position_ms == workspace.timeline.span()[0]  # clamped
    qtbot.keyClick(workspace, Qt.Key.Key_BracketRight)
    assert workspace.timeline.rate == 1.25
    qtbot.keyClick(workspace, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(workspace, Qt.Key.Key_BracketLeft)
    assert workspace.timeline.rate == 0.75
    qtbot.keyClick(workspace, Qt.Key.Key_2)
    assert workspace.timeline.focus == "reporter"
    park(workspace, qtbot, 61_000)
    qtbot.keyClick(workspace, Qt.Key.Key_I)
    qtbot.keyClick(workspace, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(workspace, Qt.Key.Key_O)
    assert workspace.timeline.loop is not None
    assert (workspace.timeline.loop.start_ms, workspace.timeline.loop.end_ms) == (61_000, 62_000)
    qtbot.keyClick(workspace, Qt.Key.Key_M)
    assert [b.race_ms for b in services.bookmarks("case-1")] == [62_000]
    assert [b.race_ms for b in workspace.timeline.bookmarks] == [62_000]
    reporter_offset = workspace.timeline.track("reporter").offset_ms
    qtbot.keyClick(workspace, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert workspace.timeline.track("reporter").offset_ms < reporter_offset
    assert workspace.timeline.track("accused").offset_ms == ACCUSED_OFFSET
    qtbot.keyClick(workspace, Qt.Key.Key_Space)
    assert workspace.timeline.playing
    qtbot.keyClick(workspace, Qt.Key.Key_K)
    assert not workspace.timeline.playing


def test_every_shortcut_is_a_named_action_for_the_help_window(
    workspace: ReviewWorkspace,
) -> None:
    actions = {
        a.text(): [k.toString() for k in a.shortcuts()] for a in workspace.shortcut_actions()
    }
    assert actions["Play / pause"] == ["Space", "K"]
    assert actions["Previous frame"] == [",", "Left"]
    assert actions["Nudge focused clip one frame later"] == ["Alt+Right"]
    assert actions["Back 10 seconds"] == ["Ctrl+Left"]
    assert all(
        a.property("shortcut_group") == "Review workspace" for a in workspace.shortcut_actions()
    )


def test_a_bookmark_click_jumps_there_and_the_list_follows_the_timeline(
    workspace: ReviewWorkspace, qtbot: QtBot, onboards: dict[str, ClipInfo]
) -> None:
    park(workspace, qtbot, 60_500)
    workspace.add_bookmark()
    park(workspace, qtbot, 62_200)
    panel = workspace.bookmarks_panel
    assert panel.list.count() == 1
    item = panel.list.item(0)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert workspace.timeline.position_ms == 60_500
    assert shown_index(workspace, "accused") == expected_index(onboards["accused"], 500)
    panel.list.setCurrentRow(0)
    panel.remove.click()
    assert panel.list.count() == 0 and workspace.timeline.bookmarks == ()


def test_dragging_the_scrubber_shows_frames_all_the_way(
    workspace: ReviewWorkspace, qtbot: QtBot, onboards: dict[str, ClipInfo]
) -> None:
    scrubber = workspace.scrubber
    y = 30
    start_x = round(scrubber.x_for(60_200))
    qtbot.mousePress(scrubber, Qt.MouseButton.LeftButton, pos=QPoint(start_x, y))
    shown: set[int] = set()
    for dx in range(0, 120, 12):
        qtbot.mouseMove(scrubber, QPoint(start_x + dx, y))
        assert scrubber.shown_position() == scrubber.ms_for(start_x + dx)  # handle under mouse
        qtbot.wait(40)
        image = workspace.tile("accused").displayed_image
        assert image is not None
        shown.add(read_stamp(image_to_rgb(image)).index)
    qtbot.mouseRelease(scrubber, Qt.MouseButton.LeftButton, pos=QPoint(start_x + 120, y))
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert len(shown) >= 4  # pictures kept coming while the mouse moved
    release_ms = scrubber.ms_for(start_x + 120)
    assert workspace.timeline.position_ms == release_ms
    assert shown_index(workspace, "accused") == expected_index(
        onboards["accused"], release_ms - ACCUSED_OFFSET
    )


def test_a_snapshot_of_both_tiles_is_saved_as_evidence_with_its_hash(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    park(workspace, qtbot, 61_500)
    with qtbot.waitSignal(workspace.snapshot_saved, timeout=5_000) as saved:
        workspace.snapshot()
    path_text, digest = saved.args
    (incident, race_ms, path, sha), *_ = services.snapshots
    assert (incident, race_ms, str(path), sha) == ("case-1", 61_500, path_text, digest)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest
    image = QImage.fromData(data)
    assert not image.isNull() and image.width() > 2 * 320 and image.height() > 180
    # Each clip's cell holds its exact frame at 1:1: read the stamps back from the evidence.
    pixels = image_to_rgb(image)
    top = CAPTION_PX * 2 + GAP_PX
    for column, clip_id in enumerate(("accused", "reporter")):
        left = GAP_PX + column * (320 + GAP_PX)
        cell = pixels[top : top + 180, left : left + 320]
        assert read_stamp(cell).index == shown_index(workspace, clip_id)


def test_without_libvlc_playback_runs_from_decoded_frames_and_pauses_exact(
    workspace: ReviewWorkspace, qtbot: QtBot, onboards: dict[str, ClipInfo]
) -> None:
    assert not workspace.video_available and workspace.banner.isVisibleTo(workspace)
    park(workspace, qtbot, 60_300)
    started = time.monotonic()
    workspace.play()
    qtbot.waitUntil(lambda: workspace.timeline.position_ms > 60_800, timeout=5_000)
    assert shown_index(workspace, "accused") > expected_index(onboards["accused"], 300)
    workspace.pause()
    elapsed_ms = (time.monotonic() - started) * 1000
    stopped = workspace.timeline.position_ms
    assert 60_800 < stopped <= 60_300 + elapsed_ms + 50
    qtbot.waitUntil(workspace.exact, timeout=5_000)
    assert all(t.face == ClipTile.FRAMES for t in workspace.tiles())
    assert shown_index(workspace, "accused") == expected_index(
        onboards["accused"], stopped - ACCUSED_OFFSET
    )


def test_the_loop_brings_playback_back_to_its_start(
    workspace: ReviewWorkspace, qtbot: QtBot
) -> None:
    workspace.timeline.set_loop_in(60_400)
    workspace.timeline.set_loop_out(60_700)
    park(workspace, qtbot, 60_400)
    workspace.timeline.set_rate(2.0)
    workspace.play()
    positions: list[int] = []
    qtbot.waitUntil(lambda: positions.append(workspace.timeline.position_ms) or len(positions) > 60)
    workspace.pause()
    assert all(60_400 <= p <= 60_700 for p in positions)
    assert any(b < a for a, b in pairwise(positions))  # it wrapped


def test_a_missing_file_says_which_and_why_while_the_others_work(
    qtbot: QtBot, services: InMemoryReviewServices, tmp_path: object, onboards: dict[str, ClipInfo]
) -> None:
    incident = services.incidents["case-1"]
    gone = FootageRef(
        "gone", "file", "/footage/lost/onboard-p3.mkv", None, None, 60_000, None, "onboard"
    )
    link = FootageRef("link", "youtube", "https://youtu.be/xyz", None, None, 60_000, None, "replay")
    services.add_incident(
        "case-2", MemoryIncident([*incident.footage, gone, link], incident.involved, 61_000)
    )
    ws = ReviewWorkspace(services)
    qtbot.addWidget(ws)
    ws.show()
    ws.open_incident("case-2")
    qtbot.waitUntil(lambda: ws.entries["accused"].usable and ws.entries["reporter"].usable)
    qtbot.waitUntil(ws.exact, timeout=5_000)
    assert "/footage/lost/onboard-p3.mkv" in ws.tile("gone").message.text()
    assert "File not found" in ws.tile("gone").message.text()
    assert "https://youtu.be/xyz" in ws.tile("link").message.text()
    assert ws.layout_mode == 4 and all(t.isVisibleTo(ws) for t in ws.tiles())
    ws.step_forward()
    qtbot.waitUntil(ws.exact, timeout=5_000)
    assert shown_index(ws, "accused") == expected_index(onboards["accused"], 1_000) + 1
    ws.close_incident()


def test_a_file_that_is_not_video_says_so_in_its_tile(
    qtbot: QtBot, services: InMemoryReviewServices, tmp_path: object
) -> None:
    from pathlib import Path

    bogus = Path(str(tmp_path)) / "notes.mkv"
    bogus.write_text("this is not a video")
    incident = services.incidents["case-1"]
    ref = FootageRef("bogus", "file", str(bogus), None, None, 60_000, None, "onboard")
    services.add_incident("case-3", MemoryIncident([ref, *incident.footage], incident.involved))
    ws = ReviewWorkspace(services)
    qtbot.addWidget(ws)
    ws.open_incident("case-3")
    qtbot.waitUntil(lambda: ws.tile("bogus").error is not None, timeout=5_000)
    assert str(bogus) in ws.tile("bogus").message.text()
    qtbot.waitUntil(lambda: ws.entries["accused"].usable, timeout=5_000)
    ws.close_incident()
