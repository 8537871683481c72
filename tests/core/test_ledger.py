"""A season of decisions in the licence ledger: points pile up and expire, thresholds bring
bans, three strikes count, a final-round no-show costs championship points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward_desk.core.ledger import LedgerEntry, build_ledger, drivers_near_threshold
from steward_desk.core.model import EventKind, Penalty, PenaltyType
from steward_desk.core.penalties import PenaltyCalculator
from steward_desk.core.rulebook import Rulebook, load_rulebook

RB: Rulebook = load_rulebook("sop-acc")
CALC = PenaltyCalculator(RB)
SEASON_START = datetime(2025, 1, 10, 21, 0, tzinfo=UTC)
MAX, LENA, TOM, ZOE = (
    "S76561198000000007",
    "S76561198000000012",
    "S76561198000000033",
    "S76561198000000044",
)


def week(n: int) -> datetime:
    return SEASON_START + timedelta(weeks=n)


def entry(
    player: str, penalty: Penalty | None, when: datetime, *, name: str = "", season: str = ""
) -> LedgerEntry:
    assert penalty is not None
    return LedgerEntry(
        player_id=player,
        penalty=penalty,
        issued_at=when,
        event=f"Sprint {when:%d %b}",
        season=season,
        decision_id=f"dec-{player[-2:]}-{when:%m%d}",
        driver_name=name,
    )


def contact(kind: EventKind, severity: str, *factors: str) -> Penalty | None:
    return CALC.suggest(kind, "avoidable_contact", severity, factors).penalty


def test_points_pile_up_to_a_qualifying_ban_then_a_race_ban() -> None:
    # Single events: 2 + 4 + 2 = 8 → qualifying ban; + 4 = 12 → race ban.
    season = [
        entry(MAX, contact(EventKind.SINGLE, "moderate"), week(0), name="Max Keller"),
        entry(MAX, contact(EventKind.SINGLE, "severe"), week(2)),
        entry(MAX, contact(EventKind.SINGLE, "moderate"), week(4)),
        entry(MAX, contact(EventKind.SINGLE, "severe"), week(6)),
    ]
    before = build_ledger(season, RB, week(3)).driver(MAX)
    assert before.active_points == 6 and before.threshold_hits == ()
    assert before.to_next_threshold == ("qualifying_ban", 2)

    max_ = build_ledger(season, RB, week(7)).driver(MAX)
    assert max_.name == "Max Keller" and max_.active_points == 12
    hits = [(h.limit_id, h.reached_at, h.amount) for h in max_.threshold_hits]
    assert hits == [("qualifying_ban", week(4), 8), ("race_ban", week(6), 12)]
    assert [s.penalty for s in max_.sanctions] == [
        Penalty(PenaltyType.QUALIFYING_BAN, 1),
        Penalty(PenaltyType.RACE_BAN, 1),
    ]
    assert max_.threshold_hits[1].decisions == tuple(e.decision_id for e in season)


def test_points_that_reached_a_threshold_do_not_reach_it_again() -> None:
    season = [entry(MAX, Penalty(PenaltyType.LICENCE_POINTS, 8), week(0))] + [
        entry(MAX, Penalty(PenaltyType.LICENCE_POINTS, 1), week(n)) for n in range(1, 9)
    ]
    max_ = build_ledger(season, RB, week(9)).driver(MAX)
    quali = [h.reached_at for h in max_.threshold_hits if h.limit_id == "qualifying_ban"]
    assert quali == [week(0), week(8)]  # 8 at once; then only the eighth single point again


def test_points_expire_after_a_year_and_old_points_reach_no_threshold() -> None:
    old = entry(LENA, Penalty(PenaltyType.LICENCE_POINTS, 6), week(0))
    new = entry(LENA, Penalty(PenaltyType.LICENCE_POINTS, 4), week(0) + timedelta(days=370))
    lena = build_ledger([old, new], RB, week(0) + timedelta(days=371)).driver(LENA)
    assert lena.active_points == 4 and lena.expired_points == 6
    assert lena.threshold_hits == ()
    assert lena.expiring == ((new.issued_at + timedelta(days=365), 4),)


def test_three_strikes_from_no_shows_ban_a_driver_but_not_when_spread_over_years() -> None:
    strike = CALC.fixed_penalty(EventKind.SINGLE, "no_show").penalty
    left = CALC.fixed_penalty(EventKind.SPONSORED, "leaving_by_choice").penalty
    tom = build_ledger(
        [entry(TOM, strike, week(1)), entry(TOM, left, week(5)), entry(TOM, strike, week(9))],
        RB,
        week(10),
    ).driver(TOM)
    assert [(h.limit_id, h.reached_at, h.amount) for h in tom.strike_hits] == [
        ("strikes", week(9), 3)
    ]
    assert (
        tom.sanctions[-1].penalty == Penalty(PenaltyType.RACE_BAN, 1)
        and tom.sanctions[-1].source == "strikes"
    )
    assert tom.strikes == 0  # used up by the ban

    spread = [
        entry(ZOE, strike, week(0)),
        entry(ZOE, strike, week(40)),
        entry(ZOE, strike, week(100)),
    ]
    zoe = build_ledger(spread, RB, week(101)).driver(ZOE)
    # Week 40's strike is more than a year before week 100's: only one still counts.
    assert zoe.strike_hits == () and zoe.strikes == 1 and zoe.strikes_to_limit == 2


def test_a_final_round_no_show_costs_twenty_championship_points() -> None:
    final = CALC.fixed_penalty(EventKind.SERIES, "no_show", final_round=True).penalty
    earlier = CALC.fixed_penalty(EventKind.SERIES, "no_show").penalty
    ledger = build_ledger(
        [
            entry(ZOE, earlier, week(3), season="GT3 Sprint S4"),
            entry(ZOE, final, week(12), season="GT3 Sprint S4"),
            entry(ZOE, Penalty(PenaltyType.POINTS_DEDUCTION, 5), week(20), season="Endurance S1"),
        ],
        RB,
        week(21),
    )
    zoe = ledger.driver(ZOE)
    assert zoe.points_deducted == {"GT3 Sprint S4": 20, "Endurance S1": 5}
    assert [s.penalty.type for s in zoe.sanctions] == [PenaltyType.QUALIFYING_BAN]


def test_time_penalties_are_for_the_results_not_the_ledger() -> None:
    ledger = build_ledger([entry(MAX, Penalty(PenaltyType.TIME, 5), week(0))], RB, week(1))
    max_ = ledger.driver(MAX)
    assert max_.active_points == 0 and max_.sanctions == () and max_.closeness == 1.0
    assert drivers_near_threshold(ledger) == []
    assert drivers_near_threshold(ledger, include_clear=True) == [max_]


def test_the_ledger_page_lists_drivers_near_a_threshold_first() -> None:
    strike = Penalty(PenaltyType.STRIKE, 1)
    season = [
        entry(MAX, Penalty(PenaltyType.LICENCE_POINTS, 2), week(1), name="Max"),
        entry(LENA, Penalty(PenaltyType.LICENCE_POINTS, 7), week(1), name="Lena"),  # 1 from a ban
        entry(TOM, strike, week(1), name="Tom"),
        entry(TOM, strike, week(2), name="Tom"),  # 1 strike from a ban
        entry(ZOE, Penalty(PenaltyType.LICENCE_POINTS, 5), week(1), name="Zoe"),
    ]
    ledger = build_ledger(season, RB, week(3))
    order = [d.name for d in drivers_near_threshold(ledger)]
    assert order == ["Lena", "Tom", "Zoe", "Max"]


def test_entries_after_the_date_are_not_counted_and_naive_times_are_refused() -> None:
    later = entry(MAX, Penalty(PenaltyType.LICENCE_POINTS, 12), week(5))
    assert build_ledger([later], RB, week(4)).drivers == {}
    with pytest.raises(ValueError, match="time zone"):
        build_ledger([later], RB, datetime(2025, 6, 1))
    naive = LedgerEntry(MAX, Penalty(PenaltyType.STRIKE, 1), datetime(2025, 6, 1))
    with pytest.raises(ValueError, match="time zone"):
        build_ledger([naive], RB, week(30))


def test_ledger_json_for_the_export() -> None:
    ledger = build_ledger(
        [entry(MAX, Penalty(PenaltyType.LICENCE_POINTS, 8), week(0))], RB, week(1)
    )
    doc = ledger.to_json()
    (driver,) = doc["drivers"]  # type: ignore[misc]
    assert driver["player_id"] == MAX and driver["active_points"] == 8
    assert driver["thresholds_reached"][0]["penalty"] == {"type": "qualifying_ban", "value": 1}
    # The 8 points are used up for the qualifying ban but still count towards the race ban.
    assert driver["to_next_threshold"] == {"threshold": "race_ban", "points": 4}
