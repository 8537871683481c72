"""Whatever a verdict file holds, submitting it either stores a verdict or is refused with
problems that name keys; it never crashes and a refusal stores nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select
from verdict_cases import JOSE

from steward_desk.core.verdict import VerdictError
from steward_desk.storage.stewards import StewardInfo
from steward_desk.storage.tables import VerdictRow
from steward_desk.storage.verdicts import VerdictRepository

KEYS = ["category", "outcome", "at_fault", "penalty", "checklist", "factors", "rule_refs",
        "reasoning", "private_notes", "severity", "override_reason", "evidence", "affected",
        "id", "version", "colour"]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 30),
    st.sampled_from(["avoidable_contact", "penalty", "warning", "time", "moderate", JOSE, ""]),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from([*KEYS, "type", "value"]), inner, max_size=3),
    ),
    max_leaves=6,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=9)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=documents)
@example(doc={"category": "avoidable_contact", "evidence": 5})
@example(doc={"category": "avoidable_contact", "affected": [1]})
def test_any_document_is_stored_or_refused_by_key(
    repo: VerdictRepository, stewards: dict[str, StewardInfo], doc: dict[str, object]
) -> None:
    incident_id = repo.store.incidents.resolve("1")
    with repo.store.read() as session:
        before = session.exec(select(func.count()).select_from(VerdictRow)).one()
    try:
        record = repo.submit(incident_id, stewards["ana"], doc)
    except VerdictError as error:
        assert error.problems and all(isinstance(p.path, str) for p in error.problems)
        with repo.store.read() as session:
            after = session.exec(select(func.count()).select_from(VerdictRow)).one()
        assert after == before
    else:
        assert record.submitted and record.body["category"] == doc["category"]
