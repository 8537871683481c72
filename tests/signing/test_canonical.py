"""Canonical payload bytes (RFC 8785) and the strict parser every received file goes through."""

from __future__ import annotations

import contextlib
import json
import unicodedata

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.signing.canonical import canonical_bytes, is_canonical, loads_strict
from steward_desk.signing.errors import JsonError, Refusal

# RFC 8785 §3.2.2, the sample's strings and literals (its numbers are floats: see below).
RFC_STRINGS_INPUT = r"""{
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC_STRINGS_OUTPUT = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'

# RFC 8785 §3.2.3, the property-sorting example, and the order the RFC gives.
RFC_SORTING_INPUT = r"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""
RFC_SORTING_OUTPUT = (
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
    '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
    '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
).encode()


def test_rfc8785_string_and_literal_sample_is_reproduced_byte_for_byte() -> None:
    doc = json.loads(RFC_STRINGS_INPUT)
    assert canonical_bytes(doc) == RFC_STRINGS_OUTPUT.encode("utf-8")


def test_rfc8785_property_sorting_example_is_reproduced_byte_for_byte() -> None:
    doc = json.loads(RFC_SORTING_INPUT)
    # The library itself is JCS, byte for byte.
    assert rfc8785.dumps(doc) == RFC_SORTING_OUTPUT
    # Ours adds NFC: U+FB33 is a composition exclusion, so its NFC form is U+05D3 U+05BC.
    # Every other member is already NFC and comes out exactly as the RFC prints it.
    without_dalet = {k: v for k, v in doc.items() if k != "\ufb33"}
    expected = RFC_SORTING_OUTPUT.replace(
        ',"\ufb33":"Hebrew Letter Dalet With Dagesh"'.encode(), b""
    )
    assert canonical_bytes(without_dalet) == expected
    assert canonical_bytes({"\ufb33": 1}) == '{"\u05d3\u05bc":1}'.encode()


def test_rfc8785_appendix_b_integers_in_the_safe_range_are_written_as_the_rfc_says() -> None:
    # Appendix B: 0x0000000000000000 → "0" and 0x8000000000000000 (minus zero) → "0".
    assert canonical_bytes([0.0, -0.0, 0]) == b"[0,0,0]"
    # 2^53 − 1 is the largest integer every JSON reader holds exactly (I-JSON).
    assert canonical_bytes(9007199254740991) == b"9007199254740991"
    assert canonical_bytes(-9007199254740991) == b"-9007199254740991"


def test_the_rfc_number_sample_is_refused_because_payloads_carry_integers_only() -> None:
    numbers = [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001]
    with pytest.raises(JsonError) as refused:
        canonical_bytes({"numbers": numbers})
    assert refused.value.reason is Refusal.NOT_CANONICAL
    assert refused.value.path == "$.numbers[0]"
    # 1e30 is a whole number but beyond 2^53: refused too, not rounded.
    with pytest.raises(JsonError, match="outside"):
        canonical_bytes({"big": 1e30})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1.5, 2**53, object(), b"x"])
def test_values_that_cannot_be_signed_are_refused_with_their_path(value: object) -> None:
    with pytest.raises(JsonError) as refused:
        canonical_bytes({"verdicts": [{"penalty": value}]})
    assert refused.value.path == "$.verdicts[0].penalty"


def test_strings_and_keys_are_nfc_normalised_and_whole_floats_become_integers() -> None:
    decomposed = "Rene\u0301"  # e + combining acute
    assert canonical_bytes({decomposed: decomposed, "time": 5.0}) == (
        '{"René":"René","time":5}'.encode()
    )


def test_two_keys_equal_after_nfc_are_refused_rather_than_one_silently_dropped() -> None:
    with pytest.raises(JsonError) as refused:
        canonical_bytes({"Rene\u0301": 1, "René": 2})
    assert refused.value.reason is Refusal.DUPLICATE_KEY


def test_lone_surrogates_and_non_string_keys_are_refused() -> None:
    with pytest.raises(JsonError, match="surrogate"):
        canonical_bytes({"name": "\ud800"})
    with pytest.raises(JsonError, match="not a string"):
        canonical_bytes({1: "x"})


@pytest.mark.parametrize(
    ("data", "reason", "line"),
    [
        (b'{"a": 1,\n "b": {"c": 1,\n   "c": 2}}', Refusal.DUPLICATE_KEY, 3),
        (b'[{"x": 1, "x": 1}]', Refusal.DUPLICATE_KEY, 1),
        (b'{"a": 1', Refusal.MALFORMED_JSON, 1),
        (b'{"a": 1}\n{"b": 2}', Refusal.MALFORMED_JSON, 2),
        (b'{"a": 1.5}', Refusal.MALFORMED_JSON, None),
        (b'{"a": NaN}', Refusal.MALFORMED_JSON, None),
        (b'{"a": "\xff"}', Refusal.INVALID_UTF8, 1),
        (b'\xef\xbb\xbf{"a": 1}', Refusal.MALFORMED_JSON, 1),
        (b"[" * 100_000, Refusal.TOO_DEEP, None),
    ],
)
def test_strict_parser_refuses_what_two_parsers_could_read_differently(
    data: bytes, reason: Refusal, line: int | None
) -> None:
    with pytest.raises(JsonError) as refused:
        loads_strict(data, source="bundle.json")
    assert refused.value.reason is reason
    assert refused.value.line == line
    assert str(refused.value).startswith("bundle.json: ")


def test_duplicate_key_message_names_the_key_and_where_it_is() -> None:
    with pytest.raises(JsonError) as refused:
        loads_strict(b'{"session": "R",\n  "session": "Q"}')
    assert '"session"' in str(refused.value)
    assert (refused.value.line, refused.value.column) == (2, 3)


def test_oversized_input_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(JsonError) as refused:
        loads_strict(b"[" + b"1," * 600 + b"1]", max_bytes=1000)
    assert refused.value.reason is Refusal.OVERSIZED


def test_is_canonical_tells_canonical_bytes_from_other_spellings() -> None:
    assert is_canonical(b'{"a":1,"b":[true,null]}')
    assert not is_canonical(b'{"b":[true,null],"a":1}')
    assert not is_canonical(b'{"a": 1}')
    assert not is_canonical(b'{"a":1,"a":1}')


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.text().map(lambda s: unicodedata.normalize("NFC", s)),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8).map(lambda s: unicodedata.normalize("NFC", s)), children, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_canonical_bytes_parse_back_to_the_same_document(doc: object) -> None:
    data = canonical_bytes(doc)
    assert loads_strict(data) == doc
    assert is_canonical(data)
    assert json.loads(data) == doc


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_the_strict_parser_only_ever_answers_a_value_or_a_json_error(data: bytes) -> None:
    try:
        loads_strict(data)
    except JsonError as error:
        assert error.reason in set(Refusal)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}[]":,0123456789-abe.\\ntrufls \n', max_size=60))
def test_the_strict_parser_survives_near_json_text(text: str) -> None:
    with contextlib.suppress(JsonError):
        loads_strict(text.encode())
