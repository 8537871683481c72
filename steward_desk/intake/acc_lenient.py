"""The lenient reading of an ACC results file: json.loads, then every value checked where
it sits, so a problem names its key (`sessionResult.leaderBoardLines[3].car.carId`,
`laps[812].laptime`) and what was expected.

Files the typed decode (acc_typed) refuses — a null, a float where an integer belongs, a 0/1
flag, a numeric session type — are read here. The root keys outside the leaderboard and laps
(session type, track, penalties…) are read here for every file: `session_from_root` takes the
typed leaderboard and laps when the typed decode had them, else reads both leniently. Each
leaderboard line ends in acc_leaderboard.make_car, as in the typed reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from steward_desk.core.model import SessionType
from steward_desk.intake.acc_cars import is_console_server
from steward_desk.intake.acc_laps import NO_TIME, AccCarLaps
from steward_desk.intake.acc_leaderboard import make_car, typed_car
from steward_desk.intake.acc_typed import TypedLine
from steward_desk.intake.acc_types import AccCar, AccPenalty, AccSession
from steward_desk.intake.errors import AccResultsError

_NUMERIC_SESSION_TYPES = {0: "FP", 4: "Q", 10: "R"}  # the handbook's enum, seen in old tools


def results_from_json(root: object, sha256: str, source: str | Path) -> AccSession:
    """The session from a results file's JSON value (`sha256`: the file's hash), read
    leniently; raises AccResultsError naming the key and what was expected."""
    if not isinstance(root, dict):
        raise AccResultsError(source, "", f"expected a JSON object, got {_describe(root)}")
    if "sessionResult" not in root:
        if "entries" in root:
            raise AccResultsError(
                source, "", "this is an ACC entry list, not a results file (no sessionResult)"
            )
        raise AccResultsError(source, "sessionResult", "missing: this is not an ACC results file")
    return session_from_root(Reader(source), root, sha256, None)


def session_from_root(
    r: Reader,
    root: dict[str, Any],
    sha256: str,
    typed: tuple[list[TypedLine], tuple[AccCarLaps, ...]] | None,
) -> AccSession:
    """The session from the decoded root; with `typed`, the leaderboard and laps as the
    typed decode gave them, else both read here leniently (laps last, so errors come in
    file order)."""
    if "sessionType" not in root:
        r.fail("sessionType", "missing: this is not an ACC results file")
    raw_type = root["sessionType"]
    if type(raw_type) is int and raw_type in _NUMERIC_SESSION_TYPES:
        raw_type = _NUMERIC_SESSION_TYPES[raw_type]
    if not isinstance(raw_type, str):
        r.fail("sessionType", f"expected FP, Q or R, got {_describe(raw_type)}")
    try:
        session_type = SessionType.from_acc(raw_type)
    except ValueError:
        r.fail("sessionType", f"expected FP, Q or R (or Q1, R2, …), got {raw_type!r}")
    server_name = r.text(root, "serverName", "")
    console = is_console_server(server_name)
    result = r.obj(root, "sessionResult", "")
    if typed is not None:
        cars = tuple(typed_car(line, i + 1, console) for i, line in enumerate(typed[0]))
    else:
        lines = r.array(result, "leaderBoardLines", "sessionResult", optional=True)
        cars = tuple(
            _car(r, line, f"sessionResult.leaderBoardLines[{i}]", i + 1, console)
            for i, line in enumerate(lines)
        )
    _refuse_repeated_car_ids(r, cars)
    in_session = _penalties(r, root, "penalties", post_race=False)
    post_race = _penalties(r, root, "post_race_penalties", post_race=True)
    best = r.integer(result, "bestlap", "sessionResult", 0)
    weekend = r.integer(root, "raceWeekendIndex", "", None) if "raceWeekendIndex" in root else None
    return AccSession(
        source=str(r.source),
        sha256=sha256,
        session_type=session_type,
        raw_session_type=raw_type.strip(),
        track=r.text(root, "trackName", None),
        server_name=server_name.strip(),
        meta_data=r.text(root, "metaData", ""),
        session_index=r.integer(root, "sessionIndex", "", 0),
        race_weekend_index=weekend,
        is_wet=r.flag(result, "isWetSession", "sessionResult"),
        best_lap_ms=best if 0 < best < NO_TIME else None,
        console=console,
        cars=cars,
        car_laps=typed[1] if typed is not None else _laps_checked(r, root),
        penalties=in_session + post_race,
    )


def _refuse_repeated_car_ids(r: Reader, cars: tuple[AccCar, ...]) -> None:
    """carId is the key laps and penalties use: two leaderboard lines cannot share one."""
    first: dict[int, int] = {}
    for index, car in enumerate(cars):
        earlier = first.setdefault(car.car_id, index)
        if earlier != index:
            r.fail(
                f"sessionResult.leaderBoardLines[{index}].car.carId",
                f"carId {car.car_id} is already the car of leaderBoardLines[{earlier}]",
            )


def _car(r: Reader, line: Any, path: str, position: int, console: bool) -> AccCar:
    """A leaderboard line read leniently, each value checked where it sits."""
    line = r.expect_obj(line, path)
    car = r.obj(line, "car", path)
    car_path = f"{path}.car"
    timing = r.obj(line, "timing", path)
    timing_path = f"{path}.timing"
    number = r.integer(car, "raceNumber", car_path, None)
    drivers = []
    for i, raw in enumerate(r.array(car, "drivers", car_path)):
        here = f"{car_path}.drivers[{i}]"
        raw = r.expect_obj(raw, here)
        drivers.append(
            (
                r.text(raw, "firstName", "", here),
                r.text(raw, "lastName", "", here),
                r.text(raw, "shortName", "", here),
                r.text(raw, "playerId", "", here),
            )
        )
    model = r.integer(car, "carModel", car_path, None)
    group = r.text(car, "carGroup", "", car_path)
    team = r.text(car, "teamName", "", car_path)
    totals = r.array(line, "driverTotalTimes", path, optional=True)
    return make_car(
        car_id=r.integer(car, "carId", car_path, None),
        race_number=number,
        model=model,
        group=group,
        cup_category=r.integer(car, "cupCategory", car_path, 0),
        team=team,
        nationality=r.integer(car, "nationality", car_path, 0),
        drivers=drivers,
        current_driver_index=r.integer(line, "currentDriverIndex", path, 0),
        lap_count=r.integer(timing, "lapCount", timing_path, None),
        total_time=r.integer(timing, "totalTime", timing_path, None),
        best_lap=r.integer(timing, "bestLap", timing_path, None),
        last_lap=r.integer(timing, "lastLap", timing_path, None),
        missing_mandatory_pitstop=r.integer(line, "missingMandatoryPitstop", path, 0),
        driver_total_times=tuple(
            r.number(v, f"{path}.driverTotalTimes[{i}]") for i, v in enumerate(totals)
        ),
        position=position,
        console=console,
    )


def _penalties(
    r: Reader, root: dict[str, Any], key: str, *, post_race: bool
) -> tuple[AccPenalty, ...]:
    out = []
    for i, raw in enumerate(r.array(root, key, "", optional=True)):
        here = f"{key}[{i}]"
        raw = r.expect_obj(raw, here)
        kind = r.text(raw, "penalty", None, here)
        violation = r.integer(raw, "violationInLap", here, 0)
        cleared = r.integer(raw, "clearedInLap", here, 0)
        out.append(
            AccPenalty(
                car_id=r.integer(raw, "carId", here, None),
                driver_index=r.integer(raw, "driverIndex", here, 0),
                reason=r.text(raw, "reason", "", here),
                penalty=kind,
                penalty_value=r.integer(raw, "penaltyValue", here, 0),
                violation_lap=violation or None,
                cleared_lap=cleared or None,
                # 2019 servers logged the post-race time penalty among the in-session ones.
                post_race=post_race or kind == "PostRaceTime",
            )
        )
    return tuple(out)


def _laps_checked(r: Reader, root: dict[str, Any]) -> tuple[AccCarLaps, ...]:
    """The lenient reading, one lap at a time (integral floats, 0/1 flags, nulls as absent),
    for files the typed decode refused; a value that cannot be a lap names `laps[i].key`."""
    columns: dict[int, tuple[list[int], list[int | None], list[bool], list[Any]]] = {}
    for i, lap in enumerate(r.array(root, "laps", "", optional=True)):
        path = f"laps[{i}]"
        lap = r.expect_obj(lap, path)
        car_id = r.integer(lap, "carId", path, None)
        time = r.integer(lap, "laptime", path, None)
        splits = r.array(lap, "splits", path, optional=True)
        drivers, times, valid, sectors = columns.setdefault(car_id, ([], [], [], []))
        drivers.append(r.integer(lap, "driverIndex", path, 0))
        times.append(time if time < NO_TIME else None)
        valid.append(r.flag(lap, "isValidForBest", path))
        sectors.append(
            tuple(
                v if v < NO_TIME else None
                for v in (r.integer_value(v, f"{path}.splits[{k}]") for k, v in enumerate(splits))
            )
        )
    return tuple(
        AccCarLaps(car_id, tuple(d), tuple(t), tuple(v), tuple(s))
        for car_id, (d, t, v, s) in columns.items()
    )


def _describe(value: object) -> str:
    """A JSON value as a person would name it in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _at(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


class Reader:
    """Typed access to the decoded JSON; each failure names the key path and the value."""

    def __init__(self, source: str | Path) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> NoReturn:
        raise AccResultsError(self.source, path, problem)

    def expect_obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_describe(value)}")
        return value

    def obj(self, parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        if key not in parent:
            self.fail(_at(path, key), "missing")
        return self.expect_obj(parent[key], _at(path, key))

    def array(
        self, parent: dict[str, Any], key: str, path: str, *, optional: bool = False
    ) -> list[Any]:
        value = parent.get(key)
        if value is None and optional:
            return []
        if key not in parent:
            self.fail(_at(path, key), "missing")
        if not isinstance(value, list):
            self.fail(_at(path, key), f"expected a list, got {_describe(value)}")
        return value

    def integer_value(self, value: Any, path: str) -> int:
        if type(value) is int:
            return value
        if type(value) is float and value.is_integer():
            return int(value)
        self.fail(path, f"expected an integer, got {_describe(value)}")

    def integer(self, parent: dict[str, Any], key: str, path: str, default: int | None) -> int:
        """A required integer (default None) or an optional one."""
        if key not in parent or (parent[key] is None and default is not None):
            if default is None:
                self.fail(_at(path, key), "missing")
            return default
        return self.integer_value(parent[key], _at(path, key))

    def number(self, value: Any, path: str) -> float:
        if type(value) in (int, float):
            return float(value)
        self.fail(path, f"expected a number, got {_describe(value)}")

    def text(self, parent: dict[str, Any], key: str, default: str | None, path: str = "") -> str:
        """A required string (default None) or an optional one; null counts as absent."""
        value = parent.get(key)
        if value is None:
            if default is None:
                self.fail(_at(path, key), "missing")
            return default
        if not isinstance(value, str):
            self.fail(_at(path, key), f"expected a string, got {_describe(value)}")
        return value

    def flag(self, parent: dict[str, Any], key: str, path: str) -> bool:
        value = parent.get(key, False)
        if type(value) is bool:
            return value
        if type(value) is int and value in (0, 1):
            return bool(value)
        self.fail(_at(path, key), f"expected true/false or 0/1, got {_describe(value)}")
