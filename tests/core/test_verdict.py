"""A steward fills the verdict form (or a JSON file for `verdict submit`): what is accepted,
what is refused and how the refusal names the key; JSON round trips; private notes stay home."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltyType
from steward_desk.core.penalties import PenaltyCalculator
from steward_desk.core.rulebook import PenaltyRequirement, load_rulebook, penalty_needs_value
from steward_desk.core.verdict import SANCTIONS, StewardRef, Verdict, VerdictError, check_override

RB = load_rulebook("sop-acc")
INCIDENT = "3f2b8c1e-7d4a-4e1b-9c55-0a1b2c3d4e5f"
ANN = StewardRef("steward-ann", "Ann Marsh")
DRIVER = "S76561198000000001"

FORM: dict[str, Any] = {
    "category": "avoidable_contact",
    "outcome": "penalty",
    "at_fault": [DRIVER],
    "penalty": {"type": "time", "value": 5},
    "checklist": {"overlap_before_turn_in": False, "defender_left_room": True, "opening_lap": None},
    "factors": ["opening_lap"],
    "rule_refs": ["On-Track Behaviour / Passing and Overtaking"],
    "reasoning": "Car 7 had no overlap at the turn-in point of La Source and hit car 12.",
    "private_notes": "Ann thinks car 12 braked early; not conclusive.",
}


def submit(doc: Any, **kwargs: Any) -> Verdict:
    kwargs.setdefault("incident_id", INCIDENT)
    kwargs.setdefault("steward", ANN)
    return Verdict.from_json(doc, RB, **kwargs)


def problems(doc: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(VerdictError) as caught:
        submit(doc, **kwargs)
    return [str(p) for p in caught.value.problems]


def with_(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(FORM)
    for key, value in changes.items():
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def test_the_cli_md_form_is_accepted_and_filled_in() -> None:
    now = datetime(2025, 5, 4, 21, 0, tzinfo=UTC)
    verdict = submit(FORM, kind=EventKind.SERIES, now=now)
    assert verdict.incident_id == INCIDENT and verdict.steward == ANN
    assert verdict.outcome is Outcome.PENALTY and verdict.penalty == Penalty(PenaltyType.TIME, 5)
    assert verdict.checklist == {
        "overlap_before_turn_in": False,
        "defender_left_room": True,
        "opening_lap": None,
    }
    assert verdict.version == 1 and verdict.supersedes is None and not verdict.submitted
    assert verdict.created_at == now
    uuid.UUID(verdict.id)


REFUSALS = [
    ("penalty.type: unknown penalty type 'tme'", with_(penalty={"type": "tme", "value": 5})),
    ("outcome: unknown outcome 'fine'", with_(outcome="fine")),
    ("category: missing", with_(category=...)),
    ("category: unknown category 'contact'", with_(category="contact")),
    ("penalty: missing: the outcome 'penalty' needs a penalty", with_(penalty=None)),
    ("penalty: a racing_incident carries no penalty", with_(outcome="racing_incident")),
    ("penalty.type: a warning cannot carry a time penalty", with_(outcome="warning")),
    (
        "penalty.value: a time penalty needs a value from 1 to 10,000 (s), got 0",
        with_(penalty={"type": "time", "value": 0}),
    ),
    (
        "penalty.value: a licence_points penalty needs a value from 1 to 10,000 (points), got "
        "9007199254740993",
        with_(penalty={"type": "licence_points", "value": 2**53 + 1}),
    ),
    (
        "penalty.value: expected a whole number, got a string",
        with_(penalty={"type": "time", "value": "5"}),
    ),
    (
        "penalty.value: a disqualification penalty takes no value",
        with_(penalty={"type": "disqualification", "value": 3}),
    ),
    ("penalty: expected an object {type, value} or null, got a string", with_(penalty="5s")),
    ("penalty.seconds: unknown key", with_(penalty={"type": "time", "value": 5, "seconds": 5})),
    ("at_fault: a penalty must name the driver(s) at fault", with_(at_fault=[])),
    ("at_fault[1]: duplicate", with_(at_fault=[DRIVER, DRIVER])),
    (
        "checklist.lap_one: unknown question of avoidable_contact",
        with_(checklist={"lap_one": True}),
    ),
    (
        "checklist.overlap_before_turn_in: expected true, false or null, got a string",
        with_(checklist={"overlap_before_turn_in": "no"}),
    ),
    ("factors[0]: unknown factor 'rain'", with_(factors=["rain"])),
    ("reasoning: missing", with_(reasoning="   ")),
    ("colour: unknown key", with_(colour="red")),
    ("supersedes: version 2 must name the verdict it supersedes", with_(version=2)),
    ("supersedes: a first version supersedes nothing", with_(supersedes=str(uuid.uuid4()))),
    ("created_at: needs a time zone", with_(created_at="2025-05-04T21:00:00")),
    ("created_at: not an ISO 8601 date-time", with_(created_at="yesterday")),
    ("id: not a UUID", with_(id="verdict-1")),
    ("severity: unknown severity 'brutal'", with_(severity="brutal")),
    ("version: must be at least 1", with_(version=0)),
]


@pytest.mark.parametrize(
    ("expected", "doc"), REFUSALS, ids=[r[0].split(":")[0] + "|" + r[0][-20:] for r in REFUSALS]
)
def test_a_bad_verdict_is_refused_naming_the_key(expected: str, doc: dict[str, Any]) -> None:
    found = problems(doc)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    found = problems(with_(outcome="fine", penalty={"type": "tme"}, factors=["rain"], colour="red"))
    assert len(found) == 4


def test_not_an_object_and_wrong_incident_or_steward() -> None:
    assert problems([FORM]) == ["expected a JSON object, got an array"]
    other = str(uuid.uuid4())
    assert problems(with_(incident_id=other))[0].startswith(
        f"incident_id: '{other}' is not the incident given"
    )
    found = problems(with_(steward={"id": "bob", "name": "Bob"}))
    assert found == ["steward.id: 'bob' is not the steward submitting ('steward-ann')"]
    with pytest.raises(VerdictError, match="incident_id: missing"):
        Verdict.from_json(FORM, RB, steward=ANN)


def test_the_penalty_must_belong_to_the_events_penalty_system() -> None:
    found = problems(FORM, kind=EventKind.SINGLE)
    assert found[0].startswith(
        "penalty.type: 'time' is not used in single events (Licence Penalty Point System"
    )
    points = with_(penalty={"type": "licence_points", "value": 2}, factors=[])
    assert submit(points, kind=EventKind.SINGLE).penalty == Penalty(PenaltyType.LICENCE_POINTS, 2)


def test_overriding_the_calculator_asks_for_a_reason() -> None:
    harsher = with_(penalty={"type": "time", "value": 10})
    (found,) = problems(harsher, kind=EventKind.SERIES)
    assert found == (
        "override_reason: required: 10 s time penalty differs from the calculator's suggestion "
        "(Penalty: 5 s time penalty)"
    )
    accepted = submit(
        with_(penalty={"type": "time", "value": 10}, override_reason="Third such move tonight."),
        kind=EventKind.SERIES,
    )
    assert accepted.override_reason == "Third such move tonight."
    # Lenient counts too: a warning where the tariff says penalty.
    (found,) = problems(with_(outcome="warning", penalty=None), kind=EventKind.SERIES)
    assert found.startswith("override_reason: required: Warning differs")
    # A finding that nobody is to blame is not an override.
    assert submit(
        with_(outcome="racing_incident", penalty=None, at_fault=[]), kind=EventKind.SERIES
    )
    # Severity and factors feed the suggestion: severe + damage = 15 s.
    severe = with_(penalty={"type": "time", "value": 15}, severity="severe", factors=["damage"])
    assert submit(severe, kind=EventKind.SERIES).severity == "severe"


def test_check_override_for_the_live_form() -> None:
    verdict = submit(with_(penalty={"type": "time", "value": 10}))
    suggestion = PenaltyCalculator(RB).suggest(EventKind.SERIES, "avoidable_contact", "moderate")
    problem = check_override(verdict, suggestion)
    assert problem is not None and problem.path == "override_reason"
    five = submit(FORM)
    assert check_override(five, suggestion) is None


def test_a_draft_may_be_incomplete_but_not_wrong() -> None:
    draft = submit(with_(reasoning="", at_fault=[], penalty=None), draft=True)
    assert draft.penalty is None and draft.reasoning == ""
    assert problems(with_(penalty={"type": "tme"}), draft=True)[0].startswith(
        "penalty.type: unknown"
    )


def test_public_json_never_carries_private_notes() -> None:
    verdict = submit(with_(override_reason="Internal: the head steward asked for consistency."))
    public = json.dumps(verdict.to_json(public=True))
    assert "private_notes" not in public and "Ann thinks" not in public
    assert "override_reason" not in public and "Internal:" not in public
    full = verdict.to_json()
    assert full["private_notes"] == FORM["private_notes"]
    assert set(FORM) <= set(full)


def test_a_correction_is_a_new_version_that_supersedes() -> None:
    first = submit(FORM)
    later = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)
    second = first.correction(
        now=later, penalty=Penalty(PenaltyType.TIME, 10), override_reason="Damage seen later."
    )
    assert second.id != first.id and second.version == 2 and second.supersedes == first.id
    assert second.created_at == later and not second.submitted
    assert Verdict.from_json(second.to_json(), RB) == second


# --- property tests -----------------------------------------------------------------------

names = st.text(min_size=1, max_size=20).filter(lambda s: s.strip() != "")
player_ids = st.from_regex(r"S7656119[0-9]{10}", fullmatch=True)


@st.composite
def verdicts(draw: st.DrawFn) -> Verdict:
    category = draw(st.sampled_from(RB.categories))
    outcome = draw(st.sampled_from([o.id for o in RB.outcomes]))
    spec = RB.outcome(outcome)
    penalty = None
    wants = spec.penalty is PenaltyRequirement.REQUIRED or (
        spec.penalty is PenaltyRequirement.OPTIONAL and draw(st.booleans())
    )
    if wants:
        kind = draw(st.sampled_from(spec.penalty_types or RB.penalty_types))
        penalty = Penalty(kind, draw(st.integers(1, 600)) if penalty_needs_value(kind) else 0)
    version = draw(st.integers(1, 4))
    zone = draw(st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))]))
    return Verdict(
        id=str(draw(st.uuids())),
        incident_id=str(draw(st.uuids())),
        steward=StewardRef(draw(names), draw(st.text(max_size=20))),
        category=category.id,
        outcome=outcome,
        at_fault=tuple(
            draw(
                st.lists(
                    player_ids, unique=True, min_size=1 if outcome in SANCTIONS else 0, max_size=3
                )
            )
        ),
        penalty=penalty,
        checklist=draw(
            st.dictionaries(st.sampled_from(category.checklist_ids), st.none() | st.booleans())
        ),
        factors=tuple(draw(st.lists(st.sampled_from([f.id for f in RB.factors]), unique=True))),
        rule_refs=tuple(draw(st.lists(names, unique=True, max_size=3))),
        reasoning=draw(names),
        private_notes=draw(st.text(max_size=40)),
        severity=draw(st.none() | st.sampled_from(RB.severity_ids)),
        override_reason=draw(st.text(max_size=40)),
        version=version,
        supersedes=str(draw(st.uuids())) if version > 1 else None,
        created_at=draw(
            st.datetimes(
                min_value=datetime(2020, 1, 1),
                max_value=datetime(2040, 1, 1),
                timezones=st.just(zone),
            )
        ),
        submitted=draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None)
@given(verdicts())
def test_verdict_json_round_trips(verdict: Verdict) -> None:
    wire = json.loads(json.dumps(verdict.to_json(), ensure_ascii=False))
    assert Verdict.from_json(wire, RB) == verdict


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [*FORM, "id", "version", "supersedes", "created_at", "steward", "severity"]
        ),
        JSON,
    )
)
def test_any_document_is_accepted_or_refused_never_crashes(changes: dict[str, Any]) -> None:
    doc = {**FORM, **changes}
    try:
        verdict = submit(doc, kind=EventKind.SERIES)
    except VerdictError as error:
        assert error.problems and all(p.message for p in error.problems)
    else:
        assert verdict.category in RB.category_ids
