"""An admin imports the ACC server's result files from the command line: every real file the
league might receive, a weekend folder at once, the same file twice, and a broken file
among good ones — which must leave the database exactly as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_cli_desk import Desk
from league_files import EVENT, LEAGUE, leaderboard, race_file, weekend_files

from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.storage.store import Store


def result_files(folder: Path) -> list[Path]:
    """The real fixtures minus the entry list (an entry list is not a result file)."""
    files = sorted(p for p in folder.glob("*.json") if not p.name.endswith("entrylist.json"))
    assert len(files) >= 10
    return files


def raw_counts(path: Path) -> tuple[int, int, int]:
    """Cars, drivers and laps of cars on the leaderboard, from the file. A driver is a
    player id, or a name where the file has no player id (2019 servers)."""
    doc = leaderboard(path)
    lines = doc["sessionResult"]["leaderBoardLines"]  # type: ignore[index]
    car_ids = {line["car"]["carId"] for line in lines}
    players = {
        d["playerId"] or f"{d['firstName']} {d['lastName']}".casefold()
        for line in lines
        for d in line["car"]["drivers"]
    }
    laps = [lap for lap in doc.get("laps") or [] if lap["carId"] in car_ids]  # type: ignore[union-attr]
    return len(lines), len(players), len(laps)


def stored_counts(desk: Desk, session_id: str) -> tuple[int, int, int]:
    cars = desk.query("SELECT count(*) FROM car_entry WHERE session_id = ?", session_id)
    drivers = desk.query(
        "SELECT count(DISTINCT player_id) FROM car_driver JOIN car_entry ON car_entry.id = "
        "car_driver.car_entry_id WHERE car_entry.session_id = ?",
        session_id,
    )
    # Laps are packed per car: every JSON column holds one value per lap.
    laps = desk.query(
        "SELECT coalesce(sum(laps), 0), coalesce(sum(json_array_length(lap_time_ms)), 0), "
        "coalesce(sum(json_array_length(splits)), 0) FROM car_laps "
        "JOIN car_entry ON car_entry.id = car_laps.car_entry_id WHERE car_entry.session_id = ?",
        session_id,
    )
    assert laps[0][0] == laps[0][1] == laps[0][2]
    return cars[0][0], drivers[0][0], laps[0][0]  # type: ignore[return-value]


def file_order(path: Path) -> list[int]:
    lines = leaderboard(path)["sessionResult"]["leaderBoardLines"]  # type: ignore[index]
    return [line["car"]["raceNumber"] for line in lines]


def test_every_real_result_file_imports_with_the_counts_and_order_of_the_file(
    desk: Desk, acc_fixtures: Path
) -> None:
    files = result_files(acc_fixtures)
    for path in files:
        result = desk("import", "results", path, "--event", f"Fixture {path.stem}", "--json")
        assert result.code == 0, f"{path.name}: {result.err}"
        (session,) = result.json()["sessions"]  # type: ignore[index]
        assert session["created"] is True
        cars, drivers, laps = raw_counts(path)
        assert (session["cars"], session["drivers"], session["laps"]) == (cars, drivers, laps)
        assert stored_counts(desk, session["id"]) == (cars, drivers, laps), path.name

        shown = desk("results", "show", session["id"], "--json")
        assert shown.code == 0, shown.err
        rows = shown.json()["classification"]  # type: ignore[index]
        assert [r["car_number"] for r in rows] == file_order(path), path.name
        assert [r["position"] for r in rows] == list(range(1, len(rows) + 1))
    assert len(desk.query("SELECT id FROM session")) == len(files)


def test_the_eight_hour_race_keeps_every_driver_once_across_cars(
    desk: Desk, acc_fixtures: Path
) -> None:
    path = acc_fixtures / "fabieu__simdesk__Session_R.json"
    result = desk("import", "results", path, "--json")
    assert result.code == 0, result.err
    (session,) = result.json()["sessions"]  # type: ignore[index]
    assert session["cars"] == 50 and session["laps"] == raw_counts(path)[2] > 10_000
    # Driver rows are keyed by player id: never more rows than distinct ids in the file.
    assert desk.query("SELECT count(*) FROM driver")[0][0] == raw_counts(path)[1]


def test_a_weekend_folder_imports_as_one_event(desk: Desk, weekend: list[Path]) -> None:
    result = desk(
        "import", "results", weekend[0].parent, "--kind", "single", "--round", "3", "--json"
    )
    assert result.code == 0, result.err
    sessions = result.json()["sessions"]  # type: ignore[index]
    assert [s["type"] for s in sessions] == ["FP", "Q", "R"]
    events = desk.query("SELECT name, kind, round FROM event")
    assert events == [("Spa · 2024-03-24", "single", 3)]
    assert {row[0] for row in desk.query("SELECT event_id FROM session")} == {
        desk.query("SELECT id FROM event")[0][0]
    }
    # One driver across three sessions: nine drivers, not twenty-seven.
    assert desk.query("SELECT count(*) FROM driver")[0][0] == len(LEAGUE)
    assert "imported" in result.err and "FP at spa" in result.err


def test_importing_the_same_file_again_changes_nothing(
    desk: Desk, weekend: list[Path], tmp_path: Path
) -> None:
    first = desk("import", "results", *weekend, "--event", EVENT, "--json")
    assert first.code == 0, first.err
    before = desk.counts()
    renamed = tmp_path / "copy of the race.json"
    shutil.copy(weekend[-1], renamed)  # same bytes, other name: same SHA-256
    again = desk("import", "results", *weekend, renamed, "--event", "Another name", "--json")
    assert again.code == 0, again.err
    sessions = again.json()["sessions"]  # type: ignore[index]
    assert [s["created"] for s in sessions] == [False, False, False, False]
    assert sessions[-1]["id"] == sessions[2]["id"]
    assert "already imported, unchanged" in again.err
    assert desk.counts() == before


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda data: data[: len(data) // 4 * 2], "line"),  # truncated upload
        (lambda data: b"\x00\xd8" + data[2:], ""),  # an editor mangled the UTF-16
        (lambda data: b'{"hello": "world"}', "sessionResult"),  # JSON, but not ACC results
        (lambda data: b"", "empty"),
    ],
    ids=["truncated", "mangled-utf16", "not-acc", "empty"],
)
def test_a_broken_file_among_good_ones_refuses_the_whole_import(
    desk: Desk, weekend: list[Path], damage, problem: str
) -> None:
    desk("import", "results", weekend[0], "--event", EVENT)  # the database has data already
    before = desk.counts()
    broken = weekend[1].with_name("240324_200000_Q.json")
    broken.write_bytes(damage(weekend[1].read_bytes()))
    result = desk("import", "results", weekend[0].parent, "--event", EVENT, "--json")
    assert result.code == 1
    assert result.out == ""  # no JSON document for a refused import
    assert "240324_200000_Q.json" in result.err and "nothing was imported" in result.err
    assert problem.lower() in result.err.lower()
    assert "Traceback" not in result.err
    assert desk.counts() == before


def test_a_missing_file_and_an_empty_folder_are_named(desk: Desk, tmp_path: Path) -> None:
    missing = desk("import", "results", tmp_path / "241001_200000_R.json")
    assert missing.code == 1 and "241001_200000_R.json" in missing.err
    (tmp_path / "empty").mkdir()
    empty = desk("import", "results", tmp_path / "empty")
    assert empty.code == 1 and "no ACC result files" in empty.err
    assert desk.counts().get("session", 0) == 0


def test_the_service_reports_progress_and_stores_nothing_when_a_later_file_fails(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "weekend"
    files = weekend_files(folder)
    (folder / "240324_213000_R2.json").write_bytes(
        b"\xff\xfe" + '{"sessionType": '.encode("utf-16-le")
    )
    paths = Paths(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'x.sqlite'}").ensure()
    store = Store.open(paths)
    seen: list[tuple[int, int, str]] = []
    try:
        with pytest.raises(Exception, match=r"240324_213000_R2\.json"):
            import_results(store, [folder], progress=lambda d, t, s: seen.append((d, t, s)))
        assert store.league.sessions() == []
        outcome = import_results(store, files, progress=lambda d, t, s: seen.append((d, t, s)))
    finally:
        store.close()
    assert [s.cars for s in outcome.sessions] == [9, 9, 9]
    assert seen[-1] == (6, 6, "Results imported")
    assert any(text.startswith("Storing") for _d, _t, text in seen)


def test_a_database_failure_in_the_last_file_rolls_back_every_row_of_the_import(
    tmp_path: Path,
) -> None:
    """Rows go to SQLite without the ORM (for speed), yet in the import's one transaction: a
    write refused late (the database refuses the laps of the third file, the race) leaves no
    league, event, session, driver, car or lap of any file behind."""
    files = weekend_files(tmp_path / "weekend")
    paths = Paths(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'x.sqlite'}").ensure()
    store = Store.open(paths)
    try:
        with store.engine.begin() as c:
            c.exec_driver_sql(
                "CREATE TRIGGER refuse_race_laps BEFORE INSERT ON car_laps "
                "WHEN (SELECT count(*) FROM session) = 3 "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
        with pytest.raises(Exception, match="the disk is full"):
            import_results(store, files, event=EVENT)
        with store.engine.connect() as c:
            for table in ("league", "event", "session", "driver", "car_entry", "car_laps"):
                assert c.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0, table
    finally:
        store.close()


def test_drivers_without_a_player_id_are_stored_once_under_their_name(
    desk: Desk, tmp_path: Path
) -> None:
    """A 2019 server wrote no playerId: the driver still counts, under `name:<name>`, and is
    the same driver in every file that names them the same way (accents and case aside)."""
    doc = leaderboard(race_file(tmp_path / "a"))
    first_car = doc["sessionResult"]["leaderBoardLines"][0]["car"]  # type: ignore[index]
    first_car["drivers"][0].update(playerId="", firstName="Zoë", lastName="Müller")
    second = json.loads(json.dumps(doc))
    second["sessionResult"]["bestlap"] += 1  # another file (another SHA-256)
    second["sessionResult"]["leaderBoardLines"][0]["car"]["drivers"][0].update(
        firstName="ZOE", lastName="MULLER "
    )
    files = []
    for name, content in (("191003_200000_R.json", doc), ("191010_200000_R.json", second)):
        files.append(tmp_path / name)
        files[-1].write_text(json.dumps(content), encoding="utf-8")

    for path in files:
        result = desk("import", "results", path, "--event", EVENT, "--json")
        assert result.code == 0, result.err
        (session,) = result.json()["sessions"]  # type: ignore[index]
        assert session["drivers"] == raw_counts(path)[1]

    rows = desk.query("SELECT player_id, first_name, last_name FROM driver WHERE player_id "
                      "LIKE 'name:%'")  # fmt: skip
    assert rows == [("name:zoe muller", "ZOE", "MULLER")]  # the newest names win
    links = desk.query("SELECT count(*) FROM car_driver WHERE player_id = 'name:zoe muller'")
    assert links == [(2,)]


def test_a_known_driver_keeps_the_names_a_newer_file_leaves_empty(
    desk: Desk, tmp_path: Path
) -> None:
    """The newest non-empty name parts and nationality win; empty ones never erase a name.
    First and last name go together, the short name and the nationality on their own."""
    doc = leaderboard(race_file(tmp_path / "a"))
    car = doc["sessionResult"]["leaderBoardLines"][0]["car"]  # type: ignore[index]
    player = car["drivers"][0]["playerId"]
    versions = [
        ({"firstName": "Ana", "lastName": "Silva", "shortName": "SIL"}, 7),
        ({"firstName": "", "lastName": "", "shortName": ""}, 7),
        ({"firstName": "", "lastName": "Silva-Costa", "shortName": ""}, 12),
        ({"firstName": "", "lastName": "", "shortName": "SCO"}, 12),
    ]
    expected = [
        ("Ana", "Silva", "SIL", 7),
        ("Ana", "Silva", "SIL", 7),
        ("", "Silva-Costa", "SIL", 12),
        ("", "Silva-Costa", "SCO", 12),
    ]
    for i, ((names, nationality), after) in enumerate(zip(versions, expected, strict=True)):
        car["drivers"][0].update(names)
        car["nationality"] = nationality
        doc["sessionResult"]["bestlap"] = 90_000 + i  # type: ignore[index]  # another SHA-256
        path = tmp_path / f"19100{i}_200000_R.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = desk("import", "results", path, "--event", EVENT)
        assert result.code == 0, result.err
        row = desk.query(
            "SELECT first_name, last_name, short_name, nationality FROM driver WHERE player_id = ?",
            player,
        )
        assert row == [after], i
    assert desk.query("SELECT count(*) FROM driver WHERE player_id = ?", player) == [(1,)]


def test_removing_a_league_removes_its_packed_laps_too(tmp_path: Path) -> None:
    """The demo's rebuild deletes its league with everything filed under it, laps included."""
    paths = Paths(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'x.sqlite'}").ensure()
    store = Store.open(paths)
    try:
        import_results(store, weekend_files(tmp_path / "weekend"), league="Sprint (demo)")
        with store.engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM car_laps").scalar() == 27
        assert store.league.delete_league("Sprint (demo)")
        with store.engine.connect() as c:
            for table in ("car_laps", "car_entry", "session", "event"):
                assert c.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0, table
    finally:
        store.close()


