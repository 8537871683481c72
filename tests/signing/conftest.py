"""Keys for the signing tests: real Ed25519 keys, made once per session (they are cheap, but
the same names read better in every test)."""

from __future__ import annotations

import pytest

from steward_desk.core.model import StewardRole
from steward_desk.signing.keys import SigningKey, TrustedKey


@pytest.fixture(scope="session")
def hana() -> SigningKey:
    """The head steward's key."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def sam() -> SigningKey:
    """A steward's key."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def tess() -> SigningKey:
    """Another steward's key."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def panel(hana: SigningKey, sam: SigningKey, tess: SigningKey) -> list[TrustedKey]:
    """The league's trusted keys with names and roles."""
    return [
        TrustedKey(hana.jwk, "Hana", StewardRole.HEAD),
        TrustedKey(sam.jwk, "Sam", StewardRole.STEWARD),
        TrustedKey(tess.jwk, "Tess", StewardRole.STEWARD),
    ]
