"""The domain's words as plain types: what stewards, head stewards and admins talk about.

Nothing here knows about Qt, SQL or video. Storage turns its rows into these objects; the UI
and the CLI show them; exports serialise them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from steward_desk.core.wording import plural_s


class EventKind(StrEnum):
    """The rulebook decides the penalty system from the kind of event."""

    SINGLE = "single"
    SPONSORED = "sponsored"
    SERIES = "series"
    CHAMPIONSHIP = "championship"

    @property
    def penalty_system(self) -> PenaltySystem:
        if self in (EventKind.SINGLE, EventKind.SPONSORED):
            return PenaltySystem.LICENCE_POINTS
        return PenaltySystem.TIME


class PenaltySystem(StrEnum):
    LICENCE_POINTS = "licence_points"
    TIME = "time"


class SessionType(StrEnum):
    PRACTICE = "FP"
    QUALIFYING = "Q"
    RACE = "R"

    @classmethod
    def from_acc(cls, raw: str) -> SessionType:
        """ACC names sessions FP, Q, R and numbered Q1, Q2, R1, R2 (FORMAT.md §1)."""
        head = raw.strip().upper().rstrip("0123456789")
        if head in ("FP", "P"):
            return cls.PRACTICE
        if head == "Q":
            return cls.QUALIFYING
        if head == "R":
            return cls.RACE
        raise ValueError(f"unknown ACC session type {raw!r}")


class IncidentStatus(StrEnum):
    """The case workflow: new → in review → awaiting panel → decided → published."""

    NEW = "new"
    IN_REVIEW = "in_review"
    AWAITING_PANEL = "awaiting_panel"
    DECIDED = "decided"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self in (IncidentStatus.NEW, IncidentStatus.IN_REVIEW, IncidentStatus.AWAITING_PANEL)


class Outcome(StrEnum):
    RACING_INCIDENT = "racing_incident"
    WARNING = "warning"
    PENALTY = "penalty"
    NO_FURTHER_ACTION = "no_further_action"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class PenaltyType(StrEnum):
    """CLI.md "JSON shapes": the unit of `value` depends on the type."""

    TIME = "time"  # seconds
    DRIVE_THROUGH = "drive_through"  # converted to time after the race per the rulebook
    STOP_GO = "stop_go"  # seconds
    LICENCE_POINTS = "licence_points"  # points
    STRIKE = "strike"  # count
    QUALIFYING_BAN = "qualifying_ban"  # rounds
    GRID_DROP = "grid_drop"  # places on the next race's grid
    POSITION_DROP = "position_drop"  # places in this race's classification
    POINTS_DEDUCTION = "points_deduction"  # championship points
    DISQUALIFICATION = "disqualification"
    RACE_BAN = "race_ban"  # rounds

    @property
    def unit(self) -> str:
        return _PENALTY_UNITS[self]


# The largest penalty value a verdict or decision may carry, whatever its unit (10,000 s is
# 2.8 hours; no league deducts 10,000 points): a larger one is a typo, and values far larger
# would not survive JSON readers that hold numbers as doubles (above 2^53).
MAX_PENALTY_VALUE = 10_000

_PENALTY_UNITS: dict[PenaltyType, str] = {
    PenaltyType.TIME: "s",
    PenaltyType.DRIVE_THROUGH: "",
    PenaltyType.STOP_GO: "s",
    PenaltyType.LICENCE_POINTS: "points",
    PenaltyType.STRIKE: "strikes",
    PenaltyType.QUALIFYING_BAN: "rounds",
    PenaltyType.GRID_DROP: "places",
    PenaltyType.POSITION_DROP: "places",
    PenaltyType.POINTS_DEDUCTION: "championship points",
    PenaltyType.DISQUALIFICATION: "",
    PenaltyType.RACE_BAN: "rounds",
}


_PENALTY_PHRASES: dict[PenaltyType, str] = {
    PenaltyType.TIME: "{v} s time penalty",
    PenaltyType.DRIVE_THROUGH: "Drive-through",
    PenaltyType.STOP_GO: "{v} s stop-go",
    PenaltyType.LICENCE_POINTS: "{v} licence point{s}",
    PenaltyType.STRIKE: "{v} strike{s}",
    PenaltyType.QUALIFYING_BAN: "Qualifying ban ({v} round{s})",
    PenaltyType.GRID_DROP: "{v}-place grid drop",
    PenaltyType.POSITION_DROP: "dropped {v} place{s} in the results",
    PenaltyType.POINTS_DEDUCTION: "{v} championship point{s} deducted",
    PenaltyType.DISQUALIFICATION: "Disqualification",
    PenaltyType.RACE_BAN: "Race ban ({v} round{s})",
}


class InvolvementRole(StrEnum):
    REPORTER = "reporter"
    ACCUSED = "accused"
    AFFECTED = "affected"


class StewardRole(StrEnum):
    STEWARD = "steward"
    HEAD = "head"
    ADMIN = "admin"


class FindingKind(StrEnum):
    """What intake validation flags on a report (the rulebook's procedures)."""

    LATE_REPORT = "late_report"
    REPORTER_NOT_INVOLVED = "reporter_not_involved"
    NO_FOOTAGE = "no_footage"
    NO_TIMESTAMP = "no_timestamp"
    UNKNOWN_DRIVER = "unknown_driver"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Penalty:
    type: PenaltyType
    value: int = 0

    def describe(self) -> str:
        """A phrase for people: "5 s time penalty", "3 licence points", "Drive-through"."""
        return _PENALTY_PHRASES[self.type].format(v=self.value, s=plural_s(self.value))


@dataclass(frozen=True, slots=True)
class Driver:
    player_id: str
    first_name: str = ""
    last_name: str = ""
    short_name: str = ""

    @property
    def name(self) -> str:
        full = f"{self.first_name.strip()} {self.last_name.strip()}".strip()
        return full or self.short_name.strip() or self.player_id


@dataclass(frozen=True, slots=True)
class InvolvedDriver:
    player_id: str
    name: str
    car_number: int | None
    role: InvolvementRole

    def to_json(self) -> dict[str, object]:
        return {
            "player_id": self.player_id,
            "name": self.name,
            "car_number": self.car_number,
            "role": self.role.value,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    message: str
    overridden: bool = False
    override_reason: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "overridden": self.overridden,
            "override_reason": self.override_reason,
        }


@dataclass(frozen=True, slots=True)
class FootageRef:
    id: str
    source: str  # "file", "youtube", "twitch", "streamable", "gdrive", "dropbox", "link"
    location: str  # path or URL
    sha256: str | None
    start_ms: int | None  # the timestamp the report carried, in content time
    offset_ms: int  # race time of the clip's first frame
    owner_player_id: str | None
    label: str
    duration_ms: int | None = None
    fps: float | None = None
    vfr: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "source": self.source,
            "location": self.location,
            "sha256": self.sha256,
            "start_ms": self.start_ms,
            "offset_ms": self.offset_ms,
            "owner_player_id": self.owner_player_id,
            "label": self.label,
            "duration_ms": self.duration_ms,
            "fps": self.fps,
            "vfr": self.vfr,
        }


