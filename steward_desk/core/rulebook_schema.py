"""Reading a rulebook document (parsed TOML) into a `Rulebook`, and writing one out as JSON.

Validation collects every problem before giving up, each named by its key path
(`categories[3].checklist[0].question: missing`), so a league editing its file fixes them all
in one pass. `DocReader` is shared with the verdict parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from enum import StrEnum
from typing import TypeVar

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltySystem, PenaltyType
from steward_desk.core.rulebook import (
    SCHEMA_VERSION,
    Category,
    ChecklistItem,
    Conversion,
    Edition,
    Factor,
    FixedPenalty,
    FixedRule,
    FixedStep,
    Licence,
    MajorityRule,
    Offence,
    OutcomeSpec,
    PanelRules,
    PenaltyRequirement,
    PenaltySystemSpec,
    Problem,
    Procedure,
    Reporting,
    Rulebook,
    RulebookError,
    Severity,
    Strikes,
    Tariff,
    TariffEntry,
    Threshold,
    TimeLimits,
    penalty_needs_value,
)

_E = TypeVar("_E", bound=StrEnum)
_MISSING = object()


def type_name(value: object) -> str:
    """How a person calls the type of a TOML/JSON value."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    if value is None:
        return "null"
    if isinstance(value, datetime | date | time):
        return "a date/time"
    return type(value).__name__


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class DocReader:
    """Walks one table of a parsed document and collects problems instead of stopping.

    Every accessor remembers the key it was asked for, so `done()` can name the keys nobody
    asked for (a typo, or a field this schema does not have).
    """

    def __init__(self, table: Mapping[str, object], path: str, problems: list[Problem]) -> None:
        self.data = table
        self.path = path
        self.problems = problems
        self._asked: list[str] = []

    def at(self, key: str) -> str:
        """The full key path of `key` in this table."""
        return f"{self.path}.{key}" if self.path else key

    def report(self, key: str | None, message: str) -> None:
        """Record a problem at `key` (or at this table itself)."""
        self.problems.append(Problem(self.at(key) if key else self.path, message))

    def names(self) -> list[str]:
        """The keys this table holds, in file order."""
        return list(self.data)

    def has(self, key: str) -> bool:
        """Whether the table holds `key` (without asking for it)."""
        return key in self.data

    def raw(self, key: str, *, required: bool) -> object:
        """The value at `key`, or the missing sentinel (reported when required)."""
        if key not in self._asked:
            self._asked.append(key)
        if key not in self.data:
            if required:
                self.report(key, "missing")
            return _MISSING
        return self.data[key]

    def _typed(
        self, key: str, kind: type | tuple[type, ...], expected: str, required: bool
    ) -> object:
        value = self.raw(key, required=required)
        if value is _MISSING:
            return _MISSING
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.report(key, f"expected {expected}, got {type_name(value)}")
            return _MISSING
        if not isinstance(value, kind):
            self.report(key, f"expected {expected}, got {type_name(value)}")
            return _MISSING
        return value

    def string(
        self, key: str, *, required: bool = True, default: str = "", blank_ok: bool = False
    ) -> str:
        """A string; blank ones are refused unless `blank_ok`."""
        value = self._typed(key, str, "a string", required)
        if value is _MISSING:
            return default
        assert isinstance(value, str)
        if not blank_ok and not value.strip():
            self.report(key, "must not be empty")
            return default
        return value

    def integer(
        self, key: str, *, required: bool = True, default: int = 0, minimum: int | None = None
    ) -> int:
        """An integer (not a boolean), at least `minimum` when given."""
        value = self._typed(key, int, "an integer", required)
        if value is _MISSING:
            return default
        assert isinstance(value, int)
        if minimum is not None and value < minimum:
            self.report(key, f"must be at least {minimum}, got {value}")
            return default
        return value

    def boolean(self, key: str, *, required: bool = False, default: bool = False) -> bool:
        """true or false."""
        value = self._typed(key, bool, "true or false", required)
        return default if value is _MISSING else bool(value)

    def strings(
        self, key: str, *, required: bool = True, nonempty: bool = False
    ) -> tuple[str, ...]:
        """An array of distinct, non-blank strings."""
        value = self._typed(key, list, "an array of strings", required)
        if value is _MISSING:
            return ()
        assert isinstance(value, list)
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                got = "an empty string" if isinstance(item, str) else type_name(item)
                self.report(f"{key}[{index}]", f"expected a non-empty string, got {got}")
            elif item in out:
                self.report(f"{key}[{index}]", f"duplicate {item!r}")
            else:
                out.append(item)
        if nonempty and not value:
            self.report(key, "must not be empty")
        return tuple(out)

    def choice(
        self, key: str, allowed: Iterable[str], what: str, *, required: bool = True
    ) -> str | None:
        """A string that must be one of `allowed`."""
        value = self._typed(key, str, "a string", required)
        if value is _MISSING:
            return None
        options = tuple(allowed)
        if value not in options:
            self.report(key, unknown(what, value, options))
            return None
        assert isinstance(value, str)
        return value

    def enum(
        self,
        key: str,
        enum: type[_E],
        what: str,
        *,
        allowed: Iterable[_E] | None = None,
        required: bool = True,
    ) -> _E | None:
        """A member of `enum` (limited to `allowed`), read from its value."""
        options = tuple(allowed) if allowed is not None else tuple(enum)
        value = self.choice(key, (o.value for o in options), what, required=required)
        return None if value is None else enum(value)

    def enums(
        self,
        key: str,
        enum: type[_E],
        what: str,
        *,
        allowed: Iterable[_E] | None = None,
        required: bool = True,
    ) -> tuple[_E, ...]:
        """An array of members of `enum` (limited to `allowed`)."""
        options = {o.value for o in (allowed if allowed is not None else enum)}
        out: list[_E] = []
        for index, item in enumerate(self.strings(key, required=required)):
            if item in options:
                out.append(enum(item))
            else:
                self.report(f"{key}[{index}]", unknown(what, item, sorted(options)))
        return tuple(out)

    def table(self, key: str, *, required: bool = True) -> DocReader | None:
        """A sub-table as its own reader, or None when absent or not a table."""
        value = self._typed(key, Mapping, "a table", required)
        if value is _MISSING:
            return None
        assert isinstance(value, Mapping)
        return DocReader(value, self.at(key), self.problems)

    def tables(self, key: str, *, required: bool = True, nonempty: bool = True) -> list[DocReader]:
        """An array of tables, each as a reader with its index in the path."""
        value = self._typed(key, list, "an array of tables", required)
        if value is _MISSING:
            return []
        assert isinstance(value, list)
        if nonempty and not value:
            self.report(key, "must not be empty")
        out: list[DocReader] = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append(DocReader(item, f"{self.at(key)}[{index}]", self.problems))
            else:
                self.report(f"{key}[{index}]", f"expected a table, got {type_name(item)}")
        return out

    def done(self) -> None:
        """Report every key of this table that no accessor asked for."""
        for key in self.data:
            if key not in self._asked:
                hint = f" (expected one of {', '.join(self._asked)})" if self._asked else ""
                self.report(key, f"unknown key{hint}")


