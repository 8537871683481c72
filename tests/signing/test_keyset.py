"""The league key-set: started by the head steward, grown by `trust`, rotated by old and new key."""

from __future__ import annotations

import json

import pytest

from steward_desk.core.model import StewardRole
from steward_desk.signing.errors import KeySetError, Refusal, SignatureError
from steward_desk.signing.jws import add_signature, document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import (
    KEYSET_CTY,
    KeySet,
    create_keyset,
    load_keyset,
    revoke,
    sign_keyset,
    successor,
    trust,
    verify_chain,
)
from steward_desk.signing.rotation import apply_rotation, make_rotation, read_rotation
from steward_desk.signing.verify import verify


@pytest.fixture
def league(hana: SigningKey, sam: SigningKey) -> tuple[bytes, bytes, KeySet]:
    """Version 1 (Hana alone) and version 2 (Sam trusted as a steward)."""
    v1 = create_keyset("SOP Motorsport", hana, "Hana", StewardRole.HEAD)
    v2 = trust(load_keyset(v1, anchor=hana.jwk), sam.jwk, "Sam", StewardRole.STEWARD, hana)
    return v1, v2, successor(load_keyset(v1), v2)


def test_the_head_starts_the_key_set_and_trusts_a_steward(
    league: tuple[bytes, bytes, KeySet], hana: SigningKey, sam: SigningKey
) -> None:
    v1, v2, keyset = league
    assert keyset.version == 2 and keyset.league == "SOP Motorsport"
    assert [(e.name, e.role) for e in keyset.entries] == [
        ("Hana", StewardRole.HEAD),
        ("Sam", StewardRole.STEWARD),
    ]
    assert keyset.prev == load_keyset(v1).hash
    assert verify_chain([v1, v2], anchor=hana.jwk).hash == keyset.hash
    # The key-set is itself a trust list: Sam's bundles verify against it, with his name.
    bundle = document_bytes(sign_flattened({"seq": 1}, sam, "application/x"))
    assert verify(bundle, keyset).signers[0].name == "Sam"


def test_only_a_head_or_admin_key_changes_the_key_set(
    league: tuple[bytes, bytes, KeySet], sam: SigningKey, tess: SigningKey
) -> None:
    _, _, keyset = league
    with pytest.raises(KeySetError) as refused:
        trust(keyset, tess.jwk, "Tess", StewardRole.HEAD, sam)
    assert refused.value.reason is Refusal.WRONG_ROLE
    # A version forged by a steward is refused by desks holding the real chain.
    forged = sign_keyset(
        3, keyset.league, keyset.entries, keyset.hash, "2025-05-01T00:00:00Z", [sam]
    )
    with pytest.raises(KeySetError) as refused:
        successor(keyset, forged)
    assert refused.value.reason is Refusal.WRONG_ROLE


def test_a_key_set_must_follow_the_one_held(
    league: tuple[bytes, bytes, KeySet], hana: SigningKey, tess: SigningKey
) -> None:
    v1, _, keyset = league
    with pytest.raises(KeySetError) as refused:
        successor(keyset, v1)
    assert refused.value.reason is Refusal.ROLLBACK
    v3 = trust(keyset, tess.jwk, "Tess", StewardRole.STEWARD, hana)
    v4 = revoke(successor(keyset, v3), tess.kid, hana)
    with pytest.raises(KeySetError) as refused:
        successor(keyset, v4)
    assert refused.value.reason is Refusal.GAP
    # Another version 2, made elsewhere, then a version 3 built on it.
    other_v2 = load_keyset(trust(load_keyset(v1), tess.jwk, "Tess", StewardRole.STEWARD, hana))
    built_on_fork = sign_keyset(
        3, other_v2.league, other_v2.entries, other_v2.hash, "2025-01-01T00:00:00Z", [hana]
    )
    with pytest.raises(KeySetError) as refused:
        successor(keyset, built_on_fork)
    assert refused.value.reason is Refusal.PREV_MISMATCH
    assert successor(keyset, keyset.document) is keyset  # the same version again: no change


def test_the_first_key_set_is_checked_against_the_head_stewards_key(
    league: tuple[bytes, bytes, KeySet], sam: SigningKey, tess: SigningKey
) -> None:
    v1, _, _ = league
    with pytest.raises(KeySetError) as refused:
        load_keyset(v1, anchor=sam.jwk)
    assert refused.value.reason is Refusal.UNKNOWN_KID
    # A key-set signed by a steward it lists is no key-set at all.
    fake = create_keyset("SOP Motorsport", tess, "Tess", StewardRole.HEAD)
    entries = load_keyset(fake).entries
    demoted = [type(e)(e.jwk, e.name, StewardRole.STEWARD, e.added_at) for e in entries]
    with pytest.raises(KeySetError):
        load_keyset(sign_keyset(1, "SOP", demoted, None, "2025-01-01T00:00:00Z", [tess]))


