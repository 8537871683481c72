"""The race clock's arithmetic: clips placed by offsets, exact stepping, sync, nudge, loop."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward_desk.core.timeline import (
    Bookmark,
    ClipTrack,
    LapMark,
    LoopRange,
    ReviewTimeline,
    clamp_rate,
    frame_index_at,
    next_rate,
    sync_offsets,
)

# A 60 fps clip's first frames (16/17 ms gaps, as ms-rounded pts come out of a real file).
PTS_60 = tuple(round(i * 1000 / 60) for i in range(600))
# OBS-like variable frame rate: irregular gaps.
PTS_VFR = (0, 16, 33, 70, 71, 120, 200, 216, 233, 300)


def frame_lists() -> st.SearchStrategy[tuple[int, ...]]:
    """Ascending, distinct pts starting at 0: any real file's frame list."""
    gaps = st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=80)
    return gaps.map(lambda g: tuple([0, *[sum(g[: i + 1]) for i in range(len(g))]]))


def test_the_frame_shown_is_the_last_one_that_has_started() -> None:
    assert frame_index_at(PTS_VFR, -1) == -1
    assert frame_index_at(PTS_VFR, 0) == 0
    assert frame_index_at(PTS_VFR, 69) == 2
    assert frame_index_at(PTS_VFR, 70) == 3
    assert frame_index_at(PTS_VFR, 10_000) == len(PTS_VFR) - 1


def test_a_clip_offset_places_its_first_frame_on_the_race_clock() -> None:
    onboard = ClipTrack("accused", offset_ms=61_500, duration_ms=10_000, frame_pts_ms=PTS_60)
    assert onboard.content_ms(61_500) == 0
    assert onboard.race_ms(1_000) == 62_500
    assert onboard.frame_index(61_500 + 1_000) == 60
    assert onboard.frame_index(61_499) == -1
    assert onboard.covers(61_500) and not onboard.covers(61_499)
    assert not onboard.covers(71_500)


def test_steward_marks_contact_in_each_onboard_and_sync_aligns_them() -> None:
    timeline = ReviewTimeline()
    timeline.set_tracks(
        [
            ClipTrack("accused", offset_ms=0, duration_ms=120_000, frame_pts_ms=PTS_60),
            ClipTrack("reporter", offset_ms=0, duration_ms=120_000, frame_pts_ms=PTS_60),
        ]
    )
    timeline.set_position(83_250)
    # The contact is 4.000 s into the accused's clip and 6.500 s into the reporter's.
    offsets = timeline.sync_here({"accused": 4_000, "reporter": 6_500})
    assert offsets == {"accused": 79_250, "reporter": 76_750}
    assert timeline.track("accused").content_ms(83_250) == 4_000
    assert timeline.track("reporter").content_ms(83_250) == 6_500
    assert sync_offsets({"a": 10}, 10) == {"a": 0}


def test_stepping_moves_the_focused_clip_exactly_one_frame_both_ways() -> None:
    timeline = ReviewTimeline()
    timeline.set_tracks(
        [
            ClipTrack("vfr", offset_ms=1_000, duration_ms=320, frame_pts_ms=PTS_VFR),
            ClipTrack("smooth", offset_ms=900, duration_ms=10_000, frame_pts_ms=PTS_60),
        ]
    )
    timeline.set_position(1_050)  # mid frame 2 of the VFR clip
    shown = []
    for _ in range(4):
        timeline.step_frames(+1)
        shown.append(timeline.track("vfr").frame_index(timeline.position_ms))
    for _ in range(6):
        timeline.step_frames(-1)
        shown.append(timeline.track("vfr").frame_index(timeline.position_ms))
    assert shown == [3, 4, 5, 6, 5, 4, 3, 2, 1, 0]


def test_stepping_past_the_focused_clips_end_uses_another_clip() -> None:
    timeline = ReviewTimeline()
    timeline.set_tracks(
        [
            ClipTrack("short", offset_ms=0, duration_ms=320, frame_pts_ms=PTS_VFR),
            ClipTrack("long", offset_ms=0, duration_ms=10_000, frame_pts_ms=PTS_60),
        ]
    )
    timeline.set_position(300)
    timeline.step_frames(+1)
    assert timeline.position_ms == PTS_60[frame_index_at(PTS_60, 300) + 1]


@given(pts=frame_lists(), offset=st.integers(-10_000, 10_000), data=st.data())
def test_a_step_forward_then_back_returns_to_the_same_frame(
    pts: tuple[int, ...], offset: int, data: st.DataObject
) -> None:
    track = ClipTrack("c", offset_ms=offset, duration_ms=pts[-1] + 20, frame_pts_ms=pts)
    index = data.draw(st.integers(0, len(pts) - 2))
    race = offset + data.draw(st.integers(pts[index], pts[index + 1] - 1))
    forward = track.step_target(race, +1)
    assert forward is not None and track.frame_index(forward) == index + 1
    back = track.step_target(forward, -1)
    assert back is not None and track.frame_index(back) == index


