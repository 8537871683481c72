"""Signing and verifying JWS JSON documents, and every way a forged or damaged one is refused."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward_desk.core.model import StewardRole
from steward_desk.signing import base64url
from steward_desk.signing.canonical import canonical_bytes
from steward_desk.signing.errors import Refusal, SignatureError
from steward_desk.signing.jws import (
    add_signature,
    document_bytes,
    sign_flattened,
    sign_general,
    unverified_payload,
)
from steward_desk.signing.keys import SigningKey, TrustedKey
from steward_desk.signing.verify import verify

CTY = "application/vnd.steward-desk.verdicts+json"
VERDICTS = {
    "seq": 1,
    "prev": None,
    "issued_at": "2025-05-01T20:00:00Z",
    "verdicts": [
        {
            "incident": "0b8f6a7e-2f6c-4d0e-9b1e-3c2d1f0a9e8d",
            "category": "avoidable_contact",
            "outcome": "penalty",
            "at_fault": ["S76561198000000001"],
            "penalty": {"type": "time", "value": 5},
            "reasoning": "Late lunge into T1; Zoë had the corner.",
        }
    ],
}


def forge(
    key: SigningKey,
    protected_header: dict[str, Any],
    payload: bytes,
    **members: Any,
) -> bytes:
    """A flattened document with any protected header, really signed by `key`."""
    protected = base64url.encode(json.dumps(protected_header).encode())
    body = base64url.encode(payload)
    signature = base64url.encode(key.sign(f"{protected}.{body}".encode()))
    doc = {"payload": body, "protected": protected, "signature": signature, **members}
    return json.dumps(doc).encode()


def refusal(data: bytes, trusted: Any, **options: Any) -> Refusal:
    with pytest.raises(SignatureError) as refused:
        verify(data, trusted, **options)
    return refused.value.reason


def test_a_steward_signs_verdicts_and_the_head_verifies_who_sent_them(
    sam: SigningKey, panel: list[TrustedKey]
) -> None:
    data = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    verified = verify(data, panel, expected_cty=CTY)
    assert verified.payload == VERDICTS
    assert verified.payload_bytes == canonical_bytes(VERDICTS)
    assert [(s.name, s.role) for s in verified.signers] == [("Sam", StewardRole.STEWARD)]
    assert verified.form == "flattened"
    assert f"signature by Sam (steward, kid {sam.kid})" in verified.checks
    assert "payload is canonical JSON (RFC 8785)" in verified.checks
    header = json.loads(base64url.decode(json.loads(data)["protected"]))
    assert header == {"alg": "Ed25519", "kid": sam.kid, "cty": CTY}


def test_the_panel_co_signs_the_same_payload_and_thresholds_count_keys(
    hana: SigningKey, sam: SigningKey, tess: SigningKey, panel: list[TrustedKey]
) -> None:
    decision = sign_flattened({"decision": "5 s"}, hana, "application/x-decision")
    cosigned = add_signature(add_signature(decision, sam), tess)
    assert cosigned["payload"] == decision["payload"]
    verified = verify(document_bytes(cosigned), panel, threshold=3)
    assert {s.name for s in verified.signers} == {"Hana", "Sam", "Tess"}
    assert verified.form == "general"
    general = sign_general({"decision": "5 s"}, [hana, sam], "application/x-decision")
    assert len(verify(document_bytes(general), panel, threshold=2).signers) == 2


def test_one_key_signing_twice_counts_once(hana: SigningKey, panel: list[TrustedKey]) -> None:
    doc = sign_general({"decision": "5 s"}, [hana], "application/x-decision")
    doc["signatures"].append(dict(doc["signatures"][0]))
    data = document_bytes(doc)
    assert len(verify(data, panel).signers) == 1
    assert refusal(data, panel, threshold=2) is Refusal.THRESHOLD_NOT_MET
    with pytest.raises(SignatureError, match="already signed"):
        add_signature(doc, hana)


def test_unverified_payload_reads_this_desks_own_document(sam: SigningKey) -> None:
    assert unverified_payload(document_bytes(sign_flattened(VERDICTS, sam, CTY))) == VERDICTS


def test_protected_header_members_owned_by_the_signing_layer_cannot_be_overridden(
    sam: SigningKey,
) -> None:
    with pytest.raises(ValueError, match="alg"):
        sign_flattened({}, sam, CTY, extra_protected={"alg": "none"})
    doc = sign_flattened({}, sam, CTY, extra_protected={"typ": "steward-desk"})
    assert json.loads(base64url.decode(doc["protected"]))["typ"] == "steward-desk"


# --- refusals ---------------------------------------------------------------------------------


def good_header(key: SigningKey, **extra: Any) -> dict[str, Any]:
    return {"alg": "Ed25519", "kid": key.kid, "cty": CTY, **extra}


PAYLOAD = canonical_bytes(VERDICTS)


@pytest.mark.parametrize("alg", ["EdDSA", "none", "HS256", "ES256", "ed25519", None])
def test_any_alg_but_ed25519_is_refused(sam: SigningKey, panel: list[TrustedKey], alg: Any) -> None:
    header = good_header(sam)
    if alg is None:
        del header["alg"]
    else:
        header["alg"] = alg
    assert refusal(forge(sam, header, PAYLOAD), panel) is Refusal.BAD_ALG


def test_crit_and_b64_headers_are_refused(sam: SigningKey, panel: list[TrustedKey]) -> None:
    crit = good_header(sam, crit=["exp"], exp=1)
    assert refusal(forge(sam, crit, PAYLOAD), panel) is Refusal.CRIT_HEADER
    b64 = good_header(sam, b64=False, crit=["b64"])
    assert refusal(forge(sam, b64, PAYLOAD), panel) in (Refusal.CRIT_HEADER, Refusal.B64_HEADER)
    assert refusal(forge(sam, good_header(sam, b64=True), PAYLOAD), panel) is Refusal.B64_HEADER


def test_headers_only_in_the_unprotected_part_are_refused(
    sam: SigningKey, panel: list[TrustedKey]
) -> None:
    no_alg = {"kid": sam.kid, "cty": CTY}
    tricked = forge(sam, no_alg, PAYLOAD, header={"alg": "Ed25519"})
    assert refusal(tricked, panel) is Refusal.UNPROTECTED_HEADER
    no_kid = {"alg": "Ed25519", "cty": CTY}
    tricked = forge(sam, no_kid, PAYLOAD, header={"kid": sam.kid})
    assert refusal(tricked, panel) is Refusal.UNPROTECTED_HEADER
    extra = forge(sam, good_header(sam), PAYLOAD, header={"note": "unsigned"})
    assert refusal(extra, panel) is Refusal.UNPROTECTED_HEADER
    data = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    doc = json.loads(data)
    no_protected = {"payload": doc["payload"], "signature": doc["signature"]}
    no_protected["header"] = {"alg": "Ed25519", "kid": sam.kid}
    assert refusal(json.dumps(no_protected).encode(), panel) is Refusal.UNPROTECTED_HEADER


def test_unknown_kid_and_kid_not_matching_the_supplied_key(
    sam: SigningKey, tess: SigningKey, hana: SigningKey, panel: list[TrustedKey]
) -> None:
    stranger = SigningKey.generate()
    data = document_bytes(sign_flattened(VERDICTS, stranger, CTY))
    assert refusal(data, panel) is Refusal.UNKNOWN_KID
    assert refusal(data, [sam.jwk]) is Refusal.KID_MISMATCH
    # A header naming Sam's kid, signed by someone else: the signature check catches it.
    impostor = forge(stranger, good_header(sam), PAYLOAD)
    assert refusal(impostor, panel) is Refusal.BAD_SIGNATURE
    # A trusted JWK whose claimed kid is not its thumbprint is refused, not believed.
    lying = {**sam.jwk.to_dict(), "kid": tess.kid}
    good = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    assert refusal(good, [lying, hana.jwk.to_dict()]) is Refusal.KID_MISMATCH


def test_a_changed_payload_or_signature_is_a_bad_signature(
    sam: SigningKey, panel: list[TrustedKey]
) -> None:
    doc = sign_flattened(VERDICTS, sam, CTY)
    changed = dict(VERDICTS, verdicts=[{**VERDICTS["verdicts"][0], "penalty": None}])  # type: ignore[dict-item]
    tampered = {**doc, "payload": base64url.encode(canonical_bytes(changed))}
    assert refusal(document_bytes(tampered), panel) is Refusal.BAD_SIGNATURE
    sig = bytearray(base64url.decode(doc["signature"]))
    sig[10] ^= 1
    flipped = {**doc, "signature": base64url.encode(bytes(sig))}
    assert refusal(document_bytes(flipped), panel) is Refusal.BAD_SIGNATURE


def test_cty_mismatch(sam: SigningKey, panel: list[TrustedKey]) -> None:
    data = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    case_pack = "application/vnd.steward-desk.case-pack+json"
    assert refusal(data, panel, expected_cty=case_pack) is Refusal.CTY_MISMATCH


def test_duplicate_keys_anywhere_are_refused(sam: SigningKey, panel: list[TrustedKey]) -> None:
    good = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    doc = json.loads(good)
    envelope_dup = good.replace(b'{"payload"', b'{"payload":"e30","payload"', 1)
    assert refusal(envelope_dup, panel) is Refusal.DUPLICATE_KEY
    signed_dup = b'{"seq":1,"seq":2}'
    assert refusal(forge(sam, good_header(sam), signed_dup), panel) is Refusal.DUPLICATE_KEY
    header_dup = base64url.encode(
        b'{"alg":"Ed25519","alg":"none","kid":"' + sam.kid.encode() + b'"}'
    )
    doc["protected"] = header_dup
    assert refusal(json.dumps(doc).encode(), panel) is Refusal.DUPLICATE_KEY


def test_compact_serialization_is_refused(sam: SigningKey, panel: list[TrustedKey]) -> None:
    doc = sign_flattened(VERDICTS, sam, CTY)
    compact = f"{doc['protected']}.{doc['payload']}.{doc['signature']}"
    assert refusal(compact.encode(), panel) is Refusal.COMPACT_FORM
    assert refusal(json.dumps(compact).encode(), panel) is Refusal.COMPACT_FORM


def test_malformed_oversized_and_non_canonical_documents_are_refused(
    sam: SigningKey, panel: list[TrustedKey]
) -> None:
    good = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    assert refusal(good[:-20], panel) is Refusal.MALFORMED_JSON
    assert refusal(good, panel, max_bytes=100) is Refusal.OVERSIZED
    assert refusal(b'{"payload":"e30"}', panel) is Refusal.NOT_JWS
    assert refusal(good.replace(b'{"payload"', b'{"note":1,"payload"'), panel) is Refusal.NOT_JWS
    padded = json.loads(good)
    padded["signature"] += "=="
    assert refusal(json.dumps(padded).encode(), panel) is Refusal.NOT_JWS
    pretty = json.dumps(VERDICTS, indent=2).encode()
    assert refusal(forge(sam, good_header(sam), pretty), panel) is Refusal.NOT_CANONICAL
    assert verify(forge(sam, good_header(sam), pretty), panel, require_canonical=False)
    floats = b'{"value":1.5}'
    assert refusal(forge(sam, good_header(sam), floats), panel) is Refusal.MALFORMED_JSON


def test_a_refusal_carries_the_checks_that_passed_before_it(
    sam: SigningKey, panel: list[TrustedKey]
) -> None:
    data = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    with pytest.raises(SignatureError) as refused:
        verify(data, panel, expected_cty="application/other", source="bundle.json")
    assert refused.value.passed and refused.value.passed[0].startswith("JWS JSON, flattened")
    assert str(refused.value).startswith("bundle.json: ")


# --- properties -------------------------------------------------------------------------------

nfc_text = st.text(max_size=12).map(lambda s: unicodedata.normalize("NFC", s))
documents = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | nfc_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(nfc_text, children, max_size=4)
    ),
    max_leaves=25,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=documents)
def test_any_document_signs_verifies_and_parses_back(
    doc: object, sam: SigningKey, panel: list[TrustedKey]
) -> None:
    verified = verify(document_bytes(sign_flattened(doc, sam, CTY)), panel, expected_cty=CTY)
    assert verified.payload == doc


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_flipped_bit_before_the_final_newline_is_refused(
    data: st.DataObject, sam: SigningKey, panel: list[TrustedKey]
) -> None:
    good = document_bytes(sign_flattened(VERDICTS, sam, CTY))
    index = data.draw(st.integers(0, len(good) - 2))
    bit = data.draw(st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128]))
    damaged = bytearray(good)
    damaged[index] ^= bit
    with pytest.raises(SignatureError):
        verify(bytes(damaged), panel)


envelope_members = st.dictionaries(
    st.sampled_from(["payload", "protected", "header", "signature", "signatures", "x"]),
    st.none()
    | st.text(alphabet="eyJABC_-=.", max_size=12)
    | st.lists(
        st.dictionaries(st.sampled_from(["protected", "signature", "header"]), st.text(max_size=8)),
        max_size=2,
    )
    | st.dictionaries(st.sampled_from(["alg", "kid", "crit"]), st.text(max_size=6)),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(doc=envelope_members)
def test_any_envelope_shape_is_refused_with_a_signature_error_never_a_crash(
    doc: dict[str, Any], panel: list[TrustedKey]
) -> None:
    with pytest.raises(SignatureError):
        verify(json.dumps(doc).encode(), panel)
