"""One signer's documents in order: seq and prev refuse rollback, replay and forks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward_desk.signing.chain import check_link, link_of, next_link
from steward_desk.signing.errors import ChainError, Refusal, SignatureError
from steward_desk.signing.jws import (
    document_bytes,
    document_hash,
    sign_flattened,
    unverified_payload,
)
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.validity import check_validity, timestamp

CTY = "application/vnd.steward-desk.verdicts+json"


def bundle(key: SigningKey, prev_doc: bytes | None, verdicts: int) -> bytes:
    seq, prev = next_link(prev_doc)
    payload = {"seq": seq, "prev": prev, "verdicts": list(range(verdicts))}
    return document_bytes(sign_flattened(payload, key, CTY))


def test_a_stewards_bundles_chain_and_the_head_accepts_them_in_order(sam: SigningKey) -> None:
    first = bundle(sam, None, 1)
    second = bundle(sam, first, 2)
    third = bundle(sam, second, 3)
    seen_seq, seen_hash = None, None
    for doc in (first, second, third):
        seq, prev = link_of(unverified_payload(doc))
        check_link(seq, prev, seen_seq, seen_hash)
        seen_seq, seen_hash = seq, document_hash(doc)
    assert seen_seq == 3


def test_rollback_replay_gap_and_fork_are_refused(sam: SigningKey) -> None:
    first = bundle(sam, None, 1)
    second = bundle(sam, first, 2)
    h1, h2 = document_hash(first), document_hash(second)
    with pytest.raises(ChainError) as refused:
        check_link(1, None, 2, h2)
    assert refused.value.reason is Refusal.ROLLBACK
    with pytest.raises(ChainError) as refused:
        check_link(2, h1, 2, h2)
    assert refused.value.reason is Refusal.REPLAY
    with pytest.raises(ChainError) as refused:
        check_link(4, "whatever", 2, h2)
    assert refused.value.reason is Refusal.GAP
    assert "3–3" in str(refused.value)
    assert "follows 2" in check_link(4, "whatever", 2, h2, allow_gap=True)
    forked = bundle(sam, bundle(sam, None, 5), 6)  # a second history from seq 1
    with pytest.raises(ChainError) as refused:
        check_link(2, link_of_doc(forked)[1], 1, h1)
    assert refused.value.reason is Refusal.PREV_MISMATCH
    assert "seq 2 follows 1" in check_link(2, h1, 1, h1)


def link_of_doc(doc: bytes) -> tuple[int, str | None]:
    return link_of(unverified_payload(doc))


@pytest.mark.parametrize(
    "payload",
    [{"seq": 0, "prev": None}, {"seq": 1, "prev": "x"}, {"seq": 2, "prev": None}, {"seq": 1}, []],
)
def test_malformed_links_are_refused(payload: object) -> None:
    with pytest.raises(ChainError):
        link_of(payload)


def test_feeds_carry_issued_at_and_expires() -> None:
    now = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)
    fresh = {"issued_at": timestamp(now), "expires": timestamp(now + timedelta(days=7))}
    assert check_validity(fresh, now) == [
        "issued at 2025-05-01T20:00:00Z",
        "not expired (expires 2025-05-08T20:00:00Z)",
    ]
    with pytest.raises(SignatureError) as refused:
        check_validity(fresh, now + timedelta(days=8))
    assert refused.value.reason is Refusal.EXPIRED
    with pytest.raises(SignatureError) as refused:
        check_validity(fresh, now - timedelta(hours=1))
    assert refused.value.reason is Refusal.NOT_YET_VALID
    with pytest.raises(SignatureError) as refused:
        check_validity({"expires": "next week"}, now)
    assert refused.value.reason is Refusal.BAD_TIMESTAMP
    with pytest.raises(SignatureError):
        check_validity({"expires": "2025-05-08T20:00:00"}, now)  # no timezone
    assert check_validity({"verdicts": []}, now) == []
