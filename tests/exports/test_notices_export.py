"""Every driver involved and every reporter hears the stewards' decision, ready for Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from league_fixture import League, correct_rejoin, decide, player, report

from steward_desk.cli.main import main
from steward_desk.core.rulebook import load_rulebook
from steward_desk.exports.notices import DISCORD_LIMIT, notice_for, recipients
from steward_desk.exports.records import Reporter, load_decisions


def export(league: League, out: Path) -> list[Path]:
    assert main(["--home", str(league.paths.home), "export", "notices", "--out", str(out)]) == 0
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_each_driver_and_reporter_gets_a_markdown_and_a_text_notice_and_each_event_a_digest(
    league: League, tmp_path: Path
) -> None:
    files = export(league, tmp_path / "notices")
    names = [str(p.relative_to(tmp_path / "notices")) for p in files]
    spa = [n for n in names if n.startswith("spa-round-3/")]
    assert f"spa-round-3/case-001-{player(1).lower()}.md" in spa
    assert f"spa-round-3/case-001-{player(2).lower()}.txt" in spa
    assert "spa-round-3/digest.md" in spa and "monza-sprint/digest.txt" in names
    # 4 cases × 2 people × 2 formats, and 2 events × 2 digests.
    assert len(names) == 4 * 2 * 2 + 2 * 2

    penalised = (tmp_path / "notices" / f"spa-round-3/case-001-{player(1).lower()}.md").read_text()
    assert penalised.startswith("### Stewards' decision — case 1\nHello Alice Ånström,")
    assert "**Decision: 5 s time penalty for #12 Alice Ånström**" in penalised
    assert "This decision gives you: 5 s time penalty." in penalised
    assert "**Reason:** Car 12 was alongside at turn\\-in" not in penalised  # no over-escaping
    assert "-# You may appeal this decision within 48 hours" in penalised

    reporter = (tmp_path / "notices" / f"spa-round-3/case-001-{player(2).lower()}.txt").read_text()
    assert "You reported this incident; the stewards have decided it." in reporter
    assert "gives you" not in reporter and "**" not in reporter
    digest = (tmp_path / "notices" / "spa-round-3" / "digest.md").read_text()
    assert digest.index("Case 1 ·") < digest.index("Case 2 ·") < digest.index("Case 3 ·")


def test_a_correction_is_announced_and_the_corrected_decision_is_not(
    league: League, tmp_path: Path
) -> None:
    correct_rejoin(league, datetime(2025, 5, 3, 9, tzinfo=UTC))
    export(league, tmp_path / "n")
    text = (tmp_path / "n" / f"spa-round-3/case-002-{player(4).lower()}.txt").read_text()
    assert "Decision: Drive-through for #4 Dev Patel" in text
    assert "corrects and replaces the earlier decision" in text
    assert "Warning" not in text
    assert (tmp_path / "n" / "spa-round-3" / "digest.txt").read_text().count("Case 2 ·") == 1


def test_names_and_reasons_never_turn_into_discord_formatting(
    league: League, tmp_path: Path
) -> None:
    incident = report(league.store, league.spa_race, 5, 6, "blocking", lap=3, at=timedelta(hours=5))
    decide(
        league.store, incident, category="blocking", outcome="warning", at_fault=[player(6)],
        penalty=None, reasoning="> Car 88 moved *twice* under_braking ~ `2x`",
        decided_at=datetime(2025, 5, 3, tzinfo=UTC), session_id=league.spa_race,
    )  # fmt: skip
    export(league, tmp_path / "n")
    md = (tmp_path / "n" / f"spa-round-3/case-005-{player(6).lower()}.md").read_text()
    assert "**Reason:** > Car 88 moved \\*twice\\* under\\_braking \\~ \\`2x\\`" in md


def test_a_reporter_without_a_player_id_and_long_reasons_fit_one_message(league: League) -> None:
    rulebook = load_rulebook()
    record = load_decisions(league.store, rulebook)[0]
    record = type(record)(**{
        **{f: getattr(record, f) for f in record.__slots__},
        "reporters": (*record.reporters, Reporter(None, "Race Control")),
        "reasoning": "Long. " * 600,
    })  # fmt: skip
    people = recipients(record)
    assert [p.key for p in people] == [player(2), player(1), "Race Control"]
    notice = notice_for(record, people[2], rulebook)
    assert len(notice.markdown) <= DISCORD_LIMIT
    assert notice.markdown.rstrip().endswith(
        "(shortened: the full reason is in the decision document)"
    )
    assert notice.text.count("Long.") == 600  # the plain text keeps all of it


@pytest.mark.parametrize("times", [2])
def test_exporting_again_writes_the_same_bytes(league: League, tmp_path: Path, times: int) -> None:
    runs = [export(league, tmp_path / f"run{i}") for i in range(times)]
    first = {p.relative_to(tmp_path / "run0"): p.read_bytes() for p in runs[0]}
    second = {p.relative_to(tmp_path / "run1"): p.read_bytes() for p in runs[1]}
    assert first == second
