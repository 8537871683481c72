"""The footage index: a steward's clip is indexed once, from packets, and says which frame is
shown at any content time — also on VFR files and files that do not start at 0."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.errors import Cancelled, FootageError
from steward_desk.media.footage_index import FootageIndex, probe
from steward_desk.media.frame_server import Frame, write_png


def test_probe_finds_exactly_what_the_clip_maker_wrote(clip: ClipInfo) -> None:
    index = probe(clip.path)
    assert index.frames == clip.frames
    assert [index.pts_ms(i) for i in range(index.frames)] == pytest.approx(list(clip.pts_ms))
    assert index.keyframes == clip.keyframe_indices
    assert index.first_pts_ms == pytest.approx(clip.pts_ms[0])
    assert (index.width, index.height) == (clip.spec.width, clip.spec.height)
    assert index.codec == {"libx264": "h264", "libvpx-vp9": "vp9"}[clip.spec.codec]
    assert index.content_ms(0) == 0.0


def test_only_the_obs_clip_is_variable_frame_rate(clip: ClipInfo) -> None:
    index = probe(clip.path)
    assert index.vfr == (clip.spec.pts_ms is not None)
    if not index.vfr:
        assert index.fps == pytest.approx(clip.spec.fps, abs=0.05)
        # The whole clip lasts frames / fps (to the container's ms rounding).
        assert index.duration_ms == pytest.approx(clip.frames * 1000 / clip.spec.fps, abs=2)


def test_frame_at_is_the_last_frame_at_or_before_the_time(clip: ClipInfo) -> None:
    index = probe(clip.path)
    last = index.frames - 1
    assert index.frame_at(-500) == 0
    assert index.frame_at(0) == 0
    assert index.frame_at(index.duration_ms + 10_000) == last
    for i in range(1, index.frames):
        at = index.content_ms(i)
        assert index.frame_at(at) == i
        assert index.frame_at(at - 0.001) == i - 1  # one microsecond earlier
        # A race clock in whole ms lands on every frame through frame_start_ms.
        assert index.frame_at(index.frame_start_ms(i)) == i
        assert index.frame_at(index.frame_start_ms(i) - 1) == i - 1


def test_content_time_zero_is_the_first_frame_not_the_file_start(
    clips: dict[str, ClipInfo],
) -> None:
    index = probe(clips["nonzero_start"].path)
    assert index.first_pts_ms == pytest.approx(1400.0)
    assert index.frame_at(0) == 0
    assert index.frame_at(1400) == 42  # 1.4 s into the content at 30 fps, not frame 0


def test_vfr_frames_are_found_by_their_own_timestamps(clips: dict[str, ClipInfo]) -> None:
    clip = clips["obs_vfr_mkv"]
    index = probe(clip.path)
    # Inside a 50 ms gap the earlier frame stays on screen; a fixed-rate guess would move on.
    gap_at = next(i for i, g in enumerate(index.gaps) if g == 50)
    assert index.frame_at(index.content_ms(gap_at) + 40) == gap_at
    assert index.frame_at(index.content_ms(gap_at) + 50) == gap_at + 1
    assert index.frame_at(clip.spec.pts_ms[123]) == 123  # type: ignore[index]


def test_the_index_is_stored_as_json_and_read_back_unchanged(clip: ClipInfo) -> None:
    index = probe(clip.path)
    stored = json.loads(json.dumps(index.to_json()))
    assert FootageIndex.from_json(stored) == index


@pytest.mark.parametrize(
    ("damage", "names"),
    [
        (lambda d: d.pop("gaps"), "gaps"),
        (lambda d: d.update(gaps=[16, 0, 17]), "positive"),
        (lambda d: d.update(format="other"), "not ours"),
        (lambda d: d.update(keyframes=[5]), "keyframes"),
    ],
)
def test_a_damaged_stored_index_is_refused(clips: dict[str, ClipInfo], damage, names) -> None:  # type: ignore[no-untyped-def]
    doc = probe(clips["ps4_720p30"].path).to_json()
    damage(doc)
    with pytest.raises(FootageError, match=names):
        FootageIndex.from_json(doc)


def test_probe_reports_progress_and_stops_when_cancelled(clips: dict[str, ClipInfo]) -> None:
    seen: list[float] = []
    probe(clips["h264_60_bframes"].path, progress=seen.append)
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled, match="indexing the footage cancelled"):
        probe(clips["h264_60_bframes"].path, cancel=stop)
    with pytest.raises(Cancelled):
        probe(clips["h264_60_bframes"].path, cancel=lambda: True)


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 800), np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = 8000
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def test_files_that_are_not_footage_are_refused_with_their_name(tmp_path: Path) -> None:
    junk = tmp_path / "contact.mp4"
    junk.write_bytes(b"\x00" * 4096)
    still = tmp_path / "still.png"
    write_png(Frame(0, 0.0, 0, np.zeros((32, 32, 3), np.uint8)), still)
    cases = {
        tmp_path / "missing.mkv": "cannot be read",
        tmp_path: "folder",
        junk: "not a video file",
        _audio_only(tmp_path / "radio.wav"): "no video stream",
        still: "still image",
    }
    for path, problem in cases.items():
        with pytest.raises(FootageError, match=problem) as caught:
            probe(path)
        assert str(path) in str(caught.value)
        assert caught.value.path == path


def test_a_truncated_clip_indexes_only_what_is_there(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    whole = clips["h264_60_bframes"].path.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(whole[: len(whole) // 2])
    index = probe(cut)
    assert 0 < index.frames < clips["h264_60_bframes"].frames


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(min_size=0, max_size=3000),
    suffix=st.sampled_from([".mp4", ".mkv", ".webm", ".ts", ".flv", ".bin", ""]),
)
def test_probe_of_random_bytes_fails_only_with_footage_error(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        index = probe(path)
    except FootageError as error:
        assert error.path == path
    else:
        assert index.frames > 0
