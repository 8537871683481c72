"""The penalty calculator: what the rulebook suggests for an incident, and why.

Event kind → penalty system (licence points or time); category × severity → the tariff's
outcome and penalty; factors move the severity or add to the penalty; fixed penalties come
straight from the rules. Every suggestion carries the lines that explain it, so a steward sees
where the number came from and the form can ask for a reason when it is overridden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltySystem
from steward_desk.core.precedents import Precedent, compare_to_precedents
from steward_desk.core.rulebook import Rulebook, penalty_to_json


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The calculator's answer: an outcome, maybe a penalty, and the lines that explain it."""

    kind: EventKind
    system: PenaltySystem
    outcome: Outcome
    penalty: Penalty | None
    explanation: tuple[str, ...]
    category: str | None = None
    offence: str | None = None
    severity: str | None = None  # the severity the tariff was read at, after factors
    factors: tuple[str, ...] = ()
    example_values: bool = False  # True when the numbers are the rulebook's example tariff

    def describe(self) -> str:
        """ "Penalty: 5 s time penalty", "Warning", "Warning: 1 strike"."""
        if self.penalty is None:
            return self.outcome.label
        return f"{self.outcome.label}: {self.penalty.describe()}"

    def same_ruling(self, outcome: Outcome, penalty: Penalty | None) -> bool:
        """True when the outcome and penalty are exactly the suggestion's."""
        return outcome is self.outcome and penalty == self.penalty

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "system": self.system.value,
            "category": self.category,
            "offence": self.offence,
            "severity": self.severity,
            "factors": list(self.factors),
            "outcome": self.outcome.value,
            "penalty": penalty_to_json(self.penalty),
            "describe": self.describe(),
            "explanation": list(self.explanation),
            "example_values": self.example_values,
        }


@dataclass(frozen=True, slots=True)
class CategoryMatch:
    """A category suggested from a report's words, with the words that matched."""

    category: str
    score: int
    matched: tuple[str, ...]
    offence: str | None = None  # a named offence whose words matched (bump-passing…)


@dataclass(frozen=True, slots=True)
class Departure:
    """Why a proposed ruling departs from the tariff and the precedents (the form's warning)."""

    reasons: tuple[str, ...]
    suggested: Suggestion | None

    def message(self) -> str:
        """All the reasons as one sentence for the form's warning."""
        return " ".join(self.reasons)


