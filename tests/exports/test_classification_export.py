"""The admin exports the revised classification: steward penalties applied, CSV and JSON agree."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from league_fixture import League, correct_rejoin, decide, player, report

from steward_desk.cli.main import main
from steward_desk.core.rulebook import load_rulebook
from steward_desk.exports.classification import (
    classification_csv,
    classification_json,
    revised_classification,
)
from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.storage.store import Store

REAL_RACE = "fabieu__simdesk__Session_R.json"  # 50 cars, 275 laps, one post-race game penalty


def export(home: Path, session: str, fmt: str, out: Path) -> None:
    code = main(["--home", str(home), "export", "classification", "--session", session,
                 "--format", fmt, "--out", str(out)])  # fmt: skip
    assert code == 0


def read_both(home: Path, session: str, tmp_path: Path) -> tuple[list[dict[str, str]], dict]:  # type: ignore[type-arg]
    export(home, session, "csv", tmp_path / "results.csv")
    export(home, session, "json", tmp_path / "results.json")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "results.csv").read_text("utf-8"))))
    return rows, json.loads((tmp_path / "results.json").read_text("utf-8"))


def assert_agree(rows: list[dict[str, str]], doc: dict) -> None:  # type: ignore[type-arg]
    assert len(rows) == len(doc["classification"])
    for line, entry in zip(rows, doc["classification"], strict=True):
        assert int(line["position"]) == entry["position"]
        assert int(line["class_position"]) == entry["class_position"]
        assert int(line["file_position"]) == entry["file_position"]
        assert int(line["car_number"]) == entry["car_number"]
        assert line["player_ids"].split() == [d["player_id"] for d in entry["drivers"]]
        assert int(line["laps"]) == entry["laps"]
        assert int(line["penalty_ms"]) == entry["penalty_ms"]
        assert line["final_time_ms"] == ("" if entry["final_time_ms"] is None
                                         else str(entry["final_time_ms"]))  # fmt: skip
        assert line["status"] == entry["status"]


@pytest.fixture
def real_race(acc_fixtures: Path, tmp_path: Path) -> tuple[Paths, Store, str]:
    home = tmp_path / "desk"
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    imported = import_results(store, [acc_fixtures / REAL_RACE], event="Endurance · 8h")
    yield paths, store, imported.sessions[0].session_id
    store.close()


def test_a_time_penalty_for_the_winner_of_a_real_race_moves_them_where_laps_and_time_say(
    real_race: tuple[Paths, Store, str], tmp_path: Path
) -> None:
    paths, store, session_id = real_race
    revised = revised_classification(store, session_id, load_rulebook())
    winner = revised.before[0]
    driver = winner.drivers[1].player_id  # the second driver of the crew caused it
    incident = report_against(store, session_id, winner, driver)
    decide(
        store, incident, category="avoidable_contact", outcome="penalty", at_fault=[driver],
        penalty={"type": "time", "value": 60}, reasoning="Contact at the bus stop.",
        decided_at=datetime(2023, 1, 1, tzinfo=UTC), session_id=session_id,
    )  # fmt: skip

    rows, doc = read_both(paths.home, session_id, tmp_path)
    assert_agree(rows, doc)
    # An independent sort: more laps first, then less time (steward seconds added).
    keyed = sorted(
        (c for c in revised.before if c.total_time_ms is not None),
        key=lambda c: (-c.laps, c.total_time_ms + (60_000 if c is winner else 0)),
    )
    expected = keyed.index(winner) + 1
    row = next(e for e in doc["classification"] if e["car_number"] == winner.car_number)
    assert expected == 3 and row["position"] == expected
    assert row["penalty_ms"] == 60_000 and row["moved"] == -2
    assert row["final_time_ms"] == winner.total_time_ms + 60_000
    assert row["penalties"][0]["type"] == "time" and row["penalties"][0]["value"] == 60
    # Everyone the winner fell behind moved up one place; the rest stayed where they were.
    moved_up = [e["car_number"] for e in doc["classification"] if e["moved"] == 1]
    assert moved_up == [c.car_number for c in revised.before[1:3]]


def test_the_games_own_post_race_penalty_is_not_counted_twice(
    real_race: tuple[Paths, Store, str], tmp_path: Path
) -> None:
    paths, store, session_id = real_race
    from sqlmodel import select

    from steward_desk.storage.tables import CarEntry, GamePenalty

    with store.read() as session:
        game = session.exec(select(GamePenalty).where(GamePenalty.post_race)).one()
        car = session.get(CarEntry, game.car_entry_id)
    assert car is not None and game.penalty_value == 30
    _, doc = read_both(paths.home, session_id, tmp_path)
    entry = next(e for e in doc["classification"] if e["car_number"] == car.race_number)
    assert entry["penalty_ms"] == 0 and entry["total_time_ms"] == car.total_time_ms
    assert entry["position"] == entry["file_position"] == car.position


def report_against(store: Store, session_id: str, car, player_id: str) -> str:  # type: ignore[no-untyped-def]
    from steward_desk.core.model import InvolvementRole
    from steward_desk.storage.incidents import NewInvolvement, NewReport

    return store.incidents.file_report(
        NewReport(
            session_id=session_id, reporter_player_id=None, reporter_name="Race control",
            involved=[NewInvolvement(player_id, InvolvementRole.ACCUSED, car.car_number)],
            description="Contact", submitted_at=datetime(2022, 12, 31, tzinfo=UTC),
        )
    )  # fmt: skip


def test_drive_throughs_are_converted_per_the_rulebook_and_dqs_go_last(
    league: League, tmp_path: Path
) -> None:
    correct_rejoin(league, datetime(2025, 5, 3, tzinfo=UTC))  # warning → drive-through, car 4
    incident = report(league.store, league.spa_race, 3, 6, "unsportsmanlike", lap=3,
                      at=timedelta(hours=4))  # fmt: skip
    decide(
        league.store, incident, category="unsportsmanlike", outcome="penalty",
        at_fault=[player(6)], penalty={"type": "disqualification", "value": 0},
        reasoning="Deliberate contact after the flag.", decided_at=datetime(2025, 5, 3, 1, tzinfo=UTC),
        session_id=league.spa_race,
    )  # fmt: skip
    rows, doc = read_both(league.paths.home, league.spa_race, tmp_path)
    assert_agree(rows, doc)
    by_car = {e["car_number"]: e for e in doc["classification"]}
    assert doc["drive_through_seconds"] == 30
    assert by_car[4]["penalty_ms"] == 30_000  # the corrected warning adds nothing
    assert [p["type"] for p in by_car[4]["penalties"]] == ["drive_through"]
    assert by_car[12]["penalty_ms"] == 5_000
    assert by_car[88]["status"] == "dq" and by_car[88]["position"] == 6
    ranked = [e for e in doc["classification"] if e["status"] != "dq"]
    finals = [e["final_time_ms"] for e in ranked]
    assert finals == sorted(finals)  # all on the same lap: time decides


def test_json_and_csv_are_the_same_bytes_when_exported_again(league: League) -> None:
    rulebook = load_rulebook()
    first = revised_classification(league.store, league.spa_race, rulebook)
    again = revised_classification(league.store, league.spa_race[:8], rulebook)
    assert classification_json(first) == classification_json(again)
    assert classification_csv(first) == classification_csv(again)


def test_an_unknown_session_is_refused_and_nothing_is_written(
    league: League, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.csv"
    code = main(["--home", str(league.paths.home), "export", "classification", "--session",
                 "nope", "--format", "csv", "--out", str(out)])  # fmt: skip
    assert code == 1 and "no session 'nope'" in capsys.readouterr().err
    assert not out.exists()


def test_a_stop_go_costs_its_seconds_plus_the_drive_through_when_the_rulebook_says_so(
    league: League, tmp_path: Path
) -> None:
    rulebook = load_rulebook()
    assert rulebook.conversion.stop_go_adds_drive_through  # the bundled rulebook's example
    incident = report(league.store, league.spa_race, 2, 5, "pit_lane_violation", lap=2,
                      at=timedelta(hours=6))  # fmt: skip
    decide(
        league.store, incident, category="pit_lane_violation", outcome="penalty",
        at_fault=[player(5)], penalty={"type": "stop_go", "value": 10},
        reasoning="Speeding in the pit lane.", decided_at=datetime(2025, 5, 3, tzinfo=UTC),
        session_id=league.spa_race,
    )  # fmt: skip
    _, doc = read_both(league.paths.home, league.spa_race, tmp_path)
    emma = next(e for e in doc["classification"] if e["car_number"] == 55)
    assert emma["penalty_ms"] == (10 + rulebook.conversion.drive_through_seconds) * 1000
