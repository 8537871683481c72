"""The command-line contract of the foundation: demo, incidents list, incidents show."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from steward_desk.cli.main import main
from steward_desk.paths import Paths


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_admin_builds_the_demo_and_lists_its_incidents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "X.sqlite"
    code, out, err = run(
        capsys, "--home", str(tmp_path), "--db", str(db), "demo", "--no-gui", "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["incidents"] >= 10 and summary["clips"] >= 10
    code, out, _ = run(capsys, "--db", str(db), "incidents", "list", "--json")
    assert code == 0
    incidents = json.loads(out)
    assert len(incidents) >= 10
    first = incidents[0]
    assert {
        "id",
        "event",
        "session",
        "status",
        "category",
        "reporter",
        "involved",
        "reported_at",
        "deadline",
    } <= set(first)
    assert {"player_id", "name", "car_number", "role"} == set(first["involved"][0])
    statuses = {i["status"] for i in incidents}
    assert {"new", "in_review", "decided", "withdrawn", "rejected"} <= statuses
    # Rebuilding replaces the demo league instead of doubling it.
    code, out, err = run(
        capsys, "--home", str(tmp_path), "--db", str(db), "demo", "--no-gui", "--json"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--db", str(db), "incidents", "list", "--json")
    assert len(json.loads(out)) == len(incidents)


def test_show_gives_one_incident_with_its_reports_and_footage(
    demo_paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", demo_paths.db_url, "incidents", "show", "1", "--json")
    assert code == 0, err
    case = json.loads(out)
    assert case["number"] == 1
    assert len(case["reports"]) == 2  # two drivers reported the same contact
    assert len(case["footage"]) == 2 and all(len(f["sha256"]) == 64 for f in case["footage"])
    code, out, _ = run(capsys, "--db", demo_paths.db_url, "incidents", "show", case["id"][:8])
    assert code == 0 and "Case 1" in out


def test_filters_narrow_the_queue(demo_paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--db", demo_paths.db_url, "incidents", "list", "--json", "--status", "new"
    )
    assert code == 0
    rows = json.loads(out)
    assert rows and all(r["status"] == "new" for r in rows)
    code, out, _ = run(
        capsys,
        "--db",
        demo_paths.db_url,
        "incidents",
        "list",
        "--json",
        "--event",
        "Friday Night Single · Monza",
    )
    assert rows and all(r["event"] == "Friday Night Single · Monza" for r in json.loads(out))


def test_bad_requests_say_why_and_change_nothing(
    demo_paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo_paths.db_path is not None
    before = (
        sqlite3.connect(demo_paths.db_path).execute("SELECT count(*) FROM audit_log").fetchone()
    )
    code, _, err = run(capsys, "--db", demo_paths.db_url, "incidents", "show", "9999")
    assert code == 1 and "no incident '9999'" in err
    code, _, err = run(
        capsys, "--db", demo_paths.db_url, "incidents", "list", "--status", "sleeping"
    )
    assert code == 2 and "unknown status" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["incidents", "list", "--no-such-flag"])
    assert exit_info.value.code == 2
    after = sqlite3.connect(demo_paths.db_path).execute("SELECT count(*) FROM audit_log").fetchone()
    assert before == after


def test_python_dash_m_is_the_same_program(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "steward_desk",
            "--db",
            str(tmp_path / "e.sqlite"),
            "incidents",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
