"""The desk's private key at rest: encrypted file 0600 in a 0700 folder, or the OS keyring."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from steward_desk.core.model import StewardRole
from steward_desk.signing.errors import Refusal, SigningKeyError
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keystore import KEYRING_SERVICE, KeyStore, keyring_usable, read_passphrase

PASS = b"correct horse battery staple"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_desk_key_is_encrypted_and_private_to_its_user(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "home" / "keys")
    key, identity = store.create("Sam", StewardRole.STEWARD, PASS)
    assert identity.store == "file"
    assert mode(store.keys_dir) == 0o700
    assert mode(store.key_file) == 0o600
    pem = store.key_file.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key.private_bytes() not in pem
    loaded = store.load(PASS)
    assert loaded.kid == key.kid == store.identity().kid
    assert store.identity().name == "Sam"


def test_the_wrong_or_a_missing_passphrase_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.create("Sam", StewardRole.STEWARD, PASS)
    with pytest.raises(SigningKeyError) as refused:
        store.load(b"not it")
    assert refused.value.reason is Refusal.WRONG_PASSPHRASE
    with pytest.raises(SigningKeyError) as refused:
        store.load(None)
    assert refused.value.reason is Refusal.NO_PASSPHRASE


def test_a_key_file_readable_by_others_is_refused_with_the_fix(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.create("Sam", StewardRole.STEWARD, PASS)
    os.chmod(store.key_file, 0o644)
    with pytest.raises(SigningKeyError) as refused:
        store.load(PASS)
    assert refused.value.reason is Refusal.INSECURE_PERMISSIONS
    assert f"chmod 600 {store.key_file}" in str(refused.value)
    os.chmod(store.key_file, 0o600)
    os.chmod(store.keys_dir, 0o755)
    with pytest.raises(SigningKeyError, match="chmod 700"):
        store.load(PASS)
    os.chmod(store.keys_dir, 0o700)
    assert store.load(PASS)


def test_an_existing_key_is_not_overwritten_without_force(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    first, _ = store.create("Sam", StewardRole.STEWARD, PASS)
    with pytest.raises(SigningKeyError) as refused:
        store.create("Sam", StewardRole.STEWARD, PASS)
    assert refused.value.reason is Refusal.KEY_EXISTS
    assert store.load(PASS).kid == first.kid
    second, _ = store.create("Sam", StewardRole.HEAD, PASS, force=True)
    assert store.load(PASS).kid == second.kid != first.kid


def test_without_a_keyring_a_passphrase_is_required(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    with pytest.raises(SigningKeyError) as refused:
        store.create("Sam", StewardRole.STEWARD, None)
    assert refused.value.reason is Refusal.NO_PASSPHRASE
    assert not store.exists()


def test_passphrase_comes_from_a_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    phrase = tmp_path / "phrase.txt"
    phrase.write_bytes(PASS + b"\n")
    assert read_passphrase(phrase) == PASS
    monkeypatch.setenv("STEWARD_DESK_PASSPHRASE", "from env")
    assert read_passphrase(None) == b"from env"
    monkeypatch.delenv("STEWARD_DESK_PASSPHRASE")
    assert read_passphrase(None) is None
    (tmp_path / "empty").write_bytes(b"\n")
    with pytest.raises(SigningKeyError, match="empty"):
        read_passphrase(tmp_path / "empty")


def test_a_stored_key_that_is_not_the_identitys_key_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.create("Sam", StewardRole.STEWARD, PASS)
    stranger = SigningKey.generate()
    store.key_file.write_bytes(stranger.to_pem(PASS))
    with pytest.raises(SigningKeyError) as refused:
        store.load(PASS)
    assert refused.value.reason is Refusal.KID_MISMATCH


class MemoryKeyring(KeyringBackend):
    """An OS keyring stand-in: the boundary this test is not about."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def test_with_an_os_keyring_the_key_goes_there_and_no_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("STEWARD_DESK_NO_KEYRING", raising=False)
    try:
        assert keyring_usable()
        store = KeyStore(tmp_path / "keys")
        key, identity = store.create("Hana", StewardRole.HEAD, None)
        assert identity.store == "keyring"
        assert not store.key_file.exists()
        assert (KEYRING_SERVICE, f"desk-key:{key.kid}") in backend.secrets
        assert store.load(None).kid == key.kid
        backend.secrets.clear()
        with pytest.raises(SigningKeyError) as refused:
            store.load(None)
        assert refused.value.reason is Refusal.NO_KEY
        monkeypatch.setenv("STEWARD_DESK_NO_KEYRING", "1")
        assert not keyring_usable()
    finally:
        keyring.set_keyring(previous)


def test_headless_linux_has_no_keyring_so_the_file_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_DESK_NO_KEYRING", "1")
    assert not keyring_usable()
