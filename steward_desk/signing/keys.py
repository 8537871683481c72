"""Ed25519 keys: the desk's private signing key and the public JWKs other desks trust.

A public key travels as a JWK (RFC 8037: `{"kty":"OKP","crv":"Ed25519","x":…}`) and is named
by its RFC 7638 thumbprint, so a `kid` is never a label someone chose: it is computed from the
key, and a kid that does not match its key is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from steward_desk.core.model import StewardRole
from steward_desk.signing import base64url
from steward_desk.signing.canonical import canonical_bytes, loads_strict
from steward_desk.signing.errors import JsonError, Refusal, SigningKeyError

# A JWK file is a few hundred bytes; refuse anything that could not be one before parsing.
MAX_JWK_BYTES = 64 * 1024

# Algorithm names a public JWK may declare: RFC 9864's fully specified name, and the older
# polymorphic one (RFC 8037) that existing tools still write into JWKs.
_ACCEPTED_JWK_ALGS = ("Ed25519", "EdDSA")


def thumbprint(jwk_members: Mapping[str, str]) -> str:
    """RFC 7638 thumbprint: base64url SHA-256 of the canonical required members (crv, kty, x)."""
    required = {name: jwk_members[name] for name in ("crv", "kty", "x")}
    return base64url.encode(hashlib.sha256(canonical_bytes(required)).digest())


@dataclass(frozen=True)
class Jwk:
    """A public Ed25519 key. Two Jwk are equal exactly when they are the same key."""

    x: bytes
    _public: Ed25519PublicKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.x) != 32:
            raise SigningKeyError(
                Refusal.BAD_KEY, f"an Ed25519 public key is 32 bytes, this one is {len(self.x)}"
            )
        object.__setattr__(self, "_public", Ed25519PublicKey.from_public_bytes(self.x))

    @classmethod
    def from_dict(cls, doc: object, *, source: str | None = None) -> Jwk:
        """Read a public JWK; refuses other key types, private members and a wrong `kid`."""
        if not isinstance(doc, Mapping):
            raise SigningKeyError(Refusal.BAD_KEY, "a JWK is a JSON object", source=source)
        if "d" in doc:
            raise SigningKeyError(
                Refusal.BAD_KEY,
                "this JWK holds a private key (member 'd'); share only the public key "
                "(`steward-desk keys show --jwk`)",
                source=source,
            )
        if doc.get("kty") != "OKP" or doc.get("crv") != "Ed25519":
            raise SigningKeyError(
                Refusal.BAD_KEY,
                f'expected an Ed25519 key ("kty": "OKP", "crv": "Ed25519"), found kty '
                f"{doc.get('kty')!r}, crv {doc.get('crv')!r}",
                source=source,
            )
        if "alg" in doc and doc["alg"] not in _ACCEPTED_JWK_ALGS:
            raise SigningKeyError(
                Refusal.BAD_ALG, f"the key declares alg {doc['alg']!r}, not Ed25519", source=source
            )
        try:
            key = cls(base64url.decode(doc.get("x")))  # type: ignore[arg-type]
        except ValueError as error:
            raise SigningKeyError(Refusal.BAD_KEY, f'"x" {error}', source=source) from None
        claimed = doc.get("kid")
        if claimed is not None and claimed != key.kid:
            raise SigningKeyError(
                Refusal.KID_MISMATCH,
                f"the JWK says kid {claimed!r} but its RFC 7638 thumbprint is {key.kid!r}",
                source=source,
            )
        return key

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str | None = None) -> Jwk:
        """Read a JWK file's bytes (strict JSON)."""
        try:
            doc = loads_strict(data, max_bytes=MAX_JWK_BYTES, source=source)
        except JsonError as error:
            raise SigningKeyError(
                error.reason, f"not a JWK: {error.detail}", source=source
            ) from None
        return cls.from_dict(doc, source=source)

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint that names this key."""
        return thumbprint(self._members())

    def to_dict(self, *, with_kid: bool = True) -> dict[str, str]:
        """The public JWK, with its thumbprint as `kid` unless asked not to."""
        members = self._members()
        if with_kid:
            members["kid"] = self.kid
        return members

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when `signature` is this key's Ed25519 signature of `data`."""
        try:
            self._public.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def _members(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": base64url.encode(self.x)}


@dataclass(frozen=True)
class TrustedKey:
    """A public key a verifier accepts, with the person and role it stands for."""

    jwk: Jwk
    name: str | None = None
    role: StewardRole | None = None

    @property
    def kid(self) -> str:
        return self.jwk.kid


class SigningKey:
    """The desk's private Ed25519 key. Never printed, never exported in clear to a file."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.jwk = Jwk(raw)

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh key from the operating system's random source."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> SigningKey:
        """The key whose 32-byte seed is `raw` (RFC 8032 private key, JWK member `d`)."""
        if len(raw) != 32:
            raise SigningKeyError(
                Refusal.BAD_KEY, f"an Ed25519 private key is 32 bytes, this one is {len(raw)}"
            )
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the public half."""
        return self.jwk.kid

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `data` (deterministic, RFC 8032)."""
        return self._private.sign(data)

    def private_bytes(self) -> bytes:
        """The 32-byte seed, for the OS keyring (which encrypts it). Handle with care."""
        return self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def to_pem(self, passphrase: bytes) -> bytes:
        """PKCS#8 PEM encrypted with `passphrase` (the best scheme `cryptography` offers)."""
        if not passphrase:
            raise SigningKeyError(Refusal.NO_PASSPHRASE, "an empty passphrase protects nothing")
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )

    @classmethod
    def from_pem(cls, data: bytes, passphrase: bytes, *, source: str | None = None) -> SigningKey:
        """Decrypt a PKCS#8 PEM written by `to_pem`."""
        try:
            private: Any = serialization.load_pem_private_key(data, password=passphrase)
        except ValueError as error:
            text = str(error).lower()
            if "password" in text or "decrypt" in text or "bad" in text:
                raise SigningKeyError(
                    Refusal.WRONG_PASSPHRASE,
                    "the passphrase does not open this key file",
                    source=source,
                ) from None
            raise SigningKeyError(
                Refusal.BAD_KEY, f"not a PKCS#8 private key: {error}", source=source
            ) from None
        except TypeError as error:
            raise SigningKeyError(Refusal.BAD_KEY, str(error), source=source) from None
        if not isinstance(private, Ed25519PrivateKey):
            raise SigningKeyError(
                Refusal.BAD_KEY,
                f"holds a {type(private).__name__}, not an Ed25519 key",
                source=source,
            )
        return cls(private)

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.kid!r})"
