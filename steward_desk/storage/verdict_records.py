"""What the verdict repository hands out: a case's facts, a verdict as stored, the evidence
a steward cited, recusals and audit entries, and the refusals it raises. Plain values: the
repository (storage.verdicts) reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from steward_desk.core.deadlines import CaseDeadlines, case_deadlines
from steward_desk.core.model import (
    EventKind,
    IncidentStatus,
    InvolvedDriver,
)
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.verdict import Verdict

DRAFT = "draft"
SUBMITTED = "submitted"


class ConflictOfInterest(PermissionError):
    """The steward may not judge this incident; the recusal is already recorded."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class VerdictLocked(PermissionError):
    """A submitted verdict is immutable: correct it with a new version."""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the verdict form needs to know about one incident."""

    incident_id: str
    number: int
    status: IncidentStatus
    category: str | None
    event: str
    event_kind: EventKind
    final_round: bool
    track: str
    session_id: str
    involved: tuple[InvolvedDriver, ...]
    teams: Mapping[str, str]  # player id → team, from the session's results
    report_text: str
    lap: int | None
    race_time_ms: int | None
    session_end: datetime | None
    published_at: datetime | None

    def deadlines(self, rulebook: Rulebook) -> CaseDeadlines | None:
        """The case's clocks (decision target; appeal window once published)."""
        if self.session_end is None:
            return None
        return case_deadlines(rulebook, self.session_end, self.published_at)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """A bookmark or snapshot a verdict can cite."""

    kind: str  # "bookmark" | "snapshot" | another evidence kind
    label: str
    race_ms: int | None = None
    ref: str = ""  # bookmark id, or the file path of a snapshot
    sha256: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "race_ms": self.race_ms,
            "ref": self.ref,
            "sha256": self.sha256,
        }

    @classmethod
    def coerce(cls, item: object) -> EvidenceItem:
        """An evidence item from what a provider hands over: this class, a mapping, or any
        object with `label`/`race_ms`/`path`/`id` attributes (the review workspace's own)."""
        if isinstance(item, EvidenceItem):
            return item

        def get(name: str) -> Any:
            if isinstance(item, Mapping):
                return item.get(name)
            return getattr(item, name, None)

        path = get("path")
        kind = get("kind") or ("snapshot" if path else "bookmark")
        race_ms = get("race_ms")
        ref = get("ref") or path or get("id") or ""
        label = get("label") or (str(path).rsplit("/", 1)[-1] if path else "")
        return cls(
            kind=str(kind),
            label=str(label),
            race_ms=int(race_ms) if isinstance(race_ms, int | float) else None,
            ref=str(ref),
            sha256=get("sha256"),
        )


@dataclass(frozen=True, slots=True)
class VerdictRecord:
    """One stored verdict row, draft or submitted."""

    id: str
    incident_id: str
    steward_id: str
    steward_name: str
    version: int
    supersedes: str | None
    status: str
    body: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    superseded_by: str | None = None

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED

    def verdict(self, rulebook: Rulebook) -> Verdict:
        """The submitted verdict as the core type (raises VerdictError for a draft's gaps)."""
        return Verdict.from_json(self.body, rulebook, draft=not self.submitted)


@dataclass(frozen=True, slots=True)
class Recusal:
    steward_id: str
    steward_name: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any] = field(default_factory=dict)
