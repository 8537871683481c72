"""The admin publishes the signed decisions feed; anyone can check it."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from league_fixture import PRIVATE, League, correct_rejoin, player
from sqlmodel import select

from steward_desk.cli.main import main
from steward_desk.exports.decisions_feed import FEED_CTY, FEED_STATE_FILE, LAST_FEED_FILE
from steward_desk.signing.jws import document_hash
from steward_desk.storage.tables import Decision, Incident

PASS = "admin passphrase\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def payload_of(path: Path) -> dict[str, object]:
    doc = json.loads(path.read_bytes())
    raw = doc["payload"] + "=" * (-len(doc["payload"]) % 4)
    return json.loads(base64.urlsafe_b64decode(raw))


@pytest.fixture
def admin(league: League, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The league admin's desk has its key (and so the league key-set); returns base args."""
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS)
    home = str(league.paths.home)
    code, _, err = run(
        capsys, "--home", home, "keys", "init", "--name", "Ada Admin", "--role", "admin",
        "--league", "SOP Motorsport", "--passphrase-file", str(secret),
    )  # fmt: skip
    assert code == 0, err
    return ["--home", home]


def export(
    capsys: pytest.CaptureFixture[str], base: list[str], out: Path, *extra: str
) -> tuple[int, str, str]:
    secret = Path(base[1]).parent / "pass.txt"
    secret.write_text(PASS)
    return run(
        capsys, *base, "export", "decisions", "--out", str(out), "--passphrase-file",
        str(secret), *extra,
    )  # fmt: skip


