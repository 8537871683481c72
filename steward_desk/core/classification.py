"""The classification of a session, with the stewards' penalties applied.

The game's result file is the starting point and stays authoritative where the stewards did
not act: its leaderboard is already in classification order and already includes the game's
own post-race time penalties (FORMAT.md §6–7), so those are never added again here. With no
steward penalty the classification *is* the file's order, car for car.

How steward penalties move cars (the rule shown to stewards):

* Race — a time penalty (time, drive-through or stop-go converted to seconds) is added to
  the car's total time. The car then moves down from its place in the file's order past
  every car that now beats it (more laps, or the same laps and less time) and stops in front
  of the first car it still beats or ties. Cars without a steward penalty never change their
  order relative to each other, so the file's own quirks (a car the game disqualified and
  listed last although it has the most laps) are kept: a penalised car never moves past
  such a car.
* Practice and qualifying — the order is by best lap and time penalties do not apply to it;
  only disqualifications change it.
* Disqualified cars (by a steward decision) go after every other car, in the file's order.
  A disqualification recorded by the game in the file is a fact for the stewards to confirm,
  not a decision: it does not by itself change the status here.
* Position or grid drops, points, strikes and bans are not classification matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from steward_desk.core.model import Driver, Penalty, PenaltyType, SessionType

_NO_TIME = float("inf")


class ResultStatus(StrEnum):
    CLASSIFIED = "classified"
    DNF = "dnf"  # did not cover the share of the winner's laps the league asks for
    DQ = "dq"  # disqualified by a steward decision
    DNS = "dns"  # no lap completed


@dataclass(frozen=True, slots=True)
class CarResult:
    """One car as the game's result file classified it."""

    entry_id: str  # the caller's key for the car in this session
    position: int  # 1-based place in the file's leaderboard
    car_number: int
    car_model: str
    car_class: str
    drivers: tuple[Driver, ...]
    laps: int
    total_time_ms: int | None
    best_lap_ms: int | None


@dataclass(frozen=True, slots=True)
class StewardPenalty:
    """A penalty a steward decision gave to a car of the session."""

    entry_id: str
    penalty: Penalty
    reference: str = ""  # the decision or case it comes from, shown next to the row


@dataclass(frozen=True, slots=True)
class PenaltyConversion:
    """How the rulebook turns penalties served after the race into seconds."""

    drive_through_s: int
    # Some leagues add the pit-lane loss to a stop-go's standing time; 0 = the value only.
    stop_go_extra_s: int = 0


@dataclass(frozen=True, slots=True)
class ClassifiedRow:
    position: int
    class_position: int
    entry_id: str
    car_number: int
    car_model: str
    car_class: str
    drivers: tuple[Driver, ...]
    laps: int
    total_time_ms: int | None  # as the file gives it (game penalties included)
    best_lap_ms: int | None
    penalty_ms: int  # steward time penalties added to total_time_ms
    status: ResultStatus
    penalties: tuple[StewardPenalty, ...]  # the steward penalties that shaped this row
    file_position: int

    @property
    def final_time_ms(self) -> int | None:
        """Total time with the steward penalties added."""
        if self.total_time_ms is None:
            return None
        return self.total_time_ms + self.penalty_ms

    def to_json(self) -> dict[str, object]:
        """The CLI.md `results show --json` shape of one row."""
        return {
            "position": self.position,
            "class_position": self.class_position,
            "car_number": self.car_number,
            "car_model": self.car_model,
            "class": self.car_class,
            "drivers": [{"player_id": d.player_id, "name": d.name} for d in self.drivers],
            "laps": self.laps,
            "total_time_ms": self.total_time_ms,
            "best_lap_ms": self.best_lap_ms,
            "penalty_ms": self.penalty_ms,
            "status": self.status.value,
        }


def penalty_ms(penalty: Penalty, conversion: PenaltyConversion | None) -> int | None:
    """Milliseconds a penalty adds to a race time, or None when it is not a time penalty."""
    if penalty.type is PenaltyType.TIME:
        return penalty.value * 1000
    if penalty.type in (PenaltyType.DRIVE_THROUGH, PenaltyType.STOP_GO):
        if conversion is None:
            raise ValueError(
                f"{penalty.describe()} after the race needs the rulebook's conversion to seconds"
            )
        if penalty.type is PenaltyType.DRIVE_THROUGH:
            return conversion.drive_through_s * 1000
        return (penalty.value + conversion.stop_go_extra_s) * 1000
    return None


