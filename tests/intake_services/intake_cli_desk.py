"""The CLI pointed at one database file, with row counts to prove "nothing changed"."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

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
