"""Reading a JWS JSON envelope (RFC 7515 §7.2) before any key is involved.

This is where the shapes that fooled other verifiers are refused: the compact form, headers
that only sit in the unprotected part, `crit` and `b64` (both change how the signed bytes are
read), any algorithm but Ed25519, duplicate keys anywhere, unknown members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from steward_desk.signing import base64url
from steward_desk.signing.canonical import DEFAULT_MAX_BYTES, loads_strict
from steward_desk.signing.errors import JsonError, Refusal, SignatureError

ALG = "Ed25519"  # RFC 9864: the fully specified name; "EdDSA" is refused.

_COMPACT = re.compile(rb"\s*[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\s*")
_FLATTENED_MEMBERS = {"payload", "protected", "header", "signature"}
_GENERAL_MEMBERS = {"payload", "signatures"}
_SIGNATURE_MEMBERS = {"protected", "header", "signature"}


@dataclass(frozen=True)
class SignatureEntry:
    """One signature of the envelope, its protected header already checked and parsed."""

    protected_b64: str
    header: dict[str, Any]
    signature: bytes

    @property
    def kid(self) -> str:
        return str(self.header["kid"])

    @property
    def cty(self) -> str | None:
        value = self.header.get("cty")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Envelope:
    """A structurally valid JWS JSON document; nothing here is verified yet."""

    form: Literal["flattened", "general"]
    payload_b64: str
    payload: bytes
    signatures: tuple[SignatureEntry, ...]

    def signing_input(self, entry: SignatureEntry) -> bytes:
        """RFC 7515 §5.1: ASCII(BASE64URL(protected) || '.' || BASE64URL(payload))."""
        return f"{entry.protected_b64}.{self.payload_b64}".encode("ascii")


def parse_envelope(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None
) -> Envelope:
    """Parse and check the envelope of a signed document; raises `SignatureError`."""
    if _COMPACT.fullmatch(data[:max_bytes]) is not None:
        raise _refuse(
            Refusal.COMPACT_FORM,
            "this is a compact JWS (header.payload.signature); Steward Desk reads only the "
            "JSON serialization",
            source,
        )
    try:
        doc = loads_strict(data, max_bytes=max_bytes, source=source)
    except JsonError as error:
        raise SignatureError(error.reason, error.detail, source=source) from None
    if isinstance(doc, str) and _COMPACT.fullmatch(doc.encode("utf-8", "replace")):
        raise _refuse(
            Refusal.COMPACT_FORM, "this is a compact JWS wrapped in a JSON string", source
        )
    if not isinstance(doc, dict):
        raise _refuse(Refusal.NOT_JWS, f"expected a JWS JSON object, found a {_kind(doc)}", source)
    if "signatures" in doc:
        form: Literal["flattened", "general"] = "general"
        _only(doc, _GENERAL_MEMBERS, "the document", source)
        raw_signatures = doc["signatures"]
        if not isinstance(raw_signatures, list) or not raw_signatures:
            raise _refuse(Refusal.NOT_JWS, '"signatures" must be a non-empty list', source)
    elif "signature" in doc:
        form = "flattened"
        _only(doc, _FLATTENED_MEMBERS, "the document", source)
        raw_signatures = [{k: v for k, v in doc.items() if k != "payload"}]
    else:
        raise _refuse(
            Refusal.NOT_JWS, 'no "signature" or "signatures": this is not a signed document', source
        )
    if "payload" not in doc:
        raise _refuse(Refusal.NOT_JWS, 'no "payload" member', source)
    payload_b64 = doc["payload"]
    payload = _b64(payload_b64, '"payload"', source)
    entries = tuple(
        _signature_entry(
            raw, f"signature {index + 1}" if form == "general" else "the signature", source
        )
        for index, raw in enumerate(raw_signatures)
    )
    return Envelope(form=form, payload_b64=payload_b64, payload=payload, signatures=entries)


def _signature_entry(raw: object, label: str, source: str | None) -> SignatureEntry:
    if not isinstance(raw, dict):
        raise _refuse(Refusal.NOT_JWS, f"{label} is a {_kind(raw)}, not an object", source)
    _only(raw, _SIGNATURE_MEMBERS, label, source)
    unprotected = raw.get("header", {})
    if not isinstance(unprotected, dict):
        raise _refuse(Refusal.NOT_JWS, f'{label}: "header" must be an object', source)
    if "protected" not in raw:
        where = " (only in the unprotected header)" if "alg" in unprotected else ""
        raise _refuse(Refusal.UNPROTECTED_HEADER, f"{label} has no protected header{where}", source)
    protected_b64 = raw["protected"]
    header_bytes = _b64(protected_b64, f'{label}: "protected"', source)
    try:
        header = loads_strict(header_bytes, max_bytes=64 * 1024)
    except JsonError as error:
        raise SignatureError(
            error.reason, f"{label}: protected header: {error.detail}", source=source
        ) from None
    if not isinstance(header, dict):
        raise _refuse(Refusal.NOT_JWS, f"{label}: the protected header is not an object", source)
    for name, reason in (("crit", Refusal.CRIT_HEADER), ("b64", Refusal.B64_HEADER)):
        if name in header or name in unprotected:
            raise _refuse(
                reason,
                f'{label} carries a "{name}" header; Steward Desk documents never use it and '
                "refuse it because it changes what the signature covers",
                source,
            )
    for name in ("alg", "kid", "cty"):
        if name in unprotected:
            raise _refuse(
                Refusal.UNPROTECTED_HEADER,
                f'{label} puts "{name}" in the unprotected header, where anyone can change it; '
                "it must be in the protected header",
                source,
            )
    if unprotected:
        raise _refuse(
            Refusal.UNPROTECTED_HEADER,
            f"{label} has unprotected header members {sorted(unprotected)}; nothing unsigned is "
            "accepted",
            source,
        )
    alg = header.get("alg")
    if alg != ALG:
        hint = ' (RFC 9864: write the fully specified "Ed25519")' if alg == "EdDSA" else ""
        found = "no alg" if alg is None else f"alg {alg!r}"
        raise _refuse(
            Refusal.BAD_ALG, f"{label} has {found}; only Ed25519 is accepted{hint}", source
        )
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise _refuse(Refusal.UNKNOWN_KID, f"{label} names no key (no kid)", source)
    if "cty" in header and not isinstance(header["cty"], str):
        raise _refuse(Refusal.NOT_JWS, f'{label}: "cty" must be a string', source)
    signature = _b64(raw.get("signature"), f'{label}: "signature"', source)
    if len(signature) != 64:
        raise _refuse(
            Refusal.BAD_SIGNATURE,
            f"{label} is {len(signature)} bytes; an Ed25519 signature is 64",
            source,
        )
    return SignatureEntry(protected_b64=protected_b64, header=header, signature=signature)


def _only(doc: dict[str, Any], allowed: set[str], label: str, source: str | None) -> None:
    extra = sorted(set(doc) - allowed)
    if extra:
        raise _refuse(
            Refusal.NOT_JWS,
            f"{label} has members {extra} that no signature covers; expected only "
            f"{sorted(allowed)}",
            source,
        )


def _b64(value: object, label: str, source: str | None) -> bytes:
    try:
        return base64url.decode(value)  # type: ignore[arg-type]
    except ValueError as error:
        raise _refuse(Refusal.NOT_JWS, f"{label} {error}", source) from None


def _refuse(reason: Refusal, message: str, source: str | None) -> SignatureError:
    return SignatureError(reason, message, source=source)


def _kind(value: object) -> str:
    return {list: "list", str: "string", int: "number", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )
