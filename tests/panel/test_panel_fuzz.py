"""Whatever bytes arrive, the head desk answers with a refusal it can explain (a PanelError
naming the file), never a crash, and nothing is written; and a case pack reader given any
JSON either reads it or lists what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.desks import Panel, copy_panel, keyset_of
from steward_desk.core.rulebook import load_rulebook
from steward_desk.panel.bundles import import_bundles
from steward_desk.panel.case_pack_schema import read_case_pack
from steward_desk.panel.errors import BundleError, CasePackError


@pytest.fixture(scope="module")
def head_with_chain(panel_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Panel:
    """The head desk after Ann's first bundle went in (so every variant of it is refused)."""
    panel = copy_panel(panel_template, tmp_path_factory.mktemp("fuzz") / "panel")
    pack = panel.files / "cases.json"
    panel.head.signing("cases", "export", "--out", str(pack))
    panel.ann.ok("cases", "import", str(pack))
    panel.submit(panel.ann, 1, "penalty", 5)
    panel.ann.signing("bundle", "export", "--out", str(panel.files / "ann.json"))
    panel.head.ok("bundle", "import", str(panel.files / "ann.json"))
    return panel


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif out:
            del out[at : at + draw(st.integers(1, 16))]
    return bytes(out)


def test_damaged_bundles_are_refused_and_change_nothing(head_with_chain: Panel) -> None:
    head = head_with_chain.head
    original = (head_with_chain.files / "ann.json").read_bytes()
    keyset, rulebook = keyset_of(head), load_rulebook()
    before = head.dump()
    store = head.store()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(damaged(original))
    def check(data: bytes) -> None:
        if data == original:
            return
        with pytest.raises(BundleError) as refused:
            import_bundles(store, [("ann-damaged.json", data)], keyset, rulebook)
        assert refused.value.source and "ann-damaged.json" in refused.value.source
        assert refused.value.detail

    try:
        check()
    finally:
        store.close()
    assert head.dump() == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)
pack_like = st.fixed_dictionaries(
    {},
    optional={
        "format": st.integers(0, 3),
        "league": st.text(max_size=8),
        "seq": st.integers(1, 3),
        "head": json_values,
        "events": st.lists(json_values, max_size=3),
        "sessions": st.lists(json_values, max_size=3),
        "drivers": st.lists(json_values, max_size=3),
        "incidents": st.lists(json_values, max_size=3),
    },
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(pack_like, st.dictionaries(st.text(max_size=10), json_values, max_size=6)))
def test_any_payload_is_read_or_refused_with_its_keys(payload: dict[str, object]) -> None:
    try:
        read_case_pack(payload, "fuzz.json")
    except CasePackError as error:
        assert error.source == "fuzz.json" and "not valid" in error.detail
