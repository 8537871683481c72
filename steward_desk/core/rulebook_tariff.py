"""Reading the penalty parts of a rulebook: its tariff, fixed penalties, licence points and
strikes (and which editions a rule applies to). Part of `rulebook_schema.parse_rulebook`.
"""

from __future__ import annotations

from collections.abc import Iterable

from steward_desk.core.doc_reader import (
    DocReader,
    check_unique,
    identifier,
    unknown,
)
from steward_desk.core.model import Outcome, Penalty, PenaltySystem, PenaltyType
from steward_desk.core.rulebook import (
    FixedPenalty,
    FixedRule,
    FixedStep,
    Licence,
    OutcomeSpec,
    PenaltyRequirement,
    PenaltySystemSpec,
    Strikes,
    Tariff,
    TariffEntry,
    Threshold,
    penalty_needs_value,
)


def read_editions(r: DocReader, editions: list[str]) -> tuple[str, ...]:
    chosen = r.strings("editions", required=False)
    for index, edition in enumerate(chosen):
        if edition not in editions:
            r.report(f"editions[{index}]", unknown("edition", edition, editions))
    return chosen or tuple(editions)


def _penalty_of(
    r: DocReader, allowed: Iterable[PenaltyType], default_type: PenaltyType | None
) -> Penalty | None:
    """A penalty written as the `type` (+ `value`) keys of the table `r`.

    Without `type`, `default_type` applies (a tariff cell uses its system's base type).
    """
    if r.has("type") or default_type is None:
        kind = r.enum("type", PenaltyType, "penalty type")
    else:
        r.raw("type", required=False)
        kind = default_type
    if kind is None:
        r.raw("value", required=False)
        return None
    options = tuple(allowed)
    if kind not in options:
        r.report(
            "type",
            f"{kind.value!r} is not allowed here (allowed: {', '.join(o.value for o in options)})",
        )
        r.raw("value", required=False)
        return None
    if penalty_needs_value(kind):
        return Penalty(kind, r.integer("value", minimum=1))
    if r.integer("value", required=False, minimum=0):
        r.report("value", f"a {kind.value} penalty takes no value")
    return Penalty(kind, 0)


def _outcome_with_penalty(
    r: DocReader,
    outcomes: list[OutcomeSpec],
    allowed: Iterable[PenaltyType],
    default_type: PenaltyType | None,
    *,
    nested: bool,
) -> tuple[Outcome | None, Penalty | None]:
    """`outcome` plus a penalty, either as sibling `type`/`value` keys or a nested `penalty`."""
    outcome = r.enum("outcome", Outcome, "outcome", allowed=[o.id for o in outcomes])
    spec = next((o for o in outcomes if o.id == outcome), None)
    allowed = tuple(allowed)
    penalty: Penalty | None = None
    if nested:
        table = r.table(
            "penalty", required=spec is not None and spec.penalty is PenaltyRequirement.REQUIRED
        )
        if table is not None:
            penalty = _penalty_of(table, allowed, None)
            table.done()
    elif (
        r.has("type")
        or r.has("value")
        or (spec is not None and spec.penalty is PenaltyRequirement.REQUIRED)
    ):
        penalty = _penalty_of(r, allowed, default_type)
    if spec is not None:
        if spec.penalty is PenaltyRequirement.NONE and penalty is not None:
            r.report("penalty" if nested else "type", f"a {spec.id.value} carries no penalty")
        elif penalty is not None and not spec.allows(penalty.type):
            r.report(
                "penalty" if nested else "type",
                f"a {spec.id.value} cannot carry a {penalty.type.value}",
            )
    return outcome, penalty


def read_tariff(
    r: DocReader | None,
    categories: list[str],
    systems: list[PenaltySystemSpec],
    severities: list[str],
    outcomes: list[OutcomeSpec],
) -> Tariff | None:
    if r is None:
        return None
    entries: dict[tuple[str, PenaltySystem, str], TariffEntry] = {}
    example = r.boolean("example")
    note = r.string("note", required=False)
    table = r.table("categories")
    if table is not None:
        for category in table.names():
            if category not in categories:
                table.raw(category, required=False)
                table.report(category, unknown("category", category, categories))
                continue
            per_system = table.table(category)
            if per_system is None:
                continue
            for system in systems:
                per_severity = per_system.table(system.id.value)
                if per_severity is None:
                    continue
                for severity in severities:
                    cell = per_severity.table(severity)
                    if cell is None:
                        continue
                    outcome, penalty = _outcome_with_penalty(
                        cell, outcomes, system.penalty_types, system.base_type, nested=False
                    )
                    cell.done()
                    if outcome is not None:
                        entries[(category, system.id, severity)] = TariffEntry(outcome, penalty)
                per_severity.done()
            per_system.done()
        for category in categories:
            if category not in table.data:
                table.report(category, "missing (every category needs a tariff)")
        table.done()
    r.done()
    return Tariff(example=example, note=note, entries=entries)


