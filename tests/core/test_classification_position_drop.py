"""A position drop moves a car down the finishing order by places (not by time)."""

from __future__ import annotations

from steward_desk.core.classification import CarResult, StewardPenalty, classify
from steward_desk.core.model import Driver, Penalty, PenaltyType, SessionType


def car(pos: int, laps: int = 20, total: int = 3_600_000) -> CarResult:
    return CarResult(
        entry_id=f"e{pos}",
        position=pos,
        car_number=pos,
        car_model="BMW M4 GT3",
        car_class="GT3",
        drivers=(Driver(f"S{pos}", "First", f"Last{pos}"),),
        laps=laps,
        total_time_ms=total + pos * 3000,
        best_lap_ms=100_000,
    )


FIELD = [car(p) for p in range(1, 6)]


def drop(entry: str, places: int) -> StewardPenalty:
    return StewardPenalty(entry, Penalty(PenaltyType.POSITION_DROP, places), "d1")


def order(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.entry_id for r in rows]


def test_the_winner_dropped_two_places_finishes_third() -> None:
    rows = classify(SessionType.RACE, FIELD, [drop("e1", 2)])
    assert order(rows) == ["e2", "e3", "e1", "e4", "e5"]
    third = rows[2]
    assert third.penalty_ms == 0 and third.penalties[0].penalty.type is PenaltyType.POSITION_DROP
    assert third.file_position == 1


def test_a_drop_never_goes_past_the_last_car() -> None:
    assert order(classify(SessionType.RACE, FIELD, [drop("e4", 9)])) == [
        "e1",
        "e2",
        "e3",
        "e5",
        "e4",
    ]


def test_a_drop_applies_after_the_time_penalties() -> None:
    time = StewardPenalty("e1", Penalty(PenaltyType.TIME, 4), "d0")  # 4 s: behind P2 only
    assert order(classify(SessionType.RACE, FIELD, [time])) == ["e2", "e1", "e3", "e4", "e5"]
    # Then P2's one-place drop puts it back behind e1.
    rows = classify(SessionType.RACE, FIELD, [time, drop("e2", 1)])
    assert order(rows) == ["e1", "e2", "e3", "e4", "e5"]


def test_qualifying_ignores_position_drops() -> None:
    assert order(classify(SessionType.QUALIFYING, FIELD, [drop("e1", 2)]))[0] == "e1"
