"""Verifying a 10,000-decision feed takes a fraction of a second because canonical payloads are
recognised on a fast path (the standard library's C JSON) and base64url is decoded strictly
in C. Neither may ever accept what the long way (the strict parser plus the `rfc8785`
package, and the spelled-out base64url rules) refuses: these tests hold them to it."""

from __future__ import annotations

import contextlib
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.signing import base64url
from steward_desk.signing.base64url import _decode_checked
from steward_desk.signing.canonical import (
    canonical_bytes,
    is_canonical,
    loads_strict,
    parse_if_canonical,
)
from steward_desk.signing.errors import JsonError, Refusal, SignatureError
from steward_desk.signing.jws import protected_header
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.verify import verify

KEY = SigningKey.generate()


def the_long_way(data: bytes) -> tuple[bool, object]:
    """What verification decided before the fast path: strict parse, then RFC 8785 bytes."""
    try:
        value = loads_strict(data)
        return canonical_bytes(value) == data, value
    except JsonError:
        return False, None


def holds_to_the_long_way(data: bytes) -> None:
    proven, value = parse_if_canonical(data)
    if proven:
        assert the_long_way(data) == (True, value)


# Text that stresses the fast path: combining marks next to escapes and quotes, decomposed
# letters, Hangul jamo, characters on both sides of U+FFFF, controls.
awkward = st.text(
    st.sampled_from(
        ['a', 'e', 'n', '"', '\\', '\n', '\x01', '\u0301', '\u0308', '\u0316', 'é', 'Å',
         '\u212b', '\u1100', '\u1161', '\uac00', '\ue000', '\uffff', '\U0001f600',
         '\U00010000', '·', '/', '0', '9']
    ),
    max_size=8,
)  # fmt: skip
numbers = st.integers(-(2**60), 2**60)
documents = st.recursive(
    st.none() | st.booleans() | numbers | awkward,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(awkward, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=400, deadline=None)
@given(documents, st.booleans(), st.booleans())
def test_the_fast_path_accepts_nothing_the_long_way_refuses(
    doc: object, sort_keys: bool, ensure_ascii: bool
) -> None:
    # Every spelling a sloppy or hostile signer might send, and the canonical one.
    spellings = [
        json.dumps(
            doc, sort_keys=sort_keys, ensure_ascii=ensure_ascii, separators=(",", ":")
        ).encode("utf-8", "surrogatepass"),
        json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass"),
    ]
    with contextlib.suppress(JsonError):
        spellings.append(canonical_bytes(doc))
    for data in spellings:
        holds_to_the_long_way(data)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]":,0123456789-.\\ntrufl\u0301e\U0001f600\ue000', max_size=40))
def test_the_fast_path_accepts_nothing_the_long_way_refuses_in_near_json_text(text: str) -> None:
    holds_to_the_long_way(text.encode("utf-8", "surrogatepass"))


# Any text but control characters: an escape such as \n written before a combining mark is
# the one case the fast path leaves to the long way (see the test below).
nfc_text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12).map(
    lambda s: unicodedata.normalize("NFC", s)
)
bmp_keys = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs", "Cc"]), max_size=8)
signable = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | nfc_text,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            bmp_keys.map(lambda s: unicodedata.normalize("NFC", s)), inner, max_size=4
        )
    ),
    max_leaves=16,
)


@settings(max_examples=300, deadline=None)
@given(signable)
def test_what_steward_desk_signs_is_recognised_on_the_fast_path(doc: object) -> None:
    data = canonical_bytes(doc)
    assert parse_if_canonical(data) == (True, loads_strict(data))


def test_keys_beyond_u_ffff_sort_in_utf16_order_which_only_the_long_way_knows() -> None:
    doc = {"\ue000": 1, "\U0001f600": 2}
    canonical = canonical_bytes(doc)
    assert canonical == '{"\U0001f600":2,"\ue000":1}'.encode()  # UTF-16: D83D < E000
    python_order = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert parse_if_canonical(python_order.encode()) == (False, None)
    assert not is_canonical(python_order.encode())
    assert parse_if_canonical(canonical) == (False, None)  # undecided: the long way says yes
    assert is_canonical(canonical)