def read_fixed(
    r: DocReader, systems: list[PenaltySystemSpec], outcomes: list[OutcomeSpec], editions: list[str]
) -> FixedPenalty:
    applied_by = r.choice("applied_by", ("stewards", "game"), "applied_by") or "stewards"
    rules: dict[PenaltySystem, FixedRule] = {}
    for system in systems:
        rule = r.table(system.id.value)
        if rule is None:
            continue
        # The game hands out drive-throughs in every kind of event; the stewards keep to the system.
        allowed = tuple(PenaltyType) if applied_by == "game" else system.penalty_types
        steps: list[FixedStep] = []
        for step_reader in rule.tables("steps", required=False):
            count = step_reader.integer("from_count", minimum=1)
            outcome, penalty = _outcome_with_penalty(
                step_reader, outcomes, allowed, None, nested=True
            )
            step_reader.done()
            if steps and count <= steps[-1].from_count:
                step_reader.report(
                    "from_count", f"must be above the previous step's {steps[-1].from_count}"
                )
            if outcome is not None:
                steps.append(FixedStep(count, outcome, penalty))
        if steps and steps[0].from_count != 1:
            rule.report("steps", "the first step must start at from_count = 1")
        if not rule.has("steps"):
            outcome, penalty = _outcome_with_penalty(rule, outcomes, allowed, None, nested=True)
            if outcome is not None:
                steps.append(FixedStep(1, outcome, penalty))
        final_round: FixedStep | None = None
        final = rule.table("final_round", required=False)
        if final is not None:
            outcome, penalty = _outcome_with_penalty(final, outcomes, allowed, None, nested=True)
            final.done()
            if outcome is not None:
                final_round = FixedStep(1, outcome, penalty)
        rule.done()
        if steps:
            rules[system.id] = FixedRule(tuple(steps), final_round)
    fixed = FixedPenalty(
        id=identifier(r),
        name=r.string("name"),
        description=r.string("description"),
        rule_ref=r.string("rule_ref"),
        editions=read_editions(r, editions),
        applied_by=applied_by,
        note=r.string("note", required=False),
        rules=rules,
    )
    r.done()
    return fixed


def _nested_penalty(r: DocReader, key: str, allowed: Iterable[PenaltyType]) -> Penalty | None:
    table = r.table(key)
    if table is None:
        return None
    penalty = _penalty_of(table, allowed, None)
    table.done()
    return penalty


def read_licence(r: DocReader | None, penalty_types: tuple[PenaltyType, ...]) -> Licence | None:
    if r is None:
        return None
    thresholds: list[Threshold] = []
    readers = r.tables("thresholds", required=False, nonempty=False)
    for t in readers:
        penalty = _nested_penalty(t, "penalty", penalty_types)
        threshold = Threshold(
            id=identifier(t),
            name=t.string("name"),
            points=t.integer("points", minimum=1),
            within_days=t.integer("within_days", minimum=1),
            penalty=penalty or Penalty(PenaltyType.RACE_BAN, 1),
        )
        t.done()
        thresholds.append(threshold)
    check_unique(zip(readers, [t.id for t in thresholds], strict=True), "threshold")
    licence = Licence(
        example=r.boolean("example"),
        points_expire_after_days=r.integer("points_expire_after_days", minimum=1),
        reference=r.string("reference", required=False),
        thresholds=tuple(sorted(thresholds, key=lambda t: t.points)),
    )
    r.done()
    return licence


def read_strikes(r: DocReader | None, penalty_types: tuple[PenaltyType, ...]) -> Strikes | None:
    if r is None:
        return None
    strikes = Strikes(
        example=r.boolean("example"),
        limit=r.integer("limit", minimum=1),
        within_days=r.integer("within_days", minimum=1),
        penalty=_nested_penalty(r, "penalty", penalty_types) or Penalty(PenaltyType.RACE_BAN, 1),
        description=r.string("description", required=False),
        rule_ref=r.string("rule_ref", required=False),
    )
    r.done()
    return strikes
