"""The penalty calculator: what a steward sees suggested for an incident, and why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltySystem, PenaltyType
from steward_desk.core.penalties import PenaltyCalculator
from steward_desk.core.precedents import Precedent
from steward_desk.core.rulebook import Rulebook, UnknownIdError, load_rulebook

T = PenaltyType
SINGLE_KINDS = (EventKind.SINGLE, EventKind.SPONSORED)
SERIES_KINDS = (EventKind.SERIES, EventKind.CHAMPIONSHIP)


@pytest.fixture(scope="module")
def rb() -> Rulebook:
    return load_rulebook("sop-acc")


@pytest.fixture(scope="module")
def calc(rb: Rulebook) -> PenaltyCalculator:
    return PenaltyCalculator(rb)


CATEGORIES = load_rulebook("sop-acc").category_ids


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("kind", list(EventKind))
@pytest.mark.parametrize("severity", ["minor", "moderate", "severe"])
def test_every_category_kind_and_severity_reads_its_tariff_in_the_right_system(
    calc: PenaltyCalculator, rb: Rulebook, category: str, kind: EventKind, severity: str
) -> None:
    suggestion = calc.suggest(kind, category, severity)
    entry = rb.tariff.entries[(category, kind.penalty_system, severity)]
    assert (suggestion.outcome, suggestion.penalty) == (entry.outcome, entry.penalty)
    assert suggestion.system is kind.penalty_system and suggestion.severity == severity
    assert suggestion.example_values and any(
        "example values" in line for line in suggestion.explanation
    )
    if suggestion.outcome is Outcome.PENALTY:
        assert suggestion.penalty is not None
        if kind in SINGLE_KINDS:
            assert suggestion.penalty.type is T.LICENCE_POINTS
        else:
            assert suggestion.penalty.type in (
                T.TIME,
                T.DRIVE_THROUGH,
                T.GRID_DROP,
                T.DISQUALIFICATION,
            )
    else:
        assert suggestion.outcome is Outcome.WARNING and suggestion.penalty is None


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_worse_severity_never_suggests_less(calc: PenaltyCalculator, category: str) -> None:
    rank = {Outcome.WARNING: 0, Outcome.PENALTY: 1}
    for kind in (EventKind.SINGLE, EventKind.SERIES):
        ladder = [calc.suggest(kind, category, s) for s in ("minor", "moderate", "severe")]
        assert [rank[s.outcome] for s in ladder] == sorted(rank[s.outcome] for s in ladder)
        amounts = [s.penalty.value for s in ladder if s.penalty and s.penalty.type.unit]
        assert amounts == sorted(amounts)


def test_series_contact_gets_seconds_and_a_single_event_gets_licence_points(
    calc: PenaltyCalculator,
) -> None:
    assert calc.suggest(EventKind.SERIES, "avoidable_contact", "moderate").penalty == Penalty(
        T.TIME, 5
    )
    single = calc.suggest(EventKind.SINGLE, "avoidable_contact", "moderate")
    assert single.penalty == Penalty(T.LICENCE_POINTS, 2)
    assert single.describe() == "Penalty: 2 licence points"
    assert single.explanation[0] == "Single event: Licence Penalty Point System."


def test_without_a_severity_the_rulebook_default_applies(calc: PenaltyCalculator) -> None:
    assert calc.suggest(EventKind.SERIES, "blocking").severity == "moderate"


def test_opening_lap_raises_the_penalty_only_with_several_cars_or_damage(
    calc: PenaltyCalculator,
) -> None:
    alone = calc.suggest(EventKind.SERIES, "avoidable_contact", "moderate", ["opening_lap"])
    assert alone.penalty == Penalty(T.TIME, 5) and alone.severity == "moderate"
    assert any("no change on its own" in line for line in alone.explanation)

    pileup = calc.suggest(
        EventKind.SERIES, "avoidable_contact", "moderate", ["opening_lap", "several_cars"]
    )
    # severe (10 s) plus 5 s for several cars
    assert pileup.severity == "severe" and pileup.penalty == Penalty(T.TIME, 15)
    assert "Opening lap: severity up from moderate to severe." in pileup.explanation


def test_factors_add_to_the_base_penalty_and_count_once(calc: PenaltyCalculator) -> None:
    single = calc.suggest(
        EventKind.SINGLE, "avoidable_contact", "moderate", ["damage", "damage", "position_gained"]
    )
    assert single.factors == ("damage", "position_gained")
    assert single.penalty == Penalty(T.LICENCE_POINTS, 4)
    # positions_lost adds nothing in licence points in the example tariff, 5 s in time
    assert calc.suggest(
        EventKind.SINGLE, "blocking", "moderate", ["positions_lost"]
    ).penalty == Penalty(T.LICENCE_POINTS, 2)
    assert calc.suggest(
        EventKind.SERIES, "blocking", "moderate", ["positions_lost"]
    ).penalty == Penalty(T.TIME, 10)


def test_additions_do_not_turn_a_warning_or_a_drive_through_into_seconds(
    calc: PenaltyCalculator,
) -> None:
    warning = calc.suggest(EventKind.SERIES, "blocking", "minor", ["damage"])
    assert warning.outcome is Outcome.WARNING and warning.penalty is None
    assert any("adds only to a time penalty" in line for line in warning.explanation)
    drive = calc.suggest(EventKind.SERIES, "aggressive_driving", "severe", ["damage"])
    assert drive.penalty == Penalty(T.DRIVE_THROUGH, 0)


def test_the_gentlemans_rule_lowers_severity_and_severity_stays_in_range(
    calc: PenaltyCalculator,
) -> None:
    given_back = calc.suggest(
        EventKind.SERIES, "unfair_overtake", "moderate", ["gentlemans_rule_applied"]
    )
    assert given_back.severity == "minor" and given_back.penalty == Penalty(T.TIME, 5)
    floor = calc.suggest(EventKind.SERIES, "unfair_overtake", "minor", ["gentlemans_rule_applied"])
    assert floor.severity == "minor"
    assert "Gentleman's Rule applied: severity already at minor." in floor.explanation
    ceiling = calc.suggest(
        EventKind.SERIES, "avoidable_contact", "severe", ["opening_lap", "damage"]
    )
    assert ceiling.severity == "severe" and ceiling.penalty == Penalty(T.TIME, 15)


def test_bump_passing_is_not_penalised_when_the_pass_is_given_back(calc: PenaltyCalculator) -> None:
    kept = calc.suggest(EventKind.SERIES, offence="bump_passing")
    assert kept.category == "avoidable_contact" and kept.penalty == Penalty(T.TIME, 5)
    given_back = calc.suggest(
        EventKind.SERIES, offence="bump_passing", factors=["gentlemans_rule_applied"]
    )
    assert given_back.outcome is Outcome.NO_FURTHER_ACTION and given_back.penalty is None


def test_unknown_ids_and_contradictions_are_refused(calc: PenaltyCalculator) -> None:
    with pytest.raises(UnknownIdError, match=r"unknown category 'contact'.*avoidable_contact"):
        calc.suggest(EventKind.SERIES, "contact")
    with pytest.raises(UnknownIdError, match="unknown severity 'huge'"):
        calc.suggest(EventKind.SERIES, "blocking", "huge")
    with pytest.raises(UnknownIdError, match="unknown factor 'rain'"):
        calc.suggest(EventKind.SERIES, "blocking", factors=["rain"])
    with pytest.raises(ValueError, match="judged as 'aggressive_driving', not 'blocking'"):
        calc.suggest(EventKind.SERIES, "blocking", offence="chopping")
    with pytest.raises(ValueError, match="a category or an offence"):
        calc.suggest(EventKind.SERIES)


# --- fixed penalties ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "offence", "final_round", "outcome", "penalty"),
    [
        (EventKind.SINGLE, "missing_onboard", False, Outcome.PENALTY, Penalty(T.LICENCE_POINTS, 5)),
        (
            EventKind.SPONSORED,
            "missing_onboard",
            False,
            Outcome.PENALTY,
            Penalty(T.LICENCE_POINTS, 5),
        ),
        (EventKind.SERIES, "missing_onboard", False, Outcome.PENALTY, Penalty(T.TIME, 5)),
        (EventKind.CHAMPIONSHIP, "missing_onboard", True, Outcome.PENALTY, Penalty(T.TIME, 5)),
        (EventKind.SINGLE, "no_show", False, Outcome.WARNING, Penalty(T.STRIKE, 1)),
        (EventKind.SERIES, "no_show", False, Outcome.PENALTY, Penalty(T.QUALIFYING_BAN, 1)),
        (EventKind.SERIES, "no_show", True, Outcome.PENALTY, Penalty(T.POINTS_DEDUCTION, 20)),
        (EventKind.CHAMPIONSHIP, "no_show", True, Outcome.PENALTY, Penalty(T.POINTS_DEDUCTION, 20)),
        (EventKind.SPONSORED, "leaving_by_choice", False, Outcome.WARNING, Penalty(T.STRIKE, 1)),
        (
            EventKind.SERIES,
            "leaving_by_choice",
            False,
            Outcome.PENALTY,
            Penalty(T.QUALIFYING_BAN, 1),
        ),
        (
            EventKind.SERIES,
            "leaving_by_choice",
            True,
            Outcome.PENALTY,
            Penalty(T.POINTS_DEDUCTION, 20),
        ),
        (EventKind.SINGLE, "disconnection", False, Outcome.NO_FURTHER_ACTION, None),
        (EventKind.SERIES, "disconnection", True, Outcome.NO_FURTHER_ACTION, None),
    ],
)
def test_fixed_penalties_come_straight_from_the_rules(
    calc: PenaltyCalculator,
    kind: EventKind,
    offence: str,
    final_round: bool,
    outcome: Outcome,
    penalty: Penalty | None,
) -> None:
    suggestion = calc.fixed_penalty(kind, offence, final_round=final_round)
    assert (suggestion.outcome, suggestion.penalty) == (outcome, penalty)
    assert suggestion.offence == offence and not suggestion.example_values


def test_a_single_event_has_no_final_round_penalty_and_says_so(calc: PenaltyCalculator) -> None:
    suggestion = calc.fixed_penalty(EventKind.SINGLE, "no_show", final_round=True)
    assert suggestion.penalty == Penalty(T.STRIKE, 1)
    assert "The rules give no separate final-round penalty here." in suggestion.explanation


@pytest.mark.parametrize("kind", list(EventKind))
def test_track_limits_three_warnings_then_a_drive_through(
    calc: PenaltyCalculator, kind: EventKind
) -> None:
    cuts = [calc.fixed_penalty(kind, "track_limits", count=n) for n in range(1, 7)]
    assert [c.outcome for c in cuts[:3]] == [Outcome.WARNING] * 3
    assert all(c.penalty == Penalty(T.DRIVE_THROUGH) for c in cuts[3:])
    assert "(applied by the game)" in cuts[3].explanation[-1]
    with pytest.raises(ValueError, match="count"):
        calc.fixed_penalty(kind, "track_limits", count=0)


def test_leaving_by_choice_explains_the_incident_penalty_note(calc: PenaltyCalculator) -> None:
    lines = calc.fixed_penalty(EventKind.SINGLE, "leaving_by_choice").explanation
    assert any("still gets the penalty points" in line for line in lines)


# --- category from a report's words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "category", "offence"),
    [
        ("He dive-bombed me into T1 with no overlap at all", "aggressive_driving", "barge_passing"),
        (
            "Car #7 punted me from behind at La Source and I spun into the gravel",
            "avoidable_contact",
            None,
        ),
        (
            "Lapped car wouldn\u2019t let me by for two laps despite blue flags",
            "ignoring_blue_flag",
            None,
        ),
        ("He overtook me under yellow at Pouhon", "passing_under_yellow", None),
        ("Crossed the white line at pit exit and cut me off", "pit_lane_violation", None),
        ("He spun, didn't lock his brakes and rolled back into me", "failure_to_lock_brakes", None),
        ("Weaving on the Kemmel straight to break my tow", "blocking", "weaving"),
        (
            "Typed insults in the chat during the race",
            "unsportsmanlike",
            "chat_in_qualifying_or_race",
        ),
        (
            "Bump-passed me at the chicane and didn't give it back",
            "avoidable_contact",
            "bump_passing",
        ),
        ("He ruined my flying lap in quali on his out lap", "qualifying_incident", None),
        (
            "Rejoined from the gravel right into the racing line in front of the pack",
            "unsafe_rejoin",
            None,
        ),
    ],
)
def test_the_report_text_suggests_a_category(
    calc: PenaltyCalculator, description: str, category: str, offence: str | None
) -> None:
    best = calc.suggest_category(description)[0]
    assert best.category == category, calc.suggest_category(description)
    assert best.offence == offence
    assert best.matched and best.score >= 1


def test_no_keyword_no_suggestion(calc: PenaltyCalculator) -> None:
    assert calc.suggest_category("Great race everyone, see you next week") == []
    # "hit" must match as a word, not inside "white" or "whitehill"
    assert all(m.category != "avoidable_contact" for m in calc.suggest_category("white whitehill"))
    assert len(calc.suggest_category("contact, spun, blocked, yellow", limit=2)) == 2


# --- departures ---------------------------------------------------------------------------


def _precedent(value: int, n: int, track: str = "spa") -> Precedent:
    return Precedent(
        decision_id=f"d{n}",
        incident_id=f"i{n}",
        category="avoidable_contact",
        track=track,
        event="Round 1",
        event_kind=EventKind.SERIES,
        decided_at=datetime(2025, 3, n, tzinfo=UTC),
        outcome=Outcome.PENALTY,
        penalty=Penalty(T.TIME, value),
    )


def test_a_proposal_matching_tariff_and_precedents_raises_no_warning(
    calc: PenaltyCalculator,
) -> None:
    suggested = calc.suggest(EventKind.SERIES, "avoidable_contact", "moderate")
    precedents = [_precedent(5, 1), _precedent(10, 2)]
    assert calc.departure(Outcome.PENALTY, Penalty(T.TIME, 5), suggested, precedents) is None


def test_a_harsher_penalty_than_tariff_and_precedents_is_flagged_with_reasons(
    calc: PenaltyCalculator,
) -> None:
    suggested = calc.suggest(EventKind.SERIES, "avoidable_contact", "moderate")
    precedents = [_precedent(5, 1), _precedent(5, 2), _precedent(10, 3)]
    departure = calc.departure(Outcome.PENALTY, Penalty(T.TIME, 30), suggested, precedents)
    assert departure is not None and len(departure.reasons) == 2
    assert (
        "Penalty: 30 s time penalty departs from the tariff's suggestion (Penalty: 5 s time penalty)."
        in (departure.reasons)
    )
    assert "above the precedents' range 5–10 s (median 5 s over 3 decisions)" in departure.message()


def test_a_warning_where_every_precedent_penalised_is_flagged(calc: PenaltyCalculator) -> None:
    departure = calc.departure(Outcome.WARNING, None, None, [_precedent(5, 1), _precedent(5, 2)])
    assert departure is not None
    assert departure.reasons == (
        "No earlier decision in this category was a warning (2 precedents: 2 penalty).",
    )


def test_a_rulebook_without_example_flags_reads_as_the_leagues_own(tmp_path: Path) -> None:
    from importlib import resources

    text = (resources.files("steward_desk.resources") / "rulebooks" / "sop-acc.toml").read_text(
        "utf-8"
    )
    own = tmp_path / "own.toml"
    own.write_text(text.replace("[tariff]\nexample = true", "[tariff]\nexample = false"), "utf-8")
    calc = PenaltyCalculator(load_rulebook(own))
    suggestion = calc.suggest(EventKind.SERIES, "blocking", "moderate")
    assert not suggestion.example_values
    assert "Tariff: Blocking, moderate → 5 s time penalty." in suggestion.explanation
    assert suggestion.system is PenaltySystem.TIME
