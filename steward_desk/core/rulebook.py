"""The league's rulebook as typed data: categories and their checklists, outcomes, penalty
systems, the tariff, fixed penalties, licence thresholds, strikes, deadlines and the panel.

The bundled rulebook (`resources/rulebooks/sop-acc.toml`) is SOP Motorsport's; a league points
the app at its own file with `STEWARD_DESK_RULEBOOK` or a path. Parsing and validation live in
`rulebook_schema`; this module holds the shapes and the questions asked of them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from importlib import resources
from pathlib import Path
from typing import Protocol, TypeVar

from steward_desk.core.model import EventKind, Outcome, Penalty, PenaltySystem, PenaltyType

BUNDLED_ID = "sop-acc"
ENV_RULEBOOK = "STEWARD_DESK_RULEBOOK"
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a document, at a key path like `categories[3].checklist[0].question`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RulebookError(Exception):
    """A rulebook file that cannot be used; lists every problem found, each with its key."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


class UnknownIdError(LookupError):
    """An id asked of the rulebook that it does not define (a category, factor, offence…)."""

    def __init__(self, kind: str, value: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.value = value
        self.known = tuple(known)
        super().__init__(f"unknown {kind} {value!r} (expected one of {', '.join(self.known)})")

    def __str__(self) -> str:
        return str(self.args[0])


class PenaltyRequirement(StrEnum):
    """Whether an outcome carries a penalty: a racing incident never, a penalty always."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class MajorityRule(StrEnum):
    SIMPLE = "simple"  # more than half of the verdicts counted
    ABSOLUTE = "absolute"  # more than half of the panel's size


def penalty_needs_value(kind: PenaltyType) -> bool:
    """Drive-throughs and disqualifications are what they are; every other type has an amount."""
    return kind not in (PenaltyType.DRIVE_THROUGH, PenaltyType.DISQUALIFICATION)


def penalty_to_json(penalty: Penalty | None) -> dict[str, object] | None:
    """A penalty as CLI.md's `{"type", "value"}`, or None."""
    return None if penalty is None else {"type": penalty.type.value, "value": penalty.value}


@dataclass(frozen=True, slots=True)
class Edition:
    id: str
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    id: Outcome
    name: str
    description: str
    penalty: PenaltyRequirement
    penalty_types: tuple[PenaltyType, ...]  # empty: any type the rulebook allows
    rule_ref: str

    def allows(self, kind: PenaltyType) -> bool:
        """Whether this outcome may carry a penalty of this type."""
        return self.penalty is not PenaltyRequirement.NONE and (
            not self.penalty_types or kind in self.penalty_types
        )


@dataclass(frozen=True, slots=True)
class PenaltySystemSpec:
    id: PenaltySystem
    name: str
    event_kinds: tuple[EventKind, ...]
    base_type: PenaltyType
    penalty_types: tuple[PenaltyType, ...]
    rule_ref: str


@dataclass(frozen=True, slots=True)
class Conversion:
    """How post-race drive-throughs and stop-gos become seconds (DESIGN: ACC's values are not)."""

    example: bool
    drive_through_seconds: int
    stop_go_adds_drive_through: bool


@dataclass(frozen=True, slots=True)
class Severity:
    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Factor:
    id: str
    name: str
    description: str
    rule_ref: str
    example: bool
    severity_step: int = 0
    add: Mapping[PenaltySystem, int] = field(default_factory=dict)
    requires_any: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str
    question: str
    help: str
    rule_ref: str
    fault_answer: bool | None = None  # the answer that points to fault; None: context only
    points_to: str = ""
    factor: str | None = None  # a "yes" sets this factor


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    description: str
    rule_refs: tuple[str, ...]
    typical_outcomes: tuple[Outcome, ...]
    keywords: tuple[str, ...]
    checklist: tuple[ChecklistItem, ...]
    editions: tuple[str, ...]

    def item(self, item_id: str) -> ChecklistItem:
        """The checklist question with this id."""
        for item in self.checklist:
            if item.id == item_id:
                return item
        raise UnknownIdError(f"checklist question of {self.id}", item_id, self.checklist_ids)

    @property
    def checklist_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.checklist)


@dataclass(frozen=True, slots=True)
class Offence:
    """A named offence judged under a category (bump-passing → avoidable contact)."""

    id: str
    name: str
    category: str
    description: str
    rule_ref: str
    keywords: tuple[str, ...]
    editions: tuple[str, ...]
    waived_by: str | None = None  # a factor that clears it ("unless the pass is given back")
    waived_outcome: Outcome | None = None


