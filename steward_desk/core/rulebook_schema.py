"""Reading a rulebook document (parsed TOML) into a `Rulebook`, and writing one out as JSON.

Validation collects every problem before giving up, each named by its key path
(`categories[3].checklist[0].question: missing`), so a league editing its file fixes them all
in one pass. Walking the document is `doc_reader`'s; the tariff, fixed penalties, licence
points and strikes are read in `rulebook_tariff`.
"""

from __future__ import annotations

from collections.abc import Mapping

from steward_desk.core.doc_reader import (
    MISSING,
    DocReader,
    check_unique,
    identifier,
    type_name,
    unknown,
)
from steward_desk.core.model import EventKind, Outcome, PenaltySystem, PenaltyType
from steward_desk.core.rulebook import (
    SCHEMA_VERSION,
    Category,
    ChecklistItem,
    Conversion,
    Edition,
    Factor,
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
    TimeLimits,
)
from steward_desk.core.rulebook_tariff import (
    read_editions,
    read_fixed,
    read_licence,
    read_strikes,
    read_tariff,
)

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
        "id": identifier(root),
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
    check_unique(zip(factor_readers, [f.id for f in factors], strict=True), "factor")
    outcome_ids = [o.id for o in outcomes]

    category_readers = root.tables("categories")
    categories = [
        _category(r, outcome_ids, [f.id for f in factors], edition_ids) for r in category_readers
    ]
    check_unique(zip(category_readers, [c.id for c in categories], strict=True), "category")
    category_ids = list(dict.fromkeys(c.id for c in categories if c.id))

    offence_readers = root.tables("offences", required=False, nonempty=False)
    offences = [
        _offence(r, category_ids, [f.id for f in factors], outcome_ids, edition_ids)
        for r in offence_readers
    ]
    check_unique(zip(offence_readers, [o.id for o in offences], strict=True), "offence")

    tariff = read_tariff(root.table("tariff"), category_ids, systems, severity_ids, outcomes)
    fixed_readers = root.tables("fixed_penalties", required=False, nonempty=False)
    fixed = [read_fixed(r, systems, outcomes, edition_ids) for r in fixed_readers]
    check_unique(zip(fixed_readers, [f.id for f in fixed], strict=True), "fixed penalty")
    licence = read_licence(root.table("licence"), penalty_types)
    strikes = read_strikes(root.table("strikes"), penalty_types)
    reporting = _reporting(root.table("reporting"))
    time_limits = _time_limits(root.table("deadlines"))
    panel = _panel(root.table("panel"))
    procedure_readers = root.tables("procedures", required=False, nonempty=False)
    procedures = [_procedure(r) for r in procedure_readers]
    check_unique(zip(procedure_readers, [p.id for p in procedures], strict=True), "procedure")
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
        id=identifier(r), name=r.string("name"), source=r.string("source", required=False)
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
    check_unique(((r, str(r.data.get("id", ""))) for r in readers), "outcome")
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
    check_unique(((r, str(r.data.get("id", ""))) for r in readers), "penalty system")
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
        id=identifier(r), name=r.string("name"), description=r.string("description", required=False)
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
        id=identifier(r),
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
    category_id = identifier(r)
    item_readers = r.tables("checklist")
    items = [_checklist_item(item, factors) for item in item_readers]
    check_unique(zip(item_readers, [i.id for i in items], strict=True), "checklist question")
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
        editions=read_editions(r, editions),
    )
    r.done()
    return category


def _checklist_item(r: DocReader, factors: list[str]) -> ChecklistItem:
    fault = r.raw("fault_answer", required=False)
    if fault is not MISSING and not isinstance(fault, bool):
        r.report("fault_answer", f"expected true or false, got {type_name(fault)}")
    item = ChecklistItem(
        id=identifier(r),
        question=r.string("question"),
        help=r.string("help"),
        rule_ref=r.string("rule_ref"),
        fault_answer=fault if isinstance(fault, bool) else None,
        points_to=r.string("points_to", required=False),
        factor=r.choice("factor", factors, "factor", required=False),
    )
    r.done()
    return item


def _offence(
    r: DocReader,
    categories: list[str],
    factors: list[str],
    outcomes: list[Outcome],
    editions: list[str],
) -> Offence:
    offence = Offence(
        id=identifier(r),
        name=r.string("name"),
        category=r.choice("category", categories, "category") or "",
        description=r.string("description"),
        rule_ref=r.string("rule_ref"),
        keywords=tuple(k.lower() for k in r.strings("keywords", required=False)),
        editions=read_editions(r, editions),
        waived_by=r.choice("waived_by", factors, "factor", required=False),
        waived_outcome=r.enum(
            "waived_outcome", Outcome, "outcome", allowed=outcomes, required=False
        ),
    )
    if (offence.waived_by is None) != (offence.waived_outcome is None):
        r.report(None, "waived_by and waived_outcome go together")
    r.done()
    return offence


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
        id=identifier(r),
        name=r.string("name"),
        text=r.string("text"),
        rule_ref=r.string("rule_ref"),
        params=params,
    )
    r.done()
    return procedure
