"""An admin imports ACC server result files however they reached the desk: straight from the
server (UTF-16 LE, no BOM, duplicated sessionType), re-saved by an editor, from 2019 to
2025, from a console server. Synthetic files only: this suite stands without ../shared."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from steward_desk.core.model import Driver, SessionType
from steward_desk.intake.acc_cars import CarModel, car_class, car_model, is_console_server
from steward_desk.intake.acc_results import (
    NO_TIME,
    AccEntryList,
    AccSession,
    decode_acc_bytes,
    parse_acc_entrylist,
    parse_acc_results,
    read_acc_file,
    sha256_soon,
)
from steward_desk.intake.errors import AccResultsError

ENCODINGS = ["utf-16-le", "utf-16-le-bom", "utf-16-be", "utf-8", "utf-8-sig"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_race_file_reads_the_same_in_every_encoding_it_arrives_in(
    race_doc, encoding, tmp_path, acc_bytes
):
    path = tmp_path / "240501_213000_R.json"
    path.write_bytes(acc_bytes(race_doc(), encoding))
    data = path.read_bytes()

    session = parse_acc_results(data, path)

    assert session.session_type is SessionType.RACE
    assert session.track == "spa"
    assert session.sha256 == hashlib.sha256(data).hexdigest()
    assert [c.race_number for c in session.cars] == [12, 7, 34]
    assert [c.position for c in session.cars] == [1, 2, 3]
    assert session.lap_count == 8
    assert session.cars[1].drivers[1] == Driver(
        "S76561198000010021", "Driver10021", "Surname10021", "D10"
    )


def test_genuine_server_bytes_are_utf16_without_bom_and_plain_json_fails_on_them(
    race_doc, acc_bytes
):
    data = acc_bytes(race_doc())
    assert data[:4] == b"{\x00\n\x00"
    with pytest.raises(ValueError):
        json.loads(data.decode("utf-8"))
    assert decode_acc_bytes(data, "R.json").startswith('{\n    "sessionType": "R"')


def test_the_duplicated_session_type_keeps_its_last_value_and_never_fails(race_doc, acc_bytes):
    doc = race_doc()
    text = acc_bytes(doc, "utf-8").decode()
    assert text.count('"sessionType"') == 2
    # A hand-edited file whose two values disagree: the last one wins, as lenient readers do.
    edited = text.replace('"sessionType": "R"', '"sessionType": "Q"', 1)
    session = parse_acc_results(edited.encode(), "R.json")
    assert session.session_type is SessionType.RACE


def test_laps_are_numbered_per_car_in_file_order_with_driver_and_validity(race_doc, acc_bytes):
    session = parse_acc_results(acc_bytes(race_doc()), "R.json")

    car_1001 = session.laps_of(1001)
    assert [lap.lap_number for lap in car_1001] == [1, 2, 3]
    assert [lap.valid for lap in car_1001] == [True, False, True]
    assert [lap.driver_index for lap in session.laps_of(1002)] == [0, 0, 1]
    assert session.laps_of(1003)[-1].lap_number == 2
    assert session.laps_of(1001)[0].splits == (33_000, 33_000, 34_000)
    assert [laps.car_id for laps in session.car_laps] == [1001, 1002, 1003]
    assert session.laps_for(1002).lap_time_ms == (100_000, 99_999, 99_998)


def test_game_penalties_are_kept_as_facts_with_the_post_race_flag(race_doc, acc_bytes):
    session = parse_acc_results(acc_bytes(race_doc()), "R.json")

    drive_through, post_race = session.penalties
    assert (drive_through.penalty, drive_through.post_race, drive_through.served) == (
        "DriveThrough",
        False,
        True,
    )
    assert (post_race.penalty, post_race.penalty_value, post_race.post_race) == (
        "PostRaceTime",
        5,
        True,
    )
    assert post_race.violation_lap is None and post_race.cleared_lap is None
    # The file's total already includes the 5 s: the parser does not touch it.
    assert session.car(1002).total_time_ms == 302_500


def test_no_time_sentinels_and_uint32_wraparounds_read_as_none(race_doc, acc_bytes):
    doc = race_doc()
    line = doc["sessionResult"]["leaderBoardLines"][2]
    line["timing"].update(
        lapCount=0, totalTime=4294821767, bestLap=NO_TIME, lastLap=NO_TIME, lastSplitId=4294967295
    )
    doc["laps"] = [lap for lap in doc["laps"] if lap["carId"] != 1003]
    doc["laps"][0]["splits"][2] = NO_TIME
    session = parse_acc_results(acc_bytes(doc), "R.json")

    zero_lap = session.car(1003)
    assert (zero_lap.lap_count, zero_lap.total_time_ms, zero_lap.best_lap_ms) == (0, None, None)
    assert zero_lap.last_lap_ms is None
    assert session.laps_of(1001)[0].splits == (33_000, 33_000, None)
    assert session.laps_of(1002)[0].splits == (33_000, 33_000, 34_000)


def test_an_empty_session_has_no_cars_no_laps_and_no_best_lap(acc_bytes):
    doc = {
        "sessionType": "Q",
        "trackName": "watkins_glen",
        "sessionIndex": 1,
        "raceWeekendIndex": -1,
        "metaData": "",
        "serverName": "Empty server",
        "sessionResult": {
            "bestlap": 0,
            "bestSplits": [0, 0, 0],
            "isWetSession": 0,
            "type": 0,
            "leaderBoardLines": [],
        },
        "laps": [],
        "penalties": [],
        "post_race_penalties": [],
    }
    session = parse_acc_results(acc_bytes(doc, "utf-16-le-bom"), "Q.json")
    assert (session.cars, session.car_laps, session.penalties) == ((), (), ())
    assert session.lap_count == 0
    assert session.best_lap_ms is None
    assert session.race_weekend_index == -1


def test_five_drivers_share_a_car_and_a_league_team_rides_in_the_last_name(race_doc, acc_bytes):
    doc = race_doc()
    car = doc["sessionResult"]["leaderBoardLines"][0]["car"]
    car["drivers"] = [
        {
            "firstName": f" Näme{k} ",
            "lastName": f"Fahrer{k} ",
            "shortName": "FA",
            "playerId": f"S{k}",
        }
        for k in range(5)
    ]
    car["drivers"][0]["lastName"] = "Siv\nTEAMname"
    doc["sessionResult"]["leaderBoardLines"][0]["driverTotalTimes"] = [1.5, 0.0, 0.0, 0.0, 0.0]
    session = parse_acc_results(acc_bytes(doc), "R.json")

    first = session.cars[0]
    assert len(first.drivers) == 5
    assert first.drivers[0] == Driver("S0", "Näme0", "Siv", "FA")
    assert first.drivers[4].last_name == "Fahrer4"
    assert first.team_name == "TEAMname"
    assert first.driver_total_times_ms == (1.5, 0.0, 0.0, 0.0, 0.0)


def test_a_2019_file_without_the_newer_keys_reads_and_derives_the_class(race_doc, acc_bytes):
    doc = race_doc()
    for key in ("raceWeekendIndex", "metaData", "post_race_penalties", "serverName"):
        del doc[key]
    for line in doc["sessionResult"]["leaderBoardLines"]:
        for key in ("carGroup", "carGuid", "teamGuid"):
            del line["car"][key]
    doc["sessionResult"]["leaderBoardLines"][1]["car"]["carModel"] = 53  # BMW M4 GT4
    doc["sessionResult"]["leaderBoardLines"][2]["car"]["carModel"] = 9  # 991 II Cup
    doc["penalties"].append(
        {
            "carId": 1002,
            "driverIndex": 0,
            "reason": "Cutting",
            "penalty": "PostRaceTime",
            "penaltyValue": 80,
            "violationInLap": 2,
            "clearedInLap": 0,
        }
    )
    session = parse_acc_results(acc_bytes(doc, duplicate_type=False), "191003_235558_R.json")

    assert session.race_weekend_index is None
    assert (session.meta_data, session.server_name) == ("", "")
    assert [c.car_class for c in session.cars] == ["GT3", "GT4", "GTC"]
    assert session.cars[1].car_model_name == "BMW M4 GT4"
    assert [p.post_race for p in session.penalties] == [False, True]


def test_the_files_car_group_wins_over_the_model_table(race_doc, acc_bytes):
    doc = race_doc()
    doc["sessionResult"]["leaderBoardLines"][0]["car"]["carGroup"] = "CUP"
    session = parse_acc_results(acc_bytes(doc), "R.json")
    assert session.cars[0].car_class == "CUP"
    assert session.cars[0].car_model_name == "BMW M4 GT3"


def test_a_console_server_switches_to_the_console_car_table(race_doc, acc_bytes):
    doc = race_doc()
    doc["serverName"] = "PS5 League | Crossplay Sunday"
    lines = doc["sessionResult"]["leaderBoardLines"]
    for line, model in zip(lines, (26, 30, 1), strict=True):
        line["car"]["carModel"] = model
        del line["car"]["carGroup"]  # the class must come from the console table
    session = parse_acc_results(acc_bytes(doc), "R.json")

    assert session.console
    assert [(c.car_model_name, c.car_class) for c in session.cars] == [
        ("BMW M4 GT3", "GT3"),  # 30 on PC
        ("Lamborghini Huracán Super Trofeo Evo2", "GTC"),  # 29 on PC
        ("Mercedes-AMG GT3", "GT3"),  # shared ids mean the same car
    ]
    pc = parse_acc_results(acc_bytes(race_doc()), "R.json")
    assert not pc.console and pc.cars[0].car_model_name == "BMW M4 GT3"


@pytest.mark.parametrize(
    ("server", "console"),
    [("XBOX Series League", True), ("ps5 sprint", True), ("Crossplay Cup", True),
     ("Sim League | PC only", False), ("", False)],
)  # fmt: skip
def test_console_servers_are_recognised_by_name(server, console):
    assert is_console_server(server) is console


def test_unknown_car_models_get_a_readable_placeholder():
    assert car_model(99) == CarModel(99, "Car model 99", "Unknown")
    assert car_class(99, "") == "Unknown"
    assert car_class(99, " GT3 ") == "GT3"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("R2", SessionType.RACE),
        ("Q1", SessionType.QUALIFYING),
        ("FP", SessionType.PRACTICE),
        (10, SessionType.RACE),
    ],
)
def test_numbered_and_numeric_session_types(race_doc, raw, kind, acc_bytes):
    doc = race_doc()
    doc["sessionType"] = raw
    session = parse_acc_results(acc_bytes(doc, duplicate_type=False), "x.json")
    assert session.session_type is kind


def test_laps_of_a_car_missing_from_the_leaderboard_are_kept(race_doc, acc_bytes):
    doc = race_doc()
    doc["laps"].append(dict(doc["laps"][0], carId=1099))
    session = parse_acc_results(acc_bytes(doc), "R.json")
    assert session.car(1099) is None
    assert session.laps_of(1099)[0].lap_number == 1


def test_an_odd_lap_takes_the_careful_path_and_still_reads(race_doc, acc_bytes):
    doc = race_doc()
    doc["laps"][3]["isValidForBest"] = 1  # an int flag, as some tools write
    doc["laps"][4]["laptime"] = 99_999.0  # an integral float
    del doc["laps"][5]["splits"]
    session = parse_acc_results(acc_bytes(doc), "R.json")
    assert session.laps_of(1001)[1].valid is True  # laps[3] is car 1001's second lap
    assert session.laps_of(1002)[1].lap_time_ms == 99_999
    assert session.laps_of(1003)[1].splits == ()
    assert [lap.lap_number for lap in session.laps_of(1001)] == [1, 2, 3]


def test_the_careful_path_reads_a_file_exactly_as_the_fast_path_does(race_doc, acc_bytes):
    doc = race_doc()
    fast = parse_acc_results(acc_bytes(doc), "R.json")
    # Same values, written the way some tools write them: the typed decode refuses these.
    doc["laps"][0]["isValidForBest"] = 1
    doc["laps"][7]["laptime"] = float(doc["laps"][7]["laptime"])
    careful = parse_acc_results(acc_bytes(doc), "R.json")
    assert careful.car_laps == fast.car_laps
    assert careful.cars == fast.cars and careful.penalties == fast.penalties


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_careful_path_keeps_the_files_hash_and_text_in_every_encoding(
    race_doc, acc_bytes, encoding
):
    doc = race_doc()
    doc["laps"][0]["isValidForBest"] = 1  # refused by the typed decode
    doc["serverName"] = "Ligue Française · Nürburgring"  # text that must survive the decode
    data = acc_bytes(doc, encoding)
    session = parse_acc_results(data, "R.json")
    assert session.sha256 == hashlib.sha256(data).hexdigest()
    assert session.server_name == "Ligue Française · Nürburgring"
    assert read_acc_file(data, "R.json") == session


def test_a_no_time_lap_reads_as_none_on_the_careful_path(race_doc, acc_bytes):
    doc = race_doc()
    doc["laps"][1]["laptime"] = NO_TIME
    session = parse_acc_results(acc_bytes(doc), "R.json")
    assert session.laps_for(1002).lap_time_ms == (None, 99_999, 99_998)


def test_car_results_hand_the_file_order_to_the_classification(race_doc, acc_bytes):
    session = parse_acc_results(acc_bytes(race_doc()), "R.json")
    results = session.car_results()
    assert [(r.entry_id, r.position, r.car_number, r.car_class) for r in results] == [
        ("1001", 1, 12, "GT3"),
        ("1002", 2, 7, "GT3"),
        ("1003", 3, 34, "GT3"),
    ]


# --- bad input: a clear message naming the file and the key --------------------------------


def test_a_wrong_value_is_named_by_file_key_path_and_value(race_doc, acc_bytes):
    doc = race_doc()
    doc["sessionResult"]["leaderBoardLines"][2]["timing"]["totalTime"] = "abc"
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(acc_bytes(doc), Path("/srv/acc/results/Session_R.json"))
    assert str(caught.value) == (
        "Session_R.json: sessionResult.leaderBoardLines[2].timing.totalTime: "
        "expected an integer, got 'abc'"
    )
    assert caught.value.key_path == "sessionResult.leaderBoardLines[2].timing.totalTime"


@pytest.mark.parametrize(
    ("mutate", "key_path", "problem"),
    [
        (lambda d: d["laps"][4].update(carId="1001"), "laps[4].carId", "expected an integer, got '1001'"),
        (lambda d: d["laps"][2].pop("laptime"), "laps[2].laptime", "missing"),
        (lambda d: d["laps"].__setitem__(1, [1, 2]), "laps[1]", "expected an object, got a list"),
        (lambda d: d["laps"][0]["splits"].__setitem__(1, None), "laps[0].splits[1]", "expected an integer, got null"),
        (lambda d: d.__setitem__("sessionType", "Warmup"), "sessionType", "expected FP, Q or R (or Q1, R2, …), got 'Warmup'"),
        (lambda d: d.pop("trackName"), "trackName", "missing"),
        (lambda d: d["sessionResult"].__setitem__("leaderBoardLines", {}), "sessionResult.leaderBoardLines", "expected a list, got an object"),
        (lambda d: d["sessionResult"]["leaderBoardLines"][0]["car"].pop("carId"), "sessionResult.leaderBoardLines[0].car.carId", "missing"),
        (lambda d: d["sessionResult"]["leaderBoardLines"][1]["car"]["drivers"][0].update(playerId=7), "sessionResult.leaderBoardLines[1].car.drivers[0].playerId", "expected a string, got 7"),
        (lambda d: d["penalties"][0].update(penalty=None), "penalties[0].penalty", "missing"),
        (lambda d: d["post_race_penalties"][0].update(penaltyValue=True), "post_race_penalties[0].penaltyValue", "expected an integer, got true"),
    ],
)  # fmt: skip
def test_each_broken_key_is_reported_where_it_is(race_doc, mutate, key_path, problem, acc_bytes):
    doc = race_doc()
    mutate(doc)
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(acc_bytes(doc), "R.json")
    assert (caught.value.key_path, caught.value.problem) == (key_path, problem)


def test_a_truncated_file_names_the_line_where_the_json_stops(race_doc, acc_bytes):
    data = acc_bytes(race_doc())
    cut = data[: len(data) // 4 * 2]  # whole UTF-16 code units, half the document
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(cut, "240501_213000_R.json")
    message = str(caught.value)
    assert message.startswith("240501_213000_R.json: line ")
    assert "not valid JSON" in message and "truncated" in message


def test_a_file_cut_in_the_middle_of_a_utf16_character_is_reported_as_damaged(race_doc, acc_bytes):
    data = acc_bytes(race_doc())
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(data[:-1], "R.json")
    assert caught.value.key_path == f"byte {len(data) - 2}"
    assert "truncated data" in caught.value.problem


def test_an_editor_mangled_utf16_file_is_refused_with_the_byte_offset(race_doc, acc_bytes):
    data = bytearray(acc_bytes(race_doc()))
    data[40:42] = b"\x00\xd8"  # a lone high surrogate in UTF-16 LE
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(bytes(data), "R.json")
    assert caught.value.key_path == "byte 40"
    assert "not valid UTF-16-LE text" in caught.value.problem


def test_invalid_utf8_says_it_is_neither_utf8_nor_the_servers_utf16():
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(b'{"sessionType": "R\xff\xfe\xfd"}', "R.json")
    assert "not valid UTF-8 text (nor the UTF-16 the server writes)" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (b"[1, 2, 3]", "expected a JSON object, got a list"),
        (b'{"name": "a settings.json"}', "missing: this is not an ACC results file"),
        (b'{"entries": [], "forceEntryList": 0}', "this is an ACC entry list, not a results file"),
    ],
)
def test_non_results_json_is_refused_plainly(data, problem):
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(data, "x.json")
    assert problem in str(caught.value)


def test_an_entry_list_reads_with_its_capital_player_id():
    doc = {
        "entries": [
            {
                "drivers": [
                    {"firstName": "Ana", "lastName": "Lopes", "shortName": "LOP",
                     "driverCategory": 2, "playerID": "S76561198000000042"}
                ],
                "raceNumber": 33,
                "forcedCarModel": -1,
                "overrideDriverInfo": 0,
                "defaultGridPosition": 2,
                "isServerAdmin": 1,
            }
        ],
        "forceEntryList": 0,
        "configVersion": 1,
    }  # fmt: skip
    data = json.dumps(doc, indent=4).encode("utf-16-le")
    entries = parse_acc_entrylist(data, "210624_193322_entrylist.json")
    assert isinstance(read_acc_file(data, "x.json"), AccEntryList)
    (entry,) = entries.entries
    assert entry.drivers[0].player_id == "S76561198000000042"
    assert (entry.race_number, entry.forced_car_model, entry.default_grid_position) == (33, None, 2)
    assert entry.driver_categories == (2,) and entry.is_server_admin


def test_read_acc_file_returns_a_session_for_a_results_file(race_doc, acc_bytes):
    assert isinstance(read_acc_file(acc_bytes(race_doc()), "R.json"), AccSession)


def test_two_leaderboard_lines_with_one_car_id_are_refused_by_name(race_doc, acc_bytes):
    doc = race_doc()
    doc["sessionResult"]["leaderBoardLines"][2]["car"]["carId"] = 1001
    with pytest.raises(AccResultsError) as caught:
        parse_acc_results(acc_bytes(doc), "R.json")
    assert caught.value.key_path == "sessionResult.leaderBoardLines[2].car.carId"
    assert "already the car of leaderBoardLines[0]" in str(caught.value)


def test_the_file_hash_worked_out_beside_the_parse_is_the_files_sha256() -> None:
    files = [b"", b"{}", os.urandom(70_000), os.urandom(600_000)]
    pending = [sha256_soon(data) for data in files]  # several in flight at once
    assert [digest() for digest in pending] == [hashlib.sha256(d).hexdigest() for d in files]
