"""A leaderboard line of an ACC results file → AccCar: what its raw values mean.

Both readings end here (FORMAT.md §3): the typed decode (acc_typed) hands its checked
`TypedLine`s to `typed_car`, the lenient reader (acc_lenient) hands the values it checked one
by one to `make_car`. "No time" sentinels become None, the model number becomes a name and a
class, names are trimmed, a league's "name\\nteam" lastName gives the team, and a driver
without a playerId (2019 servers) gets a stand-in id from the name.
"""

from __future__ import annotations

import unicodedata

from steward_desk.core.model import STAND_IN_PREFIX, Driver
from steward_desk.intake.acc_cars import car_class, car_model
from steward_desk.intake.acc_laps import NO_TIME
from steward_desk.intake.acc_typed import TypedLine
from steward_desk.intake.acc_types import AccCar


def stand_in_player_id(first_name: str, last_name: str, short_name: str, car_seat: str) -> str:
    """A stable id for a driver the file gives no playerId (2019 servers): `name:` and the
    case-folded, accent-stripped full name, so the same name is the same driver in every
    session and file. A driver with no name at all is known by car number and seat."""
    name = f"{first_name} {last_name}".strip() or short_name
    folded = unicodedata.normalize("NFKD", name).casefold()
    plain = " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())
    return STAND_IN_PREFIX + (plain or f"#{car_seat}")


def typed_car(line: TypedLine, position: int, console: bool) -> AccCar:
    """A leaderboard line the typed decode already checked."""
    car, timing = line.car, line.timing
    return make_car(
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


def make_car(
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
    people, team_from_names = make_drivers(drivers, race_number)
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


def make_drivers(
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
