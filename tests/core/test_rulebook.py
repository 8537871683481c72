"""The bundled SOP rulebook: complete, grounded in the published rules, loadable every way a
league points the app at a rulebook."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltySystem, PenaltyType
from steward_desk.core.rulebook import (
    ENV_RULEBOOK,
    PenaltyRequirement,
    Rulebook,
    UnknownIdError,
    load_rulebook,
)

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

THIRTEEN = [
    "aggressive_driving",
    "avoidable_contact",
    "blocking",
    "failure_to_lock_brakes",
    "ignoring_blue_flag",
    "ignoring_yellow_flag",
    "passing_under_yellow",
    "pit_lane_violation",
    "qualifying_incident",
    "unfair_overtake",
    "unsafe_rejoin",
    "unpredictability",
    "unsportsmanlike",
]


@pytest.fixture(scope="module")
def rb() -> Rulebook:
    return load_rulebook("sop-acc")


def _norm(text: str) -> str:
    """Compare wording, not typography: the seeds use curly quotes, en dashes, odd breaks."""
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u00b4", "'"), ("\u2013", "-")):
        text = text.replace(fancy, plain)
    text = re.sub(r"[\"\u201c\u201d]", "", text)
    return re.sub(r"\s+", " ", text).casefold()


@pytest.fixture(scope="module")
def seeds_text() -> str:
    files = [SEEDS / "sop-racing-rules-pc.txt", SEEDS / "sop-racing-rules-playstation.txt"]
    if not all(f.is_file() for f in files):
        pytest.skip(f"the published rules are not at {SEEDS}")
    return _norm(" ".join(f.read_text(encoding="utf-8") for f in files))


def test_the_thirteen_categories_of_the_rules_are_there_in_order(rb: Rulebook) -> None:
    assert list(rb.category_ids) == THIRTEEN
    assert rb.category("avoidable_contact").name == "Avoidable Contact"


def test_every_category_has_a_checklist_a_steward_can_work_through(rb: Rulebook) -> None:
    for category in rb.categories:
        assert len(category.checklist) >= 3, category.id
        assert category.description and category.keywords and category.typical_outcomes
        for item in category.checklist:
            assert item.question.endswith("?"), item.id
            assert item.help and item.rule_ref
            assert item.fault_answer is not None or item.factor is not None or item.points_to == ""


def test_avoidable_contact_asks_the_overlap_room_opening_lap_and_gentlemans_rule_questions(
    rb: Rulebook,
) -> None:
    contact = rb.category("avoidable_contact")
    overlap = contact.item("overlap_before_turn_in")
    assert "front wheels" in overlap.question and "rear wheels" in overlap.question
    assert overlap.fault_answer is False and overlap.points_to == "attacker"
    assert overlap.rule_ref == "On-Track Behaviour / Passing and Overtaking"
    assert "car's width" in contact.item("defender_left_room").question
    assert contact.item("opening_lap").factor == "opening_lap"
    assert contact.item("gentlemans_rule").factor == "gentlemans_rule_applied"
    with pytest.raises(UnknownIdError, match="overlap_before_turn_in"):
        contact.item("no_such_question")


def test_every_quotation_in_the_rulebook_is_the_rules_own_wording(
    rb: Rulebook, seeds_text: str
) -> None:
    texts = [c.description for c in rb.categories]
    texts += [i.help for c in rb.categories for i in c.checklist]
    texts += [o.description for o in rb.offences] + [p.text for p in rb.procedures]
    quotes = [q for text in texts for q in re.findall(r'"([^"]+)"', text)]
    assert len(quotes) > 30
    for quote in quotes:
        for piece in _norm(quote).split(" ... "):
            assert piece.strip().rstrip(".") in seeds_text, quote


def test_every_rule_reference_names_a_section_of_the_published_rules(
    rb: Rulebook, seeds_text: str
) -> None:
    refs = {r for c in rb.categories for r in c.rule_refs}
    refs |= {i.rule_ref for c in rb.categories for i in c.checklist}
    refs |= {o.rule_ref for o in rb.offences} | {f.rule_ref for f in rb.fixed_penalties}
    refs |= {f.rule_ref for f in rb.factors} | {p.rule_ref for p in rb.procedures}
    for ref in refs:
        assert _norm(ref.split(" / ")[-1]) in seeds_text, ref


def test_the_other_named_offences_are_judged_under_a_category(rb: Rulebook) -> None:
    expected = {
        "bump_passing": "avoidable_contact",
        "chopping": "aggressive_driving",
        "brake_checking": "aggressive_driving",
        "barge_passing": "aggressive_driving",
        "racing_in_qualifying": "qualifying_incident",
        "chat_in_qualifying_or_race": "unsportsmanlike",
        "return_to_garage_in_race": "unsportsmanlike",
        "headlights_off_at_night": "unsportsmanlike",
        "cool_down_lap_contact": "avoidable_contact",
        "marker_boards": "unsportsmanlike",
    }
    for offence_id, category in expected.items():
        assert rb.offence(offence_id).category == category
    # The chat rule exists only in the PC edition.
    assert rb.offence("chat_in_qualifying_or_race").editions == ("pc",)
    assert set(rb.offence("bump_passing").editions) == {"pc", "playstation"}


def test_outcomes_say_which_carry_a_penalty(rb: Rulebook) -> None:
    assert [o.id for o in rb.outcomes] == list(Outcome)
    assert rb.outcome(Outcome.RACING_INCIDENT).penalty is PenaltyRequirement.NONE
    assert rb.outcome("penalty").penalty is PenaltyRequirement.REQUIRED
    warning = rb.outcome(Outcome.WARNING)
    assert warning.allows(PenaltyType.STRIKE) and not warning.allows(PenaltyType.TIME)


def test_event_kinds_pick_the_penalty_system_the_rules_name(rb: Rulebook) -> None:
    for kind in EventKind:
        assert rb.system_for(kind).id is kind.penalty_system
    assert rb.system_for(EventKind.SINGLE).base_type is PenaltyType.LICENCE_POINTS
    assert rb.system_for(EventKind.CHAMPIONSHIP).base_type is PenaltyType.TIME


def test_the_tariff_is_complete_and_marked_as_example_values(rb: Rulebook) -> None:
    assert rb.tariff.example and "EXAMPLE" in rb.tariff.note
    assert len(rb.tariff.entries) == 13 * 2 * 3
    entry = rb.tariff_entry("avoidable_contact", PenaltySystem.TIME, "moderate")
    assert entry.outcome is Outcome.PENALTY and entry.penalty == Penalty(PenaltyType.TIME, 5)
    assert rb.licence.example and rb.strikes.example and rb.panel.example and rb.conversion.example


def test_fixed_penalties_carry_the_rules_numbers(rb: Rulebook) -> None:
    onboard = rb.fixed("missing_onboard").rules
    assert onboard[PenaltySystem.LICENCE_POINTS].steps[0].penalty == Penalty(
        PenaltyType.LICENCE_POINTS, 5
    )
    assert onboard[PenaltySystem.TIME].steps[0].penalty == Penalty(PenaltyType.TIME, 5)
    no_show = rb.fixed("no_show").rules[PenaltySystem.TIME]
    assert no_show.final_round is not None
    assert no_show.final_round.penalty == Penalty(PenaltyType.POINTS_DEDUCTION, 20)
    track = rb.fixed("track_limits").rules[PenaltySystem.TIME]
    assert [track.step_for(n).outcome for n in (1, 2, 3, 4, 9)] == [Outcome.WARNING] * 3 + [
        Outcome.PENALTY
    ] * 2
    assert rb.fixed("track_limits").applied_by == "game"


def test_windows_panel_thresholds_and_procedures(rb: Rulebook) -> None:
    assert rb.deadlines.report_hours == 24
    assert rb.panel.quorum == 2 and rb.panel.size == 3
    assert rb.panel.votes_needed(3) == 2 and rb.panel.votes_needed(2) == 2
    assert [t.points for t in rb.licence.thresholds] == [8, 12]
    assert "12 penalty points within 12 months" in rb.licence.reference
    assert rb.strikes.limit == 3
    params = {p.id: dict(p.params) for p in rb.procedures}
    assert params["red_flag_server_crash"] == {"race_completed_percent": 75}
    assert params["late_disconnection_reinstatement"] == {
        "distance_percent": 95,
        "leniency_percent": 1,
    }
    assert params["lap_count_glitch"] == {"final_minutes": 10}


def test_post_race_drive_through_and_stop_go_become_seconds(rb: Rulebook) -> None:
    assert rb.penalty_seconds(Penalty(PenaltyType.TIME, 5)) == 5
    assert rb.penalty_seconds(Penalty(PenaltyType.DRIVE_THROUGH)) == 30
    assert rb.penalty_seconds(Penalty(PenaltyType.STOP_GO, 10)) == 40
    assert rb.penalty_seconds(Penalty(PenaltyType.LICENCE_POINTS, 3)) is None


def test_the_rulebook_ships_as_a_package_resource() -> None:
    resource = resources.files("steward_desk.resources") / "rulebooks" / "sop-acc.toml"
    assert resource.is_file()
    assert load_rulebook().source == "sop-acc.toml"


def test_a_league_points_the_app_at_its_own_rulebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (resources.files("steward_desk.resources") / "rulebooks" / "sop-acc.toml").read_text(
        "utf-8"
    )
    own = tmp_path / "my-league.toml"
    own.write_text(text.replace('league = "SOP Motorsport"', 'league = "Friday Night GT"'), "utf-8")

    assert load_rulebook(own).league == "Friday Night GT"
    assert load_rulebook(str(own)).source == "my-league.toml"
    monkeypatch.setenv(ENV_RULEBOOK, str(own))
    assert load_rulebook().league == "Friday Night GT"
    # An explicit path or bundled id still wins over the environment.
    assert load_rulebook("sop-acc").league == "SOP Motorsport"


def test_json_form_is_plain_and_complete(rb: Rulebook) -> None:
    import json

    doc = json.loads(json.dumps(rb.to_json()))
    assert doc["version"] == "2024.1"
    assert {c["id"] for c in doc["categories"]} == set(THIRTEEN)
    assert doc["outcomes"][0]["id"] == "racing_incident"
    assert {t["id"] for t in doc["penalty_types"]} == {t.value for t in PenaltyType}
    cell = next(
        e
        for e in doc["tariff"]["entries"]
        if (e["category"], e["system"], e["severity"]) == ("blocking", "licence_points", "severe")
    )
    assert cell == {
        "category": "blocking",
        "system": "licence_points",
        "severity": "severe",
        "outcome": "penalty",
        "penalty": {"type": "licence_points", "value": 3},
    }
    no_show = next(f for f in doc["fixed_penalties"] if f["id"] == "no_show")
    assert no_show["rules"]["time"]["final_round"]["penalty"] == {
        "type": "points_deduction",
        "value": 20,
    }
