"""The review workspace's named actions and their keys (DESIGN "Review workspace").

One table: each action has a name the Help window lists, its keys and what it does (a
workspace method). The keys are the ones stewards' fingers expect from video tools.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

GROUP = "Review workspace"


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the workspace method it calls, and the key of `build_actions`'s result
    text: str
    keys: tuple[str, ...] = ()
    tip: str = ""


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("toggle_play", "Play / pause", ("Space", "K")),
    ActionSpec("shuttle_back", "Shuttle backwards", ("J",), "Play backwards; again: faster"),
    ActionSpec("shuttle_forward", "Shuttle forwards", ("L",), "Play; again: faster"),
    ActionSpec("step_back", "Previous frame", (",", "Left")),
    ActionSpec("step_forward", "Next frame", (".", "Right")),
    ActionSpec("back_1s", "Back 1 second", ("Shift+Left",)),
    ActionSpec("forward_1s", "Forward 1 second", ("Shift+Right",)),
    ActionSpec("back_10s", "Back 10 seconds", ("Ctrl+Left",)),
    ActionSpec("forward_10s", "Forward 10 seconds", ("Ctrl+Right",)),
    ActionSpec("slower", "Slower", ("[",)),
    ActionSpec("faster", "Faster", ("]",)),
    ActionSpec("loop_in", "Loop in (A)", ("I",)),
    ActionSpec("loop_out", "Loop out (B)", ("O",)),
    ActionSpec("clear_loop", "Clear loop", ("Shift+O",)),
    ActionSpec("add_bookmark", "Add bookmark", ("M",)),
    ActionSpec("undo", "Undo", ("Ctrl+Z",), "Undo the last bookmark, sync or nudge"),
    ActionSpec("redo", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y")),
    ActionSpec(
        "nudge_back",
        "Nudge focused clip one frame earlier",
        ("Alt+Left",),
        "Only the focused clip moves: it shows its previous frame at this race time",
    ),
    ActionSpec(
        "nudge_forward",
        "Nudge focused clip one frame later",
        ("Alt+Right",),
        "Only the focused clip moves: it shows its next frame at this race time",
    ),
    ActionSpec("nudge_back_1s", "Nudge focused clip 1 second earlier", ("Alt+Shift+Left",)),
    ActionSpec("nudge_forward_1s", "Nudge focused clip 1 second later", ("Alt+Shift+Right",)),
    ActionSpec(
        "sync_here",
        "Sync clips here",
        ("S",),
        "Every clip's shown frame is the same moment: store the offsets",
    ),
    ActionSpec(
        "snapshot",
        "Snapshot to evidence",
        ("Ctrl+Shift+S",),
        "Every tile's exact frame at this moment, saved as evidence (PNG + SHA-256)",
    ),
    ActionSpec("focus_1", "Focus tile 1", ("1",)),
    ActionSpec("focus_2", "Focus tile 2", ("2",)),
    ActionSpec("focus_3", "Focus tile 3", ("3",)),
    ActionSpec("focus_4", "Focus tile 4", ("4",)),
    ActionSpec("layout_1", "Layout: one tile", ("Ctrl+1",)),
    ActionSpec("layout_2", "Layout: two tiles", ("Ctrl+2",)),
    ActionSpec("layout_4", "Layout: 2×2 tiles", ("Ctrl+4",)),
    ActionSpec("toggle_full_screen", "Full screen", ("F",)),
)


def build_actions(
    owner: QWidget, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """Create every action on `owner` (active while focus is inside it), wired to handlers."""
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, owner)
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setProperty("shortcut_group", GROUP)
        keys = ", ".join(spec.keys)
        action.setToolTip(f"{spec.tip or spec.text} ({keys})" if keys else spec.tip or spec.text)
        handler = handlers[spec.name]
        action.triggered.connect(lambda _checked=False, h=handler: h())
        owner.addAction(action)
        actions[spec.name] = action
    return actions