class PenaltyCalculator:
    """Answers rule questions from one rulebook; pure and cheap, build one per rulebook."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._compiled: list[tuple[str, str | None, str, re.Pattern[str]]] | None = None

    @property
    def _patterns(self) -> list[tuple[str, str | None, str, re.Pattern[str]]]:
        # Compiled on first use: most calculators (one per verdict check) never match words.
        if self._compiled is None:
            self._compiled = _keyword_patterns(self.rulebook)
        return self._compiled

    def suggest(
        self,
        kind: EventKind,
        category: str | None = None,
        severity: str | None = None,
        factors: Iterable[str] = (),
        *,
        offence: str | None = None,
    ) -> Suggestion:
        """The tariff's suggestion for an incident in `category` (or a named `offence`).

        Severity defaults to the rulebook's `default_severity`. Factors with a severity step
        move it (clamped to the rulebook's range; a factor with `requires_any` only counts
        alongside one of those); factors with an `add` add to a penalty of the system's base
        type. Raises UnknownIdError for an id the rulebook does not define.
        """
        rb = self.rulebook
        system = rb.system_for(kind)
        chosen = tuple(dict.fromkeys(factors))
        for factor_id in chosen:
            rb.factor(factor_id)
        lines: list[str] = [f"{kind.value.capitalize()} event: {system.name}."]
        named = rb.offence(offence) if offence is not None else None
        if named is not None:
            if category is not None and category != named.category:
                raise ValueError(
                    f"offence {named.id!r} is judged as {named.category!r}, not {category!r}"
                )
            category = named.category
            lines.append(
                f"{named.name} is judged as {rb.category(category).name} ({named.rule_ref})."
            )
        if category is None:
            raise ValueError("a category or an offence is needed")
        cat = rb.category(category)
        start = severity if severity is not None else rb.default_severity
        rb.severity(start)

        if named is not None and named.waived_by is not None and named.waived_by in chosen:
            waived = named.waived_outcome or Outcome.NO_FURTHER_ACTION
            factor = rb.factor(named.waived_by)
            lines.append(
                f"{factor.name}: {named.name} is not penalised when the pass is given back."
            )
            return Suggestion(
                kind, system.id, waived, None, tuple(lines), cat.id, named.id, start, chosen
            )

        index = _shift_severity(rb, start, chosen, lines)
        level = rb.severity_ids[index]
        entry = rb.tariff_entry(cat.id, system.id, level)
        marker = " (example values)" if rb.tariff.example else ""
        ruling = entry.outcome.label if entry.penalty is None else entry.penalty.describe()
        lines.append(f"Tariff{marker}: {cat.name}, {level} → {ruling}.")
        penalty = _add_from_factors(rb, system.id, entry.outcome, entry.penalty, chosen, lines)
        return Suggestion(
            kind=kind,
            system=system.id,
            outcome=entry.outcome,
            penalty=penalty,
            explanation=tuple(lines),
            category=cat.id,
            offence=named.id if named else None,
            severity=level,
            factors=chosen,
            example_values=rb.tariff.example or any(rb.factor(f).example for f in chosen),
        )

    def fixed_penalty(
        self, kind: EventKind, offence: str, final_round: bool = False, count: int = 1
    ) -> Suggestion:
        """A penalty the rules fix: missing onboard, no-show, leaving by choice, a proven
        disconnection, track limits (`count` = the cut number). `final_round` picks the
        final-round alternative where the rules give one (no-show in a series → 20 points)."""
        rb = self.rulebook
        system = rb.system_for(kind)
        fixed = rb.fixed(offence)
        rule = fixed.rules[system.id]
        lines = [
            f"{kind.value.capitalize()} event: {system.name}.",
            f"{fixed.name} ({fixed.rule_ref}).",
        ]
        if count < 1:
            raise ValueError(f"count must be 1 or more, got {count}")
        if final_round and rule.final_round is not None:
            step = rule.final_round
            lines.append("Final round of the series: the final-round penalty applies.")
        else:
            if final_round:
                lines.append("The rules give no separate final-round penalty here.")
            step = rule.step_for(count)
            if len(rule.steps) > 1:
                lines.append(
                    f"Count {count}: from {step.from_count} on → {step.outcome.label.lower()}."
                )
        ruling = (
            step.outcome.label
            if step.penalty is None
            else f"{step.outcome.label}: {step.penalty.describe()}"
        )
        applied = " (applied by the game)" if fixed.applied_by == "game" else ""
        lines.append(f"Fixed by the rules{applied} → {ruling}.")
        if fixed.note:
            lines.append(fixed.note)
        return Suggestion(
            kind, system.id, step.outcome, step.penalty, tuple(lines), offence=fixed.id
        )

    def suggest_category(self, description: str, limit: int | None = None) -> list[CategoryMatch]:
        """Categories whose keywords appear in a report's description, best first.

        A keyword scores its number of words (a phrase is more telling than a word); a named
        offence's keywords count for its category and name the offence. Ties keep the
        rulebook's order. Empty when nothing matches.
        """
        text = _normalise(description)
        scores: dict[str, int] = {}
        words: dict[str, list[str]] = {}
        offences: dict[str, str] = {}
        seen: set[tuple[str, str]] = set()
        for owner, offence, keyword, pattern in self._patterns:
            # "dive bomb" and "dive-bomb" are one pattern: count it once per category.
            if not pattern.search(text):
                continue
            if offence is not None:
                offences.setdefault(owner, offence)
            if (owner, pattern.pattern) in seen:
                continue
            seen.add((owner, pattern.pattern))
            scores[owner] = scores.get(owner, 0) + len(keyword.split())
            words.setdefault(owner, []).append(keyword)
        order = {c: i for i, c in enumerate(self.rulebook.category_ids)}
        ranked = sorted(scores, key=lambda cid: (-scores[cid], order[cid]))
        matches = [
            CategoryMatch(cid, scores[cid], tuple(words[cid]), offences.get(cid)) for cid in ranked
        ]
        return matches[:limit] if limit is not None else matches

    def departure(
        self,
        outcome: Outcome,
        penalty: Penalty | None,
        suggested: Suggestion | None,
        precedents: Sequence[Precedent] = (),
    ) -> Departure | None:
        """None when the proposal matches the suggestion and sits within the precedents;
        otherwise the reasons it departs (pass the ranked precedents of the same category)."""
        reasons: list[str] = []
        if suggested is not None and not suggested.same_ruling(outcome, penalty):
            proposed = (
                outcome.label if penalty is None else f"{outcome.label}: {penalty.describe()}"
            )
            reasons.append(
                f"{proposed} departs from the tariff's suggestion ({suggested.describe()})."
            )
        reasons.extend(compare_to_precedents(outcome, penalty, precedents))
        return Departure(tuple(reasons), suggested) if reasons else None


def _shift_severity(rb: Rulebook, start: str, factors: tuple[str, ...], lines: list[str]) -> int:
    """Apply the factors' severity steps; returns the index into the rulebook's severities."""
    levels = rb.severity_ids
    index = levels.index(start)
    for factor_id in factors:
        factor = rb.factor(factor_id)
        if not factor.severity_step:
            continue
        if factor.requires_any and not any(r in factors for r in factor.requires_any):
            names = " or ".join(rb.factor(r).name.lower() for r in factor.requires_any)
            lines.append(f"{factor.name}: no change on its own (needs {names}).")
            continue
        moved = min(max(index + factor.severity_step, 0), len(levels) - 1)
        direction = "up" if factor.severity_step > 0 else "down"
        if moved == index:
            lines.append(f"{factor.name}: severity already at {levels[index]}.")
        else:
            lines.append(
                f"{factor.name}: severity {direction} from {levels[index]} to {levels[moved]}."
            )
        index = moved
    return index


def _add_from_factors(
    rb: Rulebook,
    system: PenaltySystem,
    outcome: Outcome,
    penalty: Penalty | None,
    factors: tuple[str, ...],
    lines: list[str],
) -> Penalty | None:
    base = next(s.base_type for s in rb.penalty_systems if s.id is system)
    extra = [(rb.factor(f), rb.factor(f).add.get(system, 0)) for f in factors]
    extra = [(f, n) for f, n in extra if n]
    if not extra:
        return penalty
    if outcome is not Outcome.PENALTY or penalty is None or penalty.type is not base:
        names = ", ".join(f.name for f, _ in extra)
        lines.append(f"{names}: adds only to a {base.value} penalty, not to this one.")
        return penalty
    total = penalty.value
    for factor, amount in extra:
        total += amount
        lines.append(f"{factor.name}: adds {Penalty(base, amount).describe()}.")
    result = Penalty(penalty.type, total)
    lines.append(f"Suggested: {result.describe()}.")
    return result


def _normalise(text: str) -> str:
    # Reports come from Discord forms: curly quotes, odd spacing, mixed case.
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return re.sub(r"\s+", " ", text)


def _keyword_patterns(rb: Rulebook) -> list[tuple[str, str | None, str, re.Pattern[str]]]:
    """(category, offence or None, keyword, pattern) for every keyword of the rulebook."""
    out: list[tuple[str, str | None, str, re.Pattern[str]]] = []

    def pattern(keyword: str) -> re.Pattern[str]:
        body = r"[\s-]+".join(re.escape(part) for part in re.split(r"[\s-]+", _normalise(keyword)))
        return re.compile(rf"(?<![\w]){body}(?![\w])")

    for category in rb.categories:
        out.extend((category.id, None, k, pattern(k)) for k in category.keywords)
    for offence in rb.offences:
        out.extend((offence.category, offence.id, k, pattern(k)) for k in offence.keywords)
    return out
