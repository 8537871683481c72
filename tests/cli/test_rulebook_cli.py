"""`steward-desk rulebook show | check | suggest`, as an admin scripts them."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from steward_desk.cli.main import main

BUNDLED = (resources.files("steward_desk.resources") / "rulebooks" / "sop-acc.toml").read_text(
    "utf-8"
)


@pytest.fixture(autouse=True)
def _isolated(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEWARD_DESK_RULEBOOK", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_json_lists_thirteen_categories_with_their_checklists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "rulebook", "show", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["version"] == "2024.1"
    assert len(doc["categories"]) == 13
    for category in doc["categories"]:
        assert {"id", "name", "checklist"} <= set(category)
        assert len(category["checklist"]) >= 2
        assert all(q["id"] and q["question"].endswith("?") for q in category["checklist"])
    assert [o["id"] for o in doc["outcomes"]] == [
        "racing_incident",
        "warning",
        "penalty",
        "no_further_action",
        "rejected",
    ]
    assert "licence_points" in {t["id"] for t in doc["penalty_types"]}
    assert doc["tariff"]["example"] is True


def test_show_for_people_flags_the_example_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rulebook", "show")
    assert code == 0
    assert "Categories (13):" in out and "Tariff — EXAMPLE VALUES" in out
    assert (
        "No-show: licence_points: 1 strike; time: Qualifying ban (1 round) (final round: 20 championship points deducted)"
        in out
    )
    assert "Deadlines: reports within 24 h" in out


def test_suggest_gives_seconds_in_a_series_and_licence_points_in_a_single_event(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys,
        "rulebook",
        "suggest",
        "--kind",
        "series",
        "--category",
        "avoidable_contact",
        "--json",
    )
    assert code == 0
    series = json.loads(out)
    assert series["outcome"] == "penalty" and series["penalty"] == {"type": "time", "value": 5}
    assert series["example_values"] is True and series["rulebook"]["id"] == "sop-acc"

    argv = [
        "rulebook",
        "suggest",
        "--kind",
        "single",
        "--category",
        "avoidable_contact",
        "--severity",
        "severe",
    ]
    code, out, _ = run(capsys, *argv, "--factor", "opening_lap", "--factor", "damage", "--json")
    single = json.loads(out)
    assert single["penalty"] == {"type": "licence_points", "value": 5}
    assert single["factors"] == ["opening_lap", "damage"]


def test_suggest_for_people_shows_the_reasoning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "rulebook", "suggest", "--kind", "championship", "--category", "blocking"
    )
    assert code == 0
    assert out.splitlines()[0] == "Suggested: Penalty: 5 s time penalty"
    assert "Tariff (example values): Blocking, moderate → 5 s time penalty." in out


def test_suggest_a_fixed_penalty_and_a_named_offence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "rulebook",
        "suggest",
        "--kind",
        "series",
        "--offence",
        "no_show",
        "--final-round",
        "--json",
    )
    assert code == 0 and json.loads(out)["penalty"] == {"type": "points_deduction", "value": 20}
    code, out, _ = run(
        capsys,
        "rulebook",
        "suggest",
        "--kind",
        "series",
        "--offence",
        "track_limits",
        "--count",
        "4",
        "--json",
    )
    assert json.loads(out)["penalty"] == {"type": "drive_through", "value": 0}
    code, out, _ = run(
        capsys, "rulebook", "suggest", "--kind", "single", "--offence", "bump_passing", "--json"
    )
    assert json.loads(out)["category"] == "avoidable_contact"


def test_suggest_refuses_what_the_rulebook_does_not_know(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "rulebook", "suggest", "--kind", "series", "--category", "contact")
    assert code == 1 and out == ""
    assert "unknown category 'contact' (expected one of aggressive_driving" in err
    code, _, err = run(
        capsys,
        "rulebook",
        "suggest",
        "--kind",
        "series",
        "--category",
        "blocking",
        "--factor",
        "rain",
    )
    assert code == 1 and "unknown factor 'rain'" in err
    code, _, err = run(
        capsys,
        "rulebook",
        "suggest",
        "--kind",
        "series",
        "--offence",
        "no_show",
        "--severity",
        "minor",
    )
    assert code == 1 and "fixed penalty" in err
    code, _, err = run(
        capsys, "rulebook", "suggest", "--kind", "series", "--category", "blocking", "--final-round"
    )
    assert code == 1 and "fixed penalties only" in err


def test_suggest_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["rulebook", "suggest", "--category", "blocking"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["rulebook", "suggest", "--kind", "weekly", "--category", "blocking"])
    assert caught.value.code == 2
    capsys.readouterr()


def test_check_accepts_a_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "league.toml"
    good.write_text(BUNDLED, encoding="utf-8")
    code, out, err = run(capsys, "rulebook", "check", str(good))
    assert code == 0 and out == ""
    assert "league.toml: OK — SOP Motorsport rulebook 2024.1, 13 categories" in err


def test_check_lists_every_problem_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text(
        BUNDLED.replace("quorum = 2", "quorum = 7").replace(
            "[tariff.categories.blocking.time]", "[tariff.categories.blok.time]"
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "rulebook", "check", str(bad))
    assert code == 1 and out == ""
    assert f"{bad}: 3 problems" in err
    assert "broken.toml: panel.quorum: cannot exceed the panel size (3), got 7" in err
    assert "broken.toml: tariff.categories.blok: unknown category 'blok'" in err
    assert "broken.toml: tariff.categories.blocking.time: missing" in err


def test_the_environment_points_every_command_at_the_leagues_rulebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "fngt.toml"
    own.write_text(
        BUNDLED.replace('league = "SOP Motorsport"', 'league = "Friday Night GT"').replace(
            '[tariff.categories.avoidable_contact.time]\nminor = { outcome = "warning" }\nmoderate = { outcome = "penalty", value = 5 }',
            '[tariff.categories.avoidable_contact.time]\nminor = { outcome = "warning" }\nmoderate = { outcome = "penalty", value = 3 }',
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("STEWARD_DESK_RULEBOOK", str(own))
    code, out, _ = run(capsys, "rulebook", "show", "--json")
    assert json.loads(out)["league"] == "Friday Night GT"
    code, out, _ = run(
        capsys,
        "rulebook",
        "suggest",
        "--kind",
        "series",
        "--category",
        "avoidable_contact",
        "--json",
    )
    assert json.loads(out)["penalty"] == {"type": "time", "value": 3}

    own.write_text("schema_version = 1\n", encoding="utf-8")
    code, out, err = run(capsys, "rulebook", "show")
    assert (
        code == 1
        and out == ""
        and "the rulebook cannot be used" in err
        and "fngt.toml: categories: missing" in err
    )


def test_the_export_commands_refuse_a_broken_rulebook_in_the_same_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "fngt.toml"
    broken.write_text("schema_version = 1\n", encoding="utf-8")
    monkeypatch.setenv("STEWARD_DESK_RULEBOOK", str(broken))
    code, out, err = run(
        capsys, "export", "ledger", "--format", "csv", "--out", str(tmp_path / "ledger.csv")
    )
    assert code == 1 and out == ""
    assert "the rulebook cannot be used" in err and "fngt.toml: categories: missing" in err
    assert not (tmp_path / "ledger.csv").exists()
