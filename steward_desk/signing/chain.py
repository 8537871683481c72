"""Rollback protection: each signer's documents form a chain (`seq`, `prev`).

A signer's n-th document carries `seq` = n and `prev` = the hash of its (n−1)-th document's
transmitted bytes (null for the first). A receiver remembers, per signer, the last `seq` and
document hash it accepted, so an old bundle sent again, or one from a forked history, is
refused instead of silently overwriting newer verdicts.
"""

from __future__ import annotations

from typing import Any

from steward_desk.signing.errors import ChainError, Refusal
from steward_desk.signing.jws import document_hash, unverified_payload


def next_link(prev_doc_bytes: bytes | None) -> tuple[int, str | None]:
    """`(seq, prev)` for a signer's next document, given its previous one (None: the first).

    The previous document is this desk's own output, so its signature is not checked here.
    """
    if prev_doc_bytes is None:
        return 1, None
    payload = unverified_payload(prev_doc_bytes)
    seq = payload.get("seq") if isinstance(payload, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ChainError(
            Refusal.PREV_MISMATCH,
            f"the previous document has no valid seq (found {seq!r}); cannot continue its chain",
        )
    return seq + 1, document_hash(prev_doc_bytes)


def link_of(payload: Any) -> tuple[int, str | None]:
    """The `(seq, prev)` a verified payload claims; `ChainError` when they are missing/invalid."""
    if not isinstance(payload, dict):
        raise ChainError(Refusal.PREV_MISMATCH, "the payload is not an object with seq and prev")
    seq, prev = payload.get("seq"), payload.get("prev", "missing")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ChainError(Refusal.PREV_MISMATCH, f"seq must be a positive integer, found {seq!r}")
    if prev is not None and not isinstance(prev, str):
        raise ChainError(Refusal.PREV_MISMATCH, f"prev must be a hash or null, found {prev!r}")
    if prev == "missing":
        raise ChainError(Refusal.PREV_MISMATCH, "the payload has no prev")
    if seq == 1 and prev is not None:
        raise ChainError(Refusal.PREV_MISMATCH, "the first document (seq 1) must have prev null")
    if seq > 1 and prev is None:
        raise ChainError(Refusal.PREV_MISMATCH, f"document {seq} must name its previous one")
    return seq, prev


def check_link(
    seq: int,
    prev: str | None,
    last_seen_seq: int | None,
    last_seen_hash: str | None,
    *,
    allow_gap: bool = False,
) -> str:
    """Accept document `seq` after the last one seen from the same signer, or raise ChainError.

    Returns the check that passed, in words. `last_seen_seq` None means nothing was seen from
    this signer yet: any well-formed start is accepted. A gap (seq jumps by more than one) is
    refused unless `allow_gap`, because the missing documents could not be checked.
    Re-importing the very same document is the caller's decision: compare its hash with
    `last_seen_hash` before calling (an identical document is a no-op, not a replay).
    """
    if last_seen_seq is None:
        return f"seq {seq} is the first document seen from this signer"
    if seq < last_seen_seq:
        raise ChainError(
            Refusal.ROLLBACK,
            f"document {seq} is older than document {last_seen_seq} already imported from this "
            "signer (rolled back)",
        )
    if seq == last_seen_seq:
        raise ChainError(
            Refusal.REPLAY,
            f"document {seq} was already imported from this signer, with different content",
        )
    if seq > last_seen_seq + 1:
        if not allow_gap:
            raise ChainError(
                Refusal.GAP,
                f"document {seq} follows {last_seen_seq}: documents "
                f"{last_seen_seq + 1}–{seq - 1} from this signer are missing; import them first",
            )
        return f"seq {seq} follows {last_seen_seq} (documents in between not seen)"
    if prev != last_seen_hash:
        raise ChainError(
            Refusal.PREV_MISMATCH,
            f"document {seq} does not follow the document {last_seen_seq} this desk holds "
            "(its prev hash differs): the signer's history forked",
        )
    return f"seq {seq} follows {last_seen_seq} (prev hash matches)"
