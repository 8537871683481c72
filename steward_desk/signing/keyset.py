"""The league key-set: which keys speak for the league's admins, head stewards and stewards.

A key-set is a signed document (cty `application/vnd.steward-desk.keyset+json`) whose payload
is `{"version", "league", "keys": [{"kid", "jwk", "name", "role", "added_at"[, "replaces"]}],
"prev", "issued_at"}`. Version 1 is signed by a head/admin key it lists; every later version
names the hash of the one before (`prev`) and must be signed by a head/admin key of the
version before, so a desk that holds version n accepts n+1 only from the league's authority.

Rotation (`rotation.py`): when a head or admin key itself is rotated, the new key-set version
must be signed by both the old and the new key; `successor` enforces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from steward_desk.core.model import StewardRole
from steward_desk.signing.errors import KeySetError, Refusal, SigningError
from steward_desk.signing.jws import (
    add_signature,
    document_bytes,
    document_hash,
    sign_flattened,
    unverified_payload,
)
from steward_desk.signing.keys import Jwk, SigningKey, TrustedKey
from steward_desk.signing.validity import timestamp
from steward_desk.signing.verify import Signer, Verified, verify

KEYSET_CTY = "application/vnd.steward-desk.keyset+json"
AUTHORITY_ROLES = (StewardRole.HEAD, StewardRole.ADMIN)
MAX_KEYSET_BYTES = 1024 * 1024


@dataclass(frozen=True)
class KeyEntry:
    """One trusted key of the league, with the person and the role it stands for."""

    jwk: Jwk
    name: str
    role: StewardRole
    added_at: str
    replaces: str | None = None

    @property
    def kid(self) -> str:
        return self.jwk.kid

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kid": self.kid,
            "jwk": self.jwk.to_dict(with_kid=False),
            "name": self.name,
            "role": self.role.value,
            "added_at": self.added_at,
        }
        if self.replaces is not None:
            doc["replaces"] = self.replaces
        return doc


@dataclass(frozen=True)
class KeySet:
    """A verified key-set version, with the exact bytes it arrived as (for the next `prev`)."""

    version: int
    league: str
    entries: tuple[KeyEntry, ...]
    prev: str | None
    issued_at: str
    document: bytes
    signers: tuple[Signer, ...]
    checks: tuple[str, ...]

    @property
    def hash(self) -> str:
        """What the next version's `prev` must be."""
        return document_hash(self.document)

    def trusted(self) -> list[TrustedKey]:
        """The keys as `verify` wants them (so a KeySet can be passed as `trusted`)."""
        return [TrustedKey(entry.jwk, entry.name, entry.role) for entry in self.entries]

    def find(self, kid: str) -> KeyEntry | None:
        """The entry for `kid`, or None."""
        return next((entry for entry in self.entries if entry.kid == kid), None)

    def is_authority(self, kid: str) -> bool:
        """True when `kid` is a head steward's or admin's key in this version."""
        entry = self.find(kid)
        return entry is not None and entry.role in AUTHORITY_ROLES


def create_keyset(
    league: str, key: SigningKey, name: str, role: StewardRole, *, now: datetime | None = None
) -> bytes:
    """Version 1 of a league's key-set, listing and signed by its first head/admin key."""
    if role not in AUTHORITY_ROLES:
        raise KeySetError(
            Refusal.WRONG_ROLE, "a league key-set is started by a head steward or an admin"
        )
    at = timestamp(now or datetime.now(UTC))
    entry = KeyEntry(key.jwk, name, role, at)
    return sign_keyset(1, league, (entry,), None, at, [key])


def load_keyset(
    doc_bytes: bytes, *, anchor: Jwk | None = None, source: str | None = None
) -> KeySet:
    """A key-set read on its own: signed by a head/admin key it lists (and by `anchor`, if given).

    Without `anchor` this is trust on first use: show the signer's kid to the person so they
    can compare it with the head steward's.
    """
    entries, fields = _read(doc_bytes, source)
    # A version that rotated a head key is co-signed by the old key, which it no longer lists;
    # that signature was checked by the desks that followed the chain, not here.
    rotated_out = frozenset(e.replaces for e in entries if e.replaces is not None)
    verified = _verify(doc_bytes, [entry_trust(e) for e in entries], source, rotated_out)
    keyset = _keyset(fields, entries, doc_bytes, verified)
    authorities = [s for s in verified.signers if keyset.is_authority(s.kid)]
    if not authorities:
        raise KeySetError(
            Refusal.WRONG_ROLE,
            "the key-set is not signed by any head steward or admin key it lists",
            source=source,
        )
    if anchor is not None and anchor.kid not in {s.kid for s in verified.signers}:
        raise KeySetError(
            Refusal.UNKNOWN_KID,
            f"the key-set is not signed by the key you gave (kid {anchor.kid}); it was signed "
            f"by {', '.join(s.describe() for s in verified.signers)}",
            source=source,
        )
    return keyset


