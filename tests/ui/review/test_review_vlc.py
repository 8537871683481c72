"""Under a real X server with libVLC: the workspace plays both onboards as embedded video,
and pausing swaps every tile back to its exact frame."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot
from review_story import ACCUSED_OFFSET, REPORTER_OFFSET, expected_index

from steward_desk.media.clip_maker import ClipInfo, h264_60_bframes, make_clip, obs_vfr_mkv
from steward_desk.media.stamp import read_stamp
from steward_desk.media.vlc_backend import libvlc_status
from steward_desk.ui.review.memory_services import InMemoryReviewServices
from steward_desk.ui.review.tile import ClipTile, image_to_rgb
from steward_desk.ui.review.workspace import ReviewWorkspace

pytestmark = pytest.mark.xvfb


@pytest.fixture(scope="module")
def onboards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ClipInfo]:
    """The same two kinds of onboard as the other review tests, long enough (8 s) for libVLC
    to be measured on the race clock before they end."""
    folder = tmp_path_factory.mktemp("long-onboards")
    return {
        "accused": make_clip(folder / "accused.mkv", h264_60_bframes(320, 180, seconds=8.0)),
        "reporter": make_clip(folder / "reporter.mkv", obs_vfr_mkv(320, 180, frames=400)),
    }


@pytest.fixture
def live_workspace(qtbot: QtBot, services: InMemoryReviewServices) -> Iterator[ReviewWorkspace]:
    available, reason = libvlc_status()
    if not available:
        pytest.skip(f"libVLC is not usable here: {reason}")
    ws = ReviewWorkspace(services)
    qtbot.addWidget(ws)
    ws.resize(1000, 600)
    ws.show()
    qtbot.waitExposed(ws)
    ws.open_incident("case-1")
    qtbot.waitUntil(lambda: all(e.usable for e in ws.entries.values()), timeout=10_000)
    qtbot.waitUntil(ws.exact, timeout=10_000)
    yield ws
    ws.close_incident()


def window_pixels(widget: object) -> np.ndarray:
    screen = QGuiApplication.primaryScreen()
    image = screen.grabWindow(int(widget.winId())).toImage()  # type: ignore[attr-defined]
    return image_to_rgb(image.convertToFormat(QImage.Format.Format_RGB888))


def test_both_onboards_play_as_embedded_video_and_pause_on_exact_frames(
    live_workspace: ReviewWorkspace, qtbot: QtBot, onboards: dict[str, ClipInfo]
) -> None:
    ws = live_workspace
    assert ws.video_available and not ws.banner.isVisibleTo(ws)
    ws.timeline.set_position(60_300)
    ws.play()
    # Exact frames at the clock first; libVLC's picture once it is measured on the clock.
    qtbot.waitUntil(lambda: all(t.face == ClipTile.VIDEO for t in ws.tiles()), timeout=6_000)
    for clip_id in ws.entries:
        assert ws.playback.controller.on_clock(clip_id)
    qtbot.wait(600)
    for tile in ws.tiles():
        pixels = window_pixels(tile.video)
        assert pixels.mean() > 30, f"{tile.title.text()}: the embedded video is black"
    # Both keep playing. libVLC's reported time moves in steps: every ~250 ms for the PC
    # capture, but up to ~0.95 s apart for the OBS VFR MKV (measured), so a fixed half-second
    # window sometimes saw no step; wait for each clip's next one instead.
    positions = {c: ws.entries[c].player.position() for c in ws.entries}  # type: ignore[union-attr]
    assert all(p is not None for p in positions.values())
    for clip_id, before in positions.items():
        player = ws.entries[clip_id].player
        assert player is not None
        qtbot.waitUntil(lambda p=player, b=before: (p.position() or 0) > b, timeout=2_000)
    ws.pause()
    qtbot.waitUntil(ws.exact, timeout=5_000)
    assert all(t.face == ClipTile.FRAMES for t in ws.tiles())
    stopped = ws.timeline.position_ms
    assert stopped > 60_900
    for clip_id, offset in (("accused", ACCUSED_OFFSET), ("reporter", REPORTER_OFFSET)):
        image = ws.tile(clip_id).displayed_image
        assert image is not None
        shown = read_stamp(image_to_rgb(image)).index
        assert shown == expected_index(onboards[clip_id], stopped - offset)


def test_players_opened_while_paused_preroll_and_stay_paused_until_play(
    live_workspace: ReviewWorkspace, qtbot: QtBot
) -> None:
    # Regression: nothing polled the players while paused, so each libVLC preroll played on,
    # hidden and muted, to the end of its file (CPU for nothing; after that Play never came).
    ws = live_workspace
    players = [e.player for e in ws.entries.values()]
    qtbot.waitUntil(lambda: all(p is not None and p.ready() for p in players), timeout=5_000)
    qtbot.wait(1_000)
    states = [p._video.state() for p in players]  # type: ignore[union-attr]
    assert states == ["Paused"] * len(players)
    assert not ws.playback.prime_timer.isActive()  # polling stops once every player is ready
