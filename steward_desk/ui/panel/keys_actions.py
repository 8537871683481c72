"""Panel → Keys… behind the dialog: this desk's key, the league key-set, and unlocking the
key to sign (the passphrase asked only when the key is in an encrypted file).

A mixin of `PanelCapability`, which provides `desk`, `warn` and `ask_passphrase`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from steward_desk.core.model import StewardRole
from steward_desk.signing.errors import SigningError
from steward_desk.signing.keys import Jwk, SigningKey
from steward_desk.signing.keyset import (
    AUTHORITY_ROLES,
    KeySet,
    create_keyset,
    load_keyset,
    successor,
    trust,
)
from steward_desk.signing.keystore import PASSPHRASE_ENV, DeskIdentity, KeyStore, keyring_usable
from steward_desk.ui.panel.keys_dialog import KeysDialog

if TYPE_CHECKING:
    from steward_desk.app import Desk


class KeyActions:
    desk: Desk

    def warn(self, title: str, text: str) -> None:
        raise NotImplementedError

    def ask_passphrase(self, who: str) -> bytes | None:
        raise NotImplementedError

    # -- keys ---------------------------------------------------------------------------------
    @property
    def keystore(self) -> KeyStore:
        return KeyStore(self.desk.window.paths.keys_dir)

    def identity(self) -> DeskIdentity | None:
        try:
            return self.keystore.identity() if self.keystore.exists() else None
        except SigningError:
            return None

    def keyset(self) -> KeySet | None:
        data = self.keystore.keyset_bytes()
        if data is None:
            return None
        try:
            return load_keyset(data, source=str(self.keystore.keyset_file))
        except SigningError as error:
            self.warn("League key-set", f"The key-set held here is unusable: {error}")
            return None

    def signing_key(self) -> tuple[SigningKey, DeskIdentity] | None:
        """This desk's private key, asking for the passphrase only when the key needs one."""
        identity = self.identity()
        if identity is None:
            self.warn(
                "Signing keys", "This desk has no signing key yet: Panel → Keys… creates one."
            )
            return None
        passphrase = None
        if identity.store == "file":
            env = os.environ.get(PASSPHRASE_ENV)
            passphrase = env.encode("utf-8") if env else self.ask_passphrase(identity.name)
            if passphrase is None:
                return None
        try:
            return self.keystore.load(passphrase), identity
        except SigningError as error:
            self.warn("Signing keys", str(error))
            return None

    def open_keys(self) -> KeysDialog:
        dialog = KeysDialog(
            self.identity(), self.keyset(), needs_passphrase=not keyring_usable(),
            create=self.create_key, trust=self.trust_key, adopt=self.adopt_keyset,
            reload=lambda: (self.identity(), self.keyset()), parent=self.desk.window,
        )  # fmt: skip
        dialog.setModal(False)
        dialog.show()
        return dialog

    def create_key(self, name: str, role: StewardRole, passphrase: bytes | None) -> str:
        """Create this desk's key (as `keys init`); a head steward's key starts the key-set."""
        try:
            key, identity = self.keystore.create(name, role, passphrase)
        except SigningError as error:
            return f"No key was created: {error}"
        message = f"Created the key of {identity.name} ({role.value}), kid {identity.kid}."
        if role in AUTHORITY_ROLES and self.keystore.keyset_bytes() is None:
            leagues = self.desk.store.league.league_names()
            doc = create_keyset(leagues[0] if leagues else "league", key, identity.name, role)
            self.keystore.save_keyset(doc, 1)
            message += " It starts the league key-set (version 1)."
        else:
            message += " Send the public key to your head steward."
        return message

    def trust_key(self, path: Path, name: str, role: StewardRole) -> str:
        """Add a steward's public key file to the league key-set (as `keys trust`)."""
        keyset, signer = self.keyset(), self.signing_key()
        if keyset is None or signer is None:
            return ""
        try:
            jwk = Jwk.from_bytes(path.read_bytes(), source=str(path))
            doc = trust(keyset, jwk, name, role, signer[0])
            updated = successor(keyset, doc)
        except (OSError, SigningError) as error:
            return f"Not trusted: {error}"
        self.keystore.save_keyset(doc, updated.version)
        return (
            f"Trusted {name} ({role.value}), kid {jwk.kid}: key-set version {updated.version}. "
            f"Send {self.keystore.keyset_file} to the league's desks."
        )

    def adopt_keyset(self, path: Path) -> str:
        """Take the league key-set (or its next version) from a file (as `keys import`)."""
        current = self.keyset()
        try:
            data = path.read_bytes()
            adopted = (
                load_keyset(data, source=str(path))
                if current is None
                else successor(current, data, source=str(path))
            )
        except (OSError, SigningError) as error:
            return f"Not adopted: {error}"
        if current is not None and adopted is current:
            return f"Version {current.version} is already held here."
        self.keystore.save_keyset(adopted.document, adopted.version)
        first = adopted.signers[0].describe()
        check = (
            f" Compare the signer with your head steward's kid: {first}." if current is None else ""
        )
        return f"League {adopted.league!r}: key-set version {adopted.version} adopted.{check}"
