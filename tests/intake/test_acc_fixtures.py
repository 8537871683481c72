"""Every real ACC file in ../shared/fixtures/acc-results imports, and what the parser returns
agrees with a plain, lenient reading of the same JSON done here independently.

The files are third-party data read in place (never copied into the repo); the tests skip
with a clear reason when ../shared is absent."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from steward_desk.core.classification import PenaltyConversion, StewardPenalty, classify
from steward_desk.core.model import Penalty, PenaltyType, SessionType, has_player_id
from steward_desk.intake.acc_results import (
    AccEntryList,
    AccSession,
    decode_acc_bytes,
    parse_acc_results,
    read_acc_file,
    stand_in_player_id,
)
from steward_desk.intake.acc_typed import decode_typed

_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "acc-results"
NAMES = sorted(p.name for p in _DIR.glob("*.json")) or ["<no fixture files>"]
RESULT_NAMES = [n for n in NAMES if not n.endswith("_entrylist.json")]


def lenient_json(data: bytes) -> dict:
    """How a careful script would read the file: BOM or NUL sniffing, then json.loads."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    elif data[1:2] == b"\x00":
        text = data.decode("utf-16-le")
    else:
        text = data.decode("utf-8-sig")
    return json.loads(text)


def read(acc_fixtures: Path, name: str) -> tuple[bytes, AccSession | AccEntryList]:
    data = (acc_fixtures / name).read_bytes()
    return data, read_acc_file(data, acc_fixtures / name)


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_file_imports(acc_fixtures, name):
    data, parsed = read(acc_fixtures, name)
    raw = lenient_json(data)
    if name.endswith("_entrylist.json"):
        assert isinstance(parsed, AccEntryList)
        assert len(parsed.entries) == len(raw["entries"])
        return
    assert isinstance(parsed, AccSession)
    assert parsed.track == raw["trackName"]
    assert parsed.session_type is SessionType.from_acc(raw["sessionType"])


@pytest.mark.parametrize("name", RESULT_NAMES)
def test_counts_of_cars_drivers_laps_and_penalties_match_the_file(acc_fixtures, name):
    data, session = read(acc_fixtures, name)
    raw = lenient_json(data)
    lines = raw["sessionResult"]["leaderBoardLines"]

    assert len(session.cars) == len(lines)
    assert session.lap_count == len(raw["laps"])
    # Every driver of the file has an id: its playerId, or a stand-in from the name (2019).
    player_ids = {
        d["playerId"].strip() or stand_in_player_id(d["firstName"], d["lastName"], "", "")
        for line in lines
        for d in line["car"]["drivers"]
    }
    parsed_ids = {d.player_id for car in session.cars for d in car.drivers}
    assert parsed_ids == player_ids
    assert all(d.player_id for car in session.cars for d in car.drivers)
    assert sum(len(c.drivers) for c in session.cars) == sum(len(x["car"]["drivers"]) for x in lines)
    expected_penalties = len(raw.get("penalties", [])) + len(raw.get("post_race_penalties") or [])
    assert len(session.penalties) == expected_penalties
    for car, line in zip(session.cars, lines, strict=True):
        assert car.car_id == line["car"]["carId"]
        assert car.lap_count == line["timing"]["lapCount"]
        assert len(session.laps_of(car.car_id)) == line["timing"]["lapCount"]


@pytest.mark.parametrize("name", RESULT_NAMES)
def test_with_no_steward_penalty_the_classification_is_the_leaderboard(acc_fixtures, name):
    data, session = read(acc_fixtures, name)
    raw = lenient_json(data)

    rows = classify(session.session_type, session.car_results())

    file_order = [line["car"]["raceNumber"] for line in raw["sessionResult"]["leaderBoardLines"]]
    assert [row.car_number for row in rows] == file_order
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    assert all(row.penalty_ms == 0 and row.status != "dq" for row in rows)


def test_the_8_hour_race_reads_its_multi_driver_cars_penalties_and_wraparound_times(acc_fixtures):
    _, session = read(acc_fixtures, "fabieu__simdesk__Session_R.json")

    assert (len(session.cars), session.lap_count) == (50, 11_235)
    assert {len(c.drivers) for c in session.cars} == {1, 2, 3, 4}
    assert sum(1 for c in session.cars if c.current_driver_index > 0) == 30
    (post_race,) = [p for p in session.penalties if p.post_race]
    assert (post_race.car_id, post_race.penalty, post_race.penalty_value) == (
        1008,
        "PostRaceTime",
        30,
    )
    zero_lap = [c for c in session.cars if c.lap_count == 0]
    assert [c.race_number for c in zero_lap] == [1, 2, 265, 719]
    assert all(c.total_time_ms is None and c.best_lap_ms is None for c in zero_lap)
    # Hand-edited demo groups are kept as the file says (SOURCES.md caveat).
    assert [c.car_class for c in session.cars[5:9]] == ["CUP", "ST", "CHL", "TCX"]


def test_a_2021_qualifying_without_car_group_derives_gt3_and_gt4(acc_fixtures):
    name = "ignaciochemes__AssettoCorsaCompetizione-Discord-Bot-MONGODB__210624_193322_Q.json"
    _, session = read(acc_fixtures, name)
    classes = {c.race_number: c.car_class for c in session.cars}
    assert classes[82] == "GT3"  # BMW M6
    assert classes[4] == "GT4"  # Porsche 718
    rows = classify(session.session_type, session.car_results())
    assert [(r.car_number, r.class_position) for r in rows if r.car_class == "GT4"][:2] == [
        (4, 1),
        (2, 2),
    ]


