"""Signed documents of the panel exchange: each signer's chain, and what a desk accepts.

Every document a desk signs carries `seq`, `prev` (the hash of its previous document of the
same kind) and `issued_at`; the receiving desk remembers the last one it accepted per signer,
so an old file sent again or a forked history is refused, and the very same file imported a
second time is recognised by its hash and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from steward_desk.panel.errors import MAX_DOCUMENT_BYTES, PanelError
from steward_desk.signing.chain import check_link, link_of, next_link
from steward_desk.signing.errors import SigningError
from steward_desk.signing.jws import document_bytes, document_hash, sign_flattened
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import KeySet
from steward_desk.signing.validity import check_validity, timestamp
from steward_desk.signing.verify import Verified, verify
from steward_desk.storage import panel as rows


@dataclass(frozen=True)
class Signed:
    """A document this desk signed: its bytes and its place in this desk's chain."""

    data: bytes
    seq: int
    hash: str


@dataclass(frozen=True)
class Accepted:
    """A received document that passed every check (`duplicate`: the same file was already in)."""

    verified: Verified
    seq: int
    prev: str | None
    checks: tuple[str, ...]
    duplicate: bool

    @property
    def payload(self) -> dict[str, Any]:
        payload = self.verified.payload
        assert isinstance(payload, dict)
        return payload

    @property
    def kid(self) -> str:
        return self.verified.signers[0].kid


def sign_next(
    session: Session,
    kind: str,
    cty: str,
    payload: Mapping[str, Any],
    key: SigningKey,
    *,
    source: str,
    items: int,
    now: datetime | None = None,
) -> Signed:
    """Sign `payload` as this desk's next document of `kind` and remember it as sent."""
    last = rows.last_document(session, "sent", kind, key.kid)
    seq, prev = next_link(last.document.encode("utf-8") if last is not None else None)
    issued_at = timestamp(now or datetime.now(UTC))
    body = {**payload, "seq": seq, "prev": prev, "issued_at": issued_at}
    data = document_bytes(sign_flattened(body, key, cty))
    doc_hash = document_hash(data)
    rows.record_document(
        session,
        doc_hash=doc_hash,
        direction="sent",
        kind=kind,
        kid=key.kid,
        seq=seq,
        prev=prev,
        issued_at=issued_at,
        source=source,
        items=items,
        document=data,
    )
    return Signed(data, seq, doc_hash)


def accept(
    session: Session,
    data: bytes,
    *,
    kind: str,
    cty: str,
    keyset: KeySet,
    source: str,
    error: Callable[..., PanelError],
    allow_gap: bool = False,
    now: datetime | None = None,
) -> Accepted:
    """Verify a received document against the key-set and its signer's chain, or raise `error`.

    Nothing is written here: the caller records the document (`remember`) in the same
    transaction as what it imports.
    """
    checks: list[str] = [
        f"trusting the key-set of league {keyset.league!r}, version {keyset.version}"
    ]
    try:
        verified = verify(
            data, keyset, expected_cty=cty, max_bytes=MAX_DOCUMENT_BYTES, source=source
        )
        checks.extend(verified.checks)
        if verified.form != "flattened" or len(verified.signers) != 1:
            raise error(
                "bad_content",
                f"a {kind} document has exactly one signer (flattened JWS); this one has "
                f"{len(verified.signers)} in the {verified.form} form",
                source=source,
                passed=checks,
            )
        checks.extend(check_validity(verified.payload, now))
        seq, prev = link_of(verified.payload)
        duplicate = rows.document_seen(session, verified.document_hash) is not None
        if duplicate:
            checks.append("this very document was imported before: nothing to do")
        else:
            kid = verified.signers[0].kid
            last = rows.last_document(session, "received", kind, kid)
            checks.append(
                check_link(
                    seq,
                    prev,
                    last.seq if last is not None else None,
                    last.hash if last is not None else None,
                    allow_gap=allow_gap,
                )
            )
    except SigningError as failure:
        raise error(
            failure.reason.value,
            failure.detail,
            source=source,
            passed=list(dict.fromkeys([*checks, *failure.passed])),
        ) from None
    return Accepted(verified, seq, prev, tuple(checks), duplicate)


def remember(
    session: Session, accepted: Accepted, data: bytes, *, kind: str, source: str, items: int
) -> None:
    """Record an accepted document: the signer's chain moves on, a re-import is a no-op."""
    rows.record_document(
        session,
        doc_hash=accepted.verified.document_hash,
        direction="received",
        kind=kind,
        kid=accepted.kid,
        seq=accepted.seq,
        prev=accepted.prev,
        issued_at=str(accepted.payload.get("issued_at", "")),
        source=source,
        items=items,
        document=data,
    )
