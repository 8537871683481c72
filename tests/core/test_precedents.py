"""Precedents: the league's earlier decisions in the same category, same track first."""

from __future__ import annotations

from datetime import UTC, datetime

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltyType
from steward_desk.core.precedents import (
    Precedent,
    compare_to_precedents,
    rank_precedents,
    summarize,
)

FIVE_SECONDS = Penalty(PenaltyType.TIME, 5)


def decision(
    n: int,
    *,
    track: str = "spa",
    category: str = "avoidable_contact",
    kind: EventKind = EventKind.SERIES,
    outcome: Outcome = Outcome.PENALTY,
    penalty: Penalty | None = FIVE_SECONDS,
    superseded: bool = False,
) -> Precedent:
    return Precedent(
        decision_id=f"d{n}",
        incident_id=f"i{n}",
        category=category,
        track=track,
        event=f"Round {n}",
        event_kind=kind,
        decided_at=datetime(2025, 1, n, 20, tzinfo=UTC),
        outcome=outcome,
        penalty=penalty,
        reasoning=f"reason {n}",
        superseded=superseded,
    )


def test_same_track_first_then_newest() -> None:
    history = [
        decision(1, track="spa"),
        decision(2, track="monza"),
        decision(3, track="Spa"),
        decision(4, track="monza"),
        decision(5, category="blocking"),
    ]
    ranked = rank_precedents(history, "avoidable_contact", "spa")
    assert [p.decision_id for p in ranked] == ["d3", "d1", "d4", "d2"]
    assert [p.decision_id for p in rank_precedents(history, "avoidable_contact")] == [
        "d4",
        "d3",
        "d2",
        "d1",
    ]
    assert [
        p.decision_id for p in rank_precedents(history, "avoidable_contact", "spa", limit=1)
    ] == ["d3"]


def test_superseded_decisions_the_case_itself_and_other_penalty_systems_are_left_out() -> None:
    history = [
        decision(1, superseded=True),
        decision(2),
        decision(3, kind=EventKind.SINGLE, penalty=Penalty(PenaltyType.LICENCE_POINTS, 2)),
        decision(4, kind=EventKind.CHAMPIONSHIP),
    ]
    ranked = rank_precedents(
        history, "avoidable_contact", "spa", kind=EventKind.SERIES, exclude_incident="i2"
    )
    assert [p.decision_id for p in ranked] == ["d4"]
    singles = rank_precedents(history, "avoidable_contact", kind=EventKind.SPONSORED)
    assert [p.decision_id for p in singles] == ["d3"]


def test_summary_counts_outcomes_and_orders_values() -> None:
    history = [
        decision(1, penalty=Penalty(PenaltyType.TIME, 10)),
        decision(2),
        decision(3, outcome=Outcome.RACING_INCIDENT, penalty=None),
        decision(4, penalty=Penalty(PenaltyType.DRIVE_THROUGH)),
    ]
    summary = summarize(history)
    assert summary.count == 4
    assert summary.outcomes == {Outcome.PENALTY: 3, Outcome.RACING_INCIDENT: 1}
    assert summary.values[PenaltyType.TIME] == (5, 10)
    assert summary.median(PenaltyType.TIME) == 7.5 and summary.range(PenaltyType.TIME) == (5, 10)
    assert summary.usual_outcome() is Outcome.PENALTY
    assert summary.median(PenaltyType.STOP_GO) is None


def test_comparing_a_proposal_to_precedents() -> None:
    history = [decision(1), decision(2, penalty=Penalty(PenaltyType.TIME, 10))]
    assert compare_to_precedents(Outcome.PENALTY, Penalty(PenaltyType.TIME, 10), history) == ()
    assert compare_to_precedents(Outcome.PENALTY, Penalty(PenaltyType.TIME, 3), history) == (
        "3 s time penalty is below the precedents' range 5–10 s (median 7.5 s over 2 decisions).",
    )
    (reason,) = compare_to_precedents(Outcome.PENALTY, Penalty(PenaltyType.STOP_GO, 10), history)
    assert reason == "No precedent used a stop_go penalty (they used time)."
    (reason,) = compare_to_precedents(Outcome.RACING_INCIDENT, None, history)
    assert reason.startswith(
        "No earlier decision in this category was a racing incident (2 precedents"
    )
    assert compare_to_precedents(Outcome.WARNING, None, []) == ()


def test_precedents_that_all_gave_one_amount_are_not_called_a_range() -> None:
    history = [decision(1, penalty=Penalty(PenaltyType.TIME, 15))]
    assert compare_to_precedents(Outcome.PENALTY, Penalty(PenaltyType.TIME, 5), history) == (
        "5 s time penalty is below the 15 s of the one precedent.",
    )
    history.append(decision(2, penalty=Penalty(PenaltyType.TIME, 15)))
    (reason,) = compare_to_precedents(Outcome.PENALTY, Penalty(PenaltyType.TIME, 20), history)
    assert reason == "20 s time penalty is above the 15 s all 2 decisions gave."


def test_penalty_phrases_say_one_in_the_singular() -> None:
    one = {t: Penalty(t, 1).describe() for t in PenaltyType}
    two = {t: Penalty(t, 2).describe() for t in PenaltyType}
    assert one[PenaltyType.LICENCE_POINTS] == "1 licence point"
    assert two[PenaltyType.LICENCE_POINTS] == "2 licence points"
    assert one[PenaltyType.RACE_BAN] == "Race ban (1 round)"
    assert two[PenaltyType.QUALIFYING_BAN] == "Qualifying ban (2 rounds)"
    assert one[PenaltyType.STRIKE] == "1 strike"
    assert one[PenaltyType.POSITION_DROP] == "dropped 1 place in the results"
    assert one[PenaltyType.POINTS_DEDUCTION] == "1 championship point deducted"
    assert not any("(s)" in phrase for phrase in [*one.values(), *two.values()])


def test_precedent_json_for_the_precedents_panel() -> None:
    doc = decision(7).to_json()
    assert doc["penalty"] == {"type": "time", "value": 5}
    assert doc["decided_at"] == "2025-01-07T20:00:00+00:00" and doc["event_kind"] == "series"
