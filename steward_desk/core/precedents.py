"""Earlier decisions as precedents: the consistency stewards are judged on.

The precedents panel lists the league's decisions in the same category, same track first,
and the verdict form warns when a proposed penalty falls outside what they gave.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltyType
from steward_desk.core.wording import counted


@dataclass(frozen=True, slots=True)
class Precedent:
    """One earlier final decision, reduced to what a comparison needs."""

    decision_id: str
    incident_id: str
    category: str
    track: str
    event: str
    event_kind: EventKind
    decided_at: datetime
    outcome: Outcome
    penalty: Penalty | None
    reasoning: str = ""
    factors: tuple[str, ...] = ()
    severity: str | None = None
    superseded: bool = False  # a later decision corrected this one: not a precedent any more

    def to_json(self) -> dict[str, object]:
        return {
            "decision_id": self.decision_id,
            "incident_id": self.incident_id,
            "category": self.category,
            "track": self.track,
            "event": self.event,
            "event_kind": self.event_kind.value,
            "decided_at": self.decided_at.isoformat(),
            "outcome": self.outcome.value,
            "penalty": None
            if self.penalty is None
            else {"type": self.penalty.type.value, "value": self.penalty.value},
            "reasoning": self.reasoning,
            "factors": list(self.factors),
            "severity": self.severity,
        }


def rank_precedents(
    precedents: Iterable[Precedent],
    category: str,
    track: str | None = None,
    *,
    kind: EventKind | None = None,
    exclude_incident: str | None = None,
    limit: int | None = None,
) -> list[Precedent]:
    """Earlier decisions in `category`: same track first, then the newest.

    With `kind`, only decisions under the same penalty system count: licence points and
    seconds are not comparable. Superseded decisions and the incident itself are left out.
    """
    system = kind.penalty_system if kind is not None else None
    wanted_track = _norm(track)
    chosen = [
        p
        for p in precedents
        if p.category == category
        and not p.superseded
        and p.incident_id != exclude_incident
        and (system is None or p.event_kind.penalty_system is system)
    ]
    chosen.sort(key=lambda p: p.decided_at, reverse=True)
    if wanted_track:
        chosen.sort(key=lambda p: _norm(p.track) != wanted_track)  # stable: newest first within
    return chosen[:limit] if limit is not None else chosen


def _norm(track: str | None) -> str:
    return (track or "").strip().casefold().replace(" ", "_")


@dataclass(frozen=True, slots=True)
class PrecedentSummary:
    """What a set of precedents gave: outcomes counted, penalty values per type."""

    count: int
    outcomes: dict[Outcome, int]
    values: dict[PenaltyType, tuple[int, ...]]  # sorted ascending

    def median(self, kind: PenaltyType) -> float | None:
        """The median amount the precedents gave in this penalty type."""
        values = self.values.get(kind)
        return statistics.median(values) if values else None

    def range(self, kind: PenaltyType) -> tuple[int, int] | None:
        """(lowest, highest) amount the precedents gave in this penalty type."""
        values = self.values.get(kind)
        return (values[0], values[-1]) if values else None

    def usual_outcome(self) -> Outcome | None:
        """The outcome the precedents reached most often."""
        if not self.outcomes:
            return None
        return max(self.outcomes.items(), key=lambda item: item[1])[0]


def summarize(precedents: Sequence[Precedent]) -> PrecedentSummary:
    """Count outcomes and collect penalty amounts per type."""
    outcomes = Counter(p.outcome for p in precedents)
    values: dict[PenaltyType, list[int]] = {}
    for p in precedents:
        if p.penalty is not None:
            values.setdefault(p.penalty.type, []).append(p.penalty.value)
    return PrecedentSummary(
        count=len(precedents),
        outcomes=dict(outcomes),
        values={k: tuple(sorted(v)) for k, v in values.items()},
    )


def compare_to_precedents(
    outcome: Outcome, penalty: Penalty | None, precedents: Sequence[Precedent]
) -> tuple[str, ...]:
    """Reasons, in plain words, why a proposal departs from the precedents (empty: it does not).

    A proposal departs when no precedent reached its outcome, when no precedent used its
    penalty type, or when its amount lies outside the precedents' range for that type.
    """
    if not precedents:
        return ()
    summary = summarize(precedents)
    reasons: list[str] = []
    if outcome not in summary.outcomes:
        seen = ", ".join(f"{n} {o.label.lower()}" for o, n in sorted(summary.outcomes.items()))
        reasons.append(
            f"No earlier decision in this category was a {outcome.label.lower()} "
            f"({counted(summary.count, 'precedent')}: {seen})."
        )
        return tuple(reasons)
    if penalty is None:
        return ()
    bounds = summary.range(penalty.type)
    if bounds is None:
        used = ", ".join(t.value for t in summary.values) or "no penalty"
        reasons.append(f"No precedent used a {penalty.type.value} penalty (they used {used}).")
        return tuple(reasons)
    low, high = bounds
    if penalty.value < low or penalty.value > high:
        unit = f" {penalty.type.unit}" if penalty.type.unit else ""
        side = "below" if penalty.value < low else "above"
        count = len(summary.values[penalty.type])
        decisions = counted(count, "decision")
        if count == 1:
            reasons.append(f"{penalty.describe()} is {side} the {low}{unit} of the one precedent.")
        elif low == high:  # every precedent gave the same amount: no range to speak of
            reasons.append(f"{penalty.describe()} is {side} the {low}{unit} all {decisions} gave.")
        else:
            median = summary.median(penalty.type)
            reasons.append(
                f"{penalty.describe()} is {side} the precedents' range {low}–{high}{unit} "
                f"(median {median:g}{unit} over {decisions})."
            )
    return tuple(reasons)
