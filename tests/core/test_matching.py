"""A report names drivers as people type them; the desk finds who is meant, or asks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.core.matching import RosterDriver, match_driver, normalise
from steward_desk.core.model import Driver

ROSTER = (
    RosterDriver("S76561198000000001", ("Jürgen Müller", "MUL"), (12,)),
    RosterDriver("S76561198000000002", ("Juergen Mueller", "JMU"), (7,)),
    RosterDriver("S76561198000000003", ("Anna Schmidt", "SCH"), (34,)),
    RosterDriver("S76561198000000004", ("Bob Schmitt", "BSC"), (34,)),  # shares car 34
    RosterDriver("S76561198000000005", ("François Dupont", "DUP"), (5,)),
    RosterDriver("S76561198000000006", ("Zoë Ångström", "ANG"), (88, 89)),
)


def pid(n: int) -> str:
    return f"S7656119800000000{n}"


@pytest.mark.parametrize(
    ("reference", "player", "reason"),
    [
        ("S76561198000000003", 3, "player id"),
        ("s76561198000000003", 3, "player id"),
        ("76561198000000003", 3, "player id"),
        ("#12", 1, "car number"),
        ("12", 1, "car number"),
        ("Car 89", 6, "car number"),
        ("jurgen muller", 1, "name"),
        ("MÜLLER JÜRGEN", 1, "name"),
        ("zoe angstrom", 6, "name"),
        ("Dupont", 5, "surname"),
        ("francois", 5, "first name"),
        ("F. Dupont", 5, "initial and surname"),
        ("Francios Dupont", 5, "similar name"),
        ("MUL", 1, "short name"),
        ("#34 Anna", 3, "car number and first name"),
        ("Anna Schmidt (#34)", 3, "car number and name"),
    ],
)
def test_references_that_point_at_one_driver(reference, player, reason):
    match = match_driver(reference, ROSTER)
    assert match.player_id == pid(player)
    assert not match.ambiguous
    assert match.candidates[0].reason == reason


def test_exact_references_need_no_confirmation_but_guesses_do():
    assert not match_driver("S76561198000000003", ROSTER).needs_confirmation
    assert not match_driver("Anna Schmidt", ROSTER).needs_confirmation
    assert match_driver("Dupont", ROSTER).needs_confirmation  # a surname alone: confirm
    assert match_driver("Francios Dupont", ROSTER).needs_confirmation


def test_a_shared_car_number_is_ambiguous_and_lists_both_drivers():
    match = match_driver("#34", ROSTER)
    assert match.player_id is None and match.ambiguous
    assert {c.player_id for c in match.candidates} == {pid(3), pid(4)}


def test_two_close_names_are_ambiguous():
    match = match_driver("Schmit", ROSTER)
    assert match.player_id is None and match.ambiguous
    assert [c.player_id for c in match.candidates][:2] == [pid(3), pid(4)]


def test_a_weak_likeness_is_offered_but_not_chosen():
    match = match_driver("Dupond", ROSTER)
    assert match.player_id is None and not match.ambiguous
    assert match.candidates[0].player_id == pid(5)
    assert 0.6 <= match.confidence < 0.75


@pytest.mark.parametrize("reference", ["", "   ", "Nobody Atall", "#999", "S76561198999999999"])
def test_references_that_match_nobody(reference):
    match = match_driver(reference, ROSTER)
    assert match.player_id is None and match.candidates == () and match.confidence == 0.0


def test_a_car_number_and_a_name_that_disagree_are_both_offered():
    match = match_driver("#12 Anna Schmidt", ROSTER)
    assert match.player_id is None
    assert {c.player_id for c in match.candidates} >= {pid(1), pid(3)}


def test_a_roster_built_from_the_results_drivers():
    driver = Driver("S76561198000000042", "Kimi", "Räikkönen", "RAI")
    roster = [RosterDriver.from_driver(driver, [7])]
    assert match_driver("kimi raikkonen", roster).player_id == driver.player_id
    assert match_driver("RAI", roster).player_id == driver.player_id
    assert match_driver("#7", roster).player_id == driver.player_id


def test_normalise_folds_accents_case_and_punctuation():
    assert normalise("  Jürgen-Müller  Jr. ") == "jurgen muller jr"
    assert normalise("Łukasz Øster Straße") == "lukasz oster strasse"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_consistent_match(text):
    match = match_driver(text, ROSTER)
    assert 0.0 <= match.confidence <= 1.0
    if match.player_id is not None:
        assert match.player_id == match.candidates[0].player_id and not match.ambiguous
    assert [c.score for c in match.candidates] == sorted(
        (c.score for c in match.candidates), reverse=True
    )
