"""Bring a database to the current schema, backing up a SQLite file before any migration.

Each Alembic revision runs in its own transaction; a failure leaves the database at the last
revision that completed, and the backup taken before the first step is still there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "steward_desk.storage:migrations"


def shipped_head() -> str:
    """The newest revision this build ships, from the migration files' numbered names.

    Opening a database that is already at it needs no Alembic import at all (a good part of a
    cold start); a test keeps this equal to Alembic's own head.
    """
    from importlib.resources import files

    names = [p.name for p in files("steward_desk.storage.migrations.versions").iterdir()]
    return max(n.split("_", 1)[0] for n in names if n[:4].isdigit() and n.endswith(".py"))


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL (no Alembic import)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except (OperationalError, ProgrammingError):
        return None
    return rows[0][0] if len(rows) == 1 else None


def backup_sqlite(db_path: Path, backups_dir: Path, revision: str | None) -> Path:
    """A consistent copy of a live SQLite file (WAL included) via the backup API."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{db_path.stem}-before-{revision or 'unversioned'}-{stamp}.sqlite"
    source = sqlite3.connect(db_path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target


def upgrade(
    engine: Engine,
    *,
    db_path: Path | None = None,
    backups_dir: Path | None = None,
    target: str = "head",
    on_backup: Callable[[Path], None] | None = None,
) -> str | None:
    """Migrate to `target`. Returns the backup path's name when one was taken."""
    if target == "head" and _stored_revision(engine) == shipped_head():
        return None
    from alembic import command

    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup: Path | None = None
    has_tables = bool(inspect(engine).get_table_names())
    if db_path is not None and backups_dir is not None and has_tables and db_path.exists():
        backup = backup_sqlite(db_path, backups_dir, current)
        if on_backup is not None:
            on_backup(backup)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return backup.name if backup else None