def test_an_emoji_in_a_value_does_not_leave_the_fast_path() -> None:
    data = canonical_bytes({"reasoning": "Clean pass 🏎️ into Eau Rouge", "z": 1})
    assert parse_if_canonical(data)[0]


def test_text_that_is_not_nfc_is_never_taken_as_canonical() -> None:
    decomposed = json.dumps({"name": "Zoe\u0308"}, ensure_ascii=False, separators=(",", ":"))
    assert parse_if_canonical(decomposed.encode()) == (False, None)
    assert not is_canonical(decomposed.encode())


def test_an_escape_next_to_a_combining_mark_goes_the_long_way_and_is_accepted() -> None:
    # "\n" + U+0301 is NFC; written as JSON, the "n" of the escape and the accent would
    # compose, so the whole-text NFC test cannot vouch for it: the long way decides.
    data = canonical_bytes({"a": "\n\u0301"})
    assert parse_if_canonical(data) == (False, None)
    assert is_canonical(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1,"a":1}',  # duplicate key
        b'{"a":9007199254740992}',  # beyond 2^53 - 1
        b'{"a":1.0}',  # a float
        b'{"a":NaN}',
        b'{"a":-0}',
        b"\xef\xbb\xbf{}",  # byte-order mark
        b'{"a":"\\ud800"}',  # lone surrogate
        b'{"a":"\xff"}',  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # too deep
        b"1" * 5000,  # more digits than Python converts
    ],
)
def test_what_the_long_way_refuses_the_fast_path_does_not_vouch_for(data: bytes) -> None:
    assert parse_if_canonical(data) == (False, None)
    assert not is_canonical(data)


def test_an_integer_too_long_to_convert_is_a_json_error_not_a_crash() -> None:
    with pytest.raises(JsonError) as refused:
        loads_strict(b"[" + b"7" * 5000 + b"]")
    assert refused.value.reason is Refusal.MALFORMED_JSON


def signed(payload: bytes) -> bytes:
    """A flattened JWS over exactly these payload bytes (canonical or not)."""
    protected = base64url.encode(canonical_bytes(protected_header(KEY, "application/x-test")))
    body = base64url.encode(payload)
    signature = base64url.encode(KEY.sign(f"{protected}.{body}".encode("ascii")))
    return json.dumps({"payload": body, "protected": protected, "signature": signature}).encode()


@pytest.mark.parametrize(
    "payload",
    [
        '{"\ue000":1,"\U0001f600":2}'.encode(),  # code-point order, not UTF-16 order
        '{"name":"Zoe\u0308"}'.encode(),  # not NFC
        b'{"a":1,"a":2}',
    ],
)
def test_verify_refuses_a_signed_payload_that_is_not_canonical(payload: bytes) -> None:
    with pytest.raises(SignatureError) as refused:
        verify(signed(payload), [KEY.jwk])
    assert refused.value.reason in (Refusal.NOT_CANONICAL, Refusal.DUPLICATE_KEY)


def test_verify_reads_a_canonical_payload_and_says_so() -> None:
    doc = {"decisions": [{"name": "Chloé Ånström", "car": 33}], "seq": 1}
    verified = verify(signed(canonical_bytes(doc)), [KEY.jwk])
    assert verified.payload == doc
    assert "payload is canonical JSON (RFC 8785)" in verified.checks


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("AQgw09az-_+/=. \n\u00e9"), max_size=14))
def test_base64url_fast_decoding_accepts_and_refuses_exactly_what_the_rules_do(
    text: str,
) -> None:
    try:
        expected: bytes | None = _decode_checked(text)
    except ValueError:
        expected = None
    try:
        got: bytes | None = base64url.decode(text)
    except ValueError:
        got = None
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_base64url_round_trips_and_refuses_non_zero_trailing_bits(data: bytes) -> None:
    text = base64url.encode(data)
    assert base64url.decode(text) == data
    if len(text) % 4:
        last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        changed = text[:-1] + last[(last.index(text[-1]) + 1) % 64]
        with pytest.raises(ValueError):
            base64url.decode(changed)
