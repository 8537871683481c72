"""What the intake GUI tests share: row counts, recorded message boxes, modal dialogs
answered the way the story says (their own logic still runs), the generated league files."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from steward_desk.app import Desk

_FILES = Path(__file__).resolve().parents[2] / "intake_services" / "league_files.py"


def league_files() -> Any:
    """The generator the service tests use (one source of the synthetic league)."""
    name = "intake_league_files"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _FILES)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def row_counts(desk: Desk) -> dict[str, int]:
    """Rows per table of the desk's database file."""
    path = desk.window.paths.db_path
    assert path is not None
    with sqlite3.connect(path) as connection:
        tables = [
            n
            for (n,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


class Messages:
    """QMessageBox calls, recorded instead of shown."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []

    def record(self, kind: str) -> Callable[..., int]:
        def show(_parent: object, title: str, text: str, *args: object, **kwargs: object) -> int:
            self.shown.append((kind, title, text))
            return 0

        return show

    def of(self, kind: str) -> list[str]:
        return [text for k, _title, text in self.shown if k == kind]


def answer(
    monkeypatch: pytest.MonkeyPatch, dialog_class: type, fill: Callable[[Any], bool] | None = None
) -> list[Any]:
    """Replace `dialog_class.exec`: `fill(dialog)` plays the person and returns whether they
    pressed OK. Returns the dialogs that were shown."""
    from PySide6.QtWidgets import QDialog

    shown: list[Any] = []

    def exec_(self: Any) -> int:
        shown.append(self)
        accepted = fill(self) if fill is not None else True
        return int(QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected)

    monkeypatch.setattr(dialog_class, "exec", exec_)
    return shown
