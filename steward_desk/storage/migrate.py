"""Bring a database to the current schema, backing up a SQLite file before any migration.

Each Alembic revision runs in its own transaction; a failure leaves the database at the last
revision that completed, and the backup taken before the first step is still there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

SCRIPT_LOCATION = "steward_desk.storage:migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


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