def successor(current: KeySet, doc_bytes: bytes, *, source: str | None = None) -> KeySet:
    """Accept the next key-set version after `current`, or raise `KeySetError` saying why."""
    entries, fields = _read(doc_bytes, source)
    if document_hash(doc_bytes) == current.hash:
        return current
    version, league, prev = fields["version"], fields["league"], fields["prev"]
    if league != current.league:
        raise KeySetError(
            Refusal.BAD_KEYSET,
            f"this key-set is for league {league!r}, this desk follows {current.league!r}",
            source=source,
        )
    if version <= current.version:
        raise KeySetError(
            Refusal.ROLLBACK,
            f"version {version} is not newer than version {current.version} held here",
            source=source,
        )
    if version != current.version + 1:
        raise KeySetError(
            Refusal.GAP,
            f"version {version} cannot follow version {current.version}: import "
            f"versions {current.version + 1}–{version - 1} first",
            source=source,
        )
    if prev != current.hash:
        raise KeySetError(
            Refusal.PREV_MISMATCH,
            f"version {version} does not follow the version {current.version} held here "
            "(prev hash differs): the league's key history forked",
            source=source,
        )
    # Keys new in this version may co-sign it (a rotated head key proves possession).
    trusted = current.trusted() + [entry_trust(e) for e in entries if current.find(e.kid) is None]
    verified = _verify(doc_bytes, trusted, source)
    keyset = _keyset(fields, entries, doc_bytes, verified)
    checks = list(keyset.checks)
    checks.append(f"version {keyset.version} follows version {current.version} (prev matches)")
    signer_kids = {s.kid for s in verified.signers}
    authorities = [s for s in verified.signers if current.is_authority(s.kid)]
    if not authorities:
        raise KeySetError(
            Refusal.WRONG_ROLE,
            f"version {keyset.version} must be signed by a head steward or admin key of version "
            f"{current.version}",
            source=source,
        )
    checks.append(f"signed by {authorities[0].describe()}, an authority of the version before")
    for entry in keyset.entries:
        if entry.replaces is None or current.find(entry.kid) is not None:
            continue
        old = current.find(entry.replaces)
        if old is None:
            raise KeySetError(
                Refusal.BAD_KEYSET,
                f"{entry.name}'s key claims to replace kid {entry.replaces}, which version "
                f"{current.version} does not hold",
                source=source,
            )
        if old.role in AUTHORITY_ROLES and not {old.kid, entry.kid} <= signer_kids:
            raise KeySetError(
                Refusal.THRESHOLD_NOT_MET,
                f"{old.name}'s {old.role.value} key is rotated: the new version must be signed "
                "by both the old and the new key",
                source=source,
            )
        checks.append(f"rotation of {old.name}'s key to kid {entry.kid}")
    return replace(keyset, checks=tuple(checks))


def verify_chain(docs: Sequence[bytes], *, anchor: Jwk | None = None) -> KeySet:
    """Walk a key-set history from its first document to its last; returns the last version."""
    if not docs:
        raise KeySetError(Refusal.BAD_KEYSET, "an empty key-set history")
    keyset = load_keyset(docs[0], anchor=anchor)
    for doc in docs[1:]:
        keyset = successor(keyset, doc)
    return keyset


def trust(
    keyset: KeySet,
    jwk: Jwk,
    name: str,
    role: StewardRole,
    signer_key: SigningKey,
    *,
    now: datetime | None = None,
) -> bytes:
    """The next key-set version with `jwk` added as `name` (`role`), signed by `signer_key`."""
    require_authority(keyset, signer_key)
    existing = keyset.find(jwk.kid)
    if existing is not None:
        raise KeySetError(
            Refusal.KEY_EXISTS,
            f"kid {jwk.kid} is already trusted as {existing.name} ({existing.role.value})",
        )
    if not name.strip():
        raise KeySetError(Refusal.BAD_KEYSET, "a trusted key needs the name of its holder")
    at = timestamp(now or datetime.now(UTC))
    entries = (*keyset.entries, KeyEntry(jwk, name.strip(), role, at))
    return sign_keyset(keyset.version + 1, keyset.league, entries, keyset.hash, at, [signer_key])


def revoke(
    keyset: KeySet, kid: str, signer_key: SigningKey, *, now: datetime | None = None
) -> bytes:
    """The next key-set version without `kid`; the league must keep one head/admin key."""
    require_authority(keyset, signer_key)
    if keyset.find(kid) is None:
        raise KeySetError(Refusal.UNKNOWN_KID, f"kid {kid} is not in the key-set")
    entries = tuple(entry for entry in keyset.entries if entry.kid != kid)
    at = timestamp(now or datetime.now(UTC))
    return sign_keyset(keyset.version + 1, keyset.league, entries, keyset.hash, at, [signer_key])