def test_an_entry_whose_kid_is_not_its_keys_thumbprint_is_refused(
    hana: SigningKey, sam: SigningKey
) -> None:
    payload = {
        "version": 1,
        "league": "SOP",
        "keys": [
            {
                "kid": sam.kid,  # Sam's kid on Hana's key
                "jwk": hana.jwk.to_dict(with_kid=False),
                "name": "Hana",
                "role": "head",
                "added_at": "2025-01-01T00:00:00Z",
            }
        ],
        "prev": None,
        "issued_at": "2025-01-01T00:00:00Z",
    }
    doc = document_bytes(sign_flattened(payload, hana, KEYSET_CTY))
    with pytest.raises(KeySetError) as refused:
        load_keyset(doc)
    assert refused.value.reason is Refusal.KID_MISMATCH


def test_a_steward_rotates_their_key_and_the_head_applies_it(
    league: tuple[bytes, bytes, KeySet], hana: SigningKey, sam: SigningKey
) -> None:
    _, _, keyset = league
    sam_new = SigningKey.generate()
    statement = make_rotation(sam, sam_new, keyset.league)
    assert len(json.loads(statement)["signatures"]) == 2
    rotation = read_rotation(statement, keyset)
    v3 = successor(keyset, apply_rotation(keyset, rotation, [hana]))
    entry = v3.find(sam_new.kid)
    assert entry is not None and entry.name == "Sam" and entry.replaces == sam.kid
    assert v3.find(sam.kid) is None
    assert any("rotation of Sam's key" in check for check in v3.checks)


def test_a_rotation_statement_signed_by_the_new_key_alone_is_refused(
    league: tuple[bytes, bytes, KeySet], sam: SigningKey
) -> None:
    _, _, keyset = league
    sam_new = SigningKey.generate()
    statement = json.loads(make_rotation(sam, sam_new, keyset.league))
    statement["signatures"] = statement["signatures"][1:]
    with pytest.raises(SignatureError) as refused:
        read_rotation(json.dumps(statement).encode(), keyset)
    assert refused.value.reason is Refusal.THRESHOLD_NOT_MET
    stranger = SigningKey.generate()
    with pytest.raises(KeySetError) as refused:
        read_rotation(make_rotation(stranger, sam_new, keyset.league), keyset)
    assert refused.value.reason is Refusal.UNKNOWN_KID


def test_a_head_key_rotation_is_signed_by_the_old_and_the_new_key(
    league: tuple[bytes, bytes, KeySet], hana: SigningKey
) -> None:
    _, _, keyset = league
    hana_new = SigningKey.generate()
    rotation = read_rotation(make_rotation(hana, hana_new, keyset.league), keyset)
    with pytest.raises(KeySetError) as refused:
        successor(keyset, apply_rotation(keyset, rotation, [hana]))
    assert refused.value.reason is Refusal.THRESHOLD_NOT_MET
    v3 = successor(keyset, apply_rotation(keyset, rotation, [hana, hana_new]))
    assert v3.is_authority(hana_new.kid) and not v3.is_authority(hana.kid)
    # A desk that meets the league at version 3 reads it on its own, anchored on the new key.
    assert load_keyset(v3.document, anchor=hana_new.jwk).version == 3
    # From now on only the new key speaks for the head steward.
    with pytest.raises(KeySetError):
        trust(v3, SigningKey.generate().jwk, "X", StewardRole.STEWARD, hana)
    v4 = successor(v3, trust(v3, SigningKey.generate().jwk, "X", StewardRole.STEWARD, hana_new))
    assert v4.version == 4


def test_the_league_always_keeps_a_head_or_admin_key(
    league: tuple[bytes, bytes, KeySet], hana: SigningKey
) -> None:
    _, _, keyset = league
    with pytest.raises(KeySetError) as refused:
        successor(keyset, revoke(keyset, hana.kid, hana))
    assert refused.value.reason is Refusal.BAD_KEYSET


def test_a_second_signature_by_an_unknown_key_is_refused(
    league: tuple[bytes, bytes, KeySet], hana: SigningKey
) -> None:
    _, v2, _ = league
    cosigned = add_signature(json.loads(v2), SigningKey.generate())
    with pytest.raises(SignatureError) as refused:
        load_keyset(document_bytes(cosigned))
    assert refused.value.reason is Refusal.UNKNOWN_KID
