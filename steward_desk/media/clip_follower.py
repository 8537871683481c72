"""One clip under the sync controller: its place on the race clock and how it is kept there.

A clip parks paused on its aligned position (race − offset) until the controller starts the
clock; it waits on its first frame while the clock has not reached its offset and holds past
its end. While it runs, each new time its player reports is a drift sample (clip_drift), the
estimate decides whether its picture may show (on_clock), and a clip more than one frame off
on its own (two estimates in a row, and beyond the measuring floor) is brought back: a small
drift by a short change of speed (speed_trim), a large one by a seek that leads by the seek
latency learnt from earlier ones, spaced out for a clip that stalls or starves
(realign_backoff).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from steward_desk.media.clip_drift import ClipDrift, tolerance_ms
from steward_desk.media.on_clock import on_clock_after
from steward_desk.media.player import Player
from steward_desk.media.race_clock import RaceClock
from steward_desk.media.realign_backoff import Backoff, ReportGap, stalled_after_s, starved
from steward_desk.media.speed_trim import speed_trim, trimmable

PARK_TOLERANCE_MS = 300  # a paused seek counts as landed this close to its target
MOVING_MS = 100  # reported progress after a (re)start that shows the picture is moving


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
class ClipFollower:
    """What the controller keeps about one clip, and the steps that keep it on `clock`.

    `rate` arguments are the controller's signed playback rate; `settle_s` is how long after a
    (re)start or a change of speed the player's reports are not yet taken as drift."""

    clip: SyncedClip
    clock: RaceClock
    settle_s: float
    drift: ClipDrift = field(default_factory=ClipDrift)
    phase: Phase = Phase.HOLDING
    last_position: int | None = None
    parked_at: int | None = None  # where a paused seek left the player before the start
    settle_until: float = 0.0
    changed_at: float = 0.0  # when the player's reported time last changed
    first_estimate: bool = True  # the next estimate measures the start latency
    over_sign: bool | None = None  # the last estimate was over tolerance: ahead (True)/behind
    last_correction: float | None = None
    realign_backoff: Backoff = field(default_factory=Backoff)
    judge_correction: bool = False  # the next estimate tells whether the last one held
    moving: bool = False  # its time has moved on since it was last started or re-aligned
    moved_from: int | None = None  # the first time it reported after (re)starting
    trim_until: float | None = None  # playing slightly off speed until then, to win back drift
    fresh_estimate: bool = False  # an estimate not yet acted on
    on_clock: bool = False  # its measured drift is within tolerance (its picture can show)
    stall_backoff: Backoff = field(default_factory=Backoff)  # no progress this long: a stall
    report_gap: ReportGap = field(default_factory=ReportGap)  # how often its player reports
    act_at_once: bool = False  # the fresh estimate is the start's: correct it without a second
    seek_lead_ms: float = 80.0  # libVLC restarts this much behind a seek while playing

    def _content(self, at: float) -> float:
        """Where in its own file the clip should be at monotonic time `at`."""
        return self.clock.position(at) - self.clip.offset_ms

    # -- transport ---------------------------------------------------------------------------
    def park(self, race_ms: float, rate: float) -> None:
        """Pause the player on its aligned position for `race_ms`, measurements reset, to
        start with the others once every clip has landed there."""
        self.drift = ClipDrift()
        self.last_position = None
        self.phase = Phase.HOLDING
        self.trim_until = None
        self.on_clock = False
        player = self.clip.player
        player.pause()
        player.set_rate(abs(rate))
        content = race_ms - self.clip.offset_ms
        self.parked_at = max(0, round(content))
        player.seek(self.parked_at)

    def parked(self) -> bool:
        """Ready, and its paused seek has landed near where `park()` put it (else it would
        start from wherever it was and be far off for the first second)."""
        player = self.clip.player
        if not player.ready():
            return False
        if self.parked_at is None:
            return True
        position = player.position()
        return position is not None and abs(position - self.parked_at) <= PARK_TOLERANCE_MS

    def change_speed(self, rate: float, now: float) -> None:
        """Follow a change of speed; samples from before it say nothing about after."""
        self.clip.player.set_rate(abs(rate))
        self.trim_until = None
        self.settle_until = now + self.settle_s
        self.drift.samples.clear()

    def clock_shifted(self, delta_ms: float) -> None:
        """The controller moved the clock by `delta_ms` to where every clip was."""
        self.drift.clock_shifted(delta_ms)
        self.over_sign = None

    # -- the heartbeat ----------------------------------------------------------------------------
    def follow(self, now: float, mid: float, rate: float) -> float | None:
        """One tick: start, hold or measure the clip against the clock (`mid`: halfway since
        the last tick). Returns the first drift estimate after a start, which tells how late
        the player showed its first picture, else None."""
        clip, player = self.clip, self.clip.player
        content = self._content(now)
        ended = clip.duration_ms is not None and content >= clip.duration_ms
        if rate < 0 or content < 0 or ended:
            phase = Phase.WAITING if content < 0 else Phase.HOLDING
            if self.phase != phase:
                player.pause()
                if content < 0:
                    player.seek(0)
                self.phase = phase
            return None
        if self.phase != Phase.RUNNING:
            self._enter(content, now, rate)
            return None
        return self._measure(now, mid, rate)

    def _enter(self, content: float, now: float, rate: float) -> None:
        """Enter the clip's span (start of play, or the clock reached its offset); a player
        already parked here starts without another seek."""
        parked, self.parked_at = self.parked_at, None
        if parked is not None and abs(parked - content) <= self.clip.frame_ms:
            self.settle_until = self.changed_at = now + self.settle_s
            self.moving = False
            self.moved_from = None
        else:
            self._realign(content, now, rate, count=False)
        self.clip.player.play()
        self.phase = Phase.RUNNING
        self.on_clock = False  # measured again before its picture counts

    def _measure(self, now: float, mid: float, rate: float) -> float | None:
        clip = self.clip
        position = clip.player.position()
        if position is None or position == self.last_position:
            # A player whose time stands still while the clock runs, for longer than its own
            # reports are apart, has stalled: put it back on the clock, less and less often
            # while it makes no progress.
            stalled_after = stalled_after_s(self.stall_backoff, self.report_gap, rate)
            if now > self.settle_until and now - self.changed_at > stalled_after:
                self._realign(self._content(now), now, rate, count=True)
                self.changed_at = now
                self.stall_backoff.lengthen()
                self.drift.stalls += 1
            return None
        fresh = self.last_position is not None
        if fresh and now >= self.settle_until:
            self.report_gap.add(now - self.changed_at, rate)  # a gap in steady playing
        self.last_position = position
        self.changed_at = now
        if self.moved_from is None:
            self.moved_from = position
        # libVLC first reports the seek's target (and a value near it on resuming); only
        # real progress past that says its picture now comes from the new place.
        self.moving = self.moving or position - self.moved_from >= MOVING_MS
        if self.moving:
            self.stall_backoff.reset()
        if not fresh or now < self.settle_until:
            return None
        estimate = self.drift.add_sample(position - self._content(mid))
        if estimate is None:
            return None
        tolerance = tolerance_ms(clip.frame_ms)
        self.on_clock = on_clock_after(self.on_clock, estimate, tolerance, moving=self.moving)
        start_estimate = None
        if self.first_estimate:
            self.first_estimate = False
            # How a clip started is no passing jitter: win it back now, the steward is
            # watching exact frames instead until it is on the clock.
            self.act_at_once = True
            start_estimate = estimate
        if self.judge_correction:
            # The first estimate after a re-alignment is what the seek left: learn the seek's
            # latency from it.
            self.judge_correction = False
            self.seek_lead_ms = min(max(self.seek_lead_ms - estimate, 0.0), 1000.0)
        self.fresh_estimate = True
        return start_estimate

    def correct(self, now: float, rate: float) -> None:
        """Bring back a clip whose fresh drift estimate is, again, beyond tolerance: a small
        drift by a short change of speed, a large one by a seek."""
        if self.trim_until is not None:
            if now >= self.trim_until:
                self._end_trim(now, rate)
            return
        if not self.fresh_estimate or self.drift.estimate_ms is None:
            return
        self.fresh_estimate = False
        estimate = self.drift.estimate_ms
        over = abs(estimate) > tolerance_ms(self.clip.frame_ms)
        persistent = over and (self.act_at_once or self.over_sign == (estimate > 0))
        self.act_at_once = False
        self.over_sign = (estimate > 0) if over else None
        if persistent and trimmable(estimate):
            self._trim(estimate, now, rate)
            self.over_sign = None
            return
        last = self.last_correction
        if persistent and (last is None or now - last >= self.realign_backoff.wait_s):
            if last is not None:
                if starved(estimate, now - last):
                    self.realign_backoff.lengthen()
                else:
                    self.realign_backoff.reset()
            self.last_correction = now
            self.judge_correction = True
            self._realign(self._content(now), now, rate, count=True)
            self.over_sign = None

    def _trim(self, estimate: float, now: float, rate: float) -> None:
        trim = speed_trim(estimate, abs(rate))
        self.clip.player.set_rate(trim.rate)
        self.trim_until = now + trim.duration_s
        self.drift.trims += 1

    def _end_trim(self, now: float, rate: float) -> None:
        self.trim_until = None
        self.clip.player.set_rate(abs(rate))
        self.settle_until = now + self.settle_s
        self.drift.samples.clear()
        self.last_position = None

    def _realign(self, content: float, now: float, rate: float, *, count: bool) -> None:
        """Seek the player to `content`; `count`ed re-alignments happen while playing, so the
        seek leads by the learnt latency and is recorded in the clip's drift."""
        self.moving = False
        self.on_clock = False
        self.moved_from = None
        lead = self.seek_lead_ms * abs(rate) if count else 0.0
        self.clip.player.seek(max(0, round(content + lead)))
        self.settle_until = now + self.settle_s
        self.changed_at = now
        self.drift.samples.clear()
        self.last_position = None
        if count:
            self.drift.corrections += 1
