"""The house rules that every other capability relies on."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from steward_desk.paths import resolve

REPO = Path(__file__).resolve().parents[1]


def test_the_core_imports_without_qt_sql_vlc_or_pyav() -> None:
    core = sorted(
        p.stem for p in (REPO / "steward_desk" / "core").glob("*.py") if p.stem != "__init__"
    )
    code = textwrap.dedent(
        f"""
        import sys
        for name in ("PySide6", "vlc", "av", "sqlmodel", "sqlalchemy", "alembic"):
            sys.modules[name] = None
        import importlib
        for module in {core!r}:
            importlib.import_module("steward_desk.core." + module)
        print("ok", len({core!r}))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_100000_signals_into_python_slots_leave_true_refcount_alone() -> None:
    """DESIGN decision 1: PySide6 6.12.0 on 3.11 corrupts True's refcount and aborts."""
    code = textwrap.dedent(
        """
        import os, sys
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])

        class Emitter(QObject):
            flag = Signal(bool)
            number = Signal(int)

        seen = []
        emitter = Emitter()
        emitter.flag.connect(lambda value: seen.append(value) if len(seen) < 1 else None)
        emitter.number.connect(lambda value: None)
        before = sys.getrefcount(True)
        for i in range(100_000):
            emitter.flag.emit(i % 2 == 0)
            emitter.number.emit(i)
        after = sys.getrefcount(True)
        if sys.version_info < (3, 12):
            assert abs(after - before) < 100, (before, after)
        print("survived", before, after)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout


def test_paths_follow_arguments_then_environment_then_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_DESK_HOME", str(tmp_path / "env-home"))
    monkeypatch.delenv("STEWARD_DESK_DB", raising=False)
    assert resolve().home == tmp_path / "env-home"
    assert resolve().db_url == f"sqlite:///{tmp_path / 'env-home' / 'steward-desk.sqlite'}"
    assert resolve(home=str(tmp_path / "arg")).home == tmp_path / "arg"
    monkeypatch.setenv("STEWARD_DESK_DB", "postgresql://league@localhost/desk")
    assert resolve().db_url == "postgresql://league@localhost/desk"
    assert resolve().db_path is None
    assert resolve(db=str(tmp_path / "x.sqlite")).db_path == tmp_path / "x.sqlite"
    monkeypatch.delenv("STEWARD_DESK_HOME")
    monkeypatch.delenv("STEWARD_DESK_DB")
    assert "StewardDesk" in str(resolve().home)


def test_resources_ship_with_the_package() -> None:
    from importlib.resources import files

    recipe = files("steward_desk.resources") / "demo" / "league.toml"
    assert recipe.is_file()
