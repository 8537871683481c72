"""An admin's desk for the intake service tests: a fresh home, the CLI, and row counts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from league_files import EVENT, RACE_END, weekend_files

from steward_desk.cli.main import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@dataclass
class Desk:
    """The CLI pointed at one database file."""

    home: Path
    db: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *argv: str | Path) -> Run:
        code = main(["--home", str(self.home), "--db", str(self.db), *map(str, argv)])
        out, err = self.capsys.readouterr()
        return Run(code, out, err)

    def counts(self) -> dict[str, int]:
        """Rows per table: "the database is unchanged" made checkable."""
        if not self.db.exists():
            return {}
        with sqlite3.connect(self.db) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
            }

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture
def desk(home: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    return Desk(home, home / "league.sqlite", capsys)


@pytest.fixture
def weekend(tmp_path: Path) -> list[Path]:
    """FP, Q and R of one generated weekend in a folder of their own."""
    return weekend_files(tmp_path / "results")


@pytest.fixture
def imported_race(desk: Desk, tmp_path: Path) -> Callable[..., str]:
    """Import a generated weekend as "Round 3 · Spa"; returns the race session id.
    `race_end` places the weekend in time (a hand-filed report is submitted now)."""

    def run(race_end: datetime = RACE_END) -> str:
        files = weekend_files(tmp_path / f"results-{race_end:%y%m%d%H%M%S}", race_end=race_end)
        result = desk("import", "results", files[0].parent, "--event", EVENT, "--json")
        assert result.code == 0, result.err
        sessions = result.json()["sessions"]  # type: ignore[index]
        return next(s["id"] for s in sessions if s["type"] == "R")

    return run
