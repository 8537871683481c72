"""The schema is owned by migrations: a database made by the first schema, with data,
migrates to head without losing anything, after a backup of the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from steward_desk.paths import Paths
from steward_desk.storage import migrate
from steward_desk.storage.engine import make_engine
from steward_desk.storage.store import Store


def _paths(tmp_path: Path) -> Paths:
    db = tmp_path / "league.sqlite"
    return Paths(home=tmp_path, db_url=f"sqlite:///{db}")


def test_a_database_from_the_first_schema_migrates_to_head_losing_nothing(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    engine = make_engine(paths.db_url)
    migrate.upgrade(engine, target="0001")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO league (id, name, rulebook, report_window_h, created_at) "
                "VALUES ('L1', 'SOP', 'sop-acc', 24, '2026-01-01 00:00:00')"
            )
        )
        c.execute(
            text(
                "INSERT INTO event (id, league_id, name, kind, final_round, track) "
                "VALUES ('E1', 'L1', 'GT3 Sprint R1', 'series', 0, 'spa')"
            )
        )
        c.execute(
            text(
                "INSERT INTO session (id, event_id, type, raw_type, track, server_name, "
                "is_wet, source_file) VALUES ('S1', 'E1', 'R', 'R', 'spa', 'x', 0, '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO driver (player_id, first_name, last_name, short_name) "
                "VALUES ('S765611980001', 'Zoë', 'Müller', 'MUE')"
            )
        )
        c.execute(
            text(
                "INSERT INTO incident (id, number, session_id, status, status_reason, "
                "created_at, reported_at) VALUES ('I1', 1, 'S1', 'new', '', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        c.execute(
            text(
                "INSERT INTO footage (id, incident_id, source, location, offset_ms, "
                "label, added_at) VALUES ('F1', 'I1', 'file', '/x.mkv', 1200, 'onboard', "
                "'2026-01-01 00:00:00')"
            )
        )
    engine.dispose()

    store = Store.open(paths)  # opening migrates to head
    backups = list(paths.backups_dir.glob("*.sqlite"))
    assert len(backups) == 1 and "before-0001" in backups[0].name
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    with store.engine.connect() as c:
        assert c.execute(text("SELECT first_name, last_name FROM driver")).one() == (
            "Zoë",
            "Müller",
        )
        assert c.execute(text("SELECT offset_ms, probe_json FROM footage")).one() == (1200, "")
        assert c.execute(text("SELECT count(*) FROM evidence")).scalar() == 0
    summaries = store.incidents.list_summaries()
    assert [s.number for s in summaries] == [1]
    # The backup still holds the first schema and its data.
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert old.execute("SELECT count(*) FROM incident").fetchone() == (1,)
    old.close()
    store.close()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    store = Store.open(_paths(tmp_path))
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
    assert diff == []
    store.close()


def test_the_audit_log_is_append_only(tmp_path: Path) -> None:
    store = Store.open(_paths(tmp_path))
    with store.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail_json) "
                "VALUES ('2026-01-01', 'me', 'x', '', '', '{}')"
            )
        )
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as c:
        c.execute(text("DELETE FROM audit_log"))
    store.close()


def test_a_fresh_database_is_created_without_a_backup(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    Store.open(paths).close()
    assert not paths.backups_dir.exists() or not list(paths.backups_dir.iterdir())
    mode = sqlite3.connect(paths.db_path).execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def test_the_fast_path_head_is_the_newest_migration() -> None:
    assert migrate.shipped_head() == migrate.head_revision()
