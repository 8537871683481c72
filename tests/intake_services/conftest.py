"""An admin's desk for the intake service tests: a fresh home, the CLI, and row counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from intake_cli_desk import Desk
from league_files import EVENT, RACE_END, weekend_files


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
