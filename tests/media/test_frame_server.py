"""The frame server: a steward steps through the contact and always sees exactly the frame for
that time — never one off, backwards as exact as forwards, on every kind of footage."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import av
import numpy as np
import pytest

from steward_desk.media.clip_maker import ClipInfo, ClipSpec, make_clip
from steward_desk.media.errors import FootageError
from steward_desk.media.footage_index import probe
from steward_desk.media.frame_server import FrameServer, write_png
from steward_desk.media.stamp import read_stamp


def _times_around_keyframes(server: FrameServer) -> list[float]:
    """Content times a scrubber hits: on a pts, a hair before and after it, around each key."""
    index = server.index
    times: list[float] = [0.0, -100.0, index.duration_ms + 100]
    for key in index.keyframes:
        for i in (key - 1, key, key + 1):
            if 0 <= i < index.frames:
                at = index.content_ms(i)
                times += [at, at - 0.5, at + 0.5, float(index.frame_start_ms(i))]
    rng = random.Random(20240607)
    times += [rng.uniform(0, index.duration_ms) for _ in range(40)]
    return times


def test_the_frame_at_any_content_time_is_exactly_the_indexed_frame(clip: ClipInfo) -> None:
    with FrameServer(clip.path) as server:
        for at in _times_around_keyframes(server):
            expected = server.index.frame_at(at)
            frame = server.frame(at)
            stamp = read_stamp(frame.image)
            assert (frame.index, stamp.index) == (expected, expected), f"at {at} ms"
            assert stamp.pts_ms == round(clip.requested_pts_ms[expected])
            assert frame.pts_ms == pytest.approx(clip.pts_ms[expected])


def test_stepping_forward_then_back_shows_every_frame_in_order(clip: ClipInfo) -> None:
    with FrameServer(clip.path) as server:
        last = server.index.frames - 1
        forward = [read_stamp(server.frame_by_index(0).image).index]
        i = 0
        while i < last:
            i = server.step(i, +1).index
            forward.append(read_stamp(server.frame_by_index(i).image).index)
        assert forward == list(range(last + 1))
    # A fresh server (cold cache) walking back from the end across every GOP boundary.
    with FrameServer(clip.path) as server:
        backward = []
        i = last
        for _ in range(last + 1):
            frame = server.frame_by_index(i)
            backward.append(read_stamp(frame.image).index)
            i = server.step(i, -1).index if i else 0
        assert backward == list(range(last, -1, -1))
        # Decoded runs are kept: walking back costs about one seek per GOP, not one per frame.
        assert server.seeks <= 2 * len(server.index.keyframes) + 2


def test_steps_clamp_at_both_ends(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["ps4_720p30"].path) as server:
        assert server.step(0, -1).index == 0
        last = server.index.frames - 1
        assert server.step(last, +1).index == last
        assert read_stamp(server.step(last, +1).image).index == last


def test_nonzero_start_content_zero_is_the_first_frame(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["nonzero_start"].path) as server:
        first = server.frame(0)
        assert (first.index, first.pts_ms, first.content_ms) == (0, pytest.approx(1400.0), 0)
        assert read_stamp(first.image).pts_ms == 1400
        assert read_stamp(server.frame(1000).image).index == 30


def test_vfr_frame_inside_a_long_gap_stays_on_screen(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["obs_vfr_mkv"].path) as server:
        index = server.index
        gap_at = next(i for i, g in enumerate(index.gaps) if g == 50 and i > 130)
        for offset in (0, 10, 49):
            at = index.content_ms(gap_at) + offset
            assert read_stamp(server.frame(at).image).index == gap_at
        assert read_stamp(server.frame(index.content_ms(gap_at) + 50).image).index == gap_at + 1


def test_content_ms_of_a_frame_lands_back_on_it(clips: dict[str, ClipInfo]) -> None:
    # The UI turns a stepped frame into race time in whole ms and asks for it again.
    with FrameServer(clips["h264_60_bframes"].path) as server:
        for i in (1, 2, 119, 120, 121, 250):
            assert server.frame(server.frame_by_index(i).content_ms).index == i


def test_tiles_are_scaled_and_still_carry_their_stamp(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["h264_60_bframes"].path, max_width=160) as server:
        frame = server.frame_by_index(77)
        assert frame.image.shape == (90, 160, 3)
        assert read_stamp(frame.image).index == 77


def test_a_tiny_cache_is_slower_but_still_exact(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["h264_60_bframes"].path, cache_mb=1) as server:
        for i in (200, 199, 121, 120, 119, 118, 5, 4):
            assert read_stamp(server.frame_by_index(i).image).index == i


def test_frames_are_read_only(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["ps4_720p30"].path) as server:
        image = server.frame_by_index(3).image
        with pytest.raises(ValueError, match="read-only"):
            image[0, 0] = 1


def test_worker_threads_asking_at_once_each_get_their_frame(clips: dict[str, ClipInfo]) -> None:
    clip = clips["h264_60_bframes"]
    errors: list[str] = []
    with FrameServer(clip.path, index=probe(clip.path)) as server:

        def worker(seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(25):
                i = rng.randrange(server.index.frames)
                got = read_stamp(server.frame_by_index(i).image).index
                if got != i:
                    errors.append(f"asked {i}, got {got}")

        threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []


def test_snapshot_png_holds_the_exact_pixels(clips: dict[str, ClipInfo], tmp_path: Path) -> None:
    with FrameServer(clips["ps5_vp9_webm"].path) as server:
        frame = server.frame(1000)
    out = tmp_path / "snap.png"
    write_png(frame, out)
    with av.open(str(out)) as png:
        pixels = next(png.decode(video=0)).to_ndarray(format="rgb24")
    assert np.array_equal(pixels, frame.image)
    assert read_stamp(pixels).index == 60
    assert [p.name for p in tmp_path.iterdir()] == ["snap.png"]


def test_a_jump_skips_frames_nothing_refers_to_and_is_still_exact(
    clips: dict[str, ClipInfo],
) -> None:
    # x264 with 3 B-frames leaves about a third of the frames unreferenced: a jump deep into
    # a GOP does not decode those, yet the frame and the few before it are exact.
    with FrameServer(clips["h264_60_bframes"].path) as server:
        assert read_stamp(server.frame_by_index(230).image).index == 230
        assert server.skipped > 10
        seeks = server.seeks
        for i in range(229, 221, -1):
            assert read_stamp(server.frame_by_index(i).image).index == i
        assert server.seeks == seeks, "the frames just before a jump target are kept"


def test_vp9_frames_are_never_skipped(clips: dict[str, ClipInfo]) -> None:
    with FrameServer(clips["ps5_vp9_webm"].path) as server:
        assert read_stamp(server.frame_by_index(100).image).index == 100
        assert server.skipped == 0


def test_a_closed_server_says_so(clips: dict[str, ClipInfo]) -> None:
    server = FrameServer(clips["ps4_720p30"].path)
    server.frame(0)
    server.close()
    server.close()  # closing twice is harmless (a widget and its owner may both close)
    with pytest.raises(FootageError, match="closed"):
        server.frame(0)


@pytest.fixture(scope="module")
def hevc_clip(tmp_path_factory: pytest.TempPathFactory) -> ClipInfo:
    """ShadowPlay/OBS also record HEVC: 3 B-frames, some of them unreferenced."""
    spec = ClipSpec(codec="libx265", width=256, height=144, frames=64, gop=32, bframes=3)
    return make_clip(tmp_path_factory.mktemp("hevc") / "hevc.mkv", spec)


def test_hevc_jumps_skip_unreferenced_frames_and_steps_stay_exact(hevc_clip: ClipInfo) -> None:
    with FrameServer(hevc_clip.path) as server:
        assert read_stamp(server.frame_by_index(60).image).index == 60
        assert server.skipped > 0
        walked = [read_stamp(server.frame_by_index(i).image).index for i in range(59, -1, -1)]
        assert walked == list(range(59, -1, -1))


def test_a_ts_capture_is_exact_even_before_it_is_remuxed(tmp_path: Path) -> None:
    # MPEG-TS seeks land after the keyframe asked for; the server backs off and still
    # delivers the frame whose pts the index names (Annex B start codes, no avcC).
    spec = ClipSpec(container="ts", frames=90, gop=30, bframes=2)
    clip = make_clip(tmp_path / "capture.ts", spec)
    with FrameServer(clip.path) as server:
        for i in (75, 31, 30, 29, 60, 0, 89):
            assert read_stamp(server.frame_by_index(i).image).index == i
        assert server.skipped > 0


def test_dropping_the_cache_makes_the_next_request_decode_again_and_stay_exact(
    clips: dict[str, ClipInfo],
) -> None:
    with FrameServer(clips["h264_60_bframes"].path) as server:
        target = server.index.keyframes[1] + 5
        server.frame_by_index(target)
        seeks = server.seeks
        server.frame_by_index(target)
        assert server.seeks == seeks  # cached: no decoding
        server.drop_cache()
        frame = server.frame_by_index(target)
        assert server.seeks == seeks + 1
        assert read_stamp(frame.image).index == target
