"""What an ACC results file or entry list says, as frozen dataclasses: AccSession (with its
AccCar leaderboard, per-car laps and AccPenalty list) and AccEntryList (of AccEntry).

Plain values only: the readers that build them live in acc_results (the entry point),
acc_leaderboard, acc_lenient and acc_entrylist; the laps' columns in acc_laps.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward_desk.core.classification import CarResult
from steward_desk.core.model import Driver, SessionType
from steward_desk.intake.acc_laps import AccCarLaps, AccLap


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