@given(pts=frame_lists(), offset=st.integers(-10_000, 10_000), data=st.data())
def test_a_nudge_shows_the_neighbouring_frame_at_the_same_race_time(
    pts: tuple[int, ...], offset: int, data: st.DataObject
) -> None:
    track = ClipTrack("c", offset_ms=offset, duration_ms=pts[-1] + 20, frame_pts_ms=pts)
    index = data.draw(st.integers(0, len(pts) - 1))
    end = pts[index + 1] - 1 if index + 1 < len(pts) else pts[index] + 15
    race = offset + data.draw(st.integers(pts[index], end))
    frames = data.draw(st.sampled_from([-2, -1, 1, 2]))
    moved = track.nudged(race, frames)
    expected = min(max(index + frames, 0), len(pts) - 1)
    assert moved.frame_index(race) == expected


def test_nudge_moves_only_the_focused_clip_and_keeps_the_race_position() -> None:
    timeline = ReviewTimeline()
    timeline.set_tracks(
        [
            ClipTrack("accused", offset_ms=0, duration_ms=10_000, frame_pts_ms=PTS_60),
            ClipTrack("reporter", offset_ms=500, duration_ms=10_000, frame_pts_ms=PTS_60),
        ]
    )
    timeline.set_position(2_000)
    timeline.set_focus("reporter")
    changed: list[ClipTrack] = []
    timeline.events.offset.connect(changed.append)
    moved = timeline.nudge_focused(+1)
    assert moved is not None and changed == [moved]
    assert timeline.track("accused").offset_ms == 0
    assert timeline.track("reporter").frame_index(2_000) == 91  # was 90
    assert timeline.position_ms == 2_000


def test_a_view_does_not_hear_its_own_echo() -> None:
    timeline = ReviewTimeline()
    timeline.set_tracks([ClipTrack("a", offset_ms=0, duration_ms=5_000)])
    heard: list[int] = []
    timeline.events.position.connect(heard.append)
    timeline.set_position(1_000)
    timeline.set_position(1_000)
    timeline.set_position(99_999)  # clamped to the clip's end
    assert heard == [1_000, 5_000]


def test_loop_in_and_out_make_a_loop_and_bad_orders_drop_the_stale_end() -> None:
    timeline = ReviewTimeline()
    timeline.set_tracks([ClipTrack("a", offset_ms=0, duration_ms=60_000)])
    timeline.set_position(10_000)
    timeline.set_loop_in()
    assert timeline.loop is None and timeline.loop_marks == (10_000, None)
    timeline.set_position(12_000)
    timeline.set_loop_out()
    assert timeline.loop == LoopRange(10_000, 12_000)
    assert timeline.loop.wrap(12_000) == 10_000 and timeline.loop.wrap(11_000) == 11_000
    timeline.set_position(13_000)
    timeline.set_loop_in()  # after the old out point: that out point no longer makes sense
    assert timeline.loop_marks == (13_000, None) and timeline.loop is None
    with pytest.raises(ValueError, match="must be after"):
        LoopRange(5, 5)


def test_rates_stay_between_a_tenth_and_double_speed() -> None:
    assert clamp_rate(5) == 2.0 and clamp_rate(0.01) == 0.1 and clamp_rate(-3) == -2.0
    assert next_rate(1.0, 1) == 1.25 and next_rate(1.0, -1) == 0.75
    assert next_rate(2.0, 1) == 2.0 and next_rate(0.1, -1) == 0.1
    assert next_rate(-1.0, 1) == -1.25


def test_shuttle_starts_then_speeds_up_and_reverses() -> None:
    timeline = ReviewTimeline()
    timeline.shuttle(+1)
    assert timeline.playing and timeline.rate == 1.0
    timeline.shuttle(+1)
    assert timeline.rate == 1.25
    timeline.shuttle(-1)
    assert timeline.rate == -1.0


def test_bookmarks_are_kept_in_race_order() -> None:
    timeline = ReviewTimeline()
    timeline.add_bookmark(Bookmark("b2", 5_000, "contact", "#ff0000"))
    timeline.add_bookmark(Bookmark("b1", 1_000, "turn-in"))
    assert [b.id for b in timeline.bookmarks] == ["b1", "b2"]
    timeline.remove_bookmark("b1")
    assert [b.id for b in timeline.bookmarks] == ["b2"]
    timeline.set_marks(4_000, [LapMark(3, 90_000), LapMark(2, 0)])
    assert timeline.incident_ms == 4_000 and [m.lap for m in timeline.laps] == [2, 3]


def test_unknown_clips_are_named_in_the_error() -> None:
    timeline = ReviewTimeline()
    with pytest.raises(KeyError, match="ghost"):
        timeline.set_focus("ghost")
    with pytest.raises(ValueError, match="no frame list"):
        ClipTrack("bare", 0).nudged(0, 1)
