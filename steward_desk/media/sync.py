"""Joint playback on one race clock: the app owns the clock, the players follow it.

The clock is monotonic time × rate from where playback started (DESIGN decision 2: never
libVLC's `get_time()`). On play, every clip is parked on its aligned position (race − offset)
and all start together once they are ready. A clip whose race span has not begun waits on
its first frame and starts when the clock reaches its offset; one past its end holds.

Drift: libVLC's time only changes every ~250 ms, and when it changes it names (near enough)
the picture being shown (measured with stamped clips). So each *change* is one sample of
`player time − race clock`, taken against the clock halfway between the two ticks that
bracket it; the median of the last few samples is the clip's drift. A drift every clip
shares moves the clock instead of the clips. A clip more than one frame off on its own (two
estimates in a row, and beyond the measuring floor) wins the time back by playing a little
faster or slower for about a second, since a seek while playing lands anywhere within
~100–300 ms; only a large drift (a stall, a start far off) is re-aligned by a seek, leading by
the seek latency learnt from earlier ones, and a clip that keeps losing time fast is
re-aligned less and less often (a machine that cannot decode fast enough only gets slower
with more seeks). Sound comes from the focused clip only.

What a steward sees must be on the clock: `on_clock()` says when a clip's libVLC picture can
be shown, i.e. once its own measured drift is within tolerance (until then, after a start or a
re-alignment, the review shows exact frames at the clock instead), and no longer once it is
more than twice that off.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from steward_desk.media.player import Player

SAMPLES = 5  # fresh samples in the drift median
MIN_SAMPLES = 3  # fewer than this: no verdict on drift yet
# libVLC's time reports are off the picture by up to ~30 ms depending on the codec (measured
# with stamped clips: exact for H.264 MKV, ±30 ms for VP9 and 30 fps MP4). A clip is re-aligned
# when two estimates in a row put it more than max(one frame, this floor) off the clock.
MEASURE_FLOOR_MS = 25.0
PARK_TOLERANCE_MS = 300  # a paused seek counts as landed this close to its target
MOVING_MS = 100  # reported progress after a (re)start that shows the picture is moving
# Drift below this is won back by playing the clip a little faster or slower for about TRIM_S
# (2–25 % off speed: a fifth of a second back in a second is hard to see); beyond it (a
# stall, a start far off) a seek is quicker.
SEEK_BEYOND_MS = 400.0
TRIM_S = 1.0
MIN_TRIM = 0.02
MAX_TRIM = 0.25
TRIM_SHARE = 0.7
# A clip that drifts fast (more than 5 % of the time since its last re-alignment) is one the
# machine cannot decode in time; seeking again costs a keyframe decode and makes it worse. So
# each such re-alignment doubles the least time before the next one (1 s up to 8 s); a slow
# drift (clock skew) resets it.
MIN_BACKOFF_S = 1.0
MAX_BACKOFF_S = 8.0
STARVED_RATE = 0.05
# A clip on the clock stops counting as such when its drift passes this many tolerances (the
# gap gives hysteresis, so a picture does not flicker between libVLC's and exact frames).
OFF_CLOCK_TOLERANCES = 2.0


class RaceClock:
    """Race time from a monotonic clock: position = start + (now − t0) × rate."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._anchor_ms = 0.0
        self._anchor_t = now()
        self._rate = 1.0
        self.running = False

    def position(self, at: float | None = None) -> float:
        """Race ms now (or at monotonic time `at`)."""
        if not self.running:
            return self._anchor_ms
        t = self._now() if at is None else at
        return self._anchor_ms + max(0.0, t - self._anchor_t) * 1000 * self._rate

    def start(self, race_ms: float, rate: float, delay_s: float = 0.0) -> None:
        """Run from `race_ms` at `rate`, holding still for `delay_s` first (the time players
        take to show their first picture after being told to go)."""
        self._anchor_ms, self._anchor_t, self._rate = race_ms, self._now() + delay_s, rate
        self.running = True

    def stop(self) -> float:
        """Stop and return where the clock stopped."""
        self._anchor_ms = self.position()
        self.running = False
        return self._anchor_ms

    def seek(self, race_ms: float) -> None:
        self._anchor_ms, self._anchor_t = race_ms, self._now()

    def set_rate(self, rate: float) -> None:
        self._anchor_ms, self._anchor_t = self.position(), max(self._now(), self._anchor_t)
        self._rate = rate

    def shift(self, delta_ms: float) -> None:
        """Move the running clock by `delta_ms` without changing its pace."""
        self._anchor_ms += delta_ms

    @property
    def rate(self) -> float:
        return self._rate


