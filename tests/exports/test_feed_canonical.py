"""The feed's fast canonical JSON is RFC 8785 byte for byte, and its signature is the one the
signing layer would make: checked against `canonical_bytes` and `sign_flattened` on any text."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.exports.decisions_feed import (
    FEED_CTY,
    canonical_payload,
    linked_payload,
    sign_feed,
)
from steward_desk.signing.canonical import canonical_bytes
from steward_desk.signing.jws import document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey

KEY = SigningKey.generate()

# Any Unicode text a driver name or a reason may hold (no lone surrogates: not encodable),
# NFC-normalised as the records are.
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40).map(
    lambda s: unicodedata.normalize("NFC", s)
)
ints = st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
keys = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12)
values = st.recursive(
    st.none() | st.booleans() | ints | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=120, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_fast_canonical_json_is_rfc8785_for_any_feed_shaped_payload(doc: dict) -> None:  # type: ignore[type-arg]
    assert canonical_payload(doc) == canonical_bytes(doc)


@settings(max_examples=10, deadline=None)
@given(st.dictionaries(keys, values, max_size=4))
def test_a_signed_feed_is_what_sign_flattened_makes(doc: dict) -> None:  # type: ignore[type-arg]
    assert sign_feed(doc, KEY) == document_bytes(sign_flattened(doc, KEY, FEED_CTY))


def test_the_awkward_characters() -> None:
    doc = {
        "reasoning": 'quote " backslash \\ nul \x00 bell \x07 tab \t nl \n del \x7f ß 😀 \u2028',
        "name": "Zoë Ø 丁 \U0001f3ce",
        "ids": [0, -1, 2**53 - 1],
        "z": {"b": None, "a": True, "A": False, "_": ""},
    }
    assert canonical_payload(doc) == canonical_bytes(doc)


early_keys = st.text(st.sampled_from("abcdefghijklmno_"), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(early_keys, values, max_size=5),
    st.integers(min_value=1, max_value=2**31),
    st.none() | st.text(st.sampled_from("ABCxyz019-_"), min_size=43, max_size=43),
)
def test_the_chain_link_appended_to_the_body_is_the_canonical_linked_payload(
    doc: dict,  # type: ignore[type-arg]
    seq: int,
    prev: str | None,
) -> None:
    linked = linked_payload(canonical_payload(doc), seq, prev)
    assert linked == canonical_bytes({**doc, "seq": seq, "prev": prev})


def test_every_member_of_a_feed_sorts_before_the_link() -> None:
    from steward_desk.exports.decisions_feed import feed_payload

    payload = feed_payload(
        [], league="L", event=None, issued_at=datetime.now(UTC), expires=datetime.now(UTC),
        seq=1, prev=None, issuer="I",
    )  # fmt: skip
    assert max(k for k in payload if k not in ("seq", "prev")) < "prev" < "seq"
