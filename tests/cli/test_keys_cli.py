"""`keys init|show|trust|import|list|rotate` on real homes: a head steward's desk and a steward's.

The tests run without an OS keyring (tests/conftest.py sets STEWARD_DESK_NO_KEYRING=1), which
is exactly a headless Linux desk: keys go into passphrase-encrypted files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from steward_desk.cli.main import main


class Desk:
    """One Steward Desk home folder, driven through the command line."""

    def __init__(self, root: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = root / name
        self.passphrase = root / f"{name}.pass"
        self.passphrase.write_text(f"passphrase of {name}\n")
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--home", str(self.home), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, err
        return out

    def with_key(self, *args: str) -> tuple[int, str, str]:
        return self.run(*args, "--passphrase-file", str(self.passphrase))

    def jwk(self, folder: Path) -> Path:
        path = folder / f"{self.home.name}.jwk"
        path.write_text(self.ok("keys", "show", "--jwk"))
        return path

    @property
    def keyset(self) -> Path:
        return self.home / "keys" / "keyset.json"


@pytest.fixture
def head(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    desk = Desk(tmp_path, "hana", capsys)
    code, _, err = desk.with_key(
        "keys", "init", "--name", "Hana", "--role", "head", "--league", "SOP"
    )
    assert code == 0, err
    return desk


@pytest.fixture
def steward(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    desk = Desk(tmp_path, "sam", capsys)
    code, _, err = desk.with_key("keys", "init", "--name", "Sam", "--role", "steward")
    assert code == 0, err
    return desk


def test_a_head_steward_creates_a_key_and_the_league_key_set(head: Desk) -> None:
    jwk = json.loads(head.ok("keys", "show", "--jwk"))
    assert set(jwk) == {"kty", "crv", "x", "kid"} and jwk["crv"] == "Ed25519"
    identity = json.loads(head.ok("keys", "show", "--json"))
    assert identity["name"] == "Hana" and identity["role"] == "head"
    assert identity["kid"] == jwk["kid"] and identity["store"] == "file"
    keys_dir = head.home / "keys"
    assert oct(os.stat(keys_dir).st_mode & 0o777) == "0o700"
    assert oct(os.stat(keys_dir / "desk-key.pem").st_mode & 0o777) == "0o600"
    listing = json.loads(head.ok("keys", "list", "--json"))
    assert listing["league"] == "SOP" and listing["version"] == 1
    assert [k["kid"] for k in listing["keys"]] == [jwk["kid"]]
    assert f"kid     {jwk['kid']}" in head.ok("keys", "show").splitlines()


def test_an_existing_key_is_kept_unless_forced(steward: Desk) -> None:
    kid = json.loads(steward.ok("keys", "show", "--jwk"))["kid"]
    code, _, err = steward.with_key("keys", "init", "--name", "Sam", "--role", "steward")
    assert code == 1 and "--force" in err
    assert json.loads(steward.ok("keys", "show", "--jwk"))["kid"] == kid
    code, _, _ = steward.with_key("keys", "init", "--name", "Sam", "--role", "steward", "--force")
    assert code == 0
    assert json.loads(steward.ok("keys", "show", "--jwk"))["kid"] != kid


def test_without_keyring_or_passphrase_init_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_DESK_PASSPHRASE", raising=False)
    desk = Desk(tmp_path, "tess", capsys)
    code, _, err = desk.run("keys", "init", "--name", "Tess", "--role", "steward")
    assert code == 1 and "passphrase" in err
    assert not (desk.home / "keys" / "identity.json").exists()
    monkeypatch.setenv("STEWARD_DESK_PASSPHRASE", "from the environment")
    assert desk.run("keys", "init", "--name", "Tess", "--role", "steward")[0] == 0


def test_the_head_trusts_a_steward_and_the_steward_adopts_the_key_set(
    head: Desk, steward: Desk, tmp_path: Path
) -> None:
    code, _, err = head.with_key(
        "keys", "trust", str(steward.jwk(tmp_path)), "--name", "Sam", "--role", "steward"
    )
    assert code == 0, err
    assert "version 2" in err
    code, _, err = steward.run("keys", "import", str(head.keyset), "--key", str(head.jwk(tmp_path)))
    assert code == 0, err
    names = [k["name"] for k in json.loads(steward.ok("keys", "list", "--json"))["keys"]]
    assert names == ["Hana", "Sam"]
    assert steward.keyset.read_bytes() == head.keyset.read_bytes()
    # Importing the same version again changes nothing.
    code, _, err = steward.run("keys", "import", str(head.keyset))
    assert code == 0 and "already held" in err


def test_trust_refusals_leave_the_key_set_unchanged(
    head: Desk, steward: Desk, tmp_path: Path
) -> None:
    before = head.keyset.read_bytes()
    private = tmp_path / "private.jwk"
    private.write_text(json.dumps({**json.loads(steward.jwk(tmp_path).read_text()), "d": "AAAA"}))
    code, _, err = head.with_key("keys", "trust", str(private), "--name", "X", "--role", "steward")
    assert code == 1 and "private key" in err
    jwk = steward.jwk(tmp_path)
    code, _, err = head.with_key("keys", "trust", str(jwk))
    assert code == 2 and "--name" in err
    code, _, err = head.run("keys", "trust", str(jwk), "--name", "Sam", "--role", "steward")
    assert code == 1 and "passphrase" in err
    os.chmod(head.home / "keys" / "desk-key.pem", 0o644)
    code, _, err = head.with_key("keys", "trust", str(jwk), "--name", "Sam", "--role", "steward")
    assert code == 1 and "chmod 600" in err
    assert head.keyset.read_bytes() == before


def test_a_steward_cannot_change_the_league_key_set(
    head: Desk, steward: Desk, tmp_path: Path
) -> None:
    head.with_key("keys", "trust", str(steward.jwk(tmp_path)), "--name", "Sam", "--role", "steward")
    steward.run("keys", "import", str(head.keyset), "--key", str(head.jwk(tmp_path)))
    intruder = Desk(tmp_path, "mallory", head.capsys)
    intruder.with_key("keys", "init", "--name", "Mallory", "--role", "steward")
    code, _, err = steward.with_key(
        "keys", "trust", str(intruder.jwk(tmp_path)), "--name", "Mallory", "--role", "head"
    )
    assert code == 1 and "head steward or admin" in err


def test_a_tampered_key_set_is_refused_on_import(head: Desk, steward: Desk, tmp_path: Path) -> None:
    doc = json.loads(head.keyset.read_text())
    doc["payload"] = doc["payload"][:-4] + ("AAAA" if doc["payload"][-4:] != "AAAA" else "BBBB")
    tampered = tmp_path / "keyset.json"
    tampered.write_text(json.dumps(doc))
    code, _, err = steward.run("keys", "import", str(tampered))
    assert code == 1
    assert not steward.keyset.exists()
    code, _, err = steward.run(
        "keys", "import", str(head.keyset), "--key", str(steward.jwk(tmp_path))
    )
    assert code == 1 and "not signed by the key you gave" in err
    assert not steward.keyset.exists()


def test_a_steward_rotates_their_key_and_the_head_applies_it(
    head: Desk, steward: Desk, tmp_path: Path
) -> None:
    head.with_key("keys", "trust", str(steward.jwk(tmp_path)), "--name", "Sam", "--role", "steward")
    steward.run("keys", "import", str(head.keyset), "--key", str(head.jwk(tmp_path)))
    old_kid = json.loads(steward.ok("keys", "show", "--jwk"))["kid"]
    statement = tmp_path / "rotation.json"
    code, _, err = steward.with_key("keys", "rotate", "--out", str(statement))
    assert code == 0, err
    new_kid = json.loads(steward.ok("keys", "show", "--jwk"))["kid"]
    assert new_kid != old_kid
    assert (steward.home / "keys" / "retired" / f"desk-key-{old_kid}.pem").exists()
    code, _, err = head.with_key("keys", "trust", str(statement))
    assert code == 0, err
    assert steward.run("keys", "import", str(head.keyset))[0] == 0
    kids = [k["kid"] for k in json.loads(steward.ok("keys", "list", "--json"))["keys"]]
    assert new_kid in kids and old_kid not in kids


def test_the_head_rotates_their_own_key_and_stewards_follow(
    head: Desk, steward: Desk, tmp_path: Path
) -> None:
    head.with_key("keys", "trust", str(steward.jwk(tmp_path)), "--name", "Sam", "--role", "steward")
    steward.run("keys", "import", str(head.keyset), "--key", str(head.jwk(tmp_path)))
    code, _, err = head.with_key("keys", "rotate", "--out", str(tmp_path / "head-rotation.json"))
    assert code == 0, err
    assert "signed by old and new" in err
    code, _, err = steward.run("keys", "import", str(head.keyset))
    assert code == 0, err
    listing = json.loads(steward.ok("keys", "list", "--json"))
    head_entry = next(k for k in listing["keys"] if k["role"] == "head")
    assert head_entry["kid"] == json.loads(head.ok("keys", "show", "--jwk"))["kid"]
    assert listing["version"] == 3
