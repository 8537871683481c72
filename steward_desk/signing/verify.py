"""Verifying a signed document against the keys this desk trusts.

Each rule that passes is written down as a check ("signature by Alice (steward, kid …)"), so
the command line and the import dialogs can show exactly what was verified; the first rule
that fails raises `SignatureError` carrying the checks that had passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from steward_desk.core.model import StewardRole
from steward_desk.core.wording import counted
from steward_desk.signing.canonical import (
    DEFAULT_MAX_BYTES,
    canonical_bytes,
    loads_strict,
    parse_if_canonical,
)
from steward_desk.signing.envelope import ALG, parse_envelope
from steward_desk.signing.errors import JsonError, Refusal, SignatureError, SigningError
from steward_desk.signing.jws import document_hash
from steward_desk.signing.keys import Jwk, TrustedKey


@runtime_checkable
class TrustSource(Protocol):
    """Anything that can list trusted keys (the league `KeySet` does)."""

    def trusted(self) -> Sequence[TrustedKey]: ...


Trusted = TrustSource | Iterable[TrustedKey | Jwk | Mapping[str, Any]]


@dataclass(frozen=True)
class Signer:
    """Who signed: the key's thumbprint and, when the trust list knows it, name and role."""

    kid: str
    jwk: Jwk
    name: str | None = None
    role: StewardRole | None = None

    def describe(self) -> str:
        """`Alice (steward, kid …)`, or just the kid for a key without a name."""
        if self.name is None:
            return f"kid {self.kid}"
        role = f"{self.role.value}, " if self.role is not None else ""
        return f"{self.name} ({role}kid {self.kid})"


@dataclass(frozen=True)
class Verified:
    """A document whose signatures, structure and payload all passed."""

    payload: Any
    payload_bytes: bytes
    cty: str | None
    form: Literal["flattened", "general"]
    signers: tuple[Signer, ...]
    checks: tuple[str, ...]
    document_hash: str

    def require_role(self, *roles: StewardRole) -> Signer:
        """The first signer holding one of `roles`; `SignatureError(WRONG_ROLE)` if none does."""
        for signer in self.signers:
            if signer.role in roles:
                return signer
        wanted = " or ".join(role.value for role in roles)
        who = ", ".join(signer.describe() for signer in self.signers)
        raise SignatureError(
            Refusal.WRONG_ROLE, f"this document must be signed by a {wanted} key; signed by {who}"
        )