def now_iso() -> str:
    return (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_admin_publishes_the_feed_and_verify_accepts_it_but_not_one_flipped_byte(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site" / "decisions.json"
    code, _, err = export(capsys, admin, out, "--issued-at", now_iso())
    assert code == 0, err
    assert "4 decisions (4 newly published), seq 1, signed by Ada Admin" in err

    code, stdout, _ = run(capsys, *admin, "verify", str(out), "--cty", FEED_CTY)
    lines = stdout.splitlines()
    assert code == 0, stdout
    assert "ok  signature by Ada Admin (admin, kid" in stdout
    assert "ok  chain link: seq 1, prev none (first document)" in lines
    assert any(line.startswith("ok  not expired (expires ") for line in lines)

    damaged = bytearray(out.read_bytes())
    at = damaged.index(b'"payload":"') + 200
    damaged[at] = ord("A") if damaged[at] != ord("A") else ord("B")
    bad = tmp_path / "tampered.json"
    bad.write_bytes(bytes(damaged))
    code, stdout, _ = run(capsys, *admin, "verify", str(bad))
    assert code == 1 and stdout.splitlines()[-1].startswith("FAIL the signature by Ada Admin")


def test_the_feed_says_who_what_and_why_by_player_id_and_nothing_private(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "decisions.json"
    assert export(capsys, admin, out, "--issued-at", "2025-05-10T12:00:00Z")[0] == 0
    feed = payload_of(out)
    assert feed["league"] == "SOP Motorsport" and feed["issuer"] == "Ada Admin"
    assert (feed["issued_at"], feed["expires"]) == ("2025-05-10T12:00:00Z", "2025-05-17T12:00:00Z")
    decisions = feed["decisions"]
    assert isinstance(decisions, list) and len(decisions) == 4
    contact = next(d for d in decisions if d["id"] == league.decisions["contact"])
    assert contact["incident"] == {"id": league.incidents["contact"], "case": 1}
    assert contact["event"]["name"] == "Spa · Round 3"
    assert contact["session"] == {"id": league.spa_race, "type": "R", "track": "spa"}
    assert contact["penalty"] == {"type": "time", "value": 5}
    assert contact["category"] == "avoidable_contact" and contact["outcome"] == "penalty"
    assert contact["rule_refs"] == ["On-Track Behaviour / Passing and Overtaking"]
    assert contact["decided_at"] == "2025-05-02T20:00:00Z" and contact["supersedes"] is None
    assert [(d["player_id"], d["at_fault"]) for d in contact["drivers"]] == [
        (player(2), False),
        (player(1), True),
    ]
    text = out.read_bytes() + json.dumps(feed, ensure_ascii=False).encode()
    assert PRIVATE.encode() not in text and b"private_notes" not in text
    assert b"checklist" not in text and b"Sam" not in text  # nor the panel's dissent


def test_exported_decisions_are_marked_published(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(capsys, admin, tmp_path / "f.json", "--issued-at", "2025-05-10T12:00:00Z")[0] == 0
    with league.store.read() as session:
        published = {d.id: d.published_at for d in session.exec(select(Decision))}
        statuses = {i.id: i.status for i in session.exec(select(Incident))}
    assert all(at is not None and at.replace(tzinfo=UTC) == datetime(2025, 5, 10, 12, tzinfo=UTC)
               for at in published.values())  # fmt: skip
    assert set(statuses.values()) == {"published"}


def test_a_correction_is_a_new_entry_and_the_next_feed_links_to_the_last(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "feed-1.json", tmp_path / "feed-2.json"
    earlier = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert export(capsys, admin, first, "--issued-at", earlier)[0] == 0
    corrected = correct_rejoin(league, datetime(2025, 5, 11, 9, tzinfo=UTC))
    code, _, err = export(capsys, admin, second, "--issued-at", now_iso())
    assert code == 0 and "5 decisions (1 newly published), seq 2" in err

    old, new = payload_of(first), payload_of(second)
    assert (new["seq"], new["prev"]) == (2, document_hash(first.read_bytes()))
    by_id = {d["id"]: d for d in new["decisions"]}
    # Nothing overwritten: the warning is still there, word for word, and the correction names it.
    original = next(d for d in old["decisions"] if d["id"] == league.decisions["rejoin"])
    assert by_id[league.decisions["rejoin"]] == original
    assert by_id[corrected]["supersedes"] == league.decisions["rejoin"]
    assert by_id[corrected]["penalty"] == {"type": "drive_through", "value": 0}
    kept = (league.paths.home / "exports" / LAST_FEED_FILE).read_bytes()
    assert kept == second.read_bytes()
    code, stdout, _ = run(capsys, *admin, "verify", str(second))
    assert f"chain link: seq 2, prev {new['prev']}" in stdout


def test_exporting_twice_with_nothing_changed_writes_the_same_bytes(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert export(capsys, admin, one, "--issued-at", "2025-05-10T12:00:00Z")[0] == 0
    code, _, err = export(capsys, admin, two, "--issued-at", "2025-05-10T12:00:00Z")
    assert code == 0 and "re-issued unchanged" in err
    assert one.read_bytes() == two.read_bytes()
    # A later clock is a new feed in the chain.
    three = tmp_path / "three.json"
    assert export(capsys, admin, three, "--issued-at", "2025-05-10T13:00:00Z")[0] == 0
    assert payload_of(three)["seq"] == 2


def test_one_event_only_and_an_unknown_event_is_refused(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "monza.json"
    assert export(capsys, admin, out, "--event", "Monza · Sprint")[0] == 0
    feed = payload_of(out)
    assert feed["event"] == "Monza · Sprint"
    assert [d["id"] for d in feed["decisions"]] == [league.decisions["monza"]]
    code, _, err = export(capsys, admin, tmp_path / "x.json", "--event", "Imola")
    assert code == 1 and "no event named 'Imola'" in err
    assert not (tmp_path / "x.json").exists()


def test_a_steward_key_cannot_sign_the_feed(
    league: League, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS)
    home = ["--home", str(league.paths.home)]
    assert run(capsys, *home, "keys", "init", "--name", "Sam", "--role", "steward",
               "--passphrase-file", str(secret))[0] == 0  # fmt: skip
    code, _, err = export(capsys, home, tmp_path / "f.json")
    assert code == 1 and "signed by the admin or the head steward" in err
    with league.store.read() as session:
        assert all(d.published_at is None for d in session.exec(select(Decision)))


def test_the_desk_keeps_the_last_feeds_seq_and_hash_and_refuses_a_damaged_record(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "decisions.json"
    assert export(capsys, admin, out, "--issued-at", "2025-05-10T12:00:00Z")[0] == 0
    state_file = league.paths.home / "exports" / FEED_STATE_FILE
    state = json.loads(state_file.read_text())
    assert state["seq"] == 1 and state["prev"] is None
    assert state["hash"] == document_hash(out.read_bytes())

    state_file.write_text("{not json")
    code, _, err = export(capsys, admin, tmp_path / "next.json", "--issued-at", now_iso())
    assert code == 1 and "the record of the last feed is damaged" in err
    assert not (tmp_path / "next.json").exists()


def test_the_desk_keeps_the_last_feed_without_writing_it_twice_and_a_copy_where_it_must(
    league: League,
    admin: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = tmp_path / "one.json"
    assert export(capsys, admin, one, "--issued-at", "2025-05-10T12:00:00Z")[0] == 0
    kept = league.paths.home / "exports" / LAST_FEED_FILE
    assert kept.read_bytes() == one.read_bytes()
    assert os.path.samefile(kept, one)  # a second name of the same file: no copy written

    # Where no hard link can be made (another drive), the desk writes a copy.
    def no_links(*_: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    two = tmp_path / "two.json"
    assert export(capsys, admin, two, "--issued-at", "2025-05-10T13:00:00Z")[0] == 0
    assert kept.read_bytes() == two.read_bytes() and not os.path.samefile(kept, two)
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".")]


def test_a_feed_edited_in_place_after_export_is_not_reissued_as_signed(
    league: League, admin: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, issued = tmp_path / "one.json", now_iso()
    assert export(capsys, admin, one, "--issued-at", issued)[0] == 0
    signed = one.read_bytes()
    with one.open("r+b") as edited:  # e.g. a tool that rewrites the file where it stands
        edited.seek(signed.index(b'"payload":"') + 100)
        edited.write(b"A" if signed[signed.index(b'"payload":"') + 100] != ord("A") else b"B")

    two = tmp_path / "two.json"
    code, _, err = export(capsys, admin, two, "--issued-at", issued)
    assert code == 0 and "re-issued" not in err and "seq 2" in err
    code, stdout, _ = run(capsys, *admin, "verify", str(two))
    assert code == 0, stdout
    assert payload_of(two)["prev"] == document_hash(signed)
