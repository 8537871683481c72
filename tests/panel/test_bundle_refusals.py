"""The head steward's desk refuses every bundle it cannot trust, says why in plain words, and
its database stays byte-for-byte what it was (a dump of every table before and after)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from panel.desks import Panel, copy_panel
from steward_desk.panel.bundles import VERDICTS_CTY
from steward_desk.panel.errors import MAX_DOCUMENT_BYTES
from steward_desk.signing import base64url
from steward_desk.signing.canonical import canonical_bytes
from steward_desk.signing.jws import document_hash, unverified_payload
from steward_desk.signing.keys import SigningKey


@dataclass
class Sent:
    """Ann judged two cases and sent two bundles (seq 1 with one verdict, seq 2 with both)."""

    panel: Panel
    first: Path
    second: Path
    ann: SigningKey

    def payload(self) -> dict[str, Any]:
        doc = unverified_payload(self.first.read_bytes())
        assert isinstance(doc, dict)
        return doc

    def write(self, name: str, data: bytes) -> Path:
        path = self.panel.files / name
        path.write_bytes(data)
        return path


@pytest.fixture(scope="module")
def sent_template(panel_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once for this module: the panel after Ann sent her two bundles."""
    root = tmp_path_factory.mktemp("sent") / "panel"
    panel = copy_panel(panel_template, root)
    pack = panel.files / "cases.json"
    panel.head.signing("cases", "export", "--out", str(pack))
    panel.ann.ok("cases", "import", str(pack))
    panel.submit(panel.ann, 1, "penalty", 5)
    first = panel.files / "ann-1.json"
    panel.ann.signing("bundle", "export", "--out", str(first))
    panel.submit(panel.ann, 2, "warning")
    second = panel.files / "ann-2.json"
    panel.ann.signing("bundle", "export", "--out", str(second))
    return root


@pytest.fixture
def sent(sent_template: Path, tmp_path: Path) -> Sent:
    panel = copy_panel(sent_template, tmp_path / "panel")
    files = panel.files
    return Sent(panel, files / "ann-1.json", files / "ann-2.json", panel.ann.key())


def craft(
    key: SigningKey,
    payload: object = None,
    *,
    header: dict[str, Any] | None = None,
    payload_bytes: bytes | None = None,
) -> bytes:
    """A flattened JWS signed by `key` with whatever header and payload bytes a test wants."""
    protected: dict[str, Any] = {"alg": "Ed25519", "kid": key.kid, "cty": VERDICTS_CTY}
    protected.update(header or {})
    p = base64url.encode(json.dumps(protected, separators=(",", ":")).encode())
    body = payload_bytes if payload_bytes is not None else canonical_bytes(payload)
    b = base64url.encode(body)
    signature = base64url.encode(key.sign(f"{p}.{b}".encode("ascii")))
    return json.dumps({"payload": b, "protected": p, "signature": signature}).encode()


def _flip_signature(s: Sent) -> bytes:
    doc = json.loads(s.first.read_bytes())
    raw = bytearray(base64url.decode(doc["signature"]))
    raw[10] ^= 0x01
    doc["signature"] = base64url.encode(bytes(raw))
    return json.dumps(doc).encode()


def _duplicate_payload_member(s: Sent) -> bytes:
    doc = json.loads(s.first.read_bytes())
    text = json.dumps(doc)
    return ('{"payload": "e30", ' + text[1:]).encode()


def _duplicate_key_inside_signed_payload(s: Sent) -> bytes:
    body = canonical_bytes(s.payload())
    forged = b'{"format":2,' + body[1:]  # "format" twice, validly signed
    return craft(s.ann, payload_bytes=forged)


def _forked_history(s: Sent) -> bytes:
    payload = s.payload()
    payload.update(seq=2, prev=base64url.encode(b"\x00" * 32))
    return craft(s.ann, payload)


def _unknown_incident(s: Sent) -> bytes:
    payload = s.payload()
    verdict = dict(payload["verdicts"][0])
    verdict.update(id=str(uuid.uuid4()), incident_id=str(uuid.uuid4()))
    payload.update(verdicts=[verdict], seq=2, prev=document_hash(s.first.read_bytes()))
    return craft(s.ann, payload)


