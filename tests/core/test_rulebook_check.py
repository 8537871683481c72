"""A league edits its rulebook and breaks it: every problem is named by its key, all at once,
and nothing half-loads. Fuzzed: no broken document gets past the validator or crashes it."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward_desk.core.rulebook import Rulebook, RulebookError, load_rulebook
from steward_desk.core.rulebook_schema import parse_rulebook

BUNDLED = (resources.files("steward_desk.resources") / "rulebooks" / "sop-acc.toml").read_text(
    "utf-8"
)


def edited(tmp_path: Path, *edits: tuple[str, str], name: str = "league.toml") -> Path:
    """The bundled file with text edits applied, as a league would make them."""
    text = BUNDLED
    for old, new in edits:
        assert text.count(old) >= 1, f"edit target not in the bundled file: {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    assert caught.value.source == path.name
    return [str(p) for p in caught.value.problems]


CONTACT_QUESTION = (
    "question = \"Were the attacker's front wheels level with the defender's rear wheels "
    'before the turn-in point?"\n'
)

BROKEN: list[tuple[str, list[tuple[str, str]], str]] = [
    (
        "a question deleted",
        [(CONTACT_QUESTION, "")],
        "categories[1].checklist[0].question: missing",
    ),
    (
        "a key the schema does not know",
        [('id = "blocking"\n', 'id = "blocking"\ncolour = "red"\n')],
        "categories[2].colour: unknown key",
    ),
    (
        "a number written as text",
        [("report_hours = 24", 'report_hours = "24"')],
        "deadlines.report_hours: expected an integer, got a string",
    ),
    (
        "a tariff for a category that does not exist",
        [("[tariff.categories.blocking.time]", "[tariff.categories.blockng.time]")],
        "tariff.categories.blockng: unknown category 'blockng'",
    ),
    (
        "a severity missing from the tariff",
        [
            (
                '[tariff.categories.avoidable_contact.time]\nminor = { outcome = "warning" }\n'
                'moderate = { outcome = "penalty", value = 5 }\n'
                'severe = { outcome = "penalty", value = 10 }\n',
                '[tariff.categories.avoidable_contact.time]\nminor = { outcome = "warning" }\n'
                'moderate = { outcome = "penalty", value = 5 }\n',
            )
        ],
        "tariff.categories.avoidable_contact.time.severe: missing",
    ),
    (
        "an outcome that does not exist",
        [
            (
                '[tariff.categories.blocking.time]\nminor = { outcome = "warning" }',
                '[tariff.categories.blocking.time]\nminor = { outcome = "fine" }',
            )
        ],
        "tariff.categories.blocking.time.minor.outcome: unknown outcome 'fine'",
    ),
    (
        "licence points in the time system",
        [
            (
                '[tariff.categories.blocking.time]\nminor = { outcome = "warning" }\n'
                'moderate = { outcome = "penalty", value = 5 }',
                '[tariff.categories.blocking.time]\nminor = { outcome = "warning" }\n'
                'moderate = { outcome = "penalty", type = "licence_points", value = 5 }',
            )
        ],
        "tariff.categories.blocking.time.moderate.type: 'licence_points' is not allowed here",
    ),
    (
        "a warning given seconds",
        [
            (
                '[tariff.categories.unsafe_rejoin.time]\nminor = { outcome = "warning" }',
                '[tariff.categories.unsafe_rejoin.time]\nminor = { outcome = "warning", value = 5 }',
            )
        ],
        "tariff.categories.unsafe_rejoin.time.minor.type: a warning cannot carry a time",
    ),
    (
        "a penalty without an amount",
        [
            (
                '[tariff.categories.blocking.licence_points]\nminor = { outcome = "warning" }\n'
                'moderate = { outcome = "penalty", value = 2 }',
                '[tariff.categories.blocking.licence_points]\nminor = { outcome = "warning" }\n'
                'moderate = { outcome = "penalty" }',
            )
        ],
        "tariff.categories.blocking.licence_points.moderate.value: missing",
    ),
    (
        "two categories with one id",
        [('id = "blocking"\n', 'id = "avoidable_contact"\n')],
        "categories[2].id: duplicate category id 'avoidable_contact' (also categories[1])",
    ),
    (
        "a checklist question setting an unknown factor",
        [('factor = "opening_lap"\n', 'factor = "first_lap"\n')],
        "categories[1].checklist[4].factor: unknown factor 'first_lap'",
    ),
    (
        "a quorum larger than the panel",
        [("quorum = 2", "quorum = 4")],
        "panel.quorum: cannot exceed the panel size (3), got 4",
    ),
    (
        "a newer schema",
        [("schema_version = 1", "schema_version = 2")],
        "schema_version: this Steward Desk reads schema 1, got 2",
    ),
    (
        "an event kind without a penalty system",
        [('event_kinds = ["single", "sponsored"]', 'event_kinds = ["single"]')],
        "penalty_systems: no penalty system for 'sponsored' events",
    ),
    (
        "an offence under an unknown category",
        [('category = "qualifying_incident"', 'category = "qualifying"')],
        "offences[4].category: unknown category 'qualifying'",
    ),
    (
        "track-limit steps out of order",
        [("{ from_count = 4,", "{ from_count = 1,")],
        "fixed_penalties[4].licence_points.steps[1].from_count: must be above the previous step's 1",
    ),
    (
        "a fixed penalty without its series rule",
        [
            (
                '[fixed_penalties.time]\noutcome = "penalty"\npenalty = { type = "time", value = 5 }\n',
                "",
            )
        ],
        "fixed_penalties[0].time: missing",
    ),
    (
        "a threshold with no points",
        [("points = 8", "points = 0")],
        "licence.thresholds[0].points: must be at least 1, got 0",
    ),
]


@pytest.mark.parametrize(("story", "edits", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_rulebook_names_the_key_and_the_problem(
    tmp_path: Path, story: str, edits: list[tuple[str, str]], expected: str
) -> None:
    problems = problems_of(edited(tmp_path, *edits))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_listed_at_once_with_the_file_name(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        (CONTACT_QUESTION, ""),
        ("report_hours = 24", 'report_hours = "24"'),
        ("quorum = 2", "quorum = 4"),
        name="friday-gt.toml",
    )
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    message = str(caught.value)
    assert "friday-gt.toml: categories[1].checklist[0].question: missing" in message
    assert "friday-gt.toml: deadlines.report_hours: expected an integer" in message
    assert "friday-gt.toml: panel.quorum: cannot exceed" in message
    assert len(caught.value.problems) == 3


def test_a_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = edited(tmp_path, ('version = "2024.1"', 'version = "2024.1'))
    line = BUNDLED.splitlines().index('version = "2024.1"') + 1
    (problem,) = problems_of(path)
    assert "not valid TOML" in problem and f"line {line}," in problem


def test_a_missing_or_unreadable_file_is_a_rulebook_error(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="cannot read the file"):
        load_rulebook(tmp_path / "nowhere.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(
        BUNDLED.replace("Gentleman's", "Gentleman\u00b4s").encode("latin-1", "replace")
    )
    with pytest.raises(RulebookError, match="not UTF-8"):
        load_rulebook(latin)


def test_the_minimum_a_league_must_write(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    problems = problems_of(path)
    for key in ("schema_version", "categories", "outcomes", "penalty_systems", "tariff", "panel"):
        assert f"{key}: missing" in problems


# --- fuzzing: any mutation either loads cleanly or is refused with RulebookError ---------------

DOC = tomllib.loads(BUNDLED)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.text(max_size=12),
    st.lists(st.text(max_size=6), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            out += _paths(child, (*prefix, index))
    return out


PATHS = _paths(DOC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.booleans(), VALUES), min_size=1, max_size=3))
def test_fuzzed_rulebooks_load_or_are_refused_never_crash(
    mutations: list[tuple[tuple[Any, ...], bool, Any]],
) -> None:
    doc = copy.deepcopy(DOC)
    for path, delete, value in mutations:
        parent: Any = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            if delete:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    try:
        result = parse_rulebook(doc, "fuzz.toml")
    except RulebookError as error:
        assert error.problems and all(str(p) for p in error.problems)
    else:
        assert isinstance(result, Rulebook)