class Phase(StrEnum):
    """Where a clip is relative to the race clock."""

    WAITING = "waiting"  # the clock has not reached the clip's first frame
    RUNNING = "running"
    HOLDING = "holding"  # past the clip's last frame, or playback is backwards


@dataclass
class SyncedClip:
    """One clip under the controller: its player and its place on the race clock."""

    clip_id: str
    player: Player
    offset_ms: int
    duration_ms: float | None = None
    frame_ms: float = 1000 / 30  # one frame: the drift tolerance


@dataclass
class ClipDrift:
    """What the controller measured about one clip since playback last started."""

    estimate_ms: float | None = None  # median of recent samples; + means the clip is ahead
    max_abs_ms: float = 0.0  # the largest |estimate| seen
    corrections: int = 0  # re-alignments (seeks while playing)
    trims: int = 0  # small drifts won back by a short change of speed
    samples: deque[float] = field(default_factory=lambda: deque(maxlen=SAMPLES))


@dataclass
class _ClipState:
    clip: SyncedClip
    drift: ClipDrift = field(default_factory=ClipDrift)
    phase: Phase = Phase.HOLDING
    last_position: int | None = None
    parked_at: int | None = None  # where a paused seek left the player before the start
    settle_until: float = 0.0
    changed_at: float = 0.0  # when the player's reported time last changed
    first_estimate: bool = True  # the next estimate measures the start latency
    over_sign: bool | None = None  # the last estimate was over tolerance: ahead (True)/behind
    last_correction: float | None = None
    backoff_s: float = MIN_BACKOFF_S  # the least time between two re-alignments
    judge_correction: bool = False  # the next estimate tells whether the last one held
    moving: bool = False  # its time has moved on since it was last started or re-aligned
    moved_from: int | None = None  # the first time it reported after (re)starting
    trim_until: float | None = None  # playing slightly off speed until then, to win back drift
    fresh_estimate: bool = False  # an estimate not yet acted on
    on_clock: bool = False  # its measured drift is within tolerance (its picture can show)
    stall_wait_s: float = MIN_BACKOFF_S  # no progress for this long counts as a stall
    act_at_once: bool = False  # the fresh estimate is the start's: correct it without a second
    seek_lead_ms: float = 80.0  # libVLC restarts this much behind a seek while playing