def entry_trust(entry: KeyEntry) -> TrustedKey:
    """The entry as a key `verify` accepts."""
    return TrustedKey(entry.jwk, entry.name, entry.role)


# --- reading and writing the payload ----------------------------------------------------------


def sign_keyset(
    version: int,
    league: str,
    entries: Sequence[KeyEntry],
    prev: str | None,
    issued_at: str,
    keys: Sequence[SigningKey],
) -> bytes:
    """A key-set document with these fields, signed by `keys` (general form when several)."""
    payload = {
        "version": version,
        "league": league,
        "keys": [entry.to_dict() for entry in entries],
        "prev": prev,
        "issued_at": issued_at,
    }
    doc: dict[str, Any] = sign_flattened(payload, keys[0], KEYSET_CTY)
    for key in keys[1:]:
        doc = add_signature(doc, key)
    return document_bytes(doc)


def require_authority(keyset: KeySet, key: SigningKey) -> None:
    """Refuse (WRONG_ROLE) unless `key` is a head steward's or admin's key in `keyset`."""
    if not keyset.is_authority(key.kid):
        entry = keyset.find(key.kid)
        who = f"{entry.name} ({entry.role.value})" if entry else f"kid {key.kid} (not listed)"
        raise KeySetError(
            Refusal.WRONG_ROLE,
            f"only a head steward or admin key of the key-set can change it; this desk is {who}",
        )


def _read(doc_bytes: bytes, source: str | None) -> tuple[tuple[KeyEntry, ...], dict[str, Any]]:
    try:
        payload = unverified_payload(doc_bytes, source=source)
    except SigningError as error:
        raise KeySetError(error.reason, error.detail, source=source) from None
    if not isinstance(payload, dict):
        raise _bad("the payload is not an object", source)
    version, league, prev = payload.get("version"), payload.get("league"), payload.get("prev")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad(f"version must be a positive integer, found {version!r}", source)
    if not isinstance(league, str) or not league:
        raise _bad("league must be a non-empty string", source)
    if (version == 1) != (prev is None) or not (prev is None or isinstance(prev, str)):
        raise _bad("version 1 has prev null; every later version names its previous one", source)
    raw_keys = payload.get("keys")
    if not isinstance(raw_keys, list) or not raw_keys:
        raise _bad("keys must be a non-empty list", source)
    entries = tuple(_entry(raw, index, source) for index, raw in enumerate(raw_keys))
    kids = [entry.kid for entry in entries]
    if len(set(kids)) != len(kids):
        raise _bad("a key is listed twice", source)
    if not any(entry.role in AUTHORITY_ROLES for entry in entries):
        raise _bad("the key-set must keep at least one head steward or admin key", source)
    return entries, {
        "version": version,
        "league": league,
        "prev": prev,
        "issued_at": str(payload.get("issued_at", "")),
    }


def _entry(raw: object, index: int, source: str | None) -> KeyEntry:
    where = f"keys[{index}]"
    if not isinstance(raw, dict):
        raise _bad(f"{where} is not an object", source)
    try:
        jwk = Jwk.from_dict(raw.get("jwk"), source=source)
        role = StewardRole(str(raw.get("role")))
    except SigningError as error:
        raise KeySetError(error.reason, f"{where}: {error.detail}", source=source) from None
    except ValueError:
        raise _bad(f"{where}: role must be steward, head or admin", source) from None
    if raw.get("kid") != jwk.kid:
        raise KeySetError(
            Refusal.KID_MISMATCH,
            f"{where} says kid {raw.get('kid')!r} but its key's thumbprint is {jwk.kid!r}",
            source=source,
        )
    name, added_at, replaces = raw.get("name"), raw.get("added_at"), raw.get("replaces")
    if not isinstance(name, str) or not name or not isinstance(added_at, str):
        raise _bad(f"{where} needs a name and added_at", source)
    if replaces is not None and not isinstance(replaces, str):
        raise _bad(f"{where}: replaces must be a kid", source)
    return KeyEntry(jwk, name, role, added_at, replaces)


def _verify(
    doc_bytes: bytes,
    trusted: list[TrustedKey],
    source: str | None,
    skip_kids: frozenset[str] = frozenset(),
) -> Verified:
    return verify(
        doc_bytes,
        trusted,
        KEYSET_CTY,
        max_bytes=MAX_KEYSET_BYTES,
        source=source,
        skip_kids=skip_kids,
    )


def _keyset(
    fields: dict[str, Any], entries: tuple[KeyEntry, ...], doc: bytes, verified: Verified
) -> KeySet:
    return KeySet(
        version=fields["version"],
        league=fields["league"],
        entries=entries,
        prev=fields["prev"],
        issued_at=fields["issued_at"],
        document=doc,
        signers=verified.signers,
        checks=verified.checks,
    )


def _bad(message: str, source: str | None) -> KeySetError:
    return KeySetError(Refusal.BAD_KEYSET, message, source=source)
