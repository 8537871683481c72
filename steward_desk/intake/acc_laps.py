"""The `laps[]` of an ACC results file, read column by column and grouped per car.

An 8-hour race holds 11,000+ lap entries, interleaved across cars; the k-th entry of a car is
its lap k (FORMAT.md §5). A Python object built per lap, or Python checks per lap, cost more
than `json.loads` of the whole file, so the well-formed case is decoded and type-checked by
msgspec in C into untracked structs, then split per car with one dict append per lap and
C-level maps. Anything unusual (a float lap time, a null, an int used as a flag, a missing
key, a "no time" sentinel) fails that strict decode; acc_lenient then reads the laps one by
one, leniently, with errors naming the exact key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

import msgspec
from msgspec.structs import astuple

NO_TIME = 2_147_483_647  # INT32_MAX; anything at or above it (uint32 wrap-arounds) = no time


@dataclass(frozen=True, slots=True)
class AccLap:
    car_id: int
    lap_number: int  # the k-th lap entry of this car in the file is its lap k
    driver_index: int  # index into the car's drivers (driver swaps)
    lap_time_ms: int | None
    valid: bool  # isValidForBest; an invalid lap still counts as a lap in a race
    splits: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class AccCarLaps:
    """Every lap of one car, one tuple per field: lap k sits at index k − 1 of each."""

    car_id: int
    driver_index: tuple[int, ...]
    lap_time_ms: tuple[int | None, ...]
    valid: tuple[bool, ...]
    splits: tuple[tuple[int | None, ...], ...]  # usually three sectors; () when the file had none

    def __len__(self) -> int:
        return len(self.lap_time_ms)

    def laps(self) -> tuple[AccLap, ...]:
        """The laps as objects, for a reader that wants one lap at a time (not the importer)."""
        return tuple(
            AccLap(self.car_id, number, driver, time, valid, splits)
            for number, driver, time, valid, splits in zip(
                range(1, len(self) + 1),
                self.driver_index,
                self.lap_time_ms,
                self.valid,
                self.splits,
                strict=True,
            )
        )


# A "no time" sentinel fails the strict decode: no genuine file seen has one in a completed
# lap, and the lenient path maps it to None.
_Time = Annotated[int, msgspec.Meta(lt=NO_TIME)]


class TypedLap(msgspec.Struct, gc=False):
    """One `laps[]` entry exactly as genuine files write it; anything else fails to decode.
    group_typed_laps unpacks the fields in this order."""

    carId: int
    laptime: _Time
    driverIndex: int = 0
    isValidForBest: bool = False
    splits: tuple[_Time, ...] = ()


def group_typed_laps(laps: Iterable[TypedLap]) -> tuple[AccCarLaps, ...]:
    """Cars in the order of their first lap in the file, each with its laps in file order."""
    by_car: dict[int, list[TypedLap]] = {}
    for lap in laps:  # the one loop per lap: a dict append (a C-level sort costs 5× more)
        try:
            by_car[lap.carId].append(lap)
        except KeyError:
            by_car[lap.carId] = [lap]
    grouped = []
    for car_id, chunk in by_car.items():
        # Each lap as a tuple of its fields (in C), turned into one tuple per field: a
        # fifth less than one attribute getter mapped over the laps per field.
        _, times, drivers, valid, splits = zip(*map(astuple, chunk), strict=True)
        grouped.append(AccCarLaps(car_id, drivers, times, valid, splits))
    return tuple(grouped)
