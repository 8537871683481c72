"""Nothing private leaves the desk, files appear whole or not at all, and exporting twice with
nothing changed writes the same bytes."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from league_fixture import PRIVATE, League

from steward_desk.cli.main import main
from steward_desk.exports.atomic import ExportError, write_atomic

ISSUED = "2025-05-10T12:00:00Z"
KEY_MARKERS = (b"-----BEGIN", b"PRIVATE KEY", b'"d":', b"desk-key")


def export_everything(league: League, out: Path, secret: Path) -> None:
    home = ["--home", str(league.paths.home)]
    for args in (
        ["decisions", "--out", str(out / "decisions.json"), "--issued-at", ISSUED,
         "--passphrase-file", str(secret)],
        ["classification", "--session", league.spa_race, "--format", "csv",
         "--out", str(out / "spa.csv")],
        ["classification", "--session", league.spa_race, "--format", "json",
         "--out", str(out / "spa.json")],
        ["ledger", "--format", "csv", "--out", str(out / "ledger.csv"), "--as-of", ISSUED],
        ["ledger", "--format", "json", "--out", str(out / "ledger.json"), "--as-of", ISSUED],
        ["notices", "--out", str(out / "notices")],
        ["documents", "--out", str(out / "documents")],
    ):  # fmt: skip
        assert main([*home, "export", *args]) == 0, args


def readable(path: Path) -> bytes:
    """The bytes of a file and what they carry encoded: the feed's payload, a PDF's text."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is needed to read the PDFs' text")
        data += subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout
    if path.name == "decisions.json":
        payload = json.loads(data)["payload"]
        data += base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return data


@pytest.fixture
def admin_secret(league: League, tmp_path: Path) -> Path:
    secret = tmp_path / "pass.txt"
    secret.write_text("admin passphrase\n")
    assert main(["--home", str(league.paths.home), "keys", "init", "--name", "Ada",
                 "--role", "admin", "--passphrase-file", str(secret)]) == 0  # fmt: skip
    return secret


def test_no_export_holds_private_notes_dissent_or_key_material(
    league: League, admin_secret: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    export_everything(league, out, admin_secret)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) == 5 + 20 + 6
    private = PRIVATE.encode()
    for path in files:
        data = readable(path)
        assert private not in data, path
        assert b"private_notes" not in data and b"repeat offender" not in data, path
        for marker in KEY_MARKERS:
            assert marker not in data, (path, marker)
    # The check itself can fail: the private note is in the database the exports come from.
    assert private in (league.paths.home / "steward-desk.sqlite").read_bytes()


def test_exporting_everything_twice_gives_byte_identical_files_and_no_temp_files(
    league: League, admin_secret: Path, tmp_path: Path
) -> None:
    export_everything(league, tmp_path / "a", admin_secret)
    export_everything(league, tmp_path / "b", admin_secret)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*")
         if p.is_file()}  # fmt: skip
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*")
         if p.is_file()}  # fmt: skip
    assert a == b
    assert not [p for p in a if p.name.endswith(".tmp")]


def test_a_failed_write_leaves_the_old_file_whole_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "feed.json"
    write_atomic(target, b"old feed")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="No space left on device") as error:
        write_atomic(target, b"new feed")
    assert error.value.path == target
    assert target.read_bytes() == b"old feed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.json"]


def test_a_failed_feed_write_publishes_nothing(
    league: League, admin_secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlmodel import select

    from steward_desk.storage.tables import Decision

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    code = main(["--home", str(league.paths.home), "export", "decisions", "--out",
                 str(blocked / "decisions.json"), "--passphrase-file", str(admin_secret)])  # fmt: skip
    assert code == 1 and "not-a-folder" in capsys.readouterr().err
    with league.store.read() as session:
        assert all(d.published_at is None for d in session.exec(select(Decision)))
    assert not (league.paths.home / "exports" / "decisions-feed.last.json").exists()