def unknown(what: str, value: object, options: Iterable[str]) -> str:
    """The message for a value that is not one of the options."""
    return f"unknown {what} {_show(value)} (expected one of {', '.join(options)})"


def _unique(readers: Iterable[tuple[DocReader, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for reader, item_id in readers:
        if not item_id:
            continue
        if item_id in seen:
            reader.report("id", f"duplicate {what} id {item_id!r} (also {seen[item_id]})")
        else:
            seen[item_id] = reader.path


def _ident(reader: DocReader, key: str = "id") -> str:
    value = reader.string(key)
    if value and not value.replace("_", "").replace("-", "").isalnum():
        reader.report(key, f"{_show(value)}: use letters, digits, '_' or '-'")
        return ""
    return value


# --- the rulebook ----------------------------------------------------------------------------


def parse_rulebook(doc: Mapping[str, object], source: str) -> Rulebook:
    """Validate a parsed rulebook document; raise RulebookError listing every problem."""
    problems: list[Problem] = []
    root = DocReader(doc, "", problems)
    schema_version = root.integer("schema_version", minimum=1)
    if schema_version and schema_version != SCHEMA_VERSION:
        root.report(
            "schema_version",
            f"this Steward Desk reads schema {SCHEMA_VERSION}, got {schema_version}",
        )
    header = {
        "id": _ident(root),
        "version": root.string("version"),
        "league": root.string("league"),
        "title": root.string("title", required=False),
        "game": root.string("game", required=False),
    }
    penalty_types = root.enums("penalty_types", PenaltyType, "penalty type")
    if root.has("penalty_types") and not penalty_types:
        root.report("penalty_types", "must name at least one penalty type")

    editions = [_edition(r) for r in root.tables("editions")]
    edition_ids = [e.id for e in editions]
    outcomes = _outcomes(root, penalty_types)
    systems = _systems(root, penalty_types)
    conversion = _conversion(root.table("conversion"))
    severities = [_severity(r) for r in root.tables("severities")]
    severity_ids = [s.id for s in severities]
    default_severity = root.choice("default_severity", severity_ids, "severity") or ""
    factor_readers = root.tables("factors", required=False, nonempty=False)
    factor_ids = [r.data.get("id") for r in factor_readers]
    factors = [_factor(r, [f for f in factor_ids if isinstance(f, str)]) for r in factor_readers]
    _unique(zip(factor_readers, [f.id for f in factors], strict=True), "factor")
    outcome_ids = [o.id for o in outcomes]

    category_readers = root.tables("categories")
    categories = [
        _category(r, outcome_ids, [f.id for f in factors], edition_ids) for r in category_readers
    ]
    _unique(zip(category_readers, [c.id for c in categories], strict=True), "category")
    category_ids = list(dict.fromkeys(c.id for c in categories if c.id))

    offence_readers = root.tables("offences", required=False, nonempty=False)
    offences = [
        _offence(r, category_ids, [f.id for f in factors], outcome_ids, edition_ids)
        for r in offence_readers
    ]
    _unique(zip(offence_readers, [o.id for o in offences], strict=True), "offence")

    tariff = _tariff(root.table("tariff"), category_ids, systems, severity_ids, outcomes)
    fixed_readers = root.tables("fixed_penalties", required=False, nonempty=False)
    fixed = [_fixed(r, systems, outcomes, edition_ids) for r in fixed_readers]
    _unique(zip(fixed_readers, [f.id for f in fixed], strict=True), "fixed penalty")
    licence = _licence(root.table("licence"), penalty_types)
    strikes = _strikes(root.table("strikes"), penalty_types)
    reporting = _reporting(root.table("reporting"))
    time_limits = _time_limits(root.table("deadlines"))
    panel = _panel(root.table("panel"))
    procedure_readers = root.tables("procedures", required=False, nonempty=False)
    procedures = [_procedure(r) for r in procedure_readers]
    _unique(zip(procedure_readers, [p.id for p in procedures], strict=True), "procedure")
    root.done()

    if problems:
        raise RulebookError(source, problems)
    assert conversion and licence and strikes and reporting and time_limits and panel and tariff
    return Rulebook(
        schema_version=schema_version,
        id=header["id"],
        version=header["version"],
        league=header["league"],
        title=header["title"],
        game=header["game"],
        default_severity=default_severity,
        penalty_types=penalty_types,
        editions=tuple(editions),
        outcomes=tuple(outcomes),
        penalty_systems=tuple(systems),
        conversion=conversion,
        severities=tuple(severities),
        factors=tuple(factors),
        categories=tuple(categories),
        offences=tuple(offences),
        tariff=tariff,
        fixed_penalties=tuple(fixed),
        licence=licence,
        strikes=strikes,
        reporting=reporting,
        deadlines=time_limits,
        panel=panel,
        procedures=tuple(procedures),
        source=source,
    )


def _edition(r: DocReader) -> Edition:
    edition = Edition(
        id=_ident(r), name=r.string("name"), source=r.string("source", required=False)
    )
    r.done()
    return edition


def _outcomes(root: DocReader, penalty_types: tuple[PenaltyType, ...]) -> list[OutcomeSpec]:
    readers = root.tables("outcomes")
    out: list[OutcomeSpec] = []
    for r in readers:
        outcome = r.enum("id", Outcome, "outcome")
        requirement = (
            r.enum("penalty", PenaltyRequirement, "penalty requirement") or PenaltyRequirement.NONE
        )
        types = r.enums(
            "penalty_types", PenaltyType, "penalty type", allowed=penalty_types, required=False
        )
        if types and requirement is PenaltyRequirement.NONE:
            r.report("penalty_types", "an outcome without a penalty cannot name penalty types")
        spec = OutcomeSpec(
            id=outcome or Outcome.REJECTED,
            name=r.string("name"),
            description=r.string("description"),
            penalty=requirement,
            penalty_types=types,
            rule_ref=r.string("rule_ref", required=False),
        )
        r.done()
        if outcome is not None:
            out.append(spec)
    _unique(((r, str(r.data.get("id", ""))) for r in readers), "outcome")
    missing = [o.value for o in Outcome if o not in {s.id for s in out}]
    if readers and missing and len(out) == len(readers):
        root.report("outcomes", f"every outcome must be described; missing {', '.join(missing)}")
    return out


def _systems(root: DocReader, penalty_types: tuple[PenaltyType, ...]) -> list[PenaltySystemSpec]:
    readers = root.tables("penalty_systems")
    out: list[PenaltySystemSpec] = []
    kinds_seen: dict[EventKind, str] = {}
    for r in readers:
        system = r.enum("id", PenaltySystem, "penalty system")
        kinds = r.enums("event_kinds", EventKind, "event kind", required=True)
        for kind in kinds:
            if kind in kinds_seen:
                r.report("event_kinds", f"{kind.value!r} already uses {kinds_seen[kind]}")
            kinds_seen[kind] = system.value if system else "another system"
        types = r.enums("penalty_types", PenaltyType, "penalty type", allowed=penalty_types)
        base = r.enum("base_type", PenaltyType, "penalty type", allowed=types or penalty_types)
        spec = PenaltySystemSpec(
            id=system or PenaltySystem.TIME,
            name=r.string("name"),
            event_kinds=kinds,
            base_type=base or PenaltyType.TIME,
            penalty_types=types,
            rule_ref=r.string("rule_ref", required=False),
        )
        r.done()
        if system is not None:
            out.append(spec)
    _unique(((r, str(r.data.get("id", ""))) for r in readers), "penalty system")
    if readers:
        for system in PenaltySystem:
            if system not in {s.id for s in out} and len(out) == len(readers):
                root.report("penalty_systems", f"the {system.value!r} system is missing")
        for kind in EventKind:
            if kind not in kinds_seen and len(out) == len(readers):
                root.report("penalty_systems", f"no penalty system for {kind.value!r} events")
    return out


def _conversion(r: DocReader | None) -> Conversion | None:
    if r is None:
        return None
    conversion = Conversion(
        example=r.boolean("example"),
        drive_through_seconds=r.integer("drive_through_seconds", minimum=0),
        stop_go_adds_drive_through=r.boolean("stop_go_adds_drive_through", default=True),
    )
    r.done()
    return conversion


def _severity(r: DocReader) -> Severity:
    severity = Severity(
        id=_ident(r), name=r.string("name"), description=r.string("description", required=False)
    )
    r.done()
    return severity


def _factor(r: DocReader, factor_ids: list[str]) -> Factor:
    add: dict[PenaltySystem, int] = {}
    adds = r.table("add", required=False)
    if adds is not None:
        systems = [system.value for system in PenaltySystem]
        for key in adds.names():
            if key in systems:
                add[PenaltySystem(key)] = adds.integer(key)
            else:
                adds.raw(key, required=False)
                adds.report(key, unknown("penalty system", key, systems))
        adds.done()
    requires = r.strings("requires_any", required=False)
    for index, ref in enumerate(requires):
        if ref not in factor_ids:
            r.report(f"requires_any[{index}]", unknown("factor", ref, factor_ids))
    factor = Factor(
        id=_ident(r),
        name=r.string("name"),
        description=r.string("description"),
        rule_ref=r.string("rule_ref", required=False),
        example=r.boolean("example"),
        severity_step=r.integer("severity_step", required=False),
        add=add,
        requires_any=requires,
    )
    r.done()
    return factor


def _category(
    r: DocReader, outcomes: list[Outcome], factors: list[str], editions: list[str]
) -> Category:
    category_id = _ident(r)
    item_readers = r.tables("checklist")
    items = [_checklist_item(item, factors) for item in item_readers]
    _unique(zip(item_readers, [i.id for i in items], strict=True), "checklist question")
    category = Category(
        id=category_id,
        name=r.string("name"),
        description=r.string("description"),
        rule_refs=r.strings("rule_refs", required=False),
        typical_outcomes=r.enums(
            "typical_outcomes", Outcome, "outcome", allowed=outcomes, required=False
        ),
        keywords=tuple(k.lower() for k in r.strings("keywords", required=False)),
        checklist=tuple(items),
        editions=_editions(r, editions),
    )
    r.done()
    return category


def _checklist_item(r: DocReader, factors: list[str]) -> ChecklistItem:
    fault = r.raw("fault_answer", required=False)
    if fault is not _MISSING and not isinstance(fault, bool):
        r.report("fault_answer", f"expected true or false, got {type_name(fault)}")
    item = ChecklistItem(
        id=_ident(r),
        question=r.string("question"),
        help=r.string("help"),
        rule_ref=r.string("rule_ref"),
        fault_answer=fault if isinstance(fault, bool) else None,
        points_to=r.string("points_to", required=False),
        factor=r.choice("factor", factors, "factor", required=False),
    )
    r.done()
    return item


def _editions(r: DocReader, editions: list[str]) -> tuple[str, ...]:
    chosen = r.strings("editions", required=False)
    for index, edition in enumerate(chosen):
        if edition not in editions:
            r.report(f"editions[{index}]", unknown("edition", edition, editions))
    return chosen or tuple(editions)


def _offence(
    r: DocReader,
    categories: list[str],
    factors: list[str],
    outcomes: list[Outcome],
    editions: list[str],
) -> Offence:
    offence = Offence(
        id=_ident(r),
        name=r.string("name"),
        category=r.choice("category", categories, "category") or "",
        description=r.string("description"),
        rule_ref=r.string("rule_ref"),
        keywords=tuple(k.lower() for k in r.strings("keywords", required=False)),
        editions=_editions(r, editions),
        waived_by=r.choice("waived_by", factors, "factor", required=False),
        waived_outcome=r.enum(
            "waived_outcome", Outcome, "outcome", allowed=outcomes, required=False
        ),
    )
    if (offence.waived_by is None) != (offence.waived_outcome is None):
        r.report(None, "waived_by and waived_outcome go together")
    r.done()
    return offence


def _penalty(
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
            penalty = _penalty(table, allowed, None)
            table.done()
    elif (
        r.has("type")
        or r.has("value")
        or (spec is not None and spec.penalty is PenaltyRequirement.REQUIRED)
    ):
        penalty = _penalty(r, allowed, default_type)
    if spec is not None:
        if spec.penalty is PenaltyRequirement.NONE and penalty is not None:
            r.report("penalty" if nested else "type", f"a {spec.id.value} carries no penalty")
        elif penalty is not None and not spec.allows(penalty.type):
            r.report(
                "penalty" if nested else "type",
                f"a {spec.id.value} cannot carry a {penalty.type.value}",
            )
    return outcome, penalty


def _tariff(
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


def _fixed(
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
        id=_ident(r),
        name=r.string("name"),
        description=r.string("description"),
        rule_ref=r.string("rule_ref"),
        editions=_editions(r, editions),
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
    penalty = _penalty(table, allowed, None)
    table.done()
    return penalty


def _licence(r: DocReader | None, penalty_types: tuple[PenaltyType, ...]) -> Licence | None:
    if r is None:
        return None
    thresholds: list[Threshold] = []
    readers = r.tables("thresholds", required=False, nonempty=False)
    for t in readers:
        penalty = _nested_penalty(t, "penalty", penalty_types)
        threshold = Threshold(
            id=_ident(t),
            name=t.string("name"),
            points=t.integer("points", minimum=1),
            within_days=t.integer("within_days", minimum=1),
            penalty=penalty or Penalty(PenaltyType.RACE_BAN, 1),
        )
        t.done()
        thresholds.append(threshold)
    _unique(zip(readers, [t.id for t in thresholds], strict=True), "threshold")
    licence = Licence(
        example=r.boolean("example"),
        points_expire_after_days=r.integer("points_expire_after_days", minimum=1),
        reference=r.string("reference", required=False),
        thresholds=tuple(sorted(thresholds, key=lambda t: t.points)),
    )
    r.done()
    return licence


def _strikes(r: DocReader | None, penalty_types: tuple[PenaltyType, ...]) -> Strikes | None:
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


def _reporting(r: DocReader | None) -> Reporting | None:
    if r is None:
        return None
    reporting = Reporting(
        rule_ref=r.string("rule_ref", required=False),
        only_involved_may_report=r.boolean("only_involved_may_report", default=True),
        parties_may_withdraw=r.boolean("parties_may_withdraw", default=True),
        required=r.strings("required", required=False),
    )
    r.done()
    return reporting


def _time_limits(r: DocReader | None) -> TimeLimits | None:
    if r is None:
        return None
    appeal = r.integer("appeal_hours", required=False, default=-1, minimum=1)
    limits = TimeLimits(
        report_hours=r.integer("report_hours", minimum=1),
        decision_target_hours=r.integer("decision_target_hours", minimum=1),
        appeal_hours=None if appeal < 0 else appeal,
        example=r.boolean("example"),
        note=r.string("note", required=False),
    )
    r.done()
    return limits


def _panel(r: DocReader | None) -> PanelRules | None:
    if r is None:
        return None
    size = r.integer("size", minimum=1)
    quorum = r.integer("quorum", minimum=1)
    if size and quorum > size:
        r.report("quorum", f"cannot exceed the panel size ({size}), got {quorum}")
    panel = PanelRules(
        example=r.boolean("example"),
        size=size,
        quorum=quorum,
        majority=r.enum("majority", MajorityRule, "majority rule") or MajorityRule.SIMPLE,
        recuse_involved=r.boolean("recuse_involved", default=True),
        recuse_same_team=r.boolean("recuse_same_team", default=True),
        rule_ref=r.string("rule_ref", required=False),
    )
    r.done()
    return panel


def _procedure(r: DocReader) -> Procedure:
    params: dict[str, int | float] = {}
    table = r.table("params", required=False)
    if table is not None:
        for key in table.names():
            value = table.raw(key, required=True)
            if isinstance(value, int | float) and not isinstance(value, bool):
                params[key] = value
            else:
                table.report(key, f"expected a number, got {type_name(value)}")
    procedure = Procedure(
        id=_ident(r),
        name=r.string("name"),
        text=r.string("text"),
        rule_ref=r.string("rule_ref"),
        params=params,
    )
    r.done()
    return procedure
