"""`verify FILE [--key KEY.jwk]`: exit 0 only when every check passes, and say which ran."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward_desk.cli.main import main
from steward_desk.core.model import StewardRole
from steward_desk.signing.jws import document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import create_keyset
from steward_desk.signing.keystore import KeyStore
from steward_desk.signing.validity import timestamp

FEED_CTY = "application/vnd.steward-desk.decisions+json"
PASS = b"head steward passphrase"


@pytest.fixture
def head_home(tmp_path: Path) -> tuple[Path, SigningKey]:
    """A head steward's desk with its key and the league key-set (version 1)."""
    home = tmp_path / "head"
    store = KeyStore(home / "keys")
    key, _ = store.create("Hana", StewardRole.HEAD, PASS)
    store.save_keyset(create_keyset("SOP", key, "Hana", StewardRole.HEAD), 1)
    return home, key


def feed(key: SigningKey, *, expires_in: timedelta = timedelta(days=7)) -> bytes:
    now = datetime.now(UTC)
    payload = {
        "seq": 2,
        "prev": "kJTbAopPRDheyWUqWgQqT_NyrgnWgyo7l2B46czt1yw",
        "issued_at": timestamp(now - timedelta(hours=1)),
        "expires": timestamp(now + expires_in),
        "decisions": [{"id": "6f1c2b9e", "outcome": "penalty"}],
    }
    return document_bytes(sign_flattened(payload, key, FEED_CTY))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_an_admin_verifies_the_feed_against_the_league_key_set(
    head_home: tuple[Path, SigningKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, key = head_home
    path = tmp_path / "decisions.json"
    path.write_bytes(feed(key))
    code, lines, _ = run(capsys, "--home", str(home), "verify", str(path))
    assert code == 0
    assert all(line.startswith("ok  ") for line in lines)
    assert f"ok  signature by Hana (head, kid {key.kid})" in lines
    assert "ok  payload is canonical JSON (RFC 8785)" in lines
    assert any(line.startswith("ok  not expired (expires ") for line in lines)
    assert any(line.startswith("ok  chain link: seq 2, prev kJTb") for line in lines)
    assert lines[0].startswith("ok  trusting the key-set of league 'SOP', version 1")


def test_a_flipped_byte_fails_and_the_checks_that_passed_are_still_shown(
    head_home: tuple[Path, SigningKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, key = head_home
    data = bytearray(feed(key))
    at = data.index(b'"payload":"') + 30
    data[at] = ord("A") if data[at] != ord("A") else ord("B")
    path = tmp_path / "decisions.json"
    path.write_bytes(bytes(data))
    code, lines, _ = run(capsys, "--home", str(home), "verify", str(path))
    assert code == 1
    assert lines[-1].startswith("FAIL the signature by Hana (head, kid")
    assert lines[1].startswith("ok  JWS JSON, flattened form")


def test_verify_with_a_given_key_needs_no_key_set(
    head_home: tuple[Path, SigningKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = head_home
    path, jwk = tmp_path / "decisions.json", tmp_path / "hana.jwk"
    path.write_bytes(feed(key))
    jwk.write_text(json.dumps(key.jwk.to_dict()))
    empty_home = tmp_path / "bot"
    code, lines, _ = run(capsys, "--home", str(empty_home), "verify", str(path), "--key", str(jwk))
    assert code == 0
    assert f"ok  signature by kid {key.kid}" in lines
    other = tmp_path / "other.jwk"
    other.write_text(json.dumps(SigningKey.generate().jwk.to_dict()))
    code, lines, _ = run(
        capsys, "--home", str(empty_home), "verify", str(path), "--key", str(other)
    )
    assert code == 1 and "it is not the key that signed this document" in lines[-1]
    code, _, err = run(capsys, "--home", str(empty_home), "verify", str(path))
    assert code == 1 and "no league key-set" in err


def test_an_expired_feed_fails(
    head_home: tuple[Path, SigningKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, key = head_home
    path = tmp_path / "old.json"
    path.write_bytes(feed(key, expires_in=timedelta(minutes=-1)))
    code, lines, _ = run(capsys, "--home", str(home), "verify", str(path))
    assert code == 1
    assert lines[-1].startswith("FAIL expired at ")
    assert any(line.startswith("ok  signature by Hana") for line in lines)


def test_json_output_for_scripts(
    head_home: tuple[Path, SigningKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, key = head_home
    path = tmp_path / "decisions.json"
    path.write_bytes(feed(key))
    code = main(["--home", str(home), "verify", str(path), "--json", "--cty", FEED_CTY])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["ok"] is True and doc["cty"] == FEED_CTY
    assert doc["signers"] == [{"kid": key.kid, "name": "Hana", "role": "head"}]
    code = main(["--home", str(home), "verify", str(path), "--json", "--cty", "application/x"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["ok"] is False and doc["failure"]["reason"] == "cty_mismatch"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"eyJhbGciOiJFZDI1NTE5In0.e30.c2ln", "compact JWS"),
        (b'{"payload": "e30", "payload": "e30", "signature": "x"}', "appears twice"),
        (b"{not json", "not JSON"),
    ],
)
def test_files_that_are_not_signed_documents_fail_with_a_reason(
    head_home: tuple[Path, SigningKey],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    words: str,
) -> None:
    home, _ = head_home
    path = tmp_path / "suspicious.json"
    path.write_bytes(content)
    code, lines, _ = run(capsys, "--home", str(home), "verify", str(path))
    assert code == 1 and lines[-1].startswith("FAIL") and words in lines[-1]


def test_verifying_and_help_do_not_load_the_storage_layer() -> None:
    # A league bot runs `steward-desk verify` on every feed: it must start quickly, so no
    # command module loads SQLModel (half a second) until a handler that needs it runs.
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from steward_desk.cli.main import build_parser\n"
        "build_parser()\n"
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'PySide6') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
