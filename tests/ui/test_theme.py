"""Light and dark palettes: the user's choice wins, 'system' follows the OS."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from steward_desk.ui.theme import apply_theme, system_is_dark


def test_dark_and_light_palettes_and_system_follows_the_os(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert apply_theme(app, "dark") == "dark"
    window = app.palette().color(QPalette.ColorRole.Window)
    text = app.palette().color(QPalette.ColorRole.WindowText)
    assert window.lightness() < 80 < text.lightness()
    assert apply_theme(app, "light") == "light"
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert apply_theme(app, "system") == ("dark" if system_is_dark() else "light")
