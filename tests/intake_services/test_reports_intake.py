"""After the race the admin imports the drivers' reports from the league's Google Form, with
the column mapping saved for the league, and files one by hand; the queue shows which
reports are late, duplicated or from a driver who was not involved."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_cli_desk import Desk
from league_files import GOOGLE_HEADERS, LEAGUE, csv_bytes, reports_csv

from steward_desk.intake.report_mapping import guess_mapping, save_mapping


def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "league-form.toml"
    save_mapping(guess_mapping(GOOGLE_HEADERS), path)
    return path


def test_200_form_reports_import_with_the_league_mapping_and_are_flagged(
    desk: Desk, imported_race, tmp_path: Path
) -> None:
    race = imported_race()
    export = tmp_path / "Incident reports (Responses).csv"
    kinds = reports_csv(export)
    result = desk("import", "reports", export, "--mapping", mapping_file(tmp_path), "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert doc["reports"] == 200 and doc["created"] == 150  # 50 pairs became one case each
    assert doc["to_confirm"] == []
    assert "200 reports filed into 150 incidents" in result.err

    findings: dict[int, set[str]] = {}
    for finding in doc["findings"]:
        row = int(finding["report"].rsplit(":", 1)[1]) - 2  # line = row + header
        findings.setdefault(row, set()).add(finding["kind"])
    for row, kind in kinds.items():
        got = findings.get(row, set())
        assert ("late_report" in got) == (kind == "late"), (row, got)
        assert ("reporter_not_involved" in got) == (kind == "not_involved"), (row, got)
        assert ("duplicate" in got) == (kind == "pair"), (row, got)
        assert not got & {"no_footage", "no_timestamp", "unknown_driver"}, (row, got)

    # The pairs share one incident in the database, with both reports.
    cases = desk.query(
        "SELECT incident_id, source_ref FROM incident_report JOIN incident "
        "ON incident.id = incident_report.incident_id WHERE incident.session_id = ?",
        race,
    )
    per_incident = Counter(incident for incident, _ in cases)
    assert sorted(Counter(per_incident.values()).items()) == [(1, 100), (2, 50)]

    # The queue (incidents list) shows the flags on the cases.
    listed = desk("incidents", "list", "--json").json()
    flags = Counter(f["kind"] for case in listed for f in case["findings"])
    assert flags["late_report"] == 25 and flags["reporter_not_involved"] == 17
    assert flags["duplicate"] == 100  # each report of a pair is marked


def test_the_same_export_imported_twice_files_nothing_new(
    desk: Desk, imported_race, tmp_path: Path
) -> None:
    imported_race()
    export = tmp_path / "reports.csv"
    reports_csv(export, count=8)
    mapping = mapping_file(tmp_path)
    assert desk("import", "reports", export, "--mapping", mapping).code == 0
    before = desk.counts()
    again = desk("import", "reports", export, "--mapping", mapping, "--json")
    assert again.code == 0, again.err
    assert len(again.json()["skipped"]) == 8 and again.json()["created"] == 0
    assert desk.counts() == before


def test_an_export_with_other_columns_is_refused_naming_the_file_and_column(
    desk: Desk, imported_race, tmp_path: Path
) -> None:
    imported_race()
    before = desk.counts()
    export = tmp_path / "wrong form.csv"
    export.write_bytes(csv_bytes(["When", "Who", "Remarks"], [["x", "y", "z"]]))
    result = desk("import", "reports", export, "--mapping", mapping_file(tmp_path))
    assert result.code == 1
    assert "wrong form.csv" in result.err and "no such column" in result.err
    assert "'Your name'" in result.err or "'Timestamp'" in result.err
    assert desk.counts() == before


def test_reports_before_any_results_are_refused(desk: Desk, tmp_path: Path) -> None:
    export = tmp_path / "early.csv"
    reports_csv(export, count=4)
    result = desk("import", "reports", export, "--mapping", mapping_file(tmp_path))
    assert result.code == 1 and "import the ACC results of the race first" in result.err


def test_reports_from_a_bot_as_json(desk: Desk, imported_race, tmp_path: Path) -> None:
    imported_race()
    a, b = LEAGUE[0], LEAGUE[1]
    bot = tmp_path / "bot.json"
    bot.write_text(
        json.dumps(
            {
                "reports": [
                    {
                        "reporter": a.player_id,
                        "involved": [f"#{b.car}"],
                        "description": "Pushed wide at Les Combes",
                        "submitted_at": "2024-03-24T22:00:00Z",
                        "event": "Round 3",
                        "lap": 4,
                        "footage": ["https://www.twitch.tv/videos/123456789?t=01h02m03s"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    result = desk("import", "reports", bot, "--json")
    assert result.code == 0, result.err
    (case,) = result.json()["incidents"]
    roles = {(d["player_id"], d["role"]) for d in case["involved"]}
    assert roles == {(a.player_id, "reporter"), (b.player_id, "accused")}
    assert case["findings"] == []


def test_a_steward_files_a_report_by_hand_and_the_other_side_joins_it(
    desk: Desk, imported_race, tmp_path: Path
) -> None:
    race = imported_race(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3))
    a, b = LEAGUE[2], LEAGUE[5]
    first = desk(
        "incidents", "add", "--session", race[:8], "--reporter", a.player_id,
        "--involved", b.player_id, "--description", "Divebomb into Bus Stop", "--lap", "3",
        "--at", "301500", "--footage", "https://youtu.be/dQw4w9WgXcQ?t=1m2s", "--json",
    )  # fmt: skip
    assert first.code == 0, first.err
    case = first.json()
    assert case["session_id"] == race and case["lap"] == 3 and case["race_time_ms"] == 301500
    assert [(d["name"], d["car_number"], d["role"]) for d in case["involved"]] == [
        (a.name, a.car, "reporter"),
        (b.name, b.car, "accused"),
    ]
    assert case["findings"] == []

    second = desk(
        "incidents", "add", "--session", race, "--reporter", b.player_id,
        "--involved", a.player_id, "--description", "He braked late and hit me", "--lap", "3",
        "--json",
    )  # fmt: skip
    assert second.code == 0, second.err
    joined = second.json()
    assert joined["id"] == case["id"]
    kinds = sorted(f["kind"] for f in joined["findings"])
    assert kinds == ["duplicate", "no_footage"]  # the second report's own findings
    duplicate = next(f for f in joined["findings"] if f["kind"] == "duplicate")
    assert "2 reports" in duplicate["message"]
    shown = desk("incidents", "show", case["id"], "--json").json()
    assert len(shown["reports"]) == 2
    (clip,) = shown["footage"]
    assert clip["source"] == "youtube" and clip["start_ms"] == 62_000
    assert clip["offset_ms"] == 301_500 - 62_000  # the clip's first frame in race time


def test_a_hand_filed_report_with_an_unknown_driver_is_refused(desk: Desk, imported_race) -> None:
    race = imported_race()
    before = desk.counts()
    result = desk(
        "incidents", "add", "--session", race, "--reporter", LEAGUE[0].player_id,
        "--involved", "S76561190000000000", "--description", "Who?",
    )  # fmt: skip
    assert result.code == 1 and "S76561190000000000" in result.err
    assert desk.counts() == before


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_bytes_as_a_report_export_are_filed_or_refused_cleanly(
    desk: Desk, imported_race, tmp_path: Path, data: bytes
) -> None:
    if not desk.db.exists():
        imported_race()
    export = tmp_path / "fuzz.csv"
    export.write_bytes(data)
    before = desk.counts()
    result = desk("import", "reports", export)
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    if result.code == 1:
        assert "fuzz.csv" in result.err
        assert desk.counts() == before
