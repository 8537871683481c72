"""Menu actions that the window and every capability add the same way: a named action with
its shortcut, grouped for Help → Keyboard shortcuts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget


def add_action(
    owner: QWidget,
    menu: QMenu,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    group: str = "Main window",
) -> QAction:
    action = QAction(text, owner)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setProperty("shortcut_group", group)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action
