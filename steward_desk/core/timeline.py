"""Clips on one race clock: alignment math and the review timeline model.

Every clip of an incident is placed on the race clock by its offset: the race time (ms) of its
first video frame. Content time is the clip's own time, 0 at its first frame (DESIGN decision
3), so `race = offset + content`. A clip shows, at content time c, the last frame whose
pts ≤ c; the functions here work on that frame list (content ms, ascending, first = 0) and
never on a nominal frame rate, so variable-frame-rate files step exactly.

`ReviewTimeline` is the Qt-free model of the review workspace (napari's dims pattern): the
views write user moves into it and repaint from its events; it emits an event only when a
value really changes, so a view that writes a value never hears its own echo as a new value.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

T = TypeVar("T")

MIN_RATE = 0.1
MAX_RATE = 2.0
# The speeds `[` and `]` walk through: slow motion for the point of contact, 1× for intent.
RATE_STEPS: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
# Used to step when no clip has a frame list (every file missing): one frame at 30 fps.
FALLBACK_FRAME_MS = 33


class Event(Generic[T]):
    """A list of callbacks called with the new value, in the order they connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> None:
        """Call `callback(value)` on every emit; connecting twice is a no-op."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[T], object]) -> None:
        """Stop calling `callback`; unknown callbacks are ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        """Call every connected callback with `value` (a copy of the list, so callbacks may
        disconnect themselves)."""
        for callback in list(self._callbacks):
            callback(value)


def frame_index_at(pts_ms: Sequence[int], content_ms: int) -> int:
    """Index of the frame shown at `content_ms`: the last with pts ≤ content_ms; -1 before
    the first frame (or when the list is empty)."""
    return bisect.bisect_right(pts_ms, content_ms) - 1


def sync_offsets(content_positions: Mapping[str, int], race_ms: int) -> dict[str, int]:
    """ "Sync here": every clip is parked on the same event at content time `c`; make that
    moment race time `race_ms` on all of them (offset = race − content)."""
    return {clip_id: race_ms - content for clip_id, content in content_positions.items()}