def test_game_disqualifications_are_facts_and_the_file_order_stands(acc_fixtures):
    name = "ignaciochemes__AssettoCorsaCompetizione-Discord-Bot-MONGODB__210225_194000_Q.json"
    _, session = read(acc_fixtures, name)
    dq_cars = {p.car_id for p in session.penalties if p.is_disqualification}
    assert dq_cars == {1002, 1004}
    rows = classify(session.session_type, session.car_results())
    # The fastest car (107.262) was DQ'd by the game and is listed behind slower cars.
    assert [(r.car_number, r.best_lap_ms) for r in rows][2] == (3, 107_262)
    assert all(r.status == "classified" for r in rows)


def test_a_2019_race_keeps_its_post_race_time_inside_penalties(acc_fixtures):
    _, session = read(acc_fixtures, "mauserrifle__simresults__race.to.fix.positions.json")
    (post_race,) = [p for p in session.penalties if p.post_race]
    assert (post_race.car_id, post_race.penalty_value) == (1014, 80)
    car = session.car(1014)
    assert car is not None and car.position == 14  # last of the 30-lap cars: 80 s included

    rows = classify(session.session_type, session.car_results())
    assert rows[13].car_number == car.race_number and rows[13].penalty_ms == 0


def test_a_steward_time_penalty_drops_a_car_in_the_40_car_race(acc_fixtures):
    _, session = read(acc_fixtures, "mauserrifle__simresults__race.to.fix.positions.json")
    winner = session.cars[0]
    penalty = StewardPenalty(str(winner.car_id), Penalty(PenaltyType.TIME, 30), "case 1")

    rows = classify(session.session_type, session.car_results(), [penalty])

    # 3 630 098 ms + 30 s = 3 660 098: behind 3 638 947 and 3 659 038, ahead of 3 673 379.
    moved = next(r for r in rows if r.car_number == winner.race_number)
    times = [r.final_time_ms for r in rows if r.laps == 30]
    assert times == sorted(times)
    assert moved.position == 3 and moved.penalty_ms == 30_000
    assert moved.penalties == (penalty,)


def test_the_2019_race_team_rides_in_the_last_name(acc_fixtures):
    _, session = read(acc_fixtures, "mauserrifle__simresults__191003_235558_R.json")
    car = next(c for c in session.cars if c.race_number == 17)
    assert car.drivers[0].last_name == "Siv"
    assert car.team_name == "TEAMname"
    assert session.is_wet and session.race_weekend_index is None


def test_a_never_served_stop_and_go_has_no_laps(acc_fixtures):
    _, session = read(acc_fixtures, "Onlykarting__acc_server__210619_010117_R.json")
    (stop_go,) = session.penalties
    assert (stop_go.penalty, stop_go.violation_lap, stop_go.cleared_lap) == (
        "StopAndGo_30",
        None,
        None,
    )
    assert not stop_go.served
    assert "№" in session.server_name


def test_dt_conversion_applies_to_the_real_race(acc_fixtures):
    _, session = read(acc_fixtures, "Onlykarting__acc_server__210619_010117_R.json")
    leader = session.cars[0]
    rows = classify(
        SessionType.RACE,
        session.car_results(),
        [StewardPenalty(str(leader.car_id), Penalty(PenaltyType.DRIVE_THROUGH))],
        conversion=PenaltyConversion(drive_through_s=25),
    )
    # 769 674 + 25 000 is behind the second car's 771 906.
    assert [r.car_number for r in rows][:2] == [154, 700]


def test_parse_and_read_agree_on_a_results_file(acc_fixtures):
    path = acc_fixtures / "fabieu__simdesk__221018_194925_Q.json"
    data = path.read_bytes()
    assert parse_acc_results(data, path) == read_acc_file(data, path)


def test_a_2019_practice_without_player_ids_keeps_its_drivers_under_their_names(acc_fixtures):
    _, session = read(acc_fixtures, "mauserrifle__simresults__191003_224358_FP.json")

    drivers = [d for car in session.cars for d in car.drivers]
    assert [d.player_id for d in drivers] == [
        "name:federico siv",
        "name:alberto for",
        "name:andrea mel",
    ]
    assert not any(has_player_id(d.player_id) for d in drivers)
    assert (drivers[0].first_name, drivers[0].last_name) == ("Federico", "Siv")


@pytest.mark.parametrize("name", RESULT_NAMES)
def test_every_genuine_file_takes_the_fast_typed_reading(acc_fixtures, name):
    """The speed of an import rests on this: real files never need the lenient reader."""
    data = (acc_fixtures / name).read_bytes()
    assert decode_typed(decode_acc_bytes(data, name)) is not None


@pytest.mark.parametrize("name", RESULT_NAMES)
def test_the_lenient_reading_of_every_file_agrees_with_the_fast_one(acc_fixtures, name):
    """The same file with one value written as some tools write it (an int for a flag, a
    float for an integer) takes the lenient reader; both readings must give the same session."""
    data, fast = read(acc_fixtures, name)
    raw = lenient_json(data)
    lines = raw["sessionResult"]["leaderBoardLines"]
    if raw["laps"]:
        raw["laps"][0]["isValidForBest"] = int(raw["laps"][0]["isValidForBest"])
    elif lines:
        lines[0]["car"]["raceNumber"] = float(lines[0]["car"]["raceNumber"])
    text = json.dumps(raw)
    if raw["laps"] or lines:
        assert decode_typed(text) is None  # so the lenient reader is the one that read it
    lenient = parse_acc_results(text.encode(), acc_fixtures / name)
    assert dataclasses.replace(lenient, sha256=fast.sha256) == fast
