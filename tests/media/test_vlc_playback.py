"""Real libVLC under a real X server: two clips embedded in native windows play together on
the race clock. What is on screen is read back from the windows' pixels (frame stamps)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.footage_index import probe
from steward_desk.media.player import VlcPlayer
from steward_desk.media.stamp import Stamp, read_stamp
from steward_desk.media.sync import SyncController, SyncedClip
from steward_desk.media.vlc_backend import libvlc_status

pytestmark = pytest.mark.xvfb


@pytest.fixture(autouse=True)
def needs_libvlc() -> None:
    available, reason = libvlc_status()
    if not available:
        pytest.skip(f"libVLC is not usable here: {reason}")


def grab(window: object) -> np.ndarray:
    """The pixels of a native window as the X server shows them (RGB)."""
    from PySide6.QtGui import QGuiApplication, QImage

    screen = QGuiApplication.primaryScreen()
    image = screen.grabWindow(int(window.winId())).toImage()  # type: ignore[attr-defined]
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), np.uint8, count=stride * h)
    return raw.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


@pytest.fixture
def two_windows(qtbot: QtBot) -> Iterator[list[object]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    host = QWidget()
    row = QHBoxLayout(host)
    windows = []
    for _ in range(2):
        surface = QWidget()
        surface.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        surface.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        surface.setFixedSize(320, 180)  # the clips' size: libVLC draws them 1:1
        row.addWidget(surface)
        windows.append(surface)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    yield windows


def test_two_clips_play_together_on_the_race_clock_and_both_advance(
    clips: dict[str, ClipInfo], two_windows: list[object], qtbot: QtBot
) -> None:
    names = ("h264_60_bframes", "obs_vfr_mkv")
    offsets = {"h264_60_bframes": 10_000, "obs_vfr_mkv": 10_250}
    players, synced = [], []
    for name, window in zip(names, two_windows, strict=True):
        index = probe(clips[name].path)
        player = VlcPlayer(
            clips[name].path,
            first_pts_ms=index.first_pts_ms,
            duration_ms=index.duration_ms,
            window_id=int(window.winId()),  # type: ignore[attr-defined]
        )
        players.append(player)
        synced.append(
            SyncedClip(name, player, offsets[name], index.duration_ms, frame_ms=1000 / index.fps)
        )
    controller = SyncController()
    controller.set_clips(synced)
    try:
        controller.play(10_500)
        seen: dict[str, list[tuple[float, Stamp]]] = {name: [] for name in names}
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            controller.tick()
            qtbot.wait(30)
            if not controller.started:
                continue
            race = controller.clock.position()
            for name, window in zip(names, two_windows, strict=True):
                try:
                    seen[name].append((race - offsets[name], read_stamp(grab(window))))
                except Exception:
                    continue  # a picture mid-update; the next grab reads
        assert controller.started
        for name in names:
            info = clips[name]
            first = info.pts_ms[0]
            shown = [stamp.pts_ms - first for _, stamp in seen[name]]
            assert len(shown) >= 10, f"{name}: too few readable pictures"
            assert shown[-1] - shown[0] > 800, f"{name} did not advance: {shown[:3]}…{shown[-3:]}"
            # What libVLC shows follows the race clock (the grab itself takes a few ms).
            late = [abs(clock - pts) for clock, pts in zip(
                (c for c, _ in seen[name]), shown, strict=True)][len(shown) // 2 :]  # fmt: skip
            assert float(np.median(late)) < 120, f"{name} is off the race clock: {late}"
    finally:
        controller.pause()
        for player in players:
            player.close()


def test_an_embedded_clip_is_not_black(
    clips: dict[str, ClipInfo], two_windows: list[object], qtbot: QtBot
) -> None:
    info = clips["h264_60_bframes"]
    index = probe(info.path)
    window = two_windows[0]
    player = VlcPlayer(
        info.path,
        first_pts_ms=index.first_pts_ms,
        duration_ms=index.duration_ms,
        window_id=int(window.winId()),  # type: ignore[attr-defined]
    )
    try:
        qtbot.waitUntil(lambda: (player.poll(), player.ready())[1], timeout=5_000)
        player.play()
        qtbot.wait(500)
        pixels = grab(window)
        assert pixels.mean() > 30, "the embedded video window is black"
        assert read_stamp(pixels).index > 0
    finally:
        player.close()
