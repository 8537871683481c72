"""A steward clicks through every menu of the demo desk and cancels every dialog: nothing
raises, nothing freezes, and the window is still there."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QProgressDialog,
)
from pytestqt.qtbot import QtBot

from steward_desk.app import build_desk
from steward_desk.paths import Paths

# Quitting would end the run; full screen changes nothing worth clicking here.
SKIP = {"Quit"}


@pytest.fixture
def cancelling_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every dialog a person would see answers 'Cancel'; the titles are recorded."""
    seen: list[str] = []

    def cancel_exec(self: QDialog) -> int:
        seen.append(self.windowTitle() or type(self).__name__)
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(QDialog, "exec", cancel_exec)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("", False)))
    for name in ("information", "warning", "critical", "question", "about"):
        monkeypatch.setattr(
            QMessageBox,
            name,
            staticmethod(
                lambda *a, **k: seen.append("message") or QMessageBox.StandardButton.Cancel
            ),
        )
    monkeypatch.setattr(QMessageBox, "exec", cancel_exec)
    monkeypatch.setattr(QProgressDialog, "exec", lambda self: 0)
    # The OS would open a browser or a video player: record the address instead.
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: seen.append(url.toString()) or True)
    )
    return seen


def test_every_menu_action_survives_a_cancelled_dialog(
    demo_paths: Paths, qtbot: QtBot, cancelling_dialogs: list[str]
) -> None:
    desk = build_desk(demo_paths, synchronous=True)
    qtbot.addWidget(desk.window)
    window = desk.window
    window.show()
    window.select_incident(window.store.incidents.resolve("1"))
    window.intake.pick_from = lambda menu: None  # type: ignore[attr-defined]  # Escape on the popup
    errors: list[str] = []
    hook = sys.excepthook
    sys.excepthook = lambda kind, value, tb: errors.append(f"{kind.__name__}: {value}")
    clicked = []
    try:
        for menu in window.menuBar().findChildren(QMenu):
            for action in menu.actions():
                text = action.text().replace("&", "")
                if action.isSeparator() or action.menu() is not None or text in SKIP:
                    continue
                if not action.isEnabled():
                    continue
                window.tabs.setCurrentIndex(0)
                window.select_incident(window.store.incidents.resolve("1"))
                action.trigger()
                qtbot.wait(10)
                clicked.append(text)
    finally:
        sys.excepthook = hook
    assert not errors, errors
    assert len(clicked) >= 25, clicked  # the menus of every capability were there
    assert window.isVisible()
    assert window.store.incidents.detail("1").summary.number == 1  # the database still answers
    window.close()
    desk.store.close()
