"""ACC dedicated-server result files → plain typed objects (../shared FORMAT.md).

Real files break naive parsers: the server writes UTF-16 LE without a BOM, files touched by
editors arrive with a BOM or as UTF-8, the root object repeats `sessionType`, "no time" is
INT32_MAX (or a uint32 wrap-around near 2³²), keys come and go between 2019 and 2025, and
the leaderboard order is the classification. This module reads all of that and returns
frozen dataclasses; it stores nothing.

Two readings, one meaning: a well-formed file is decoded strictly into typed structs by
msgspec (acc_typed, acc_laps: several times faster than json.loads, which matters for an
8-hour race); anything else is read with json.loads and a lenient reader whose errors name
the key. Both hand raw values to the same `_make_car` / AccCarLaps, and tests check that the
two readings agree.
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from steward_desk.core.classification import CarResult
from steward_desk.core.model import STAND_IN_PREFIX, Driver, SessionType
from steward_desk.intake.acc_cars import car_class, car_model, is_console_server
from steward_desk.intake.acc_laps import NO_TIME, AccCarLaps, AccLap, group_typed_laps
from steward_desk.intake.acc_typed import TypedLine, TypedResult, decode_typed
from steward_desk.intake.errors import AccResultsError

_NUMERIC_SESSION_TYPES = {0: "FP", 4: "Q", 10: "R"}  # the handbook's enum, seen in old tools


def stand_in_player_id(first_name: str, last_name: str, short_name: str, car_seat: str) -> str:
    """A stable id for a driver the file gives no playerId (2019 servers): `name:` and the
    case-folded, accent-stripped full name, so the same name is the same driver in every
    session and file. A driver with no name at all is known by car number and seat."""
    name = f"{first_name} {last_name}".strip() or short_name
    folded = unicodedata.normalize("NFKD", name).casefold()
    plain = " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())
    return STAND_IN_PREFIX + (plain or f"#{car_seat}")


@dataclass(frozen=True, slots=True)
class AccPenalty:
    """A penalty the game recorded: a fact for the stewards, not a steward decision."""

    car_id: int
    driver_index: int
    reason: str  # Cutting, PitSpeeding, WrongWay, Trolling, DriverRanNoStint, …
    penalty: str  # None, DriveThrough, StopAndGo_30, RemoveBestLaptime, Disqualified, PostRaceTime
    penalty_value: int  # seconds for PostRaceTime; a level, not seconds, for DT/SG
    violation_lap: int | None  # 0 in the file = unknown
    cleared_lap: int | None  # 0 in the file = not served
    post_race: bool  # from post_race_penalties (or a PostRaceTime entry in 2019 files)

    @property
    def is_penalty(self) -> bool:
        """False for the game's warnings (`penalty: None`)."""
        return self.penalty != "None"

    @property
    def served(self) -> bool:
        return self.cleared_lap is not None

    @property
    def is_disqualification(self) -> bool:
        return self.penalty == "Disqualified"


@dataclass(frozen=True, slots=True)
class AccCar:
    car_id: int  # session-local key used by laps and penalties
    race_number: int
    car_model: int
    car_model_name: str
    car_class: str  # carGroup when the file has it, else derived from the model
    cup_category: int  # 0 Overall/Pro, 1 ProAm, 2 Am, 3 Silver, 4 National
    team_name: str
    nationality: int
    drivers: tuple[Driver, ...]
    current_driver_index: int
    lap_count: int
    total_time_ms: int | None  # includes the game's post-race time penalties
    best_lap_ms: int | None  # best valid lap
    last_lap_ms: int | None
    missing_mandatory_pitstop: int  # undocumented; -1 in FP/Q (FORMAT.md §3)
    driver_total_times_ms: tuple[float, ...]  # approximate, per driver; empty in FP/Q
    position: int  # 1-based place in the leaderboard