REFUSALS: dict[str, tuple[Callable[[Sent], bytes], str, str]] = {
    "unknown key": (
        lambda s: craft(SigningKey.generate(), s.payload()),
        "unknown_kid",
        "not among the 4 trusted keys",
    ),
    "kid not matching the key": (
        lambda s: craft(s.ann, s.payload(), header={"kid": s.panel.bo.key().kid}),
        "bad_signature",
        "signature by Bo (steward",
    ),
    "bad signature": (_flip_signature, "bad_signature", "changed after signing"),
    "alg EdDSA": (
        lambda s: craft(s.ann, s.payload(), header={"alg": "EdDSA"}),
        "bad_alg",
        "only Ed25519 is accepted",
    ),
    "alg none": (
        lambda s: craft(s.ann, s.payload(), header={"alg": "none"}),
        "bad_alg",
        "only Ed25519",
    ),
    "alg HS256": (
        lambda s: craft(s.ann, s.payload(), header={"alg": "HS256"}),
        "bad_alg",
        "only Ed25519",
    ),
    "crit header": (
        lambda s: craft(s.ann, s.payload(), header={"crit": ["exp"], "exp": 1}),
        "crit_header",
        '"crit" header',
    ),
    "b64 header": (
        lambda s: craft(s.ann, s.payload(), header={"b64": False}),
        "b64_header",
        '"b64" header',
    ),
    "duplicate member in the envelope": (_duplicate_payload_member, "duplicate_key", "payload"),
    "duplicate key in the signed payload": (
        _duplicate_key_inside_signed_payload,
        "duplicate_key",
        "format",
    ),
    "prev not matching": (_forked_history, "prev_mismatch", "history forked"),
    "malformed JSON": (lambda s: s.first.read_bytes()[:-40], "malformed_json", "line 1"),
    "compact JWS": (
        lambda s: b"eyJhbGciOiJFZDI1NTE5In0.e30.c2ln",
        "compact_form",
        "compact JWS",
    ),
    "a case this desk does not hold": (_unknown_incident, "unknown_incident", "does not hold"),
    "not a bundle": (
        lambda s: craft(
            s.ann, s.payload(), header={"cty": "application/vnd.steward-desk.cases+json"}
        ),
        "cty_mismatch",
        "expected a application/vnd.steward-desk.verdicts+json document",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_the_head_desk_refuses_and_changes_nothing(sent: Sent, case: str) -> None:
    make, reason, words = REFUSALS[case]
    head = sent.panel.head
    head.ok("bundle", "import", str(sent.first))  # Ann's chain starts at bundle 1
    bad = sent.write("bad.json", make(sent))
    before = head.dump()
    code, out, said = head.run("bundle", "import", str(bad))
    assert code == 1, said
    assert f"refused ({reason})" in said and words in said, said
    assert "bad.json" in said and "nothing was imported" in said
    assert out == ""
    assert head.dump() == before


def test_an_older_bundle_after_a_newer_one_is_a_rollback(sent: Sent) -> None:
    head = sent.panel.head
    head.ok("bundle", "import", str(sent.second))
    before = head.dump()
    code, _, said = head.run("bundle", "import", str(sent.first))
    assert code == 1 and "refused (rollback)" in said and "rolled back" in said
    assert head.dump() == before


def test_oversized_input_is_refused_before_it_is_read(sent: Sent) -> None:
    head = sent.panel.head
    huge = sent.panel.files / "huge.json"
    with huge.open("wb") as out:
        out.truncate(MAX_DOCUMENT_BYTES + 1)
    before = head.dump()
    code, _, said = head.run("bundle", "import", str(huge))
    assert code == 1 and "more than a signed Steward Desk document may be" in said
    assert head.dump() == before


def test_oversized_bytes_are_refused_by_the_importer_too(sent: Sent, rulebook) -> None:  # type: ignore[no-untyped-def]
    from panel.desks import keyset_of
    from steward_desk.panel.bundles import import_bundles
    from steward_desk.panel.errors import BundleError

    head = sent.panel.head
    before = head.dump()
    store = head.store()
    try:
        with pytest.raises(BundleError) as refused:
            import_bundles(
                store, [("big.json", b" " * (MAX_DOCUMENT_BYTES + 1))], keyset_of(head), rulebook
            )
    finally:
        store.close()
    assert refused.value.reason == "oversized"
    assert head.dump() == before


def test_one_bad_file_among_good_ones_imports_nothing(sent: Sent) -> None:
    head = sent.panel.head
    bad = sent.write("bad.json", _flip_signature(sent))
    before = head.dump()
    code, _, said = head.run("bundle", "import", str(sent.first), str(bad))
    assert code == 1 and "bad.json" in said
    assert head.dump() == before  # not even the good first file went in
    head.ok("bundle", "import", str(sent.first), str(sent.second))
    again = head.dump()
    code, _, said = head.run("bundle", "import", str(sent.second))
    assert code == 0 and "imported before; nothing changed" in said
    assert head.dump() == again


def test_a_steward_desk_refuses_a_case_pack_not_signed_by_the_head_steward(
    panel: Panel,
) -> None:
    from steward_desk.panel.case_pack import CASES_CTY

    pack = panel.files / "cases.json"
    panel.head.signing("cases", "export", "--out", str(pack))
    payload = unverified_payload(pack.read_bytes())
    forged = panel.files / "forged.json"
    forged.write_bytes(craft(panel.bo.key(), payload, header={"cty": CASES_CTY}))
    before = panel.ann.dump()
    code, _, said = panel.ann.run("cases", "import", str(forged))
    assert code == 1 and "must be signed by a head" in said
    assert panel.ann.dump() == before
    # And a steward cannot make one at all.
    code, _, said = panel.bo.run(
        "cases", "export", "--out", str(panel.files / "x.json"),
        "--passphrase-file", str(panel.bo.passphrase_file),
    )  # fmt: skip
    assert code == 1 and "signed by the head steward" in said


def test_a_steward_desk_does_not_take_in_other_stewards_verdicts(sent: Sent) -> None:
    bo = sent.panel.bo
    bo.ok("cases", "import", str(sent.panel.files / "cases.json"))
    before = bo.dump()
    code, _, said = bo.run("bundle", "import", str(sent.first))
    assert code == 1 and "refused (wrong_role)" in said and "blind" in said
    assert bo.dump() == before


def test_case_packs_by_event_and_an_older_pack_after_a_newer_one(panel: Panel) -> None:
    monza = panel.files / "monza.json"
    panel.head.signing(
        "cases", "export", "--out", str(monza), "--event", "Friday Night Single · Monza"
    )
    everything = panel.files / "all.json"
    panel.head.signing("cases", "export", "--out", str(everything))
    payload = unverified_payload(monza.read_bytes())
    assert [i["number"] for i in payload["incidents"]] == [4]
    assert [e["name"] for e in payload["events"]] == ["Friday Night Single · Monza"]
    assert (payload["seq"], unverified_payload(everything.read_bytes())["seq"]) == (1, 2)

    panel.ann.ok("cases", "import", str(everything))
    before = panel.ann.dump()
    code, _, said = panel.ann.run("cases", "import", str(monza))
    assert code == 1 and "refused (rollback)" in said and "nothing was imported" in said
    assert panel.ann.dump() == before

    code, _, said = panel.head.run(
        "cases", "export", "--out", str(panel.files / "none.json"), "--event", "No Such Event",
        "--passphrase-file", str(panel.head.passphrase_file),
    )  # fmt: skip
    assert code == 1 and "no cases of event 'No Such Event'" in said


def test_a_lost_bundle_is_made_good_by_the_next_one(sent: Sent) -> None:
    panel = sent.panel
    panel.submit(panel.ann, 3, "penalty", 10)
    third = panel.files / "ann-3.json"
    panel.ann.signing("bundle", "export", "--out", str(third))  # bundle 2 never arrives
    panel.head.ok("bundle", "import", str(sent.first))
    out = json.loads(panel.head.ok("bundle", "import", str(third), "--json"))
    (result,) = out["bundles"]
    assert result["seq"] == 3 and result["new_verdicts"] == 2
    assert any("documents in between not seen" in c for c in result["checks"])
    code, _, said = panel.head.run("bundle", "import", str(sent.second))
    assert code == 1 and "refused (rollback)" in said
