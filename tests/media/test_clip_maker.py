"""Clips describe themselves: the file holds the frames and timestamps the spec asked for."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import pytest

from steward_desk.media.clip_maker import ClipInfo, ClipSpec, make_clip, make_onboard
from steward_desk.media.errors import Cancelled
from steward_desk.media.stamp import Stamp, read_stamp


def _decoded_stamps(path: Path) -> list[tuple[float, Stamp]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            (float(f.pts * stream.time_base * 1000), read_stamp(f.to_ndarray(format="rgb24")))
            for f in container.decode(stream)
        ]


def test_every_frame_written_is_in_the_file_with_its_own_stamp(clip: ClipInfo) -> None:
    assert clip.frames == clip.spec.frames
    # The container rounds to its own clock (1 ms for MKV/WebM); never by more than a tick.
    for asked, written in zip(clip.requested_pts_ms, clip.pts_ms, strict=True):
        assert abs(asked - written) <= 1.0
    decoded = _decoded_stamps(clip.path)
    assert [s.index for _, s in decoded] == list(range(clip.frames))
    for (pts_ms, found), asked in zip(decoded, clip.requested_pts_ms, strict=True):
        assert found.pts_ms == round(asked)
        assert abs(pts_ms - asked) <= 1.0


def test_keyframes_fall_on_the_fixed_gop(clip: ClipInfo) -> None:
    keys = clip.keyframe_indices
    if clip.spec.codec == "libvpx-vp9":
        # libvpx may add keyframes of its own; it promises only the maximum distance.
        assert keys[0] == 0
        assert all(
            b - a <= clip.spec.gop for a, b in zip(keys, (*keys[1:], clip.frames), strict=True)
        )
    else:
        assert keys == tuple(range(0, clip.frames, clip.spec.gop))


def test_a_vfr_clip_keeps_its_irregular_gaps(clips: dict[str, ClipInfo]) -> None:
    vfr = clips["obs_vfr_mkv"]
    gaps = {round(b - a) for a, b in zip(vfr.pts_ms, vfr.pts_ms[1:], strict=False)}
    assert {16, 17, 33, 50} <= gaps


def test_nonzero_start_clip_begins_at_1400_ms(clips: dict[str, ClipInfo]) -> None:
    assert clips["nonzero_start"].pts_ms[0] == pytest.approx(1400.0)


def test_demo_onboard_is_a_short_stamped_h264_clip(tmp_path: Path) -> None:
    info = make_onboard(
        tmp_path / "onboard.mkv", label_seed=4, car_colour=(220, 30, 30), duration_s=1.0,
        fps=30, start_pts_ms=500, width=320, height=180,
    )  # fmt: skip
    assert info.frames == 30
    assert info.pts_ms[0] == 500.0
    decoded = _decoded_stamps(info.path)
    assert [s.index for _, s in decoded] == list(range(30))
    assert decoded[-1][1].pts_ms == round(info.requested_pts_ms[-1])


def test_cancelled_clip_leaves_no_file(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    target = tmp_path / "never.mkv"
    with pytest.raises(Cancelled, match=r"never\.mkv"):
        make_clip(target, ClipSpec(frames=10), cancel=stop)
    assert list(tmp_path.iterdir()) == []


def test_a_vfr_spec_must_rise(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rise strictly"):
        ClipSpec(frames=3, pts_ms=(0, 20, 20))
