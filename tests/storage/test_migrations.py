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


def test_laps_stored_one_row_per_lap_move_into_packed_rows_losing_nothing(tmp_path: Path) -> None:
    """A 0003 database holding laps (one row each, splits as "a,b,c") migrates to head: the
    laps come back per car in lap order, with times, validity, driver and sectors intact."""
    paths = _paths(tmp_path)
    engine = make_engine(paths.db_url)
    migrate.upgrade(engine, target="0003")
    laps = {  # car entry → (lap number, driver, time, valid, splits) in shuffled insert order
        "C1": [(2, 1, 99_500, 0, "33000,33000,33500"), (1, 0, None, 1, "33000,,34000")],
        "C2": [(1, 0, 101_000, 1, "")],
    }
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
                "VALUES ('E1', 'L1', 'R1', 'series', 0, 'spa')"
            )
        )
        c.execute(
            text(
                "INSERT INTO session (id, event_id, type, raw_type, track, server_name, is_wet, "
                "source_file) VALUES ('S1', 'E1', 'R', 'R', 'spa', 'x', 0, '')"
            )
        )
        for position, entry in enumerate(laps, start=1):
            c.execute(
                text(
                    "INSERT INTO car_entry (id, session_id, car_id, race_number, car_model_name, "
                    "car_class, team_name, position, lap_count) "
                    "VALUES (:id, 'S1', :car, :car, '', 'GT3', '', :pos, :laps)"
                ),
                {"id": entry, "car": 1000 + position, "pos": position, "laps": len(laps[entry])},
            )
        for entry, rows in laps.items():
            for number, driver, time, valid, splits in rows:
                c.execute(
                    text(
                        "INSERT INTO lap (car_entry_id, lap_number, driver_index, lap_time_ms, "
                        "valid, splits) VALUES (:e, :n, :d, :t, :v, :s)"
                    ),
                    {"e": entry, "n": number, "d": driver, "t": time, "v": valid, "s": splits},
                )  # fmt: skip
    engine.dispose()

    store = Store.open(paths)
    with store.engine.connect() as c:
        tables = set(
            c.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
        )
        packed = c.execute(
            text(
                "SELECT car_entry_id, laps, lap_time_ms, valid, driver_index, splits "
                "FROM car_laps ORDER BY car_entry_id"
            )
        ).all()
    assert "lap" not in tables
    assert [tuple(row) for row in packed] == [
        ("C1", 2, "[null,99500]", "[true,false]", "[0,1]", "[[33000,null,34000],[33000,33000,33500]]"),
        ("C2", 1, "[101000]", "[true]", "[0]", "[[]]"),
    ]  # fmt: skip
    # The scrubber's lap marks read the packed times: lap 2 starts after lap 1 (no time = 0).
    assert store.results.lap_marks("S1") == [(1, 0), (2, 0)]
    store.close()

    # And back down: the rows return one per lap, exactly as they were.
    engine = make_engine(paths.db_url)
    migrate_down(engine, "0003")
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT car_entry_id, lap_number, driver_index, lap_time_ms, valid, splits "
                "FROM lap ORDER BY car_entry_id, lap_number"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (entry, *lap) for entry in sorted(laps) for lap in sorted(laps[entry])
    ]


def migrate_down(engine, target: str) -> None:
    from alembic import command

    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, target)