class SyncController:
    """Plays several clips together on one race clock; call `tick()` every 20–50 ms."""

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        *,
        start_timeout_s: float = 0.6,
        settle_s: float = 0.5,
    ) -> None:
        self._now = now
        self.clock = RaceClock(now)
        self._clips: dict[str, _ClipState] = {}
        self._focus: str | None = None
        self._start_timeout_s = start_timeout_s
        self._settle_s = settle_s
        self._starting_until: float | None = None
        self._want_playing = False
        self._last_tick: float | None = None
        self._rate = 1.0
        self.clock_shifts = 0  # how often the clock moved to where all the clips were
        # How long libVLC players take from "go" to their first moving picture; the clock
        # waits that long so the pictures do not start behind it (learnt from each start).
        self.start_latency_s = 0.1

    # -- set-up ----------------------------------------------------------------------------
    def set_clips(self, clips: Iterable[SyncedClip]) -> None:
        """The clips to play (players are owned, and closed, by the caller)."""
        self._clips = {c.clip_id: _ClipState(c) for c in clips}
        self._apply_audio()

    def clip_ids(self) -> list[str]:
        return list(self._clips)

    def set_offset(self, clip_id: str, offset_ms: int) -> None:
        """A clip was re-aligned (sync here, nudge): re-park it on the clock."""
        state = self._clips[clip_id]
        state.clip.offset_ms = offset_ms
        state.phase = Phase.HOLDING  # the next tick seeks it to its new place
        if not self._want_playing:
            state.clip.player.seek(max(0, round(self.position() - offset_ms)))

    def set_focus(self, clip_id: str | None) -> None:
        """Sound from this clip only."""
        self._focus = clip_id
        self._apply_audio()

    def _apply_audio(self) -> None:
        for clip_id, state in self._clips.items():
            state.clip.player.set_muted(clip_id != self._focus)

    def drift(self, clip_id: str) -> ClipDrift:
        return self._clips[clip_id].drift

    def phase(self, clip_id: str) -> Phase:
        return self._clips[clip_id].phase

    def on_clock(self, clip_id: str) -> bool:
        """True when the clip's libVLC picture is measured to be on the race clock: running,
        moving since it was last (re)started, and its drift estimate within tolerance (kept
        until it passes OFF_CLOCK_TOLERANCES times that)."""
        state = self._clips[clip_id]
        return state.phase == Phase.RUNNING and state.moving and state.on_clock

    def moving(self, clip_id: str) -> bool:
        """True once the clip's player has reported new times since it was last started or
        re-aligned: a seek has landed and its picture is from the new place (libVLC reports
        the seek's target at once, but keeps showing the old picture until it has decoded)."""
        state = self._clips[clip_id]
        return state.phase == Phase.RUNNING and state.moving

    # -- transport ---------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """True from `play()` until `pause()` (including the moment the clips get ready)."""
        return self._want_playing

    @property
    def started(self) -> bool:
        """True once the race clock runs (every clip was ready, or the wait timed out)."""
        return self.clock.running

    @property
    def rate(self) -> float:
        return self._rate

    def position(self) -> int:
        """The race clock in ms."""
        return round(self.clock.position())

    def play(self, race_ms: int, rate: float | None = None) -> None:
        """Start every clip from its aligned position; the clock starts when they are ready.

        A negative rate runs the clock backwards with the players held (pictures then come
        from the frame server)."""
        if rate is not None:
            self._rate = rate
        self.clock.stop()
        self.clock.seek(race_ms)
        self._want_playing = True
        for state in self._clips.values():
            state.drift = ClipDrift()
            state.last_position = None
            state.phase = Phase.HOLDING
            state.trim_until = None
            state.on_clock = False
            state.clip.player.pause()
            state.clip.player.set_rate(abs(self._rate))
            content = race_ms - state.clip.offset_ms
            state.parked_at = max(0, round(content))
            state.clip.player.seek(state.parked_at)
        self._starting_until = self._now() + self._start_timeout_s

    def pause(self) -> int:
        """Stop the clock and every player; returns the race time stopped at."""
        self._want_playing = False
        self._starting_until = None
        race = self.clock.stop()
        for state in self._clips.values():
            state.clip.player.pause()
            state.phase = Phase.HOLDING
        return round(race)

    def seek(self, race_ms: int) -> None:
        """Jump the clock (and, when playing, every clip) to `race_ms`."""
        if self._want_playing:
            self.play(race_ms)
            return
        self.clock.seek(race_ms)
        for state in self._clips.values():
            state.clip.player.seek(max(0, round(race_ms - state.clip.offset_ms)))

    def set_rate(self, rate: float) -> None:
        """Change speed for every clip at once (rates stay linked)."""
        backwards_changed = (rate < 0) != (self._rate < 0)
        self._rate = rate
        if self._want_playing and backwards_changed:
            self.play(self.position())
            return
        self.clock.set_rate(rate)
        for state in self._clips.values():
            state.clip.player.set_rate(abs(rate))
            state.trim_until = None
            state.settle_until = self._now() + self._settle_s
            state.drift.samples.clear()

    # -- the heartbeat ----------------------------------------------------------------------------
    def tick(self) -> int:
        """Keep the clips on the clock; returns the race position."""
        now = self._now()
        previous, self._last_tick = self._last_tick, now
        for state in self._clips.values():
            state.clip.player.poll()
        if self._want_playing and not self.clock.running:
            self._try_start(now)
            return self.position()
        if not self.clock.running:
            return self.position()
        mid = now if previous is None else (previous + now) / 2
        for state in self._clips.values():
            self._follow(state, now, mid)
        self._follow_common(now)
        for state in self._clips.values():
            if state.phase == Phase.RUNNING:
                self._correct(state, now)
        return self.position()

    def _follow_common(self, now: float) -> None:
        """When every playing libVLC clip is off the clock the same way (they all started
        late, or the sound card's clock runs slow), move the clock, not the clips: that is
        free, while a seek costs a keyframe decode and is itself only roughly placed."""
        estimates = [
            s.drift.estimate_ms
            for s in self._clips.values()
            if s.phase == Phase.RUNNING
            and s.clip.player.draws_video
            and s.drift.estimate_ms is not None
            and len(s.drift.samples) >= MIN_SAMPLES
        ]
        running = [
            s
            for s in self._clips.values()
            if s.phase == Phase.RUNNING and s.clip.player.draws_video
        ]
        if not estimates or len(estimates) < len(running):
            return
        # Only what every clip shares: all beyond tolerance the same way, by the least of them.
        tolerance = min(max(s.clip.frame_ms, MEASURE_FLOOR_MS) for s in running)
        if all(e > tolerance for e in estimates):
            common = min(estimates)
        elif all(e < -tolerance for e in estimates):
            common = max(estimates)
        else:
            return
        self.clock.shift(common)
        self.clock_shifts += 1
        for state in self._clips.values():
            drift = state.drift
            drift.samples = deque((v - common for v in drift.samples), maxlen=SAMPLES)
            if drift.estimate_ms is not None:
                drift.estimate_ms -= common
            state.over_sign = None

    def _try_start(self, now: float) -> None:
        deadline = self._starting_until or now
        if now < deadline and not all(self._parked(s) for s in self._clips.values()):
            return
        self._starting_until = None
        video = any(s.clip.player.draws_video for s in self._clips.values())
        delay = self.start_latency_s if video and self._rate > 0 else 0.0
        self.clock.start(self.clock.position(), self._rate, delay)
        for state in self._clips.values():
            state.first_estimate = True
            self._follow(state, now, now)

    @staticmethod
    def _parked(state: _ClipState) -> bool:
        """Ready, and its paused seek has landed near where `play()` parked it (else it
        would start from wherever it was and be far off for the first second)."""
        player = state.clip.player
        if not player.ready():
            return False
        if state.parked_at is None:
            return True
        position = player.position()
        return position is not None and abs(position - state.parked_at) <= PARK_TOLERANCE_MS

    def _follow(self, state: _ClipState, now: float, mid: float) -> None:
        clip, player = state.clip, state.clip.player
        content = self.clock.position(now) - clip.offset_ms
        ended = clip.duration_ms is not None and content >= clip.duration_ms
        if self._rate < 0 or content < 0 or ended:
            phase = Phase.WAITING if content < 0 else Phase.HOLDING
            if state.phase != phase:
                player.pause()
                if content < 0:
                    player.seek(0)
                state.phase = phase
            return
        if state.phase != Phase.RUNNING:
            # Entering the clip's span (start of play, or the clock reached its offset); a
            # player already parked here by `play()` starts without another seek.
            parked, state.parked_at = state.parked_at, None
            if parked is not None and abs(parked - content) <= clip.frame_ms:
                state.settle_until = state.changed_at = now + self._settle_s
                state.moving = False
                state.moved_from = None
            else:
                self._realign(state, content, now, count=False)
            player.play()
            state.phase = Phase.RUNNING
            state.on_clock = False  # measured again before its picture counts
            return
        self._measure(state, now, mid)

    def _measure(self, state: _ClipState, now: float, mid: float) -> None:
        clip = state.clip
        position = clip.player.position()
        if position is None or position == state.last_position:
            # A player whose time stands still while the clock runs has stalled (libVLC
            # reports at least every ~250 ms of content): put it back on the clock. One that
            # is still starting (a busy machine: four 720p decoders take seconds) would be
            # sent back to the start by every seek: so each stall without progress since
            # doubles the wait before the next (1 s up to 8 s), and progress resets it.
            stalled_after = max(state.stall_wait_s, 0.6 / max(abs(self._rate), 0.1))
            if now > state.settle_until and now - state.changed_at > stalled_after:
                content = self.clock.position(now) - clip.offset_ms
                self._realign(state, content, now, count=True)
                state.changed_at = now
                state.stall_wait_s = min(state.stall_wait_s * 2, MAX_BACKOFF_S)
            return
        fresh = state.last_position is not None
        state.last_position = position
        state.changed_at = now
        if state.moved_from is None:
            state.moved_from = position
        # libVLC first reports the seek's target (and a value near it on resuming); only
        # real progress past that says its picture now comes from the new place.
        state.moving = state.moving or position - state.moved_from >= MOVING_MS
        if state.moving:
            state.stall_wait_s = MIN_BACKOFF_S
        if not fresh or now < state.settle_until:
            return
        expected = self.clock.position(mid) - clip.offset_ms
        drift = state.drift
        drift.samples.append(position - expected)
        if len(drift.samples) < MIN_SAMPLES:
            return
        estimate = statistics.median(drift.samples)
        drift.estimate_ms = estimate
        drift.max_abs_ms = max(drift.max_abs_ms, abs(estimate))
        tolerance = max(clip.frame_ms, MEASURE_FLOOR_MS)
        if abs(estimate) <= tolerance and state.moving:
            state.on_clock = True
        elif abs(estimate) > OFF_CLOCK_TOLERANCES * tolerance:
            state.on_clock = False
        if state.first_estimate:
            state.first_estimate = False
            # How a clip started is no passing jitter: win it back now, the steward is
            # watching exact frames instead until it is on the clock.
            state.act_at_once = True
            if clip.player.draws_video and drift.corrections == 0:
                # Behind at the start (negative) means the clock should wait longer next time.
                late_s = -estimate / 1000 / max(abs(self._rate), 0.1)
                self.start_latency_s = min(max(self.start_latency_s + 0.5 * late_s, 0.0), 0.5)
        if state.judge_correction:
            # The first estimate after a re-alignment is what the seek left: learn the seek's
            # latency from it.
            state.judge_correction = False
            state.seek_lead_ms = min(max(state.seek_lead_ms - estimate, 0.0), 1000.0)
        state.fresh_estimate = True

    def _correct(self, state: _ClipState, now: float) -> None:
        """Bring back a clip whose fresh drift estimate is, again, beyond tolerance: a small
        drift by a short change of speed, a large one by a seek."""
        if state.trim_until is not None:
            if now >= state.trim_until:
                self._end_trim(state, now)
            return
        if not state.fresh_estimate or state.drift.estimate_ms is None:
            return
        state.fresh_estimate = False
        clip, estimate = state.clip, state.drift.estimate_ms
        tolerance = max(clip.frame_ms, MEASURE_FLOOR_MS)
        over = abs(estimate) > tolerance
        persistent = over and (state.act_at_once or state.over_sign == (estimate > 0))
        state.act_at_once = False
        state.over_sign = (estimate > 0) if over else None
        if persistent and abs(estimate) < SEEK_BEYOND_MS:
            self._trim(state, estimate, now)
            state.over_sign = None
            return
        last = state.last_correction
        if persistent and (last is None or now - last >= state.backoff_s):
            if last is not None:
                # Drifting by more than 5 % of the time since the last re-alignment is no clock
                # skew: the clip cannot be decoded in time. Seek less often, not more.
                starved = abs(estimate) > STARVED_RATE * (now - last) * 1000
                state.backoff_s = (
                    min(state.backoff_s * 2, MAX_BACKOFF_S) if starved else MIN_BACKOFF_S
                )
            state.last_correction = now
            state.judge_correction = True
            content = self.clock.position(now) - clip.offset_ms
            self._realign(state, content, now, count=True)
            state.over_sign = None

    def _trim(self, state: _ClipState, estimate: float, now: float) -> None:
        """Win back a small drift by playing this clip a little faster or slower for a while:
        smooth and exact, where a seek while playing lands anywhere within ~100–300 ms."""
        speed = abs(self._rate)
        # Win back most of it (the estimate is a median of the last second: aiming at all of
        # it overshoots) in about TRIM_S of content time, at most MAX_TRIM off speed.
        gap = abs(estimate) * TRIM_SHARE
        trim = min(max(gap / (1000 * TRIM_S), MIN_TRIM), MAX_TRIM)
        factor = 1 - trim if estimate > 0 else 1 + trim
        state.clip.player.set_rate(speed * factor)
        state.trim_until = now + gap / (trim * 1000 * speed)
        state.drift.trims += 1

    def _end_trim(self, state: _ClipState, now: float) -> None:
        state.trim_until = None
        state.clip.player.set_rate(abs(self._rate))
        state.settle_until = now + self._settle_s
        state.drift.samples.clear()
        state.last_position = None

    def _realign(self, state: _ClipState, content: float, now: float, *, count: bool) -> None:
        state.moving = False
        state.on_clock = False
        state.moved_from = None
        lead = state.seek_lead_ms * abs(self._rate) if count else 0.0
        state.clip.player.seek(max(0, round(content + lead)))
        state.settle_until = now + self._settle_s
        state.changed_at = now
        state.drift.samples.clear()
        state.last_position = None
        if count:
            state.drift.corrections += 1