@dataclass(frozen=True, slots=True)
class AccSession:
    source: str
    sha256: str
    session_type: SessionType
    raw_session_type: str  # as written: FP, Q, R, Q1, R2, …
    track: str
    server_name: str
    meta_data: str
    session_index: int
    race_weekend_index: int | None  # absent in 2019 files
    is_wet: bool
    best_lap_ms: int | None
    console: bool  # a console server: its car ids follow the console table
    cars: tuple[AccCar, ...]  # leaderboard (classification) order
    # Per car, in the order of each car's first lap in the file; may name carIds missing
    # from the leaderboard. Columns, not lap objects: an 8-hour race has 11,000 laps.
    car_laps: tuple[AccCarLaps, ...]
    penalties: tuple[AccPenalty, ...]  # in-session first, then post-race

    @property
    def lap_count(self) -> int:
        """Every lap entry of the file, of all cars."""
        return sum(map(len, self.car_laps))

    def car(self, car_id: int) -> AccCar | None:
        """The car with this session-local id, if the leaderboard lists it."""
        return next((c for c in self.cars if c.car_id == car_id), None)

    def laps_for(self, car_id: int) -> AccCarLaps | None:
        """The car's laps as columns, or None when it completed none."""
        return next((laps for laps in self.car_laps if laps.car_id == car_id), None)

    def laps_of(self, car_id: int) -> tuple[AccLap, ...]:
        """The car's laps one by one, lap 1 first."""
        laps = self.laps_for(car_id)
        return laps.laps() if laps is not None else ()

    def penalties_of(self, car_id: int) -> tuple[AccPenalty, ...]:
        return tuple(p for p in self.penalties if p.car_id == car_id)

    def car_results(self) -> tuple[CarResult, ...]:
        """The cars as core.classification takes them (entry id = the file's carId)."""
        return tuple(
            CarResult(
                entry_id=str(c.car_id),
                position=c.position,
                car_number=c.race_number,
                car_model=c.car_model_name,
                car_class=c.car_class,
                drivers=c.drivers,
                laps=c.lap_count,
                total_time_ms=c.total_time_ms,
                best_lap_ms=c.best_lap_ms,
            )
            for c in self.cars
        )


def decode_acc_bytes(data: bytes, source: str | Path) -> str:
    """The text of an ACC file: UTF-16 LE/BE (BOM or not) or UTF-8 (BOM or not).

    BOM first; else many NUL bytes at odd offsets mean UTF-16 LE (what the server writes),
    at even offsets UTF-16 BE; else UTF-8. Bytes that are none of these raise AccResultsError.
    """
    return _decode(data, *sniff_encoding(data, source), source)


def sniff_encoding(data: bytes, source: str | Path) -> tuple[int, str]:
    """How many BOM bytes to skip, and the encoding of the rest (see decode_acc_bytes)."""
    if not data:
        raise AccResultsError(source, "", "the file is empty")
    if data.startswith(b"\xff\xfe"):
        return 2, "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return 2, "utf-16-be"
    if data.startswith(b"\xef\xbb\xbf"):
        return 3, "utf-8"
    head = data[:4096]
    pairs = len(head) // 2
    odd_nuls, even_nuls = head[1::2].count(0), head[0::2].count(0)
    if pairs and odd_nuls > 0.3 * pairs and odd_nuls > even_nuls:
        return 0, "utf-16-le"
    if pairs and even_nuls > 0.3 * pairs:
        return 0, "utf-16-be"
    return 0, "utf-8"


def _decode(data: bytes, skip: int, encoding: str, source: str | Path) -> str:
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        hint = "" if encoding.startswith("utf-16") else " (nor the UTF-16 the server writes)"
        raise AccResultsError(
            source,
            f"byte {exc.start + skip}",
            f"not valid {encoding.upper()} text{hint}: {exc.reason}; the file is damaged",
        ) from None


def _load_json(data: bytes, source: str | Path) -> object:
    return _parse_json(decode_acc_bytes(data, source), source)


