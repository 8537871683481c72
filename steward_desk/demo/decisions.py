"""Decide the demo's decided cases through the head steward's real path, so precedents,
revised results, the ledger and the documents have something to show.

The demo's head steward signs with a key made for the build and not kept: nothing on this
desk can sign with it afterwards, and the desk's own key (if any) is untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from steward_desk.core.model import EventKind, StewardRole
from steward_desk.core.penalties import PenaltyCalculator
from steward_desk.core.rulebook import Rulebook, load_rulebook, penalty_to_json
from steward_desk.storage.store import Store

DEMO_LEAGUE_HEAD = "Alex Marshal"


def decide_demo_cases(
    store: Store,
    league: str,
    decided: Sequence[tuple[Mapping[str, Any], str, EventKind, list[str]]],
) -> int:
    """`decided`: (the recipe's decision, incident id, event kind, at-fault player ids)."""
    if not decided:
        return 0
    from steward_desk.panel.decisions import decide
    from steward_desk.signing.keys import SigningKey
    from steward_desk.signing.keyset import create_keyset, load_keyset

    rulebook = load_rulebook()
    key = SigningKey.generate()
    keyset = load_keyset(create_keyset(league, key, DEMO_LEAGUE_HEAD, StewardRole.HEAD))
    for spec, incident_id, kind, at_fault in decided:
        decide(
            store, incident_id, rulebook, key, DEMO_LEAGUE_HEAD, keyset,
            doc=_form(spec, kind, at_fault, rulebook),
        )  # fmt: skip
    return len(decided)


def _form(
    spec: Mapping[str, Any], kind: EventKind, at_fault: list[str], rulebook: Rulebook
) -> dict[str, Any]:
    """The decision as the form would hold it: the tariff's ruling for the recipe's category,
    severity and factors, so it needs no override reason."""
    factors = tuple(spec.get("factors", ()))
    suggestion = PenaltyCalculator(rulebook).suggest(
        kind, spec["category"], spec.get("severity"), factors
    )
    return {
        "category": spec["category"],
        "outcome": suggestion.outcome.value,
        "at_fault": at_fault,
        "penalty": penalty_to_json(suggestion.penalty),
        "severity": suggestion.severity,
        "checklist": dict(spec.get("checklist", {})),
        "factors": list(factors),
        "rule_refs": list(rulebook.category(spec["category"]).rule_refs[:1]),
        "reasoning": spec["reasoning"],
        "private_notes": spec.get("private_notes", ""),
    }
