"""Whatever a steward writes, a bundle carries it exactly: random verdicts signed into a
bundle, verified and read back are the same verdicts, field for field."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward_desk.core.model import Outcome, Penalty, PenaltyType
from steward_desk.core.rulebook import (
    PenaltyRequirement,
    Rulebook,
    load_rulebook,
    penalty_needs_value,
)
from steward_desk.core.verdict import SANCTIONS, StewardRef, Verdict
from steward_desk.panel.bundles import VERDICTS_CTY, bundle_payload, read_bundle
from steward_desk.signing.jws import document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey, TrustedKey
from steward_desk.signing.verify import verify

RULEBOOK: Rulebook = load_rulebook()
KEY = SigningKey.generate()

# Canonical JSON normalises strings to NFC, so a steward typing "é" two ways signs one text.
nfc_text = st.text(max_size=80).map(lambda t: unicodedata.normalize("NFC", t))
words = nfc_text.filter(lambda t: bool(t.strip()))
player_ids = st.from_regex(r"S7656119[0-9]{10}", fullmatch=True)


@st.composite
def verdicts(draw: st.DrawFn) -> Verdict:
    category = draw(st.sampled_from(RULEBOOK.categories))
    spec = draw(st.sampled_from(RULEBOOK.outcomes))
    penalty = None
    if spec.penalty is not PenaltyRequirement.NONE:
        allowed = [t for t in RULEBOOK.penalty_types if spec.allows(t)]
        wants = spec.penalty is PenaltyRequirement.REQUIRED or draw(st.booleans())
        if wants and allowed:
            kind: PenaltyType = draw(st.sampled_from(allowed))
            value = draw(st.integers(1, 600)) if penalty_needs_value(kind) else 0
            penalty = Penalty(kind, value)
    sanction = spec.id in SANCTIONS
    at_fault = draw(st.lists(player_ids, min_size=1 if sanction else 0, max_size=3, unique=True))
    questions = category.checklist_ids
    checklist = draw(
        st.dictionaries(st.sampled_from(questions), st.none() | st.booleans(), max_size=4)
        if questions
        else st.just({})
    )
    factors = draw(st.lists(st.sampled_from([f.id for f in RULEBOOK.factors]), unique=True))
    return Verdict(
        id=str(uuid.uuid4()),
        incident_id=str(uuid.uuid4()),
        steward=StewardRef(KEY.kid, "Ann"),
        category=category.id,
        outcome=Outcome(spec.id),
        at_fault=tuple(at_fault),
        penalty=penalty,
        checklist=checklist,
        factors=tuple(factors),
        rule_refs=tuple(draw(st.lists(words, max_size=3, unique=True))),
        reasoning=draw(words),
        private_notes=draw(nfc_text),
        severity=draw(st.none() | st.sampled_from(RULEBOOK.severity_ids)),
        override_reason=draw(nfc_text),
        created_at=draw(
            st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1))
        ).replace(tzinfo=UTC),
        submitted=True,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(verdicts(), min_size=1, max_size=6))
def test_random_verdicts_survive_sign_verify_parse(sent: list[Verdict]) -> None:
    payload = {**bundle_payload(KEY.kid, "Ann", sent), "seq": 1, "prev": None}
    payload["issued_at"] = "2026-11-21T06:00:00Z"
    data = document_bytes(sign_flattened(payload, KEY, VERDICTS_CTY))
    checked = verify(data, [TrustedKey(KEY.jwk, "Ann")], VERDICTS_CTY)
    received = read_bundle(checked.payload, KEY.kid, RULEBOOK)
    assert [v.to_json() for v in received] == [v.to_json() for v in sent]