# -- fuzz: whatever bytes arrive, exit 0 or a message and exit 1 --------------------------

_GOOD = None


def _good_race(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    global _GOOD
    if _GOOD is None:
        _GOOD = race_file(tmp_path_factory.mktemp("fuzz-race")).read_bytes()
    return _GOOD


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash_the_import_and_change_nothing(
    desk: Desk, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "240324_210000_R.json"
    path.write_bytes(data)
    desk("results", "sessions")  # the desk exists (migrated) before the file arrives
    before = desk.counts()
    result = desk("import", "results", path)
    assert result.code == 1, result.err
    assert "240324_210000_R.json" in result.err and "Traceback" not in result.err
    assert desk.counts() == before


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    cuts=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10**6), st.binary(max_size=6)),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_result_files_import_or_are_refused_cleanly(
    desk: Desk, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, cuts
) -> None:
    data = bytearray(_good_race(tmp_path_factory))
    for at, replacement in cuts:
        at %= len(data)
        data[at : at + len(replacement)] = replacement
    path = tmp_path / "240324_210000_R.json"
    path.write_bytes(bytes(data))
    desk("results", "sessions")
    before = desk.counts()
    result = desk("import", "results", path)
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    if result.code == 1:
        assert "240324_210000_R.json" in result.err
        assert desk.counts() == before
    else:
        assert "imported" in result.err


