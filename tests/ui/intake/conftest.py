"""A steward's desk with nothing imported yet, and the message boxes recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from intake_gui_helpers import Messages, league_files
from pytestqt.qtbot import QtBot

from steward_desk.app import Desk, build_desk
from steward_desk.paths import Paths


@pytest.fixture
def league() -> Any:
    return league_files()


@pytest.fixture
def desk(tmp_path: Path, qtbot: QtBot) -> Iterator[Desk]:
    home = tmp_path / "desk"
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}")
    built = build_desk(paths, synchronous=True)
    qtbot.addWidget(built.window)
    built.window.show()
    yield built
    built.window.close()
    built.store.close()


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    from PySide6.QtWidgets import QMessageBox

    recorder = Messages()
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder.record(kind)))
    return recorder