def _parse_json(text: str, source: str | Path) -> object:
    try:
        # A repeated key (`sessionType` since ACC 1.6) keeps its last value: that is what
        # json does by default, so no object_pairs_hook (it costs a fifth of the parse).
        # strict=False lets raw control characters through inside names.
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise AccResultsError(
            source,
            f"line {exc.lineno} column {exc.colno}",
            f"not valid JSON ({exc.msg}); the file may be truncated or damaged",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise AccResultsError(source, "", f"not usable JSON: {exc}") from None


def parse_acc_results(data: bytes, source: str | Path) -> AccSession:
    """Read one results file; raises AccResultsError naming the key and what was expected."""
    session = _typed_session(data, source)
    if session is not None:
        return session
    return _results(_parse_json(decode_acc_bytes(data, source), source), data, source)


def _typed_session(data: bytes, source: str | Path) -> AccSession | None:
    """The fast reading (acc_typed), or None when the file needs the lenient one."""
    sha256 = sha256_soon(data)  # hashed on another core while this one parses
    skip, encoding = sniff_encoding(data, source)
    # UTF-8 goes to msgspec as bytes, never decoded to a str first (a 2 MB file: 1 ms).
    typed = decode_typed(
        memoryview(data)[skip:] if encoding == "utf-8" else _decode(data, skip, encoding, source)
    )
    if typed is None:
        return None
    assert isinstance(typed.sessionResult, TypedResult)
    return _session(
        _Reader(source),
        typed.plain_root(),
        sha256(),
        (typed.sessionResult.leaderBoardLines or [], group_typed_laps(typed.laps or ())),
    )


_IN_BACKGROUND = 64 * 1024  # below this, handing the hash to a thread costs what it saves
# One worker, started on the first large file (an executor starts no thread until then).
_hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acc-sha256")


def sha256_soon(data: bytes) -> Callable[[], str]:
    """The SHA-256 (hex) of `data`, worked out on a worker thread while the caller goes on:
    hashlib lets go of the GIL for large inputs, so on a second core the hash of a file
    (0.35 ms for 0.5 MB, 1.3 ms for 2 MB) costs nothing beside its parse. Call the result
    for the digest."""
    if len(data) >= _IN_BACKGROUND:
        started = threading.Event()
        try:
            future = _hasher.submit(_hex_sha256, data, started)
        except RuntimeError:  # the interpreter is shutting down: no new threads
            pass
        else:
            # Wait (GIL released) until the worker holds the GIL and is about to hash: else
            # it would wait for the GIL until this thread's switch interval (5 ms) ran out,
            # i.e. until after the parse, and nothing would run side by side.
            started.wait()
            return future.result
    digest = hashlib.sha256(data).hexdigest()
    return lambda: digest


def _hex_sha256(data: bytes, started: threading.Event) -> str:
    digest = hashlib.sha256()
    started.set()
    digest.update(data)  # lets go of the GIL: the parse goes on meanwhile
    return digest.hexdigest()


def _results(root: object, data: bytes, source: str | Path) -> AccSession:
    if not isinstance(root, dict):
        raise AccResultsError(source, "", f"expected a JSON object, got {_describe(root)}")
    if "sessionResult" not in root:
        if "entries" in root:
            raise AccResultsError(
                source, "", "this is an ACC entry list, not a results file (no sessionResult)"
            )
        raise AccResultsError(source, "sessionResult", "missing: this is not an ACC results file")
    return _session(_Reader(source), root, hashlib.sha256(data).hexdigest(), None)


def _session(
    r: _Reader,
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
        cars = tuple(_typed_car(line, i + 1, console) for i, line in enumerate(typed[0]))
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


def _refuse_repeated_car_ids(r: _Reader, cars: tuple[AccCar, ...]) -> None:
    """carId is the key laps and penalties use: two leaderboard lines cannot share one."""
    first: dict[int, int] = {}
    for index, car in enumerate(cars):
        earlier = first.setdefault(car.car_id, index)
        if earlier != index:
            r.fail(
                f"sessionResult.leaderBoardLines[{index}].car.carId",
                f"carId {car.car_id} is already the car of leaderBoardLines[{earlier}]",
            )


def _car(r: _Reader, line: Any, path: str, position: int, console: bool) -> AccCar:
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
    return _make_car(
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


def _typed_car(line: TypedLine, position: int, console: bool) -> AccCar:
    """A leaderboard line the typed decode already checked."""
    car, timing = line.car, line.timing
    return _make_car(
        car_id=car.carId,
        race_number=car.raceNumber,
        model=car.carModel,
        group=car.carGroup,
        cup_category=car.cupCategory,
        team=car.teamName,
        nationality=car.nationality,
        drivers=[(d.firstName, d.lastName, d.shortName, d.playerId) for d in car.drivers],
        current_driver_index=line.currentDriverIndex,
        lap_count=timing.lapCount,
        total_time=timing.totalTime,
        best_lap=timing.bestLap,
        last_lap=timing.lastLap,
        missing_mandatory_pitstop=line.missingMandatoryPitstop,
        driver_total_times=tuple(line.driverTotalTimes),
        position=position,
        console=console,
    )


def _make_car(
    *,
    car_id: int,
    race_number: int,
    model: int,
    group: str,
    cup_category: int,
    team: str,
    nationality: int,
    drivers: list[tuple[str, str, str, str]],
    current_driver_index: int,
    lap_count: int,
    total_time: int,
    best_lap: int,
    last_lap: int,
    missing_mandatory_pitstop: int,
    driver_total_times: tuple[float, ...],
    position: int,
    console: bool,
) -> AccCar:
    """What a leaderboard line means, from its raw values (both readings end here)."""
    people, team_from_names = _make_drivers(drivers, race_number)
    return AccCar(
        car_id=car_id,
        race_number=race_number,
        car_model=model,
        car_model_name=car_model(model, console=console).name,
        car_class=car_class(model, group, console=console),
        cup_category=cup_category,
        team_name=team.strip() or team_from_names,
        nationality=nationality,
        drivers=people,
        current_driver_index=current_driver_index,
        lap_count=lap_count,
        total_time_ms=total_time if total_time < NO_TIME else None,
        best_lap_ms=best_lap if best_lap < NO_TIME else None,
        last_lap_ms=last_lap if last_lap < NO_TIME else None,
        missing_mandatory_pitstop=missing_mandatory_pitstop,
        driver_total_times_ms=tuple(map(float, driver_total_times)),
        position=position,
    )


def _make_drivers(
    raw: list[tuple[str, str, str, str]], race_number: int
) -> tuple[tuple[Driver, ...], str]:
    """(first, last, short, playerId) as written → drivers, names trimmed; a league's
    "name\\nteam" lastName gives the team; a driver without a playerId (2019 servers) gets
    a stand-in id from the name."""
    team = ""
    drivers = []
    for i, (first, last, short, player_id) in enumerate(raw):
        if "\n" in last:
            last, _, team_part = last.partition("\n")
            team = team or team_part.strip()
        first, last, short, player_id = (
            first.strip(),
            last.strip(),
            short.strip(),
            player_id.strip(),
        )
        if not player_id:
            player_id = stand_in_player_id(first, last, short, f"{race_number}.{i + 1}")
        drivers.append(Driver(player_id, first, last, short))
    return tuple(drivers), team


def _penalties(
    r: _Reader, root: dict[str, Any], key: str, *, post_race: bool
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


def _laps_checked(r: _Reader, root: dict[str, Any]) -> tuple[AccCarLaps, ...]:
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


class _Reader:
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

    def time(self, parent: dict[str, Any], key: str, path: str) -> int | None:
        value = self.integer(parent, key, path, None)
        return value if value < NO_TIME else None

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


# --- entry lists (`*_entrylist.json`, written next to the results after qualifying) -------


@dataclass(frozen=True, slots=True)
class AccEntry:
    race_number: int | None  # -1 in the file: the driver picks
    drivers: tuple[Driver, ...]
    driver_categories: tuple[int | None, ...]  # 0 Bronze, 1 Silver, 2 Gold, 3 Platinum
    forced_car_model: int | None  # -1 in the file: free choice
    default_grid_position: int | None
    is_server_admin: bool


@dataclass(frozen=True, slots=True)
class AccEntryList:
    source: str
    sha256: str
    entries: tuple[AccEntry, ...]
    force_entry_list: bool


def parse_acc_entrylist(data: bytes, source: str | Path) -> AccEntryList:
    """Read an entry list (note: `playerID`, capital ID, unlike the results' `playerId`)."""
    return _entrylist(_load_json(data, source), data, source)


def _entrylist(root: object, data: bytes, source: str | Path) -> AccEntryList:
    if not isinstance(root, dict) or "entries" not in root:
        raise AccResultsError(source, "entries", "missing: this is not an ACC entry list")
    r = _Reader(source)
    entries = []
    for i, raw in enumerate(r.array(root, "entries", "")):
        here = f"entries[{i}]"
        raw = r.expect_obj(raw, here)
        drivers, categories = [], []
        for k, d in enumerate(r.array(raw, "drivers", here, optional=True)):
            d_here = f"{here}.drivers[{k}]"
            d = r.expect_obj(d, d_here)
            drivers.append(
                Driver(
                    player_id=r.text(d, "playerID", "", d_here).strip(),
                    first_name=r.text(d, "firstName", "", d_here).strip(),
                    last_name=r.text(d, "lastName", "", d_here).strip(),
                    short_name=r.text(d, "shortName", "", d_here).strip(),
                )
            )
            category = r.integer(d, "driverCategory", d_here, -1)
            categories.append(category if category >= 0 else None)
        number = r.integer(raw, "raceNumber", here, -1)
        forced = r.integer(raw, "forcedCarModel", here, -1)
        grid = r.integer(raw, "defaultGridPosition", here, -1)
        entries.append(
            AccEntry(
                race_number=number if number >= 0 else None,
                drivers=tuple(drivers),
                driver_categories=tuple(categories),
                forced_car_model=forced if forced >= 0 else None,
                default_grid_position=grid if grid >= 0 else None,
                is_server_admin=bool(r.integer(raw, "isServerAdmin", here, 0)),
            )
        )
    return AccEntryList(
        source=str(source),
        sha256=hashlib.sha256(data).hexdigest(),
        entries=tuple(entries),
        force_entry_list=bool(r.integer(root, "forceEntryList", "", 0)),
    )


def read_acc_file(data: bytes, source: str | Path) -> AccSession | AccEntryList:
    """A results file or an entry list, whichever it is (a results folder holds both)."""
    session = _typed_session(data, source)
    if session is not None:
        return session
    root = _load_json(data, source)
    if isinstance(root, dict) and "sessionResult" not in root and "entries" in root:
        return _entrylist(root, data, source)
    return _results(root, data, source)
