"""The revised classification: the file's order, moved only by the stewards' penalties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.core.classification import (
    CarResult,
    PenaltyConversion,
    ResultStatus,
    StewardPenalty,
    classify,
    penalty_ms,
)
from steward_desk.core.model import Driver, Penalty, PenaltyType, SessionType

R, Q = SessionType.RACE, SessionType.QUALIFYING


def car(pos, number, laps, total, best=100_000, klass="GT3"):
    return CarResult(
        entry_id=f"e{number}",
        position=pos,
        car_number=number,
        car_model="BMW M4 GT3",
        car_class=klass,
        drivers=(Driver(f"S{number}", "First", f"Last{number}"),),
        laps=laps,
        total_time_ms=total,
        best_lap_ms=best,
    )


RACE = [
    car(1, 1, 30, 3_600_000),
    car(2, 2, 30, 3_602_000, klass="GT4"),
    car(3, 3, 30, 3_605_000),
    car(4, 4, 30, 3_620_000, klass="GT4"),
    car(5, 5, 29, 3_590_000),
    car(6, 6, 10, 1_200_000),
    car(7, 7, 0, None, None),
]


def numbers(rows):
    return [r.car_number for r in rows]


def time_penalty(number, seconds, ref=""):
    return StewardPenalty(f"e{number}", Penalty(PenaltyType.TIME, seconds), ref)


def test_without_steward_penalties_the_order_is_the_files():
    rows = classify(R, RACE)
    assert numbers(rows) == [1, 2, 3, 4, 5, 6, 7]
    assert [r.class_position for r in rows] == [1, 1, 2, 2, 3, 4, 5]
    assert [r.status for r in rows] == ["classified"] * 5 + ["dnf", "dns"]
    assert all(r.penalty_ms == 0 and r.penalties == () for r in rows)


def test_a_time_penalty_moves_the_car_behind_every_car_that_now_beats_it():
    rows = classify(R, RACE, [time_penalty(1, 6, "case 3")])
    assert numbers(rows) == [2, 3, 1, 4, 5, 6, 7]
    moved = rows[2]
    assert (moved.penalty_ms, moved.final_time_ms, moved.file_position) == (6_000, 3_606_000, 1)
    assert moved.penalties == (time_penalty(1, 6, "case 3"),)
    assert [r.class_position for r in rows][:3] == [1, 1, 2]


def test_a_tie_after_a_penalty_keeps_the_file_order_between_the_two():
    # 3 600 000 + 5 000 equals the third car's 3 605 000: the penalised car stays ahead of it,
    # as it was in the file; one millisecond more and it drops behind.
    assert numbers(classify(R, RACE, [time_penalty(1, 5)]))[:3] == [2, 1, 3]
    slower = [car(1, 1, 30, 3_600_001), *RACE[1:]]
    assert numbers(classify(R, slower, [time_penalty(1, 5)]))[:3] == [2, 3, 1]


def test_a_big_penalty_never_drops_a_car_below_cars_with_fewer_laps():
    rows = classify(R, RACE, [time_penalty(2, 600)])
    assert numbers(rows) == [1, 3, 4, 2, 5, 6, 7]


def test_penalties_add_up_and_two_penalised_cars_keep_their_order_when_tied():
    rows = classify(R, RACE, [time_penalty(1, 10), time_penalty(1, 10), time_penalty(2, 18)])
    assert numbers(rows) == [3, 1, 2, 4, 5, 6, 7]
    assert rows[1].penalty_ms == 20_000 and len(rows[1].penalties) == 2


def test_drive_through_and_stop_go_are_converted_by_the_rulebook():
    conversion = PenaltyConversion(drive_through_s=20, stop_go_extra_s=20)
    dt = StewardPenalty("e1", Penalty(PenaltyType.DRIVE_THROUGH))
    sg = StewardPenalty("e3", Penalty(PenaltyType.STOP_GO, 10))
    rows = classify(R, RACE, [dt, sg], conversion=conversion)
    assert {r.car_number: r.penalty_ms for r in rows if r.penalty_ms} == {1: 20_000, 3: 30_000}
    assert numbers(rows) == [2, 1, 4, 3, 5, 6, 7]
    with pytest.raises(ValueError, match="needs the rulebook's conversion"):
        classify(R, RACE, [dt])


def test_a_disqualified_car_goes_last_and_the_others_close_up():
    dq = StewardPenalty("e2", Penalty(PenaltyType.DISQUALIFICATION), "case 9")
    rows = classify(R, RACE, [dq])
    assert numbers(rows) == [1, 3, 4, 5, 6, 7, 2]
    assert (rows[-1].status, rows[-1].position, rows[-1].penalties) == (ResultStatus.DQ, 7, (dq,))
    assert [r.class_position for r in rows if r.car_class == "GT4"] == [1, 2]


def test_non_classification_penalties_change_nothing():
    others = [
        StewardPenalty("e1", Penalty(PenaltyType.LICENCE_POINTS, 3)),
        StewardPenalty("e1", Penalty(PenaltyType.GRID_DROP, 5)),
        StewardPenalty("e3", Penalty(PenaltyType.STRIKE, 1)),
    ]
    rows = classify(R, RACE, others)
    assert numbers(rows) == numbers(classify(R, RACE))
    assert all(r.penalties == () for r in rows)


def test_a_car_the_game_listed_last_is_a_barrier_penalised_cars_stay_in_front_of():
    # FORMAT.md §7: a car DQ'd by the game is listed last even with the most laps.
    file = [car(1, 1, 30, 3_600_000), car(2, 2, 30, 3_610_000), car(3, 3, 31, 3_500_000)]
    assert numbers(classify(R, file)) == [1, 2, 3]
    rows = classify(R, file, [time_penalty(1, 60)])
    assert numbers(rows) == [2, 1, 3]


def test_qualifying_time_penalties_do_not_apply_but_a_dq_does():
    quali = [car(i, i, 5, None, 100_000 + i) for i in range(1, 5)]
    rows = classify(Q, quali, [time_penalty(1, 5)])
    assert numbers(rows) == [1, 2, 3, 4] and rows[0].penalty_ms == 0 and rows[0].penalties == ()
    rows = classify(Q, quali, [StewardPenalty("e1", Penalty(PenaltyType.DISQUALIFICATION))])
    assert numbers(rows) == [2, 3, 4, 1]


def test_the_dnf_share_is_a_parameter():
    rows = classify(R, RACE, classified_fraction=0.98)
    assert [r.status for r in rows][4] == "dnf"  # 29 of 30 laps
    assert [r.status for r in classify(R, RACE, classified_fraction=0.0)][5] == "classified"


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="not in the session"):
        classify(R, RACE, [time_penalty(99, 5)])
    with pytest.raises(ValueError, match="share an entry id"):
        classify(R, [RACE[0], RACE[0]])


def test_rows_render_in_the_cli_json_shape():
    row = classify(R, RACE, [time_penalty(1, 6)])[2]
    assert row.to_json() == {
        "position": 3,
        "class_position": 2,
        "car_number": 1,
        "car_model": "BMW M4 GT3",
        "class": "GT3",
        "drivers": [{"player_id": "S1", "name": "First Last1"}],
        "laps": 30,
        "total_time_ms": 3_600_000,
        "best_lap_ms": 100_000,
        "penalty_ms": 6_000,
        "status": "classified",
    }


def test_penalty_ms_per_type():
    conversion = PenaltyConversion(drive_through_s=25)
    assert penalty_ms(Penalty(PenaltyType.TIME, 5), None) == 5_000
    assert penalty_ms(Penalty(PenaltyType.DRIVE_THROUGH), conversion) == 25_000
    assert penalty_ms(Penalty(PenaltyType.STOP_GO, 10), conversion) == 10_000
    assert penalty_ms(Penalty(PenaltyType.LICENCE_POINTS, 2), conversion) is None


@st.composite
def sorted_races(draw):
    """A race leaderboard as the game writes it: laps desc, then time asc."""
    count = draw(st.integers(1, 12))
    entries = sorted(
        ((draw(st.integers(0, 5)), draw(st.integers(1, 50_000))) for _ in range(count)),
        key=lambda e: (-e[0], e[1]),
    )
    return [
        car(i, i, laps, total if laps else None) for i, (laps, total) in enumerate(entries, start=1)
    ]


@settings(max_examples=200, deadline=None)
@given(race=sorted_races(), data=st.data())
def test_on_a_well_ordered_file_penalties_give_exactly_the_sorted_order(race, data):
    penalised = data.draw(st.lists(st.sampled_from(race), max_size=4, unique=True))
    penalties = [time_penalty(c.car_number, data.draw(st.integers(1, 60))) for c in penalised]
    rows = classify(R, race, penalties)

    def key(r):
        return (-r.laps, float("inf") if r.final_time_ms is None else r.final_time_ms)

    assert [key(r) for r in rows] == sorted(key(r) for r in rows)
    unpenalised = [r.car_number for r in rows if r.penalty_ms == 0]
    assert unpenalised == sorted(unpenalised)  # untouched cars keep the file's order
    assert sorted(numbers(rows)) == sorted(c.car_number for c in race)
