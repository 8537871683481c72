"""Joint playback on one race clock: the app owns the clock, the players follow it.

The clock (race_clock) is monotonic time × rate from where playback started (DESIGN decision
2: never libVLC's `get_time()`). On play, every clip is parked on its aligned position
(race − offset) and all start together once they are ready; the clock waits the start latency
learnt from earlier starts, so the pictures do not start behind it. Each clip is then kept on
the clock by its follower (clip_follower): drift measured from its time reports
(clip_drift), its picture shown only while on the clock (on_clock), small drifts won back by
a change of speed (speed_trim), large ones by a seek spaced out for a clip that cannot keep
up (realign_backoff). A drift every clip shares moves the clock instead of the clips. Sound
comes from the focused clip only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from steward_desk.media.clip_drift import MIN_SAMPLES, ClipDrift, tolerance_ms
from steward_desk.media.clip_follower import ClipFollower, Phase, SyncedClip
from steward_desk.media.race_clock import RaceClock

# Callers import the clock, the clip and its phase from here, beside the controller.
__all__ = ["ClipDrift", "Phase", "RaceClock", "SyncController", "SyncedClip"]


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
        self._clips: dict[str, ClipFollower] = {}
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
        self._clips = {c.clip_id: ClipFollower(c, self.clock, self._settle_s) for c in clips}
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

    def report_gap_s(self, clip_id: str) -> float:
        """The longest gap between the clip's time reports lately, in content seconds: 1.5×
        it without a report counts as a stall."""
        return self._clips[clip_id].report_gap.content_s

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
            state.park(race_ms, self._rate)
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
            state.change_speed(rate, self._now())

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
        self._follow_common()
        for state in self._clips.values():
            if state.phase == Phase.RUNNING:
                state.correct(now, self._rate)
        return self.position()

    def _follow_common(self) -> None:
        """When every playing libVLC clip is off the clock the same way (they all started
        late, or the sound card's clock runs slow), move the clock, not the clips: that is
        free, while a seek costs a keyframe decode and is itself only roughly placed."""
        running = [
            s
            for s in self._clips.values()
            if s.phase == Phase.RUNNING and s.clip.player.draws_video
        ]
        estimates = [
            s.drift.estimate_ms
            for s in running
            if s.drift.estimate_ms is not None and len(s.drift.samples) >= MIN_SAMPLES
        ]
        if not estimates or len(estimates) < len(running):
            return
        # Only what every clip shares: all beyond tolerance the same way, by the least of them.
        tolerance = min(tolerance_ms(s.clip.frame_ms) for s in running)
        if all(e > tolerance for e in estimates):
            common = min(estimates)
        elif all(e < -tolerance for e in estimates):
            common = max(estimates)
        else:
            return
        self.clock.shift(common)
        self.clock_shifts += 1
        for state in self._clips.values():
            state.clock_shifted(common)

    def _try_start(self, now: float) -> None:
        deadline = self._starting_until or now
        if now < deadline and not all(s.parked() for s in self._clips.values()):
            return
        self._starting_until = None
        video = any(s.clip.player.draws_video for s in self._clips.values())
        delay = self.start_latency_s if video and self._rate > 0 else 0.0
        self.clock.start(self.clock.position(), self._rate, delay)
        for state in self._clips.values():
            state.first_estimate = True
            self._follow(state, now, now)

    def _follow(self, state: ClipFollower, now: float, mid: float) -> None:
        start_estimate = state.follow(now, mid, self._rate)
        if (
            start_estimate is not None
            and state.clip.player.draws_video
            and state.drift.corrections == 0
        ):
            # Behind at the start (negative) means the clock should wait longer next time.
            late_s = -start_estimate / 1000 / max(abs(self._rate), 0.1)
            self.start_latency_s = min(max(self.start_latency_s + 0.5 * late_s, 0.0), 0.5)
