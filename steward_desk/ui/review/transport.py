"""The review workspace's transport commands: play, pause, shuttle, speed, frame steps,
jumps and the A–B loop, each one call on the timeline.

A mixin of `ReviewWorkspace`, so every command stays a workspace method that the named
actions (`actions.SPECS`), the host and the tests call by name.
"""

from __future__ import annotations

from steward_desk.core.timeline import ReviewTimeline, next_rate


class TransportCommands:
    """Moves on the race clock; the workspace repaints from the timeline's events."""

    timeline: ReviewTimeline  # set by ReviewWorkspace

    def toggle_play(self) -> None:
        self.timeline.set_playing(not self.timeline.playing)

    def play(self) -> None:
        self.timeline.set_playing(True)

    def pause(self) -> None:
        self.timeline.set_playing(False)

    def shuttle_back(self) -> None:
        self.timeline.shuttle(-1)

    def shuttle_forward(self) -> None:
        self.timeline.shuttle(+1)

    def slower(self) -> None:
        self.timeline.set_rate(next_rate(self.timeline.rate, -1))

    def faster(self) -> None:
        self.timeline.set_rate(next_rate(self.timeline.rate, +1))

    def _paused_then(self) -> None:
        if self.timeline.playing:
            self.timeline.set_playing(False)

    def step_back(self) -> None:
        self._paused_then()
        self.timeline.step_frames(-1)

    def step_forward(self) -> None:
        self._paused_then()
        self.timeline.step_frames(+1)

    def back_1s(self) -> None:
        self.timeline.jump(-1_000)

    def forward_1s(self) -> None:
        self.timeline.jump(1_000)

    def back_10s(self) -> None:
        self.timeline.jump(-10_000)

    def forward_10s(self) -> None:
        self.timeline.jump(10_000)

    def jump_to(self, race_ms: int) -> None:
        """Move every clip to `race_ms` (bookmark click)."""
        self.timeline.set_position(race_ms)

    def loop_in(self) -> None:
        self.timeline.set_loop_in()

    def loop_out(self) -> None:
        self.timeline.set_loop_out()

    def clear_loop(self) -> None:
        self.timeline.clear_loop()
