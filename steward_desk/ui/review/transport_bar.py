"""The review workspace's toolbar: transport buttons, the speed box, the race clock, the
alignment and evidence buttons, the A–B loop and the tile layout box.

A thin view (STYLE: views are thin): its buttons are the workspace's named actions, the speed
box writes the chosen rate into the timeline and the layout box hands the chosen layout to
the workspace; the workspace repaints it from the timeline's events through the `show_*`
methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from steward_desk.core.model import format_race_time
from steward_desk.core.timeline import RATE_STEPS, ReviewTimeline

LAYOUTS = ((1, "1 tile"), (2, "2 tiles"), (4, "2×2"))


class TransportBar(QToolBar):
    """`TransportBar(actions, timeline, set_layout)`: `actions` are the workspace's named
    actions (`build_actions`), `set_layout` is called with 1, 2 or 4 when the steward picks a
    layout."""

    def __init__(
        self,
        actions: Mapping[str, QAction],
        timeline: ReviewTimeline,
        set_layout: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        a = actions
        self.play_action = a["toggle_play"]
        for name in ("toggle_play", "step_back", "step_forward"):
            self.addAction(a[name])
        self.play_action.setIconText("Play")
        self.rate_box = QComboBox()
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATE_STEPS:
            self.rate_box.addItem(f"{rate:g}×", rate)
        self.rate_box.setCurrentIndex(RATE_STEPS.index(1.0))
        self.rate_box.setToolTip("Playback speed ([ slower, ] faster)")
        self.rate_box.activated.connect(self._on_rate_chosen)
        self.addWidget(self.rate_box)
        self.time_label = QLabel(format_race_time(0))
        self.time_label.setStyleSheet("font-family: monospace; font-size: 15px; padding: 0 8px;")
        self.addWidget(self.time_label)
        self.addSeparator()
        for name in ("sync_here", "nudge_back", "nudge_forward", "snapshot", "add_bookmark"):
            self.addAction(a[name])
        a["nudge_back"].setIconText("−1 frame")
        a["nudge_forward"].setIconText("+1 frame")
        a["sync_here"].setIconText("Sync here")
        a["snapshot"].setIconText("Snapshot")
        a["add_bookmark"].setIconText("Bookmark")
        self.addSeparator()
        for name, label in (("loop_in", "A"), ("loop_out", "B"), ("clear_loop", "No loop")):
            a[name].setIconText(label)
            self.addAction(a[name])
        self.addSeparator()
        self.layout_box = QComboBox()
        self.layout_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for mode, label in LAYOUTS:
            self.layout_box.addItem(label, mode)
        self.layout_box.activated.connect(lambda i: set_layout(int(self.layout_box.itemData(i))))
        self.addWidget(self.layout_box)
        # Clicking the bar leaves the keyboard focus on the workspace, where the keys act.
        for button in self.findChildren(QWidget):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _on_rate_chosen(self, i: int) -> None:
        # The box lists speeds; the direction (forwards or shuttling backwards) is kept.
        rate = float(self.rate_box.itemData(i))
        self.timeline.set_rate(rate * (1 if self.timeline.rate > 0 else -1))

    def show_time(self, race_ms: int) -> None:
        self.time_label.setText(format_race_time(race_ms))

    def show_playing(self, playing: bool) -> None:
        self.play_action.setIconText("Pause" if playing else "Play")

    def show_rate(self, rate: float) -> None:
        """Select the listed speed nearest to `rate`, whatever its direction."""
        self.rate_box.setCurrentIndex(
            min(range(len(RATE_STEPS)), key=lambda i: abs(RATE_STEPS[i] - abs(rate)))
        )

    def show_layout(self, mode: int) -> None:
        self.layout_box.setCurrentIndex({1: 0, 2: 1, 4: 2}.get(mode, 1))
