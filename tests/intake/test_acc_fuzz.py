"""Whatever bytes arrive, the results parser answers with a session or an AccResultsError —
never another exception. Random bytes, truncations and mutated valid documents."""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward_desk.intake.acc_bytes import utf8_text
from steward_desk.intake.acc_lenient import results_from_json
from steward_desk.intake.acc_results import (
    AccSession,
    decode_acc_bytes,
    parse_acc_results,
    read_acc_file,
)
from steward_desk.intake.errors import AccResultsError

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def parse_or_refuse(data: bytes) -> AccSession | None:
    try:
        return parse_acc_results(data, "fuzz.json")
    except AccResultsError as exc:
        assert str(exc).startswith("fuzz.json: ")
        return None


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_give_a_typed_error(data):
    parse_or_refuse(data)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_behind_a_bom_give_a_typed_error(data):
    parse_or_refuse(b"\xff\xfe" + data)
    with contextlib.suppress(AccResultsError):
        read_acc_file(b"\xef\xbb\xbf" + data, "fuzz.json")


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@FUZZ
@given(data=st.data())
def test_mutated_valid_documents_parse_or_name_the_problem(race_doc, acc_bytes, data):
    doc = race_doc()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths), label="path")
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete"]), label="action")
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "delete" and isinstance(parent, list):
            parent.pop(path[-1])
        else:
            parent[path[-1]] = data.draw(json_values, label="value")
    encoding = data.draw(st.sampled_from(["utf-16-le", "utf-8", "utf-16-le-bom"]), label="enc")
    session = parse_or_refuse(acc_bytes(doc, encoding))
    if session is not None:
        assert all(isinstance(c.lap_count, int) for c in session.cars)
        for laps in session.car_laps:
            assert isinstance(laps.car_id, int) and len(laps) >= 1
            assert len(laps.valid) == len(laps.driver_index) == len(laps.splits) == len(laps)
            assert [lap.lap_number for lap in laps.laps()] == list(range(1, len(laps) + 1))


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_any_truncation_of_a_genuine_file_is_refused_or_complete(race_doc, acc_bytes, cut):
    data = acc_bytes(race_doc())
    cut %= len(data) + 1
    session = parse_or_refuse(data[:cut])
    if session is not None:
        assert cut == len(data)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_json_text_document_is_refused_or_read(text):
    parse_or_refuse(
        json.dumps({"sessionType": "R", "trackName": text, "sessionResult": text}).encode()
    )
    parse_or_refuse(text.encode("utf-16-le"))


@FUZZ
@given(data=st.data())
def test_the_fast_and_the_lenient_reading_agree_on_any_document_both_accept(
    race_doc, acc_bytes, data
):
    """Two readers (typed msgspec decode for well-formed files, json.loads + a key-naming
    reader for the rest) must never disagree: mutate a race, read it both ways, compare."""
    doc = race_doc()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(_paths(doc)), label="path")
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = data.draw(json_values, label="value")
    raw = acc_bytes(doc, data.draw(st.sampled_from(["utf-8", "utf-16-le"]), label="enc"))
    try:
        fast = parse_acc_results(raw, "fuzz.json")  # typed when it can be
    except AccResultsError:
        fast = None
    try:
        # The lenient reader alone (no public switch picks it for a good file).
        text = decode_acc_bytes(raw, "fuzz.json")
        lenient = results_from_json(json.loads(text), hashlib.sha256(raw).hexdigest(), "fuzz.json")
    except AccResultsError:
        lenient = None
    assert (fast is None) == (lenient is None)
    assert fast == lenient


_LATIN1_HEAVY = st.text(
    alphabet=st.sampled_from([*'ab{}":, 09', *"é©ßÄÂÃ\x80\x82\x84\xbf\xc0\xff", "ł", "😀"])
    | st.characters(max_codepoint=0x2FF)
)


@FUZZ
@given(text=_LATIN1_HEAVY)
def test_the_text_msgspec_reads_is_exactly_its_utf8(text: str) -> None:
    """utf8_text hands msgspec an ASCII str as it is and anything else as its UTF-8 bytes,
    however many distinct Latin-1 characters (the fast path) or wider ones (CPython's
    encoder) it holds."""
    out = utf8_text(text)
    if text.isascii():
        assert out is text
    else:
        assert out == text.encode()