@dataclass(frozen=True, slots=True)
class ClipTrack:
    """One clip on the race clock: its offset, length and frame list (content ms)."""

    clip_id: str
    offset_ms: int
    duration_ms: int | None = None
    frame_pts_ms: tuple[int, ...] = ()

    @property
    def end_ms(self) -> int | None:
        """Race time just after the clip's last frame, when its length is known."""
        return None if self.duration_ms is None else self.offset_ms + self.duration_ms

    def content_ms(self, race_ms: int) -> int:
        """The clip's own time at race time `race_ms` (negative before the clip starts)."""
        return race_ms - self.offset_ms

    def race_ms(self, content_ms: int) -> int:
        """Race time of the clip's content time `content_ms`."""
        return self.offset_ms + content_ms

    def frame_index(self, race_ms: int) -> int:
        """Index of the frame this clip shows at `race_ms`; -1 before its first frame or when
        its frame list is unknown."""
        return frame_index_at(self.frame_pts_ms, self.content_ms(race_ms))

    def covers(self, race_ms: int) -> bool:
        """True when the clip has a frame to show at `race_ms` (its last frame holds until
        its end)."""
        end = self.end_ms
        return race_ms >= self.offset_ms and (end is None or race_ms < end)

    def step_target(self, race_ms: int, frames: int) -> int | None:
        """Race time at which this clip shows the frame `frames` away from the one it shows
        at `race_ms` (the start of that frame, so it is exact both ways); None when the clip
        has no frame list or the step would leave the clip."""
        pts = self.frame_pts_ms
        if not pts:
            return None
        # From before the clip's first frame (index -1), one step forward is frame 0.
        target = frame_index_at(pts, self.content_ms(race_ms)) + frames
        if not 0 <= target < len(pts):
            return None
        return self.offset_ms + pts[target]

    def nudged(self, race_ms: int, frames: int) -> ClipTrack:
        """The same clip shifted so that, at `race_ms`, it shows the frame `frames` away from
        the one it shows now, while every other clip stays where it is.

        The clip keeps its phase inside the frame (how far `race_ms` is past the frame's
        start) unless the new frame is shorter, so repeated nudges do not creep. Raises
        ValueError when the frame list is unknown.
        """
        pts = self.frame_pts_ms
        if not pts:
            raise ValueError(f"clip {self.clip_id} has no frame list to nudge by")
        content = self.content_ms(race_ms)
        index = frame_index_at(pts, content)
        phase = content - pts[index] if index >= 0 else 0
        target = min(max(index + frames, 0), len(pts) - 1)
        if target + 1 < len(pts):
            phase = min(phase, pts[target + 1] - pts[target] - 1)
        return replace(self, offset_ms=race_ms - (pts[target] + max(phase, 0)))


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A moment a steward marked: race time, a label and a colour (#rrggbb)."""

    id: str
    race_ms: int
    label: str
    colour: str = "#f5c518"


@dataclass(frozen=True, slots=True)
class LapMark:
    """Where a lap starts on the race clock (from imported results)."""

    lap: int
    race_ms: int


@dataclass(frozen=True, slots=True)
class LoopRange:
    """The A-B loop: playback returns to `start_ms` on reaching `end_ms`."""

    start_ms: int
    end_ms: int

    def __post_init__(self) -> None:
        if self.end_ms <= self.start_ms:
            raise ValueError(
                f"loop end {self.end_ms} ms must be after its start {self.start_ms} ms"
            )

    def wrap(self, race_ms: int) -> int:
        """Where playback should be: back at the start once past the end."""
        return self.start_ms if race_ms >= self.end_ms else race_ms


def clamp_rate(rate: float) -> float:
    """The playback rate kept within 0.1×–2× in magnitude, its sign (direction) kept."""
    sign = -1.0 if rate < 0 else 1.0
    return sign * min(max(abs(rate), MIN_RATE), MAX_RATE)


def next_rate(rate: float, steps: int) -> float:
    """The rate `steps` notches up (or down) the ladder of RATE_STEPS, direction kept."""
    sign = -1.0 if rate < 0 else 1.0
    here = min(range(len(RATE_STEPS)), key=lambda i: abs(RATE_STEPS[i] - abs(rate)))
    there = min(max(here + steps, 0), len(RATE_STEPS) - 1)
    return sign * RATE_STEPS[there]


@dataclass
class TimelineEvents:
    """What a view can listen to on a ReviewTimeline."""

    position: Event[int] = field(default_factory=Event)
    playing: Event[bool] = field(default_factory=Event)
    rate: Event[float] = field(default_factory=Event)
    focus: Event[str | None] = field(default_factory=Event)
    tracks: Event[tuple[ClipTrack, ...]] = field(default_factory=Event)
    offset: Event[ClipTrack] = field(default_factory=Event)
    loop: Event[tuple[int | None, int | None]] = field(default_factory=Event)
    bookmarks: Event[tuple[Bookmark, ...]] = field(default_factory=Event)
    marks: Event[tuple[int | None, tuple[LapMark, ...]]] = field(default_factory=Event)


class ReviewTimeline:
    """The state of one incident's review: clips, race position, playback, loop, bookmarks.

    Pure state and rules; no clock, no video. Setters clamp bad input into range (a rate of 5
    becomes 2) and emit only when the stored value changes.
    """

    def __init__(self) -> None:
        self.events = TimelineEvents()
        self._tracks: dict[str, ClipTrack] = {}
        self._position = 0
        self._playing = False
        self._rate = 1.0
        self._focus: str | None = None
        self._loop_in: int | None = None
        self._loop_out: int | None = None
        self._bookmarks: tuple[Bookmark, ...] = ()
        self._incident_ms: int | None = None
        self._laps: tuple[LapMark, ...] = ()

    # -- clips ---------------------------------------------------------------------------
    @property
    def tracks(self) -> tuple[ClipTrack, ...]:
        """The clips in tile order."""
        return tuple(self._tracks.values())

    def track(self, clip_id: str) -> ClipTrack:
        """The clip with this id; KeyError names it when unknown."""
        try:
            return self._tracks[clip_id]
        except KeyError:
            raise KeyError(f"no clip {clip_id!r} on this timeline") from None

    def set_tracks(self, tracks: Iterable[ClipTrack]) -> None:
        """Replace the clips (opening an incident); focus moves to the first clip."""
        self._tracks = {t.clip_id: t for t in tracks}
        self.events.tracks.emit(self.tracks)
        if self._focus not in self._tracks:
            self.set_focus(next(iter(self._tracks), None))
        self.set_position(self._position)

    def update_track(self, track: ClipTrack) -> None:
        """Store a changed clip (e.g. its frame list arrived, or a new offset)."""
        old = self._tracks.get(track.clip_id)
        if old == track:
            return
        self._tracks[track.clip_id] = track
        if old is not None and old.offset_ms != track.offset_ms:
            self.events.offset.emit(track)
        self.events.tracks.emit(self.tracks)

    def set_offsets(self, offsets: Mapping[str, int]) -> None:
        """New offsets for some clips (after "sync here"); unknown ids raise KeyError."""
        for clip_id, offset in offsets.items():
            self.update_track(replace(self.track(clip_id), offset_ms=offset))

    def sync_here(self, content_positions: Mapping[str, int]) -> dict[str, int]:
        """Every clip's current content position becomes the current race time; returns the
        new offsets (clip id → ms) for saving."""
        offsets = sync_offsets(content_positions, self._position)
        self.set_offsets(offsets)
        return offsets

    def nudge_focused(self, frames: int) -> ClipTrack | None:
        """Shift the focused clip by `frames` frames against the others (Alt+←/→); returns
        the changed clip, or None when there is no focused clip with a frame list."""
        if self._focus is None:
            return None
        track = self._tracks[self._focus]
        if not track.frame_pts_ms:
            return None
        moved = track.nudged(self._position, frames)
        self.update_track(moved)
        return moved

    def span(self) -> tuple[int, int]:
        """The race-time range the clips cover (0–60 s when nothing is known yet)."""
        if not self._tracks:
            return (0, 60_000)
        starts = [t.offset_ms for t in self._tracks.values()]
        ends = [t.end_ms for t in self._tracks.values() if t.end_ms is not None]
        start = min(starts)
        end = max(ends) if ends else start + 60_000
        return (start, max(end, start + 1))

    # -- position and playback -------------------------------------------------------------
    @property
    def position_ms(self) -> int:
        """The race time on screen."""
        return self._position

    def set_position(self, race_ms: int) -> None:
        """Move to `race_ms`, clamped to the clips' span."""
        start, end = self.span()
        race_ms = min(max(int(race_ms), start), end)
        if race_ms != self._position:
            self._position = race_ms
            self.events.position.emit(race_ms)

    def jump(self, delta_ms: int) -> None:
        """Move by `delta_ms` (Shift+←/→ one second, Ctrl+←/→ ten)."""
        self.set_position(self._position + delta_ms)

    def step_frames(self, frames: int) -> None:
        """Move so the focused clip (else the first with a frame list) shows the frame
        `frames` away from the one it shows now; exact both ways."""
        candidates = [self._tracks[self._focus]] if self._focus in self._tracks else []
        candidates += [t for t in self._tracks.values() if t.frame_pts_ms]
        for track in candidates:
            target = track.step_target(self._position, frames)
            if target is not None:
                self.set_position(target)
                return
        self.jump(frames * FALLBACK_FRAME_MS)

    @property
    def playing(self) -> bool:
        return self._playing

    def set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.events.playing.emit(playing)

    @property
    def rate(self) -> float:
        """Signed playback rate: negative plays backwards (J shuttle)."""
        return self._rate

    def set_rate(self, rate: float) -> None:
        rate = clamp_rate(rate)
        if rate != self._rate:
            self._rate = rate
            self.events.rate.emit(rate)

    def shuttle(self, direction: int) -> None:
        """J (direction −1) and L (+1): start playing that way at 1×, or one notch faster
        when already playing that way."""
        if self._playing and (self._rate > 0) == (direction > 0):
            self.set_rate(next_rate(self._rate, 1))
        else:
            self.set_rate(float(direction))
            self.set_playing(True)

    @property
    def focus(self) -> str | None:
        """The clip whose sound plays and which nudges and steps act on."""
        return self._focus

    def set_focus(self, clip_id: str | None) -> None:
        if clip_id is not None and clip_id not in self._tracks:
            raise KeyError(f"no clip {clip_id!r} on this timeline")
        if clip_id != self._focus:
            self._focus = clip_id
            self.events.focus.emit(clip_id)

    # -- loop --------------------------------------------------------------------------
    @property
    def loop(self) -> LoopRange | None:
        """The active A-B loop: both ends set and in before out."""
        a, b = self._loop_in, self._loop_out
        if a is None or b is None or b <= a:
            return None
        return LoopRange(a, b)

    @property
    def loop_marks(self) -> tuple[int | None, int | None]:
        """The loop's in and out points as set, even when not (yet) a valid loop."""
        return (self._loop_in, self._loop_out)

    def set_loop_in(self, race_ms: int | None = None) -> None:
        """I: the loop starts here (an out point before it is dropped)."""
        race_ms = self._position if race_ms is None else race_ms
        if self._loop_out is not None and self._loop_out <= race_ms:
            self._loop_out = None
        self._set_loop(race_ms, self._loop_out)

    def set_loop_out(self, race_ms: int | None = None) -> None:
        """O: the loop ends here (an in point after it is dropped)."""
        race_ms = self._position if race_ms is None else race_ms
        if self._loop_in is not None and self._loop_in >= race_ms:
            self._loop_in = None
        self._set_loop(self._loop_in, race_ms)

    def clear_loop(self) -> None:
        self._set_loop(None, None)

    def _set_loop(self, a: int | None, b: int | None) -> None:
        if (a, b) != (self._loop_in, self._loop_out):
            self._loop_in, self._loop_out = a, b
            self.events.loop.emit((a, b))

    # -- bookmarks and marks --------------------------------------------------------------
    @property
    def bookmarks(self) -> tuple[Bookmark, ...]:
        """Bookmarks in race-time order."""
        return self._bookmarks

    def set_bookmarks(self, bookmarks: Iterable[Bookmark]) -> None:
        ordered = tuple(sorted(bookmarks, key=lambda b: (b.race_ms, b.id)))
        if ordered != self._bookmarks:
            self._bookmarks = ordered
            self.events.bookmarks.emit(ordered)

    def add_bookmark(self, bookmark: Bookmark) -> None:
        self.set_bookmarks([*(b for b in self._bookmarks if b.id != bookmark.id), bookmark])

    def remove_bookmark(self, bookmark_id: str) -> None:
        self.set_bookmarks(b for b in self._bookmarks if b.id != bookmark_id)

    @property
    def incident_ms(self) -> int | None:
        """The race time the reports gave for the incident."""
        return self._incident_ms

    @property
    def laps(self) -> tuple[LapMark, ...]:
        return self._laps

    def set_marks(self, incident_ms: int | None, laps: Iterable[LapMark]) -> None:
        """The incident's reported time and the lap starts, for the scrubber."""
        ordered = tuple(sorted(laps, key=lambda m: m.race_ms))
        if (incident_ms, ordered) != (self._incident_ms, self._laps):
            self._incident_ms, self._laps = incident_ms, ordered
            self.events.marks.emit((incident_ms, ordered))
