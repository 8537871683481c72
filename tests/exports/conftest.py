"""The exports tests share one small league, built once per session and copied per test."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from league_fixture import League, build_league

from steward_desk.paths import Paths
from steward_desk.storage.store import Store


@pytest.fixture(scope="session")
def league_template(tmp_path_factory: pytest.TempPathFactory) -> League:
    league = build_league(tmp_path_factory.mktemp("league"))
    league.store.close()
    return league


@pytest.fixture
def league(league_template: League, tmp_path: Path) -> League:
    """A private copy of the league's database and home folder."""
    home = tmp_path / "desk"
    shutil.copytree(league_template.paths.home, home)
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}")
    copy = League(**{**league_template.__dict__, "paths": paths, "store": Store.open(paths)})
    copy.incidents = dict(league_template.incidents)
    copy.decisions = dict(league_template.decisions)
    yield copy
    copy.store.close()


@pytest.fixture(autouse=True)
def _one_qt_application(qapp: object) -> None:
    """PDF exports start a bare QGuiApplication when none runs (the CLI); in one test process
    the GUI tests need it to be a QApplication, so pytest-qt's is started first."""
