"""The player without libVLC: a virtual player in milliseconds whose pictures are exact frames."""

from __future__ import annotations

import pytest

from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.player import FramePlayer, Player
from steward_desk.media.stamp import read_stamp


class Clock:
    def __init__(self) -> None:
        self.t = 5.0

    def __call__(self) -> float:
        return self.t


def test_it_speaks_the_player_protocol_and_runs_on_its_clock() -> None:
    clock = Clock()
    player = FramePlayer(None, duration_ms=3_000, now=clock)
    assert isinstance(player, Player) and not player.draws_video and player.ready()
    player.seek(1_000)
    player.set_rate(5.0)  # clamped to 2×
    player.play()
    clock.t += 0.5
    assert player.position() == 2_000
    player.set_rate(0.01)  # clamped to 0.1×
    clock.t += 1.0
    assert player.position() == 2_100
    player.pause()
    clock.t += 10
    assert player.position() == 2_100 and not player.is_playing()


def test_it_stops_on_the_last_frame_instead_of_running_past_the_file() -> None:
    clock = Clock()
    player = FramePlayer(None, duration_ms=1_000, now=clock)
    player.play()
    clock.t += 2.0
    player.poll()
    assert not player.is_playing()


@pytest.mark.parametrize("rate", [0.25, 1.0, 2.0])
def test_its_pictures_are_the_exact_frames_for_its_position(
    clips: dict[str, ClipInfo], rate: float
) -> None:
    clock = Clock()
    info = clips["ps4_720p30"]
    with FrameServer(info.path) as server:
        player = FramePlayer(server, duration_ms=server.index.duration_ms, now=clock)
        player.set_rate(rate)
        player.play()
        for _ in range(5):
            clock.t += 0.137
            frame = player.frame()
            assert frame is not None
            assert read_stamp(frame.image).index == server.index.frame_at(player.position())