def classify(
    session_type: SessionType,
    cars: Sequence[CarResult],
    penalties: Iterable[StewardPenalty] = (),
    *,
    conversion: PenaltyConversion | None = None,
    classified_fraction: float = 0.5,
) -> tuple[ClassifiedRow, ...]:
    """The session's classification with the steward penalties applied (rule: module doc).

    `classified_fraction`: in a race, a car that covered less than this share of the
    winner's laps is "dnf" (simresults uses one half; set the league's rule).
    """
    in_file_order = sorted(cars, key=lambda c: c.position)
    by_id = {c.entry_id: c for c in in_file_order}
    if len(by_id) != len(in_file_order):
        raise ValueError("two cars share an entry id")
    race = session_type is SessionType.RACE

    applied: dict[str, list[StewardPenalty]] = {c.entry_id: [] for c in in_file_order}
    added_ms: dict[str, int] = dict.fromkeys(by_id, 0)
    disqualified: set[str] = set()
    drops: dict[str, int] = {}
    for item in penalties:
        if item.entry_id not in by_id:
            raise ValueError(f"a penalty names a car that is not in the session: {item.entry_id}")
        if item.penalty.type is PenaltyType.DISQUALIFICATION:
            disqualified.add(item.entry_id)
            applied[item.entry_id].append(item)
            continue
        if item.penalty.type is PenaltyType.POSITION_DROP:
            if race:
                drops[item.entry_id] = drops.get(item.entry_id, 0) + max(item.penalty.value, 0)
                applied[item.entry_id].append(item)
            continue
        ms = penalty_ms(item.penalty, conversion)
        if ms is not None and race:
            added_ms[item.entry_id] += ms
            applied[item.entry_id].append(item)

    running = [c for c in in_file_order if c.entry_id not in disqualified]
    if race:
        running = _apply_time_penalties(running, added_ms)
        running = _apply_position_drops(running, drops)
    order = running + [c for c in in_file_order if c.entry_id in disqualified]

    leader_laps = max((c.laps for c in running), default=0)
    class_counts: dict[str, int] = {}
    rows = []
    for position, car in enumerate(order, start=1):
        class_counts[car.car_class] = class_counts.get(car.car_class, 0) + 1
        rows.append(
            ClassifiedRow(
                position=position,
                class_position=class_counts[car.car_class],
                entry_id=car.entry_id,
                car_number=car.car_number,
                car_model=car.car_model,
                car_class=car.car_class,
                drivers=car.drivers,
                laps=car.laps,
                total_time_ms=car.total_time_ms,
                best_lap_ms=car.best_lap_ms,
                penalty_ms=added_ms[car.entry_id],
                status=_status(
                    car, car.entry_id in disqualified, race, leader_laps, classified_fraction
                ),
                penalties=tuple(applied[car.entry_id]),
                file_position=car.position,
            )
        )
    return tuple(rows)


def _status(
    car: CarResult, disqualified: bool, race: bool, leader_laps: int, fraction: float
) -> ResultStatus:
    if disqualified:
        return ResultStatus.DQ
    if car.laps == 0:
        return ResultStatus.DNS
    if race and car.laps < fraction * leader_laps:
        return ResultStatus.DNF
    return ResultStatus.CLASSIFIED


def _race_key(car: CarResult, added_ms: int) -> tuple[int, float]:
    time = _NO_TIME if car.total_time_ms is None else car.total_time_ms + added_ms
    return (-car.laps, time)


def _apply_time_penalties(running: list[CarResult], added_ms: dict[str, int]) -> list[CarResult]:
    movers = {c.entry_id for c in running if added_ms[c.entry_id] > 0}
    if not movers:
        return running
    keys = {c.entry_id: _race_key(c, added_ms[c.entry_id]) for c in running}
    barriers = _listed_out_of_order(running)
    result = [c for c in running if c.entry_id not in movers]
    placed: set[str] = set()
    # Best-placed movers first, so movers tied on time keep the file's order between them.
    for mover in sorted(
        (c for c in running if c.entry_id in movers),
        key=lambda c: (keys[c.entry_id], c.position),
    ):
        start = 0
        for index, other in enumerate(result):
            if other.entry_id in placed or (
                other.entry_id not in movers and other.position < mover.position
            ):
                start = index + 1
        index = start
        while (
            index < len(result)
            and result[index].entry_id not in barriers
            and keys[result[index].entry_id] < keys[mover.entry_id]
        ):
            index += 1
        result.insert(index, mover)
        placed.add(mover.entry_id)
    return result


def _apply_position_drops(running: list[CarResult], drops: dict[str, int]) -> list[CarResult]:
    """Move each dropped car down its number of places after the time penalties, the
    best-placed first, never past the last running car."""
    if not drops:
        return running
    order = list(running)
    for car in sorted((c for c in running if drops.get(c.entry_id)), key=order.index):
        index = order.index(car)
        order.pop(index)
        order.insert(min(index + drops[car.entry_id], len(order)), car)
    return order


def _listed_out_of_order(running: list[CarResult]) -> set[str]:
    """Cars the file lists behind a car they beat: the game's own DQ'd-last cars (§7).

    Judged on the file's times (no steward penalty), so they are the file's quirks only.
    """
    quirks: set[str] = set()
    worst_so_far: tuple[int, float] | None = None
    for car in running:
        key = _race_key(car, 0)
        if worst_so_far is not None and key < worst_so_far:
            quirks.add(car.entry_id)
        elif worst_so_far is None or key > worst_so_far:
            worst_so_far = key
    return quirks
