"""A driver sends a .ts or .flv capture: the import copies it into MKV with every frame kept."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from steward_desk.media.clip_maker import ClipInfo, ClipSpec, make_clip
from steward_desk.media.errors import Cancelled, RemuxError
from steward_desk.media.footage_index import probe
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.remux import needs_remux, remux_to_mkv
from steward_desk.media.stamp import read_stamp


@pytest.fixture(scope="module", params=["ts", "flv"])
def capture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ClipInfo:
    folder = tmp_path_factory.mktemp("captures")
    spec = ClipSpec(container=request.param, fps=60, frames=150, gop=60, bframes=3)
    return make_clip(folder / f"stream.{request.param}", spec)


def test_remux_keeps_every_frame_at_its_time(capture: ClipInfo, tmp_path: Path) -> None:
    assert needs_remux(capture.path)
    seen: list[float] = []
    out = remux_to_mkv(capture.path, tmp_path / "stream.mkv", progress=seen.append)
    assert seen[-1] == 1.0
    before, after = probe(capture.path), probe(out)
    assert after.frames == before.frames == capture.spec.frames
    assert after.keyframes == before.keyframes
    # MKV keeps ms: each frame moves by less than one ms of rounding.
    for i in range(after.frames):
        assert abs(after.pts_ms(i) - before.pts_ms(i)) < 1.0
    with FrameServer(out, after) as server:
        assert [read_stamp(server.frame_by_index(i).image).index for i in range(after.frames)] == (
            list(range(after.frames))
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stream.mkv"]


def test_cancelled_remux_leaves_nothing(capture: ClipInfo, tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled, match="copying into MKV cancelled"):
        remux_to_mkv(capture.path, tmp_path / "stream.mkv", cancel=stop)
    assert list(tmp_path.iterdir()) == []


def test_a_broken_capture_fails_naming_it_and_leaves_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ts"
    broken.write_bytes(b"\x47" + bytes(5000))
    with pytest.raises(RemuxError) as caught:
        remux_to_mkv(broken, tmp_path / "broken.mkv")
    assert caught.value.path == broken
    assert [p.name for p in tmp_path.iterdir()] == ["broken.ts"]


def test_an_existing_target_is_untouched_when_the_remux_fails(tmp_path: Path) -> None:
    target = tmp_path / "keep.mkv"
    target.write_bytes(b"earlier good copy")
    with pytest.raises(RemuxError, match="could not be copied"):
        remux_to_mkv(tmp_path / "missing.ts", target)
    assert target.read_bytes() == b"earlier good copy"
