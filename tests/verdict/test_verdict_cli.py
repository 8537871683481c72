"""`verdict submit` and `verdict show` on the demo league, as a steward's desk with a real key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from verdict_cases import JOSE, contact_verdict

from steward_desk.cli.main import main
from steward_desk.paths import Paths
from steward_desk.storage.stewards import StewardRepository, desk_steward
from steward_desk.storage.store import Store


class Cli:
    def __init__(self, paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
        self.paths = paths
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--home", str(self.paths.home), "--db", self.paths.db_url, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def verdicts(self) -> int:
        store = Store.open(self.paths)
        try:
            from sqlmodel import func, select

            from steward_desk.storage.tables import VerdictRow

            with store.read() as session:
                return int(session.exec(select(func.count()).select_from(VerdictRow)).one())
        finally:
            store.close()


@pytest.fixture
def cli(demo_paths: Paths, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Cli:
    """A steward desk with its signing key made by `keys init`."""
    runner = Cli(demo_paths, capsys)
    passphrase = tmp_path / "pass"
    passphrase.write_text("a steward's passphrase\n")
    code, _, err = runner.run(
        "keys", "init", "--name", "Kim Steward", "--role", "steward",
        "--passphrase-file", str(passphrase),
    )  # fmt: skip
    assert code == 0, err
    return runner


def write(tmp_path: Path, doc: object, name: str = "verdict.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return str(path)


def test_a_steward_submits_a_verdict_from_a_file_and_sees_it(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli.run(
        "verdict", "submit", "--incident", "1", "--json", write(tmp_path, contact_verdict())
    )
    assert code == 0, err
    assert "Verdict v1 on case 1 submitted by Kim Steward" in err
    assert "awaiting panel" in err
    verdict_id = out.strip()
    code, out, err = cli.run("verdict", "show", "--incident", "1", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["incident"]["status"] == "awaiting_panel"
    [shown] = doc["verdicts"]
    assert shown["id"] == verdict_id and shown["status"] == "submitted"
    assert shown["body"]["at_fault"] == [JOSE]
    assert shown["body"]["steward"]["name"] == "Kim Steward"
    assert doc["viewer"]["kid"]  # the desk's signing identity judged


@pytest.mark.parametrize(
    ("doc", "named"),
    [
        (contact_verdict(outcome="penalty", penalty=None), "penalty: missing"),
        (contact_verdict(penalty={"type": "licence_points", "value": 3}), "penalty.type"),
        (contact_verdict(checklist={"was_it_raining": True}), "checklist.was_it_raining"),
        (contact_verdict(penalty={"type": "time", "value": 20}), "override_reason: required"),
        (contact_verdict(colour="red"), "colour"),
        ("{ not json", "not valid JSON: Expecting property name"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_a_bad_file_names_the_key_exits_1_and_stores_nothing(
    cli: Cli, tmp_path: Path, doc: object, named: str
) -> None:
    code, out, err = cli.run("verdict", "submit", "--incident", "1", "--json", write(tmp_path, doc))
    assert code == 1
    assert named in err
    assert out == ""
    assert cli.verdicts() == 0


def test_a_missing_file_and_an_unknown_case_are_refused(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli.run("verdict", "submit", "--incident", "1", "--json", str(tmp_path / "no"))
    assert code == 1 and "cannot read the file" in err
    good = write(tmp_path, contact_verdict())
    code, _, err = cli.run("verdict", "submit", "--incident", "99", "--json", good)
    assert code == 1 and "--incident: no incident '99'" in err


def test_a_steward_on_an_involved_drivers_team_is_refused(cli: Cli, tmp_path: Path) -> None:
    store = Store.open(cli.paths)
    me = desk_steward(store, cli.paths.keys_dir)  # the key's steward row
    assert me is not None and me.name == "Kim Steward"
    StewardRepository(store).update(
        me.id, team="Apex Predators"
    )  # Zoë Müller's team (case 1 reporter)
    store.close()
    code, out, err = cli.run(
        "verdict", "submit", "--incident", "1", "--json", write(tmp_path, contact_verdict())
    )
    assert code == 1
    assert "refused: Kim Steward is on the same team (Apex Predators) as Zoë Müller" in err
    assert cli.verdicts() == 0
    code, out, _ = cli.run("verdict", "show", "--incident", "1")
    assert "recused: Kim Steward" in out


def test_without_a_steward_the_desk_says_how_to_become_one(
    demo_paths: Paths, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = Cli(demo_paths, capsys).run(
        "verdict", "submit", "--incident", "1", "--json", write(tmp_path, contact_verdict())
    )
    assert code == 1 and "keys init" in err


def test_a_racing_incident_needs_no_penalty_key(cli: Cli, tmp_path: Path) -> None:
    doc = {
        "category": "avoidable_contact",
        "outcome": "racing_incident",
        "reasoning": "Both drivers had a right to the corner.",
    }
    code, out, err = cli.run("verdict", "submit", "--incident", "1", "--json", write(tmp_path, doc))
    assert code == 0, err
    code, out, _ = cli.run("verdict", "show", "--incident", "1", "--json")
    [shown] = json.loads(out)["verdicts"]
    assert shown["body"]["outcome"] == "racing_incident" and shown["body"]["penalty"] is None
