"""Key rotation: the holder of a league key hands over to a new key, proven by both.

A rotation statement (cty `application/vnd.steward-desk.key-rotation+json`, general form)
carries `{"league", "old_kid", "new_jwk", "rotated_at"}` and is signed by the old and the new
key. The head steward checks it against the key-set and applies it: the new key-set version
lists the new key in the old one's place (`replaces`: the old kid). A head or admin rotating
their own key signs that version with both keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from steward_desk.signing.errors import KeySetError, Refusal, SigningError
from steward_desk.signing.jws import (
    add_signature,
    document_bytes,
    sign_flattened,
    unverified_payload,
)
from steward_desk.signing.keys import Jwk, SigningKey, TrustedKey
from steward_desk.signing.keyset import KeyEntry, KeySet, entry_trust, sign_keyset
from steward_desk.signing.validity import timestamp
from steward_desk.signing.verify import verify

ROTATION_CTY = "application/vnd.steward-desk.key-rotation+json"


@dataclass(frozen=True)
class Rotation:
    """A verified rotation statement: `old` (in the key-set) hands over to `new_jwk`."""

    old: KeyEntry
    new_jwk: Jwk
    rotated_at: str
    document: bytes


def make_rotation(
    old_key: SigningKey, new_key: SigningKey, league: str, *, now: datetime | None = None
) -> bytes:
    """A rotation statement: the old key hands over to the new one, both sign (general form)."""
    payload = {
        "league": league,
        "old_kid": old_key.kid,
        "new_jwk": new_key.jwk.to_dict(with_kid=False),
        "rotated_at": timestamp(now or datetime.now(UTC)),
    }
    doc = add_signature(sign_flattened(payload, old_key, ROTATION_CTY), new_key)
    return document_bytes(doc)


def read_rotation(doc_bytes: bytes, keyset: KeySet, *, source: str | None = None) -> Rotation:
    """Verify a rotation statement against the key-set: old key trusted, both keys signed."""
    try:
        payload = unverified_payload(doc_bytes, source=source)
        old_kid = payload["old_kid"]
        new_jwk = Jwk.from_dict(payload["new_jwk"], source=source)
        league = payload["league"]
    except SigningError as error:
        raise KeySetError(error.reason, error.detail, source=source) from None
    except (KeyError, TypeError) as error:
        raise KeySetError(
            Refusal.BAD_KEYSET, f"not a rotation statement (missing {error})", source=source
        ) from None
    old = keyset.find(str(old_kid))
    if old is None:
        raise KeySetError(
            Refusal.UNKNOWN_KID,
            f"the rotation hands over from kid {old_kid}, which the key-set does not hold",
            source=source,
        )
    if league != keyset.league:
        raise KeySetError(
            Refusal.BAD_KEYSET, f"the rotation is for league {league!r}", source=source
        )
    trusted = [entry_trust(old), TrustedKey(new_jwk, old.name, old.role)]
    verify(doc_bytes, trusted, ROTATION_CTY, threshold=2, source=source)
    return Rotation(old, new_jwk, str(payload["rotated_at"]), doc_bytes)


def apply_rotation(
    keyset: KeySet,
    rotation: Rotation,
    signer_keys: Sequence[SigningKey],
    *,
    now: datetime | None = None,
) -> bytes:
    """The next key-set version with the rotated key in place of the old one.

    `signer_keys`: a head/admin key of `keyset`; when the rotated key is itself head/admin,
    the old and the new key (the head steward rotating their own key).
    """
    if not any(keyset.is_authority(key.kid) for key in signer_keys):
        raise KeySetError(
            Refusal.WRONG_ROLE, "a head steward or admin key of the key-set must sign the change"
        )
    at = timestamp(now or datetime.now(UTC))
    new_entry = KeyEntry(
        rotation.new_jwk, rotation.old.name, rotation.old.role, at, rotation.old.kid
    )
    entries = tuple(
        new_entry if entry.kid == rotation.old.kid else entry for entry in keyset.entries
    )
    return sign_keyset(keyset.version + 1, keyset.league, entries, keyset.hash, at, signer_keys)
