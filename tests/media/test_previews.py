"""Scrub previews: a steward jumps anywhere near the incident and the exact frame is there at
once (as a preview), its original pixels following; previews never show a wrong or stale frame."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.errors import Cancelled
from steward_desk.media.footage_index import FootageIndex, probe
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.preview_builder import PreviewBuilder
from steward_desk.media.previews import (
    PreviewReader,
    PreviewSegment,
    build_segment,
    prune,
    read_segment,
    segment_bounds,
    segment_range,
    source_key,
    stored_segments,
)
from steward_desk.media.stamp import read_stamp


def _whole(clip: ClipInfo, folder: Path) -> tuple[FootageIndex, list[PreviewSegment]]:
    """Every segment of a clip, built."""
    index = probe(clip.path)
    bounds = segment_bounds(index, seconds=1.0)
    segments = []
    for first in bounds:
        _, last = segment_range(bounds, index.frames, first)
        segments.append(build_segment(clip.path, index, first, last, folder, width=160))
    return index, segments


def test_every_frame_of_every_kind_of_footage_previews_as_itself(
    clip: ClipInfo, tmp_path: Path
) -> None:
    index, segments = _whole(clip, tmp_path)
    assert [s.first for s in segments] == sorted(s.first for s in segments)
    covered = [i for s in segments for i in range(s.first, s.first + s.count)]
    assert covered == list(range(index.frames))  # no gap, no overlap
    reader = PreviewReader()
    for segment in segments:
        reader.add(segment)
    for i in range(index.frames):
        image = reader.image(i)
        assert image is not None and image.shape[1] == 160
        assert read_stamp(image).index == i, f"preview of frame {i}"
    reader.close()


def test_segments_start_on_keyframes_so_each_decodes_on_its_own(clips: dict[str, ClipInfo]) -> None:
    index = probe(clips["h264_60_bframes"].path)  # 2 s GOPs
    bounds = segment_bounds(index, seconds=2.0)
    assert len(bounds) > 1
    assert set(bounds) <= set(index.keyframes)


def test_previews_are_found_again_in_a_later_session_and_not_for_a_changed_file(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    source = tmp_path / "onboard.mp4"
    source.write_bytes(clips["h264_60_bframes"].path.read_bytes())
    index, segments = _whole(ClipInfo(source, clips["h264_60_bframes"].spec, (), ()), tmp_path)
    key = source_key(source, index)
    assert [s.path for s in stored_segments(tmp_path, key)] == [s.path for s in segments]
    # The file is replaced (new modification time): its old previews no longer apply.
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert stored_segments(tmp_path, source_key(source, index)) == []


def test_a_damaged_segment_file_is_ignored_not_trusted(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    _, segments = _whole(clips["ps4_720p30"], tmp_path)
    damaged = segments[0].path
    damaged.write_bytes(damaged.read_bytes()[:-40])
    assert read_segment(damaged) is None
    assert damaged not in [s.path for s in stored_segments(tmp_path, segments[0].key)]


def test_a_cancelled_build_leaves_nothing_behind(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    clip = clips["h264_60_bframes"]
    index = probe(clip.path)
    with pytest.raises(Cancelled):
        build_segment(clip.path, index, 0, index.frames - 1, tmp_path, cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_the_cache_keeps_to_its_budget_dropping_the_least_recently_used(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    _, segments = _whole(clips["h264_60_bframes"], tmp_path)
    for age, segment in enumerate(segments):
        os.utime(segment.path, ns=(age * 10**9, age * 10**9))
    sizes = [s.path.stat().st_size for s in segments]
    keep = segments[0].path  # the oldest, but in use
    freed = prune(tmp_path, budget_bytes=sizes[-1] + sizes[0], keep=[keep])
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([keep.name, segments[-1].path.name])
    assert freed == sum(sizes[1:-1])


def test_a_jump_into_previews_is_the_exact_frame_then_the_original_pixels(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    clip = clips["h264_60_bframes"]
    index, segments = _whole(clip, tmp_path)
    with FrameServer(clip.path, index) as server:
        target = index.keyframes[1] - 1  # the last frame of a GOP: the costliest to decode
        at = index.content_ms(target)
        assert server.quick(at) is None  # no previews yet: the original must be decoded
        server.add_previews(segments)
        preview = server.quick(at)
        assert preview is not None and preview.preview
        assert (preview.index, read_stamp(preview.image).index) == (target, target)
        assert server.seeks == 0  # the preview cost no decoding of the original
        original = server.frame(at)
        assert not original.preview and read_stamp(original.image).index == target
        again = server.quick(at)  # decoded now: the original answers at once
        assert again is not None and not again.preview


def test_a_newer_request_cancels_decoding_and_the_server_stays_exact(
    clips: dict[str, ClipInfo],
) -> None:
    clip = clips["h264_60_bframes"]
    with FrameServer(clip.path) as server:
        target = server.index.keyframes[1] - 1
        decoded: list[int] = []

        def newer() -> bool:
            decoded.append(1)
            return len(decoded) > 5  # the steward moved on after a few frames

        with pytest.raises(Cancelled):
            server.frame_by_index(target, cancel=newer)
        for i in (target, target - 1, 3, server.index.frames - 1):
            assert read_stamp(server.frame_by_index(i).image).index == i


def test_the_builder_makes_the_segment_asked_for_first_then_its_neighbours(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    clip = clips["h264_60_bframes"]
    index = probe(clip.path)
    made: list[int] = []
    builder = PreviewBuilder(
        tmp_path, lambda _id, s: made.append(s.first), synchronous=True, width=160
    )
    assert builder.add_source("clip", clip.path, index) == []
    bounds = segment_bounds(index)
    middle = bounds[len(bounds) // 2]
    builder.want("clip", index.content_ms(middle), radius=1)
    expected = [middle] + [
        b for b in bounds if b != middle and abs(bounds.index(b) - bounds.index(middle)) == 1
    ]
    assert made[0] == middle and sorted(made) == sorted(expected)
    builder.want("clip", index.content_ms(middle), radius=1)  # already made: nothing again
    assert builder.built == len(expected)
    # A later session finds them.
    later = PreviewBuilder(tmp_path, synchronous=True)
    assert sorted(s.first for s in later.add_source("clip", clip.path, index)) == sorted(expected)


def test_the_background_builder_reports_each_segment_and_stops_when_closed(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    clip = clips["ps4_720p30"]
    index = probe(clip.path)
    done = threading.Event()
    made: list[PreviewSegment] = []

    def built(_id: str, segment: PreviewSegment) -> None:
        made.append(segment)
        if sum(s.count for s in made) == index.frames:
            done.set()

    builder = PreviewBuilder(tmp_path, built, width=160)
    builder.add_source("clip", clip.path, index)
    builder.want("clip", 0, radius=10)
    assert done.wait(30), "the builder did not finish a 3 s clip"
    builder.close()
    assert builder.pending() == 0
    assert all(read_segment(s.path) == s for s in made)


def test_a_held_builder_makes_nothing_until_released(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    clip = clips["ps4_720p30"]
    index = probe(clip.path)
    done = threading.Event()
    builder = PreviewBuilder(tmp_path, lambda _id, _s: done.set(), width=160)
    builder.add_source("clip", clip.path, index)
    builder.hold(True)  # playback started
    builder.want("clip", 0)
    assert not done.wait(0.5)
    assert builder.built == 0 and builder.pending() > 0
    builder.hold(False)
    assert done.wait(30)
    builder.close()


def test_clips_opened_together_each_get_their_nearest_segment_first_and_a_move_goes_first(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    builder = PreviewBuilder(tmp_path, width=160, segment_seconds=1.0)
    indexes = {}
    for name in ("h264_60_bframes", "ps4_720p30"):
        indexes[name] = probe(clips[name].path)
        builder.add_source(name, clips[name].path, indexes[name])
    builder.hold(True)  # look at the queue before anything is made
    for name, index in indexes.items():  # both clips open on their middle
        builder.want(name, index.duration_ms / 2, radius=2, epoch=0)
    order = builder.queued()

    def ring(name: str, first: int) -> int:
        """How many segments from the one holding the clip's middle."""
        index = indexes[name]
        bounds = segment_bounds(index, 1.0)
        middle, _ = segment_range(bounds, index.frames, index.frame_at(index.duration_ms / 2))
        return abs(bounds.index(first) - bounds.index(middle))

    rings = [ring(name, first) for name, first in order]
    assert rings == sorted(rings)  # nearest first, clip after clip
    assert {n for n, _ in order[:2]} == set(indexes)  # each clip's own segment before any ring
    # The steward parks at the start of the first clip: that segment jumps the queue.
    builder.want("h264_60_bframes", 0, radius=0, epoch=1)
    assert builder.queued()[0] == ("h264_60_bframes", 0)
    builder.close()


def test_a_segment_being_made_when_playback_starts_is_dropped_and_made_first_later(
    clips: dict[str, ClipInfo], tmp_path: Path
) -> None:
    clip = clips["h264_60_bframes"]
    index = probe(clip.path)
    made: list[int] = []
    builder = PreviewBuilder(tmp_path, lambda _id, s: made.append(s.first), synchronous=True)
    builder.add_source("clip", clip.path, index)
    builder.hold(True)  # Play pressed while the segment at frame 0 is being made
    builder._make("clip", builder._sources["clip"], 0)
    assert made == [] and not list(tmp_path.glob("*.sdpreview"))  # dropped, nothing left
    assert builder.queued()[0] == ("clip", 0)  # first in line
    builder.hold(False)
    builder.want("clip", index.duration_ms, radius=0)  # a later wish (synchronous: drains)
    assert made[0] == 0
