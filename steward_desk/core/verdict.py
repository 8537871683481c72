"""A steward's verdict on one incident: the form's fields, checked against the rulebook.

The JSON shape is CLI.md's "JSON shapes" (category, outcome, at_fault, penalty, checklist,
factors, rule_refs, reasoning, private_notes) plus what makes a verdict travel between desks:
id, incident_id, steward, version, supersedes, created_at, submitted; and two fields of the
form: severity (what the calculator read the tariff at) and override_reason (why the penalty
differs from the calculator's suggestion). Public JSON leaves out private_notes and
override_reason: what a steward writes for the panel never reaches drivers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from steward_desk.core.doc_reader import DocReader, type_name, unknown
from steward_desk.core.model import MAX_PENALTY_VALUE, EventKind, Outcome, Penalty, PenaltyType
from steward_desk.core.penalties import PenaltyCalculator, Suggestion
from steward_desk.core.rulebook import (
    PenaltyRequirement,
    Problem,
    Rulebook,
    UnknownIdError,
    penalty_needs_value,
    penalty_to_json,
)

# Outcomes that sanction a driver: only these are held to the tariff.
SANCTIONS = (Outcome.WARNING, Outcome.PENALTY)


class VerdictError(ValueError):
    """A verdict document that cannot be accepted; every problem names its key."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class StewardRef:
    id: str
    name: str = ""

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Verdict:
    id: str
    incident_id: str
    steward: StewardRef
    category: str
    outcome: Outcome
    at_fault: tuple[str, ...] = ()
    penalty: Penalty | None = None
    checklist: Mapping[str, bool | None] = field(default_factory=dict)
    factors: tuple[str, ...] = ()
    rule_refs: tuple[str, ...] = ()
    reasoning: str = ""
    private_notes: str = ""
    severity: str | None = None
    override_reason: str = ""
    version: int = 1
    supersedes: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    submitted: bool = False

    def __hash__(self) -> int:
        # The checklist is a dict; a verdict is identified by its id and version anyway.
        return hash((self.id, self.version))

    def to_json(self, public: bool = False) -> dict[str, object]:
        """The verdict as JSON; `public=True` drops private notes and the override reason."""
        doc: dict[str, object] = {
            "id": self.id,
            "incident_id": self.incident_id,
            "steward": self.steward.to_json(),
            "version": self.version,
            "supersedes": self.supersedes,
            "created_at": self.created_at.isoformat(),
            "submitted": self.submitted,
            "category": self.category,
            "outcome": self.outcome.value,
            "at_fault": list(self.at_fault),
            "penalty": penalty_to_json(self.penalty),
            "checklist": dict(self.checklist),
            "factors": list(self.factors),
            "rule_refs": list(self.rule_refs),
            "severity": self.severity,
            "reasoning": self.reasoning,
            "override_reason": self.override_reason,
            "private_notes": self.private_notes,
        }
        if public:
            del doc["private_notes"], doc["override_reason"]
        return doc

    def correction(self, now: datetime | None = None, **changes: object) -> Verdict:
        """A new version that supersedes this one (a submitted verdict is never edited)."""
        base = replace(
            self,
            id=str(uuid.uuid4()),
            version=self.version + 1,
            supersedes=self.id,
            created_at=now or datetime.now(UTC),
            submitted=False,
        )
        return replace(base, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_json(
        cls,
        doc: object,
        rulebook: Rulebook,
        *,
        incident_id: str | None = None,
        steward: StewardRef | None = None,
        kind: EventKind | None = None,
        draft: bool = False,
        now: datetime | None = None,
    ) -> Verdict:
        """Read and check a verdict document (the form's fields, CLI.md "JSON shapes").

        `incident_id` and `steward` fill those fields when the document lacks them (a form
        file for `verdict submit`) and must match when it has them. With `kind`, the penalty
        must belong to that event's penalty system and a sanction that differs from the
        calculator's suggestion needs an `override_reason`. A `draft` skips the completeness
        rules (reasoning, at_fault, a penalty's presence) but not the types. Raises
        VerdictError listing every problem.
        """
        problems: list[Problem] = []
        if not isinstance(doc, Mapping):
            raise VerdictError([Problem("", f"expected a JSON object, got {type_name(doc)}")])
        r = DocReader(doc, "", problems)
        verdict_id = _uuid(r, "id", required=False) or str(uuid.uuid4())
        incident = _uuid(r, "incident_id", required=incident_id is None)
        if incident_id is not None and incident and incident != _canonical_uuid(incident_id):
            r.report("incident_id", f"{incident!r} is not the incident given ({incident_id!r})")
        who = _steward(r, steward)
        version = r.integer("version", required=False, default=1, minimum=1)
        supersedes = _uuid(r, "supersedes", required=False, nullable=True)
        if version > 1 and supersedes is None:
            r.report("supersedes", f"version {version} must name the verdict it supersedes")
        if version == 1 and supersedes is not None:
            r.report("supersedes", "a first version supersedes nothing")
        created_at = _timestamp(r, "created_at") or now or datetime.now(UTC)
        submitted = r.boolean("submitted")

        category = r.choice("category", rulebook.category_ids, "category")
        outcome = r.enum("outcome", Outcome, "outcome", allowed=[o.id for o in rulebook.outcomes])
        at_fault = r.strings("at_fault", required=False)
        penalty = _penalty(r, rulebook, outcome, kind)
        checklist = _checklist(r, rulebook, category)
        factors = _known(r, "factors", [f.id for f in rulebook.factors], "factor")
        rule_refs = r.strings("rule_refs", required=False)
        severity = _nullable_choice(r, "severity", rulebook.severity_ids, "severity")
        reasoning = r.string("reasoning", required=False, blank_ok=True)
        override_reason = r.string("override_reason", required=False, blank_ok=True)
        private_notes = r.string("private_notes", required=False, blank_ok=True)
        r.done()

        if not draft and outcome is not None:
            spec = rulebook.outcome(outcome)
            # An invalid penalty object is already reported; only an absent one is reported here.
            if spec.penalty is PenaltyRequirement.REQUIRED and doc.get("penalty") is None:
                r.report(
                    "penalty",
                    f"missing: the outcome {outcome.value!r} needs a penalty {{type, value}}",
                )
            if outcome in SANCTIONS and not at_fault:
                r.report("at_fault", f"a {outcome.value} must name the driver(s) at fault")
            if not reasoning.strip():
                r.report("reasoning", "missing: every decision carries its public reason")
        if problems:
            raise VerdictError(problems)
        assert category is not None and outcome is not None
        verdict = cls(
            id=verdict_id,
            incident_id=incident or _canonical_uuid(incident_id or ""),
            steward=who,
            category=category,
            outcome=outcome,
            at_fault=at_fault,
            penalty=penalty,
            checklist=checklist,
            factors=factors,
            rule_refs=rule_refs,
            reasoning=reasoning,
            private_notes=private_notes,
            severity=severity,
            override_reason=override_reason,
            version=version,
            supersedes=supersedes,
            created_at=created_at,
            submitted=submitted,
        )
        if kind is not None and not draft:
            problem = check_override(
                verdict, PenaltyCalculator(rulebook).suggest(kind, category, severity, factors)
            )
            if problem is not None:
                raise VerdictError([problem])
        return verdict


def check_override(verdict: Verdict, suggestion: Suggestion) -> Problem | None:
    """The override-reason rule: a warning or penalty that differs from the calculator's
    suggestion needs a reason. A racing incident, no further action or a rejection is a
    finding, not an override, and needs none."""
    if verdict.outcome not in SANCTIONS or suggestion.same_ruling(verdict.outcome, verdict.penalty):
        return None
    if verdict.override_reason.strip():
        return None
    proposed = verdict.outcome.label if verdict.penalty is None else verdict.penalty.describe()
    return Problem(
        "override_reason",
        f"required: {proposed} differs from the calculator's suggestion ({suggestion.describe()})",
    )


def _canonical_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value


def _uuid(r: DocReader, key: str, *, required: bool, nullable: bool = False) -> str | None:
    value = r.raw(key, required=required)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        if r.has(key):
            r.report(key, f"expected a UUID string, got {type_name(value)}")
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        r.report(key, f"not a UUID: {value[:40]!r}")
        return None


def _steward(r: DocReader, given: StewardRef | None) -> StewardRef:
    table = r.table("steward", required=given is None)
    if table is None:
        return given or StewardRef("")
    ref = StewardRef(table.string("id"), table.string("name", required=False, blank_ok=True))
    table.done()
    if given is not None and ref.id and ref.id != given.id:
        table.report("id", f"{ref.id!r} is not the steward submitting ({given.id!r})")
    return ref


def _timestamp(r: DocReader, key: str) -> datetime | None:
    text = r.string(key, required=False)
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        r.report(key, f"not an ISO 8601 date-time: {text[:40]!r}")
        return None
    if when.tzinfo is None:
        r.report(key, "needs a time zone (e.g. 2025-05-04T20:15:00+00:00)")
        return None
    return when


def _nullable_choice(r: DocReader, key: str, options: tuple[str, ...], what: str) -> str | None:
    if r.has(key) and r.data[key] is None:
        r.raw(key, required=False)
        return None
    return r.choice(key, options, what, required=False)


def _known(r: DocReader, key: str, options: list[str], what: str) -> tuple[str, ...]:
    values = r.strings(key, required=False)
    for index, value in enumerate(values):
        if value not in options:
            r.report(f"{key}[{index}]", unknown(what, value, options))
    return tuple(v for v in values if v in options)


def _penalty(
    r: DocReader, rulebook: Rulebook, outcome: Outcome | None, kind: EventKind | None
) -> Penalty | None:
    if not r.has("penalty"):
        return None  # no penalty key is the same as null (a racing incident needs none)
    value = r.raw("penalty", required=False)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        r.report("penalty", f"expected an object {{type, value}} or null, got {type_name(value)}")
        return None
    table = DocReader(value, "penalty", r.problems)
    penalty_type = table.enum("type", PenaltyType, "penalty type", allowed=rulebook.penalty_types)
    amount = table.raw("value", required=False)
    table.done()
    if penalty_type is None:
        return None
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
        table.report("value", f"expected a whole number, got {type_name(amount)}")
        return None
    if penalty_needs_value(penalty_type):
        if not isinstance(amount, int) or not 1 <= amount <= MAX_PENALTY_VALUE:
            table.report(
                "value",
                f"a {penalty_type.value} penalty needs a value from 1 to {MAX_PENALTY_VALUE:,} "
                f"({penalty_type.unit}), got {amount if amount is not None else 'none'}",
            )
            return None
    elif amount:
        table.report("value", f"a {penalty_type.value} penalty takes no value")
        return None
    penalty = Penalty(penalty_type, amount if isinstance(amount, int) else 0)
    if outcome is not None:
        spec = rulebook.outcome(outcome)
        if spec.penalty is PenaltyRequirement.NONE:
            r.report("penalty", f"a {outcome.value} carries no penalty (use null)")
        elif not spec.allows(penalty.type):
            table.report("type", f"a {outcome.value} cannot carry a {penalty.type.value} penalty")
    if kind is not None:
        system = rulebook.system_for(kind)
        if penalty.type not in system.penalty_types:
            table.report(
                "type",
                f"{penalty.type.value!r} is not used in {kind.value} events ({system.name}: "
                f"{', '.join(t.value for t in system.penalty_types)})",
            )
    return penalty


def _checklist(r: DocReader, rulebook: Rulebook, category: str | None) -> dict[str, bool | None]:
    value = r.raw("checklist", required=False) if r.has("checklist") else None
    if value is None:
        r.raw("checklist", required=False)
        return {}
    if not isinstance(value, Mapping):
        r.report(
            "checklist",
            f"expected an object {{question id: true/false/null}}, got {type_name(value)}",
        )
        return {}
    known: tuple[str, ...] = ()
    if category is not None:
        try:
            known = rulebook.category(category).checklist_ids
        except UnknownIdError:
            known = ()
    answers: dict[str, bool | None] = {}
    for key, answer in value.items():
        if category is not None and key not in known:
            r.report(f"checklist.{key}", unknown(f"question of {category}", key, known))
        elif answer is not None and not isinstance(answer, bool):
            r.report(f"checklist.{key}", f"expected true, false or null, got {type_name(answer)}")
        else:
            answers[str(key)] = answer
    return answers
