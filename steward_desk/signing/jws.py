"""Signing: JWS JSON serialization (RFC 7515 §7.2) with Ed25519 over RFC 8785 payload bytes.

One signer writes the flattened form; a panel co-signing the same payload writes the general
form (`signatures[]`). The payload bytes are canonical JSON, so anyone can check that what was
signed is what a desk meant, but verifiers never need to canonicalise: they check the bytes
that travelled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from steward_desk.signing import base64url
from steward_desk.signing.canonical import canonical_bytes, loads_strict
from steward_desk.signing.envelope import ALG, parse_envelope
from steward_desk.signing.errors import Refusal, SignatureError
from steward_desk.signing.keys import SigningKey

# Header members the signing layer owns; callers may add others (e.g. "typ") but not these.
_RESERVED = {"alg", "kid", "cty", "crit", "b64", "jwk", "jku", "x5u", "x5c"}


def protected_header(
    key: SigningKey, cty: str, extra_protected: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The protected header `{"alg": "Ed25519", "kid": <thumbprint>, "cty": cty, ...extra}`."""
    header: dict[str, Any] = {"alg": ALG, "kid": key.kid, "cty": cty}
    for name, value in (extra_protected or {}).items():
        if name in _RESERVED:
            raise ValueError(f"the protected header member {name!r} is set by the signing layer")
        header[name] = value
    return header


def sign_flattened(
    payload_doc: object,
    key: SigningKey,
    cty: str,
    extra_protected: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """One signer: `{"payload", "protected", "signature"}` over the canonical payload."""
    payload_b64 = base64url.encode(canonical_bytes(payload_doc))
    protected_b64, signature = _sign(payload_b64, key, protected_header(key, cty, extra_protected))
    return {"payload": payload_b64, "protected": protected_b64, "signature": signature}


def sign_general(payload_doc: object, keys: Sequence[SigningKey], cty: str) -> dict[str, Any]:
    """Several signers of the same canonical payload: `{"payload", "signatures": [...]}`."""
    if not keys:
        raise ValueError("a signed document needs at least one key")
    doc: dict[str, Any] = {
        "payload": base64url.encode(canonical_bytes(payload_doc)),
        "signatures": [],
    }
    for key in keys:
        doc = add_signature(doc, key, cty=cty)
    return doc


def add_signature(
    doc: Mapping[str, Any], key: SigningKey, *, cty: str | None = None
) -> dict[str, Any]:
    """Co-sign the same payload bytes; a flattened document becomes the general form.

    The new signature names the same `cty` as the existing ones. The payload is not touched
    (not even re-canonicalised): co-signers sign exactly the bytes the first signer sent.
    """
    if "signatures" in doc:
        payload_b64 = str(doc["payload"])
        signatures = [dict(entry) for entry in doc["signatures"]]
    else:
        payload_b64 = str(doc["payload"])
        signatures = [{"protected": doc["protected"], "signature": doc["signature"]}]
    existing = [_header_of(entry) for entry in signatures]
    if existing:
        ctys = {header.get("cty") for header in existing}
        if len(ctys) != 1:
            raise SignatureError(Refusal.CTY_MISMATCH, "the existing signatures disagree on cty")
        (document_cty,) = ctys
        if cty is not None and cty != document_cty:
            raise SignatureError(
                Refusal.CTY_MISMATCH, f"the document is {document_cty!r}, not {cty!r}"
            )
        cty = document_cty
    if not isinstance(cty, str):
        raise ValueError("the first signature of a document needs a cty")
    if any(header.get("kid") == key.kid for header in existing):
        raise SignatureError(Refusal.REPLAY, f"key {key.kid} has already signed this document")
    protected_b64, signature = _sign(payload_b64, key, protected_header(key, cty))
    signatures.append({"protected": protected_b64, "signature": signature})
    return {"payload": payload_b64, "signatures": signatures}


def document_bytes(doc: Mapping[str, Any]) -> bytes:
    """The bytes to write to a file: compact, deterministic JSON and a final newline."""
    return canonical_bytes(doc) + b"\n"


def document_hash(data: bytes) -> str:
    """Base64url SHA-256 of a document's transmitted bytes (what `prev` links point at)."""
    return base64url.encode(hashlib.sha256(data).digest())


def unverified_payload(data: bytes, *, source: str | None = None) -> Any:
    """The payload of a signed document WITHOUT checking any signature.

    Only for documents this desk wrote itself (e.g. its previous bundle, to chain the next);
    anything received goes through `verify`.
    """
    envelope = parse_envelope(data, source=source)
    return loads_strict(envelope.payload, source=source)


def _sign(payload_b64: str, key: SigningKey, header: Mapping[str, Any]) -> tuple[str, str]:
    protected_b64 = base64url.encode(canonical_bytes(header))
    signature = key.sign(f"{protected_b64}.{payload_b64}".encode("ascii"))
    return protected_b64, base64url.encode(signature)


def _header_of(entry: Mapping[str, Any]) -> dict[str, Any]:
    header = loads_strict(base64url.decode(str(entry["protected"])))
    if not isinstance(header, dict):
        raise SignatureError(Refusal.NOT_JWS, "a protected header is not a JSON object")
    return header