@dataclass(frozen=True, slots=True)
class Report:
    id: str
    reporter_player_id: str | None
    reporter_name: str
    description: str
    lap: int | None
    race_time_ms: int | None
    submitted_at: datetime
    source: str  # "manual", "csv", "json", "demo"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "reporter_player_id": self.reporter_player_id,
            "reporter_name": self.reporter_name,
            "description": self.description,
            "lap": self.lap,
            "race_time_ms": self.race_time_ms,
            "submitted_at": self.submitted_at.isoformat(),
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """One row of the queue: enough to sort, filter and show at a glance."""

    id: str
    number: int  # the league's running case number, for people ("case 12")
    event: str
    event_kind: EventKind
    session: str  # e.g. "R · spa"
    session_id: str
    status: IncidentStatus
    category: str | None
    reporter: str
    involved: tuple[InvolvedDriver, ...]
    reported_at: datetime
    deadline: datetime | None
    lap: int | None
    race_time_ms: int | None
    findings: tuple[Finding, ...] = ()

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.overridden)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "number": self.number,
            "event": self.event,
            "event_kind": self.event_kind.value,
            "session": self.session,
            "session_id": self.session_id,
            "status": self.status.value,
            "category": self.category,
            "reporter": self.reporter,
            "involved": [d.to_json() for d in self.involved],
            "reported_at": self.reported_at.isoformat(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "lap": self.lap,
            "race_time_ms": self.race_time_ms,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    """Everything the detail pane and `incidents show` need about one case."""

    summary: IncidentSummary
    reports: tuple[Report, ...]
    footage: tuple[FootageRef, ...]
    verdicts: tuple[dict[str, object], ...] = ()
    decision: dict[str, object] | None = None
    track: str = ""
    audit: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        doc = self.summary.to_json()
        doc["track"] = self.track
        doc["reports"] = [r.to_json() for r in self.reports]
        doc["footage"] = [f.to_json() for f in self.footage]
        doc["verdicts"] = list(self.verdicts)
        doc["decision"] = self.decision
        return doc


STAND_IN_PREFIX = "name:"  # a driver id made from the name: the result file had no playerId


def has_player_id(player_id: str) -> bool:
    """False for a stand-in id (2019 result files carry no player ids): "no player id in the
    file" is what to tell the user."""
    return not player_id.startswith(STAND_IN_PREFIX)


def format_race_time(ms: int | None) -> str:
    """Race time as stewards read it: h:mm:ss.mmm or mm:ss.mmm."""
    if ms is None:
        return "—"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{sign}{minutes:02d}:{seconds:02d}.{millis:03d}"