@dataclass(frozen=True, slots=True)
class TariffEntry:
    outcome: Outcome
    penalty: Penalty | None


@dataclass(frozen=True, slots=True)
class Tariff:
    example: bool
    note: str
    entries: Mapping[tuple[str, PenaltySystem, str], TariffEntry]  # (category, system, severity)


@dataclass(frozen=True, slots=True)
class FixedStep:
    from_count: int
    outcome: Outcome
    penalty: Penalty | None


@dataclass(frozen=True, slots=True)
class FixedRule:
    steps: tuple[FixedStep, ...]  # ascending from_count; a plain rule is one step from 1
    final_round: FixedStep | None = None

    def step_for(self, count: int) -> FixedStep:
        """The step that applies to the `count`-th occurrence (track-limit cut n)."""
        chosen = self.steps[0]
        for step in self.steps:
            if step.from_count <= count:
                chosen = step
        return chosen


@dataclass(frozen=True, slots=True)
class FixedPenalty:
    id: str
    name: str
    description: str
    rule_ref: str
    editions: tuple[str, ...]
    applied_by: str  # "stewards" or "game"
    note: str
    rules: Mapping[PenaltySystem, FixedRule]


@dataclass(frozen=True, slots=True)
class Threshold:
    id: str
    name: str
    points: int
    within_days: int
    penalty: Penalty


@dataclass(frozen=True, slots=True)
class Licence:
    example: bool
    points_expire_after_days: int
    reference: str
    thresholds: tuple[Threshold, ...]


@dataclass(frozen=True, slots=True)
class Strikes:
    example: bool
    limit: int
    within_days: int
    penalty: Penalty
    description: str
    rule_ref: str


@dataclass(frozen=True, slots=True)
class Reporting:
    rule_ref: str
    only_involved_may_report: bool
    parties_may_withdraw: bool
    required: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimeLimits:
    report_hours: int
    decision_target_hours: int
    appeal_hours: int | None  # None: the league has no appeals
    example: bool
    note: str


@dataclass(frozen=True, slots=True)
class PanelRules:
    example: bool
    size: int
    quorum: int
    majority: MajorityRule
    recuse_involved: bool
    recuse_same_team: bool
    rule_ref: str

    def votes_needed(self, counted: int) -> int:
        """The smallest number of matching verdicts that is a majority."""
        base = counted if self.majority is MajorityRule.SIMPLE else self.size
        return base // 2 + 1


@dataclass(frozen=True, slots=True)
class Procedure:
    id: str
    name: str
    text: str
    rule_ref: str
    params: Mapping[str, int | float]