def verify(
    doc_bytes: bytes,
    trusted: Trusted,
    expected_cty: str | None = None,
    threshold: int = 1,
    *,
    require_canonical: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
    skip_kids: frozenset[str] = frozenset(),
) -> Verified:
    """Check a JWS JSON document; return what it says and who said it, or raise `SignatureError`.

    `threshold` counts distinct public keys among the valid signatures (never kids, never
    signature entries). With `require_canonical` the payload bytes must be RFC 8785 canonical,
    which every Steward Desk document is. Signatures by `skip_kids` are neither checked nor
    counted (a key-set read on its own cannot check the rotated-out key that co-signed it).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    checks: list[str] = []
    try:
        return _verify(
            doc_bytes,
            trusted,
            expected_cty,
            threshold,
            require_canonical,
            max_bytes,
            source,
            checks,
            skip_kids,
        )
    except SigningError as error:
        refusal = (
            error
            if isinstance(error, SignatureError)
            else SignatureError(error.reason, error.detail, source=source)
        )
        refusal.passed = tuple(checks)
        if refusal is error:
            raise
        raise refusal from None


def _verify(
    doc_bytes: bytes,
    trusted: Trusted,
    expected_cty: str | None,
    threshold: int,
    require_canonical: bool,
    max_bytes: int,
    source: str | None,
    checks: list[str],
    skip_kids: frozenset[str],
) -> Verified:
    keys = trust_map(trusted, source=source)
    envelope = parse_envelope(doc_bytes, max_bytes=max_bytes, source=source)
    count = len(envelope.signatures)
    checks.append(
        f"JWS JSON, {envelope.form} form, {counted(count, 'signature')}; "
        f"alg {ALG}, no crit/b64, nothing unprotected"
    )
    ctys = {entry.cty for entry in envelope.signatures}
    if len(ctys) != 1:
        raise SignatureError(
            Refusal.CTY_MISMATCH,
            f"the signatures name different content types {ctys}",
            source=source,
        )
    (cty,) = ctys
    if expected_cty is not None:
        if cty != expected_cty:
            raise SignatureError(
                Refusal.CTY_MISMATCH,
                f"expected a {expected_cty} document, this one is {cty or 'untyped (no cty)'}",
                source=source,
            )
        checks.append(f"content type {cty}")
    signers: dict[bytes, Signer] = {}
    for entry in envelope.signatures:
        if entry.kid in skip_kids and entry.kid not in keys:
            checks.append(f"signature by kid {entry.kid} not checked (a key no longer listed)")
            continue
        known = keys.get(entry.kid)
        if known is None:
            raise _unknown_kid(entry.kid, keys, source)
        if not known.jwk.verify(entry.signature, envelope.signing_input(entry)):
            who = Signer(known.kid, known.jwk, known.name, known.role).describe()
            raise SignatureError(
                Refusal.BAD_SIGNATURE,
                f"the signature by {who} does not match the document: it was changed after "
                "signing, or signed by another key",
                source=source,
            )
        if known.jwk.x not in signers:
            signer = Signer(known.kid, known.jwk, known.name, known.role)
            signers[known.jwk.x] = signer
            checks.append(f"signature by {signer.describe()}")
    if len(signers) < threshold:
        raise SignatureError(
            Refusal.THRESHOLD_NOT_MET,
            f"{threshold} distinct keys must sign this document; {len(signers)} did",
            source=source,
        )
    if threshold > 1 or count > 1:
        checks.append(f"{len(signers)} distinct keys signed ({threshold} required)")
    # A canonical payload is proven so (and parsed) on a fast path; anything it cannot vouch
    # for goes through the strict parser and the RFC 8785 serialiser, which say what is wrong.
    proven, payload = (
        parse_if_canonical(envelope.payload, max_bytes=max_bytes)
        if require_canonical
        else (False, None)
    )
    if not proven:
        payload = _strict_payload(envelope.payload, require_canonical, max_bytes, source)
    if require_canonical:
        checks.append("payload is canonical JSON (RFC 8785)")
    return Verified(
        payload=payload,
        payload_bytes=envelope.payload,
        cty=cty,
        form=envelope.form,
        signers=tuple(signers.values()),
        checks=tuple(checks),
        document_hash=document_hash(doc_bytes),
    )


def _strict_payload(
    data: bytes, require_canonical: bool, max_bytes: int, source: str | None
) -> Any:
    try:
        payload = loads_strict(data, max_bytes=max_bytes, source=source)
    except JsonError as error:
        raise SignatureError(error.reason, f"payload: {error.detail}", source=source) from None
    if require_canonical:
        try:
            canonical = canonical_bytes(payload) == data
        except JsonError:
            canonical = False
        if not canonical:
            raise SignatureError(
                Refusal.NOT_CANONICAL,
                "the payload is not RFC 8785 canonical JSON; Steward Desk signs canonical JSON "
                "only",
                source=source,
            )
    return payload


def trust_map(trusted: Trusted, *, source: str | None = None) -> dict[str, TrustedKey]:
    """kid → trusted key, with every kid computed from its key (claimed kids are checked)."""
    items: Iterable[TrustedKey | Jwk | Mapping[str, Any]] = (
        trusted.trusted() if isinstance(trusted, TrustSource) else trusted
    )
    result: dict[str, TrustedKey] = {}
    for item in items:
        if isinstance(item, TrustedKey):
            key = item
        elif isinstance(item, Jwk):
            key = TrustedKey(item)
        else:
            try:
                key = TrustedKey(Jwk.from_dict(item))
            except SigningError as error:
                raise SignatureError(
                    error.reason, f"trusted key: {error.detail}", source=source
                ) from None
        result.setdefault(key.kid, key)
    return result


def _unknown_kid(kid: str, keys: Mapping[str, TrustedKey], source: str | None) -> SignatureError:
    if len(keys) == 1:
        (only,) = keys.values()
        return SignatureError(
            Refusal.KID_MISMATCH,
            f"signed by kid {kid}, but the key supplied has thumbprint {only.kid}: it is not the "
            "key that signed this document",
            source=source,
        )
    return SignatureError(
        Refusal.UNKNOWN_KID,
        f"signed by kid {kid}, which is not among the {len(keys)} trusted keys (the league "
        "key-set); ask the head steward to `keys trust` it",
        source=source,
    )
