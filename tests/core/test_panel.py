"""The head steward merges a panel's verdicts: 3–0, 2–1, 1–1–1, no quorum; each steward
counts once; involved stewards and team-mates recuse themselves."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward_desk.core.model import InvolvedDriver, InvolvementRole, Outcome, Penalty, PenaltyType
from steward_desk.core.panel import PanelMember, Recusal, conflict_of_interest, merge_panel
from steward_desk.core.rulebook import MajorityRule, PanelRules, load_rulebook
from steward_desk.core.verdict import StewardRef, Verdict

RB = load_rulebook("sop-acc")
RULES = RB.panel
INCIDENT = str(uuid.uuid4())
CAR7 = "S76561198000000007"
CAR12 = "S76561198000000012"
T0 = datetime(2025, 5, 4, 21, 0, tzinfo=UTC)


def verdict(
    steward: str,
    outcome: Outcome = Outcome.PENALTY,
    seconds: int | None = 5,
    *,
    category: str = "avoidable_contact",
    at_fault: tuple[str, ...] = (CAR7,),
    version: int = 1,
    submitted: bool = True,
    minutes: int = 0,
    incident: str = INCIDENT,
) -> Verdict:
    return Verdict(
        id=str(uuid.uuid4()),
        incident_id=incident,
        steward=StewardRef(steward, steward.capitalize()),
        category=category,
        outcome=outcome,
        at_fault=at_fault if outcome in (Outcome.PENALTY, Outcome.WARNING) else (),
        penalty=Penalty(PenaltyType.TIME, seconds)
        if outcome is Outcome.PENALTY and seconds
        else None,
        reasoning=f"{steward}'s reason",
        rule_refs=("On-Track Behaviour / Passing and Overtaking",),
        version=version,
        supersedes=str(uuid.uuid4()) if version > 1 else None,
        created_at=T0 + timedelta(minutes=minutes),
        submitted=submitted,
    )


def test_three_nil_is_unanimous() -> None:
    result = merge_panel(INCIDENT, [verdict("ann"), verdict("bob"), verdict("cy")], RULES)
    assert result.quorum_reached and result.unanimous
    assert result.ruling is not None
    assert (result.ruling.outcome, result.ruling.penalty) == (
        Outcome.PENALTY,
        Penalty(PenaltyType.TIME, 5),
    )
    assert result.ruling.category == "avoidable_contact" and result.ruling.at_fault == (CAR7,)
    assert result.ruling.supporters == ("ann", "bob", "cy")
    assert result.dissent == () and result.undecided == ()
    assert len(result.ruling.reasons) == 3


def test_two_one_decides_and_names_the_dissent() -> None:
    result = merge_panel(
        INCIDENT, [verdict("ann"), verdict("bob"), verdict("cy", Outcome.RACING_INCIDENT)], RULES
    )
    assert result.ruling is not None and result.ruling.supporters == ("ann", "bob")
    (dissent,) = result.dissent
    assert dissent.steward_key == "cy" and dissent.fields == ("outcome", "penalty", "at_fault")
    outcome = result.agreement["outcome"]
    assert not outcome.unanimous and outcome.majority == "penalty"
    assert outcome.groups == (("penalty", ("ann", "bob")), ("racing_incident", ("cy",)))
    assert result.agreement["category"].unanimous


def test_one_one_one_has_no_majority() -> None:
    result = merge_panel(
        INCIDENT,
        [verdict("ann", seconds=5), verdict("bob", seconds=10), verdict("cy", Outcome.WARNING)],
        RULES,
    )
    assert result.quorum_reached and result.ruling is None
    assert result.undecided == ("outcome", "penalty", "at_fault")
    assert (
        result.agreement["outcome"].majority == "penalty"
    )  # two say "penalty" but not the same one
    assert result.agreement["penalty"].majority is None
    assert len(result.agreement["penalty"].groups) == 3


def test_a_lone_verdict_is_no_quorum() -> None:
    result = merge_panel(INCIDENT, [verdict("ann")], RULES)
    assert not result.quorum_reached and result.ruling is None
    assert result.undecided == ("category", "outcome", "penalty", "at_fault")


def test_two_verdicts_that_disagree_reach_quorum_but_no_majority() -> None:
    result = merge_panel(INCIDENT, [verdict("ann"), verdict("bob", Outcome.RACING_INCIDENT)], RULES)
    assert result.quorum_reached and result.votes_needed == 2 and result.ruling is None


def test_a_steward_counts_once_however_many_copies_or_versions_arrive() -> None:
    first = verdict("ann", seconds=10)
    second = replace(verdict("ann", version=2, minutes=30), supersedes=first.id)
    copies = [first, first, second, second, verdict("bob", Outcome.RACING_INCIDENT)]
    result = merge_panel(INCIDENT, copies, RULES)
    assert [k for k, _ in result.counted] == ["ann", "bob"]
    assert dict(result.counted)["ann"] is second
    reasons = [i.reason for i in result.ignored]
    assert reasons == [
        "the same verdict again",
        f"superseded by {second.id} (version 2)",
        "the same verdict again",
    ]
    # One steward cannot outvote another by sending the same verdict twice.
    assert result.ruling is None


def test_the_key_is_the_callers_choice_never_the_display_name() -> None:
    # Two desks both calling themselves "ann" but signing with different keys count twice;
    # one key under two names counts once.
    keys = {}
    a, b, c = verdict("ann"), verdict("ann"), verdict("mallory", Outcome.RACING_INCIDENT)
    keys[a.id], keys[b.id], keys[c.id] = "kid-1", "kid-2", "kid-2"
    result = merge_panel(INCIDENT, [a, b, c], RULES, key=lambda v: keys[v.id])
    assert [k for k, _ in result.counted] == ["kid-1", "kid-2"]


def test_drafts_other_incidents_and_recused_stewards_are_not_counted() -> None:
    other = str(uuid.uuid4())
    votes = [
        verdict("ann"),
        verdict("bob", submitted=False),
        verdict("cy", incident=other),
        verdict("dee", Outcome.RACING_INCIDENT),
    ]
    result = merge_panel(
        INCIDENT, votes, RULES, recusals=[Recusal("dee", "races for the same team as car 7")]
    )
    assert [k for k, _ in result.counted] == ["ann"]
    assert {i.steward_key: i.reason for i in result.ignored} == {
        "bob": "a draft, not submitted",
        "cy": f"a verdict on another incident ({other})",
        "dee": "recused: races for the same team as car 7",
    }
    assert result.recusals == (Recusal("dee", "races for the same team as car 7"),)
    assert not result.quorum_reached


def test_an_absolute_majority_counts_the_whole_panel() -> None:
    absolute = PanelRules(True, 5, 2, MajorityRule.ABSOLUTE, True, True, "")
    two_of_five = merge_panel(INCIDENT, [verdict("ann"), verdict("bob")], absolute)
    assert two_of_five.votes_needed == 3 and two_of_five.ruling is None
    simple = replace(absolute, majority=MajorityRule.SIMPLE)
    assert merge_panel(INCIDENT, [verdict("ann"), verdict("bob")], simple).ruling is not None


def test_supporters_split_on_the_category_leave_it_to_the_head_steward() -> None:
    result = merge_panel(
        INCIDENT,
        [
            verdict("ann"),
            verdict("bob", category="aggressive_driving"),
            verdict("cy", Outcome.WARNING),
        ],
        RULES,
    )
    assert result.ruling is not None and result.ruling.category is None
    assert result.undecided == ("category",)
    assert [d.steward_key for d in result.dissent] == ["cy"]


def test_merge_json_for_the_decision_record() -> None:
    result = merge_panel(
        INCIDENT, [verdict("ann"), verdict("bob"), verdict("cy", seconds=10)], RULES
    )
    doc = result.to_json()
    assert doc["quorum_reached"] is True and doc["ruling"]["penalty"] == {
        "type": "time",
        "value": 5,
    }
    assert doc["dissent"][0]["steward_key"] == "cy" and doc["dissent"][0]["fields"] == ["penalty"]


# --- conflicts of interest -----------------------------------------------------------------

INVOLVED = (
    InvolvedDriver(CAR7, "Max Keller", 7, InvolvementRole.ACCUSED),
    InvolvedDriver(CAR12, "Lena Brandt", 12, InvolvementRole.REPORTER),
)
TEAMS = {CAR7: "Apex Racing ", CAR12: "Blue Line"}


def test_a_steward_who_was_in_the_incident_cannot_judge_it() -> None:
    lena = PanelMember("kid-lena", "Lena Brandt", player_id=CAR12)
    assert (
        conflict_of_interest(lena, INVOLVED)
        == "Lena Brandt is involved in this incident as reporter (car #12)."
    )


def test_a_team_mate_of_an_involved_driver_cannot_judge_it() -> None:
    tom = PanelMember("kid-tom", "Tom Reyes", player_id="S76561198000000099", team="apex  racing")
    assert (
        conflict_of_interest(tom, INVOLVED, TEAMS)
        == "Tom Reyes is on the same team (Apex Racing) as Max Keller (car #7)."
    )
    # The steward's team can also come from the results, by their own player id.
    raced = PanelMember("kid-tom", "Tom Reyes", player_id="S76561198000000099")
    assert (
        conflict_of_interest(raced, INVOLVED, {**TEAMS, "S76561198000000099": "Blue Line"})
        is not None
    )


def test_an_unrelated_steward_may_judge_and_blank_teams_never_match() -> None:
    ann = PanelMember("kid-ann", "Ann Marsh", player_id=None, team="")
    assert conflict_of_interest(ann, INVOLVED, {CAR7: "", CAR12: ""}) is None
    other = PanelMember("kid-ann", "Ann Marsh", team="Other Team")
    assert conflict_of_interest(other, INVOLVED, TEAMS) is None


def test_the_rulebook_can_switch_the_team_rule_off(tmp_path: Path) -> None:
    rules = replace(RULES, recuse_same_team=False)
    tom = PanelMember("kid-tom", "Tom Reyes", team="Apex Racing")
    assert conflict_of_interest(tom, INVOLVED, TEAMS, rules) is None
    lena = PanelMember("kid-lena", "Lena Brandt", player_id=CAR12)
    assert conflict_of_interest(lena, INVOLVED, TEAMS, rules) is not None
    assert (
        conflict_of_interest(lena, INVOLVED, TEAMS, replace(rules, recuse_involved=False)) is None
    )


@pytest.mark.parametrize("count", [3, 4, 5])
def test_a_bigger_panel_still_needs_more_than_half(count: int) -> None:
    rules = replace(RULES, size=count)
    fewer = [verdict(f"s{i}") for i in range(count // 2)]
    more = [verdict(f"t{i}", Outcome.RACING_INCIDENT) for i in range(count - count // 2)]
    result = merge_panel(INCIDENT, fewer + more, rules)
    if count % 2:
        assert result.ruling is not None and result.ruling.outcome is Outcome.RACING_INCIDENT
        assert len(result.dissent) == count // 2
    else:
        assert result.ruling is None  # an even split decides nothing