@dataclass(frozen=True, slots=True)
class Rulebook:
    schema_version: int
    id: str
    version: str
    league: str
    title: str
    game: str
    default_severity: str
    penalty_types: tuple[PenaltyType, ...]
    editions: tuple[Edition, ...]
    outcomes: tuple[OutcomeSpec, ...]
    penalty_systems: tuple[PenaltySystemSpec, ...]
    conversion: Conversion
    severities: tuple[Severity, ...]
    factors: tuple[Factor, ...]
    categories: tuple[Category, ...]
    offences: tuple[Offence, ...]
    tariff: Tariff
    fixed_penalties: tuple[FixedPenalty, ...]
    licence: Licence
    strikes: Strikes
    reporting: Reporting
    deadlines: TimeLimits
    panel: PanelRules
    procedures: tuple[Procedure, ...]
    source: str = ""

    # --- lookups by id; each raises UnknownIdError naming what exists -----------------------

    def category(self, category_id: str) -> Category:
        """The category with this id (UnknownIdError names the known ones)."""
        return _find(self.categories, category_id, "category")

    def offence(self, offence_id: str) -> Offence:
        """The named offence with this id."""
        return _find(self.offences, offence_id, "offence")

    def factor(self, factor_id: str) -> Factor:
        """The factor with this id."""
        return _find(self.factors, factor_id, "factor")

    def severity(self, severity_id: str) -> Severity:
        """The severity with this id."""
        return _find(self.severities, severity_id, "severity")

    def fixed(self, fixed_id: str) -> FixedPenalty:
        """The fixed penalty with this id (no_show, missing_onboard, track_limits…)."""
        return _find(self.fixed_penalties, fixed_id, "fixed penalty")

    def outcome(self, outcome: Outcome | str) -> OutcomeSpec:
        """How the rulebook describes an outcome and whether it carries a penalty."""
        for spec in self.outcomes:
            if spec.id == outcome:
                return spec
        raise UnknownIdError("outcome", str(outcome), (o.id.value for o in self.outcomes))

    def system_for(self, kind: EventKind) -> PenaltySystemSpec:
        """The penalty system the event's kind uses (single → licence points, series → time)."""
        for system in self.penalty_systems:
            if kind in system.event_kinds:
                return system
        raise UnknownIdError(
            "event kind", kind.value, (k for s in self.penalty_systems for k in s.event_kinds)
        )

    def tariff_entry(
        self, category_id: str, system: PenaltySystem, severity_id: str
    ) -> TariffEntry:
        """The tariff cell for a category, penalty system and severity."""
        self.category(category_id)
        self.severity(severity_id)
        return self.tariff.entries[(category_id, system, severity_id)]

    @property
    def severity_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.severities)

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def penalty_seconds(self, penalty: Penalty) -> int | None:
        """Seconds to add to a race time after the race, or None for a penalty that is not time."""
        if penalty.type in (PenaltyType.TIME,):
            return penalty.value
        if penalty.type is PenaltyType.DRIVE_THROUGH:
            return self.conversion.drive_through_seconds
        if penalty.type is PenaltyType.STOP_GO:
            extra = (
                self.conversion.drive_through_seconds
                if self.conversion.stop_go_adds_drive_through
                else 0
            )
            return penalty.value + extra
        return None

    def to_json(self) -> dict[str, object]:
        """Everything, in the shape `rulebook show --json` prints (CLI.md)."""
        doc = _plain(self)
        assert isinstance(doc, dict)
        # Tuple keys do not survive JSON: the tariff goes out as a list of cells.
        doc["tariff"] = {
            "example": self.tariff.example,
            "note": self.tariff.note,
            "entries": [
                {
                    "category": category,
                    "system": system.value,
                    "severity": severity,
                    "outcome": entry.outcome.value,
                    "penalty": penalty_to_json(entry.penalty),
                }
                for (category, system, severity), entry in self.tariff.entries.items()
            ],
        }
        doc["penalty_types"] = [
            {"id": t.value, "unit": t.unit, "needs_value": penalty_needs_value(t)}
            for t in self.penalty_types
        ]
        return doc


def _plain(value: object) -> object:
    """Dataclasses, enums, penalties and tuples as plain JSON values."""
    if isinstance(value, Penalty):
        return penalty_to_json(value)
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def _find(items: tuple[_T, ...], item_id: str, kind: str) -> _T:
    for item in items:
        if item.id == item_id:
            return item
    raise UnknownIdError(kind, item_id, (i.id for i in items))


# --- loading -------------------------------------------------------------------------------


def bundled_rulebook_text(rulebook_id: str = BUNDLED_ID) -> tuple[str, bytes]:
    """The name and bytes of a rulebook shipped inside the package (works from a wheel too)."""
    name = f"{rulebook_id}.toml"
    resource = resources.files("steward_desk.resources") / "rulebooks" / name
    return name, resource.read_bytes()


def load_rulebook(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """Load and validate a rulebook.

    `path` may be a file, or the id of a bundled rulebook ("sop-acc"). Without one, the
    `STEWARD_DESK_RULEBOOK` environment variable names the file; without that, the bundled
    SOP rulebook. Raises RulebookError listing every problem with its key.
    """
    chosen = os.fspath(path) if path is not None else os.environ.get(ENV_RULEBOOK) or BUNDLED_ID
    if _is_bundled_id(chosen):
        name, data = bundled_rulebook_text(chosen)
        return parse_rulebook_bytes(data, name)
    file = Path(chosen).expanduser()
    try:
        data = file.read_bytes()
    except OSError as error:
        raise RulebookError(
            str(file), [Problem("", f"cannot read the file: {error.strerror or error}")]
        ) from error
    return parse_rulebook_bytes(data, file.name)


def _is_bundled_id(value: str) -> bool:
    if not value or any(sep in value for sep in ("/", "\\", ".")):
        return False
    return (resources.files("steward_desk.resources") / "rulebooks" / f"{value}.toml").is_file()


def parse_rulebook_bytes(data: bytes, source: str) -> Rulebook:
    """Parse TOML bytes into a validated Rulebook; `source` names the file in messages."""
    from steward_desk.core.rulebook_schema import parse_rulebook

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RulebookError(
            source, [Problem("", f"not UTF-8 text (byte {error.start})")]
        ) from error
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulebookError(source, [Problem("", f"not valid TOML: {error}")]) from error
    return parse_rulebook(doc, source)
