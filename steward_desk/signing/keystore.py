"""Where the desk's private key lives: the OS keyring, or a passphrase-encrypted PKCS#8 file.

Layout under `<home>/keys/` (folder 0700, files 0600):

- `desk-key.pem`: the encrypted private key, when there is no keyring (headless Linux, or
  `STEWARD_DESK_NO_KEYRING=1`);
- `identity.json`: who this desk is (name, role), its public JWK and where the key is kept, so
  showing the public key never needs the passphrase;
- `keyset.json`: the league key-set document this desk trusts (see `keyset.py`).

A key file that group or others can read is refused on load: a copied or leaked key signs
verdicts in a steward's name.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from steward_desk.core.model import StewardRole
from steward_desk.signing import base64url
from steward_desk.signing.canonical import loads_strict
from steward_desk.signing.errors import JsonError, Refusal, SigningKeyError
from steward_desk.signing.keys import Jwk, SigningKey
from steward_desk.signing.validity import timestamp

KEYRING_SERVICE = "steward-desk"
KEY_FILE = "desk-key.pem"
IDENTITY_FILE = "identity.json"
KEYSET_FILE = "keyset.json"
NO_KEYRING_ENV = "STEWARD_DESK_NO_KEYRING"
PASSPHRASE_ENV = "STEWARD_DESK_PASSPHRASE"

Store = Literal["keyring", "file"]


@dataclass(frozen=True)
class DeskIdentity:
    """Who this desk signs as. The public half only; the private key stays in the store."""

    name: str
    role: StewardRole
    jwk: Jwk
    store: Store
    created_at: str

    @property
    def kid(self) -> str:
        return self.jwk.kid

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role.value,
            "kid": self.kid,
            "jwk": self.jwk.to_dict(),
            "store": self.store,
            "created_at": self.created_at,
        }


def read_passphrase(passphrase_file: Path | None) -> bytes | None:
    """The passphrase from `--passphrase-file` (first line) or `STEWARD_DESK_PASSPHRASE`."""
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_bytes()
        except OSError as error:
            raise SigningKeyError(
                Refusal.NO_PASSPHRASE,
                f"cannot read the passphrase file: {error.strerror}",
                source=str(passphrase_file),
            ) from None
        line = text.splitlines()[0] if text.strip() else b""
        if not line:
            raise SigningKeyError(
                Refusal.NO_PASSPHRASE, "the passphrase file is empty", source=str(passphrase_file)
            )
        return line
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode("utf-8") if value else None


def keyring_usable() -> bool:
    """True when an OS keyring backend exists and `STEWARD_DESK_NO_KEYRING` is not set."""
    if os.environ.get(NO_KEYRING_ENV, "") not in ("", "0"):
        return False
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring install must not stop a desk from signing
        return False
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return float(getattr(backend, "priority", 1)) > 0


class KeyStore:
    """The desk's key and identity under `keys_dir` (`ctx.paths.keys_dir`)."""

    def __init__(self, keys_dir: Path) -> None:
        self.keys_dir = keys_dir

    @property
    def key_file(self) -> Path:
        return self.keys_dir / KEY_FILE

    @property
    def identity_file(self) -> Path:
        return self.keys_dir / IDENTITY_FILE

    @property
    def keyset_file(self) -> Path:
        return self.keys_dir / KEYSET_FILE

    def exists(self) -> bool:
        """True when this desk already has a key."""
        return self.identity_file.exists()

    def identity(self) -> DeskIdentity:
        """This desk's identity; `SigningKeyError(NO_KEY)` before `keys init`."""
        if not self.identity_file.exists():
            raise SigningKeyError(
                Refusal.NO_KEY,
                "this desk has no signing key yet; create one with "
                "`steward-desk keys init --name NAME --role steward|head|admin`",
            )
        source = str(self.identity_file)
        try:
            doc = loads_strict(self.identity_file.read_bytes(), max_bytes=64 * 1024, source=source)
            return DeskIdentity(
                name=str(doc["name"]),
                role=StewardRole(doc["role"]),
                jwk=Jwk.from_dict(doc["jwk"], source=source),
                store=doc["store"] if doc["store"] in ("keyring", "file") else "file",
                created_at=str(doc["created_at"]),
            )
        except JsonError as error:
            raise SigningKeyError(error.reason, error.detail, source=source) from None
        except (KeyError, TypeError, ValueError) as error:
            raise SigningKeyError(
                Refusal.BAD_KEY, f"the identity file is damaged ({error!r})", source=source
            ) from None

    def create(
        self,
        name: str,
        role: StewardRole,
        passphrase: bytes | None,
        *,
        force: bool = False,
        key: SigningKey | None = None,
    ) -> tuple[SigningKey, DeskIdentity]:
        """Make (or store the given) key and this desk's identity; refuses to overwrite.

        Uses the OS keyring when there is one; otherwise the passphrase-encrypted file, for
        which `passphrase` is required.
        """
        if self.exists() and not force:
            current = self.identity()
            raise SigningKeyError(
                Refusal.KEY_EXISTS,
                f"this desk already has a key ({current.name}, {current.role.value}, kid "
                f"{current.kid}); pass --force to replace it (documents it signed stay valid "
                "only where its public key stays trusted)",
            )
        if not name.strip():
            raise SigningKeyError(Refusal.BAD_KEY, "the desk needs a name")
        key = key or SigningKey.generate()
        self._ensure_dir()
        store: Store = "keyring" if keyring_usable() else "file"
        if store == "keyring":
            try:
                self._save_to_keyring(key)
            except Exception:  # a locked or broken keyring: fall back to the file
                store = "file"
        if store == "file":
            if not passphrase:
                raise SigningKeyError(
                    Refusal.NO_PASSPHRASE,
                    "there is no OS keyring here, so the key goes into an encrypted file: give a "
                    f"passphrase with --passphrase-file FILE or {PASSPHRASE_ENV}",
                )
            write_private(self.key_file, key.to_pem(passphrase))
        elif self.key_file.exists():
            self.key_file.unlink()
        identity = DeskIdentity(
            name=name.strip(),
            role=role,
            jwk=key.jwk,
            store=store,
            created_at=timestamp(datetime.now(UTC)),
        )
        write_private(
            self.identity_file,
            (json.dumps(identity.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        )
        return key, identity

    def load(self, passphrase: bytes | None) -> SigningKey:
        """The desk's private key, after checking the folder and file are private to this user."""
        identity = self.identity()
        self._check_private(self.keys_dir, folder=True)
        if identity.store == "keyring":
            key = self._load_from_keyring(identity.kid)
        else:
            self._check_private(self.key_file, folder=False)
            if not passphrase:
                raise SigningKeyError(
                    Refusal.NO_PASSPHRASE,
                    "the desk key is encrypted: give its passphrase with --passphrase-file FILE "
                    f"or {PASSPHRASE_ENV}",
                    source=str(self.key_file),
                )
            key = SigningKey.from_pem(
                self.key_file.read_bytes(), passphrase, source=str(self.key_file)
            )
        if key.kid != identity.kid:
            raise SigningKeyError(
                Refusal.KID_MISMATCH,
                f"the stored private key (kid {key.kid}) is not the key of this desk's identity "
                f"(kid {identity.kid})",
                source=str(self.identity_file),
            )
        return key

    def retire(self, identity: DeskIdentity) -> Path | None:
        """Keep a copy of the current key file under retired/ before a rotation replaces it."""
        if identity.store == "keyring" or not self.key_file.exists():
            return None
        retired = self.keys_dir / "retired" / f"desk-key-{identity.kid}.pem"
        retired.parent.mkdir(mode=0o700, exist_ok=True)
        # A copy, not a move: the key file is replaced only once the new key is stored.
        write_private(retired, self.key_file.read_bytes())
        return retired

    def keyset_bytes(self) -> bytes | None:
        """The league key-set document this desk holds (its exact bytes), or None."""
        try:
            return self.keyset_file.read_bytes()
        except FileNotFoundError:
            return None

    def save_keyset(self, doc: bytes, version: int) -> None:
        """Hold `doc` as the current key-set and keep a copy of every version in history/."""
        self._ensure_dir()
        history = self.keys_dir / "keyset-history"
        history.mkdir(mode=0o700, exist_ok=True)
        write_private(history / f"keyset-v{version:04d}.json", doc)
        write_private(self.keyset_file, doc)

    # --- private helpers ---------------------------------------------------------------------

    def _ensure_dir(self) -> None:
        self.keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name != "nt":
            # mkdir's mode is filtered by the umask, and an existing folder keeps its mode.
            os.chmod(self.keys_dir, 0o700)

    def _check_private(self, path: Path, *, folder: bool) -> None:
        if os.name == "nt":  # NTFS ACLs, not mode bits, guard the profile folder
            return
        if not path.exists():
            raise SigningKeyError(Refusal.NO_KEY, "the desk key file is missing", source=str(path))
        info = path.stat()
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            fix = "chmod 700" if folder else "chmod 600"
            what = "key folder" if folder else "key file"
            raise SigningKeyError(
                Refusal.INSECURE_PERMISSIONS,
                f"the {what} is open to other users (mode {mode:04o}); anyone who can read it "
                f"can sign in your name. Run `{fix} {path}` and, if others may have copied it, "
                "make a new key (`keys init --force`)",
                source=str(path),
            )
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise SigningKeyError(
                Refusal.INSECURE_PERMISSIONS,
                "the key belongs to another user account",
                source=str(path),
            )

    def _save_to_keyring(self, key: SigningKey) -> None:
        import keyring

        keyring.set_password(
            KEYRING_SERVICE, f"desk-key:{key.kid}", base64url.encode(key.private_bytes())
        )

    def _load_from_keyring(self, kid: str) -> SigningKey:
        import keyring

        try:
            secret = keyring.get_password(KEYRING_SERVICE, f"desk-key:{kid}")
        except Exception as error:
            raise SigningKeyError(
                Refusal.NO_KEY, f"the OS keyring could not be read: {error}"
            ) from None
        if secret is None:
            raise SigningKeyError(
                Refusal.NO_KEY,
                f"the OS keyring has no key for this desk (service {KEYRING_SERVICE!r}, kid "
                f"{kid}); it may have been removed, or this home folder came from another "
                "machine",
            )
        return SigningKey.from_private_bytes(base64url.decode(secret))


def write_private(path: Path, data: bytes) -> None:
    """Write `data` atomically to a 0600 file (temp file in the same folder, then rename).

    Bad input changes nothing: the old file stays until the new one is complete on disk.
    """
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if os.name != "nt":
            os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
