"""The admin exports the licence ledger, keyed by player id, with expiry, bans and strikes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from league_fixture import League, decide, player, report

from steward_desk.cli.main import main

MONZA_DECIDED = datetime(2025, 5, 9, 20, 0, tzinfo=UTC)


def more_sanctions(league: League) -> dict[str, str]:
    """Alice collects a second batch of points, Femi two strikes (one later corrected away),
    Chloé loses championship points."""
    made = {}
    at = MONZA_DECIDED + timedelta(days=1)
    for key, reporter, accused, kind, value in (
        ("points", 2, 1, "licence_points", 5),
        ("strike-1", 5, 6, "strike", 1),
        ("strike-2", 5, 6, "strike", 1),
        ("deduction", 5, 3, "points_deduction", 20),
    ):
        incident = report(league.store, league.monza_race, reporter, accused, "unsportsmanlike",
                          lap=2, at=timedelta(days=8))  # fmt: skip
        made[key] = decide(
            league.store, incident, category="unsportsmanlike", outcome="penalty",
            at_fault=[player(accused)], penalty={"type": kind, "value": value},
            reasoning="—", decided_at=at, session_id=league.monza_race,
            ledger=[(player(accused), league.monza_event, kind, value)],
        )  # fmt: skip
        at += timedelta(hours=1)
    return made


def export(league: League, fmt: str, out: Path, as_of: str) -> None:
    code = main(["--home", str(league.paths.home), "export", "ledger", "--format", fmt,
                 "--out", str(out), "--as-of", as_of])  # fmt: skip
    assert code == 0


def test_points_per_event_with_expiry_thresholds_strikes_and_deductions(
    league: League, tmp_path: Path
) -> None:
    more_sanctions(league)
    out = tmp_path / "ledger.json"
    export(league, "json", out, "2025-06-01T00:00:00Z")
    doc = json.loads(out.read_text("utf-8"))
    drivers = {d["player_id"]: d for d in doc["drivers"]}
    assert list(drivers) == sorted(drivers)  # keyed and ordered by player id

    alice = drivers[player(1)]
    assert alice["name"] == "Alice Ånström" and alice["active_points"] == 9
    assert [(e["event"], e["points"], e["expires_at"]) for e in alice["points_by_event"]] == [
        ("Monza · Sprint", 4, "2026-05-09T20:00:00Z"),
        ("Monza · Sprint", 5, "2026-05-10T20:00:00Z"),
    ]
    assert [h["id"] for h in alice["thresholds_reached"]] == ["qualifying_ban"]
    assert alice["to_next_threshold"] == {"threshold": "race_ban", "points": 3}

    femi = drivers[player(6)]
    assert femi["strikes"] == 2 and femi["strikes_to_limit"] == 1
    assert femi["strike_warning"] == "2 of 3 strikes: 1 more strike brings race ban (1 round)"
    assert drivers[player(3)]["points_deducted"] == {"SOP Motorsport": 20}
    assert doc["rules"]["thresholds"][1] == {
        "id": "race_ban", "name": "Race ban", "points": 12, "within_days": 365,
        "penalty": {"type": "race_ban", "value": 1},
    }  # fmt: skip


def test_points_expire_after_the_rulebooks_days(league: League, tmp_path: Path) -> None:
    out = tmp_path / "ledger.json"
    export(league, "json", out, "2026-05-10T00:00:00Z")
    alice = json.loads(out.read_text("utf-8"))["drivers"][0]
    assert alice["player_id"] == player(1)
    assert (alice["active_points"], alice["expired_points"]) == (0, 4)
    assert alice["points_by_event"][0]["expired"] is True


def test_a_corrected_decision_no_longer_counts(league: League, tmp_path: Path) -> None:
    made = more_sanctions(league)
    incident = _incident_of(league, made["strike-2"])
    decide(
        league.store, incident, category="unsportsmanlike", outcome="no_further_action",
        at_fault=[], penalty=None, reasoning="He had a proven disconnection.",
        decided_at=MONZA_DECIDED + timedelta(days=2), session_id=league.monza_race,
        supersedes=made["strike-2"],
    )  # fmt: skip
    out = tmp_path / "ledger.json"
    export(league, "json", out, "2025-06-01T00:00:00Z")
    femi = next(d for d in json.loads(out.read_text("utf-8"))["drivers"]
                if d["player_id"] == player(6))  # fmt: skip
    assert femi["strikes"] == 1


def test_csv_and_json_say_the_same_and_twice_is_the_same_bytes(
    league: League, tmp_path: Path
) -> None:
    more_sanctions(league)
    export(league, "json", tmp_path / "a.json", "2025-06-01T00:00:00Z")
    export(league, "csv", tmp_path / "a.csv", "2025-06-01T00:00:00Z")
    export(league, "csv", tmp_path / "b.csv", "2025-06-01T00:00:00Z")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    drivers = json.loads((tmp_path / "a.json").read_text("utf-8"))["drivers"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text("utf-8"))))
    assert [r["player_id"] for r in rows] == [d["player_id"] for d in drivers]
    for row, driver in zip(rows, drivers, strict=True):
        assert int(row["active_points"]) == driver["active_points"]
        assert int(row["strikes"]) == driver["strikes"]
        assert row["strike_warning"] == driver["strike_warning"]
        assert row["thresholds_reached"].count("(") == len(driver["thresholds_reached"])


def test_a_bad_as_of_is_a_usage_error(league: League, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--home", str(league.paths.home), "export", "ledger", "--format", "csv",
              "--out", str(tmp_path / "x.csv"), "--as-of", "2025-06-01"])  # fmt: skip
    assert exit_info.value.code == 2


def _incident_of(league: League, decision_id: str) -> str:
    from steward_desk.storage.tables import Decision

    with league.store.read() as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        return decision.incident_id