def test_an_import_is_audited_and_its_rows_get_new_uuid4_ids(tmp_path: Path) -> None:
    """The audit entry (written as a plain row with the rest) reads back as audit.record's
    would: who, what, which session, the file and its SHA-256; every id is a fresh uuid4."""
    import hashlib
    import re
    import uuid

    from steward_desk.storage.audit import entries_for, record

    paths = Paths(home=tmp_path, db_url=f"sqlite:///{tmp_path / 'x.sqlite'}").ensure()
    store = Store.open(paths)
    store.actor = "Chief Steward"
    try:
        race = weekend_files(tmp_path / "weekend")[-1]
        (imported,) = import_results(store, [race], event=EVENT).sessions
        with store.read() as session:
            (entry,) = entries_for(session, imported.session_id)
        assert (entry.actor, entry.action, entry.entity) == (
            "Chief Steward",
            "results.imported",
            "session",
        )
        with store.transaction() as session:
            record(session, "Chief Steward", "something.else")  # the ORM way, for comparison
        with store.engine.connect() as c:
            fast, orm = (row[0] for row in c.exec_driver_sql("SELECT at FROM audit_log"))
        # Stored alike: the same text shape (UTC), so ordering and reading agree.
        assert re.sub(r"\d", "0", fast) == re.sub(r"\d", "0", orm)
        assert fast <= orm
        assert json.loads(entry.detail_json) == {
            "file": str(race),
            "sha256": hashlib.sha256(race.read_bytes()).hexdigest(),
            "cars": imported.cars,
            "laps": imported.laps,
        }
        with store.engine.connect() as c:
            ids = [imported.session_id] + [
                row[0]
                for row in c.exec_driver_sql(
                    "SELECT id FROM car_entry WHERE session_id = ?", (imported.session_id,)
                )
            ]
        assert len(ids) == 1 + imported.cars == len(set(ids))
        for text in ids:
            assert uuid.UUID(text).version == 4 and str(uuid.UUID(text)) == text
    finally:
        store.close()
