"""A desk on a small decided league (tests/exports/league_fixture.py), built once per run."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "exports"))

from league_fixture import League, build_league

from steward_desk.app import Desk, build_desk
from steward_desk.paths import Paths


@pytest.fixture(scope="session")
def decided_league(tmp_path_factory: pytest.TempPathFactory) -> League:
    league = build_league(tmp_path_factory.mktemp("decided-league"))
    league.store.close()
    return league


@pytest.fixture
def desk(decided_league: League, tmp_path: Path, qtbot: QtBot) -> Iterator[Desk]:
    home = tmp_path / "desk"
    shutil.copytree(decided_league.paths.home, home)
    built = build_desk(
        Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}"), synchronous=True
    )
    qtbot.addWidget(built.window)
    built.window.resize(1400, 860)
    built.window.show()
    yield built
    built.window.close()
    built.store.close()
