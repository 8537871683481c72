"""SQLModel tables for the whole domain.

Ids that cross desks (incidents, reports, verdicts, decisions, footage, events, sessions) are
UUID strings; drivers are keyed by their ACC player id. Datetimes are timezone-aware UTC.
The schema is owned by the Alembic migrations in `storage/migrations`; a test checks that the
migrated database and these models agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware_utc(value: datetime | None) -> datetime | None:
    """A datetime read back from SQLite, which stores them as UTC but returns them naive."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class League(SQLModel, table=True):
    __tablename__ = "league"
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    rulebook: str = "sop-acc"  # bundled rulebook id or a path to the league's own file
    report_window_h: int = 24
    created_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    __tablename__ = "event"
    id: str = Field(default_factory=new_id, primary_key=True)
    league_id: str = Field(foreign_key="league.id", index=True)
    name: str = Field(index=True)
    kind: str  # core.model.EventKind
    round: int | None = None
    final_round: bool = False
    track: str = ""
    starts_at: datetime | None = None


class RaceSession(SQLModel, table=True):
    __tablename__ = "session"
    id: str = Field(default_factory=new_id, primary_key=True)
    event_id: str = Field(foreign_key="event.id", index=True)
    type: str  # core.model.SessionType: FP, Q, R
    raw_type: str = ""  # as the server wrote it: FP, Q1, R2 ...
    track: str = ""
    server_name: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    is_wet: bool = False
    best_lap_ms: int | None = None
    source_file: str = ""
    source_sha256: str | None = Field(default=None, unique=True)


class DriverRow(SQLModel, table=True):
    __tablename__ = "driver"
    player_id: str = Field(primary_key=True)
    first_name: str = ""
    last_name: str = ""
    short_name: str = ""
    nationality: int | None = None


class CarEntry(SQLModel, table=True):
    __tablename__ = "car_entry"
    __table_args__ = (UniqueConstraint("session_id", "car_id"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    car_id: int  # the session-local ACC carId used by laps and penalties
    race_number: int
    car_model: int | None = None
    car_model_name: str = ""
    car_class: str = ""
    cup_category: int | None = None
    team_name: str = ""
    position: int | None = None  # the file's leaderboard position
    lap_count: int = 0
    total_time_ms: int | None = None
    best_lap_ms: int | None = None
    missing_mandatory_pitstop: int | None = None


class CarDriver(SQLModel, table=True):
    __tablename__ = "car_driver"
    car_entry_id: str = Field(foreign_key="car_entry.id", primary_key=True)
    driver_index: int = Field(primary_key=True)
    player_id: str = Field(foreign_key="driver.player_id", index=True)


class CarLaps(SQLModel, table=True):
    """Every lap of one car entry, packed column by column: lap k at index k − 1 of each.

    Each column holds a JSON array (readable with any JSON parser, or in SQL with SQLite's
    json_extract): `lap_time_ms` [95012, null, …] (null = no time), `valid` [true, false, …]
    (isValidForBest), `driver_index` [0, 0, 1, …] (into the car's drivers), `splits`
    [[31000, 42000, 22012], …] (sector times in ms; null = none). One row per car instead of
    one per lap: an 8-hour race stores 50 rows, not 11,000 (migration 0004).
    """

    __tablename__ = "car_laps"
    car_entry_id: str = Field(foreign_key="car_entry.id", primary_key=True)
    laps: int = 0  # the length of every column
    lap_time_ms: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    valid: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    driver_index: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    splits: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class GamePenalty(SQLModel, table=True):
    """A penalty the game itself gave: a fact from the results file, never a steward decision."""

    __tablename__ = "game_penalty"
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    car_entry_id: str | None = Field(default=None, foreign_key="car_entry.id")
    driver_index: int | None = None
    reason: str = ""
    penalty: str = ""
    penalty_value: int = 0
    violation_lap: int | None = None
    cleared_lap: int | None = None
    post_race: bool = False


class Incident(SQLModel, table=True):
    """A case: one or more reports of the same moment, judged together."""

    __tablename__ = "incident"
    id: str = Field(default_factory=new_id, primary_key=True)
    number: int = Field(unique=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    status: str = Field(default="new", index=True)  # core.model.IncidentStatus
    status_reason: str = ""
    category: str | None = None
    lap: int | None = None
    race_time_ms: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    reported_at: datetime = Field(default_factory=utcnow)
    deadline: datetime | None = None


class IncidentReport(SQLModel, table=True):
    __tablename__ = "incident_report"
    id: str = Field(default_factory=new_id, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    reporter_player_id: str | None = Field(default=None, foreign_key="driver.player_id")
    reporter_name: str = ""
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    lap: int | None = None
    race_time_ms: int | None = None
    submitted_at: datetime = Field(default_factory=utcnow)
    source: str = "manual"
    source_ref: str = ""  # e.g. "reports.csv:14"


class Involvement(SQLModel, table=True):
    __tablename__ = "involvement"
    __table_args__ = (UniqueConstraint("incident_id", "player_id"),)
    id: int | None = Field(default=None, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    player_id: str = Field(foreign_key="driver.player_id", index=True)
    car_number: int | None = None
    role: str  # core.model.InvolvementRole


class FindingRow(SQLModel, table=True):
    __tablename__ = "finding"
    id: int | None = Field(default=None, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    report_id: str | None = Field(default=None, foreign_key="incident_report.id")
    kind: str  # core.model.FindingKind
    message: str = ""
    overridden: bool = False
    override_reason: str = ""
    overridden_by: str = ""
    overridden_at: datetime | None = None


class Footage(SQLModel, table=True):
    __tablename__ = "footage"
    id: str = Field(default_factory=new_id, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    report_id: str | None = Field(default=None, foreign_key="incident_report.id")
    source: str = "file"
    location: str = ""
    sha256: str | None = Field(default=None, index=True)
    start_ms: int | None = None
    offset_ms: int = 0  # race time of the clip's first video frame
    owner_player_id: str | None = Field(default=None, foreign_key="driver.player_id")
    label: str = ""
    probe_json: str = ""  # media.footage_index JSON, so files are indexed once
    added_at: datetime = Field(default_factory=utcnow)


class Bookmark(SQLModel, table=True):
    __tablename__ = "bookmark"
    id: str = Field(default_factory=new_id, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    race_ms: int
    label: str = ""
    colour: str = "#f5a623"
    created_at: datetime = Field(default_factory=utcnow)


class Evidence(SQLModel, table=True):
    """Snapshots and other files attached to a case, hashed when saved."""

    __tablename__ = "evidence"
    id: str = Field(default_factory=new_id, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    kind: str = "snapshot"
    path: str
    sha256: str
    race_ms: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Steward(SQLModel, table=True):
    __tablename__ = "steward"
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    roles: str = "steward"  # comma-separated core.model.StewardRole values
    team: str = ""
    player_id: str | None = None  # when the steward also races in the league
    kid: str | None = Field(default=None, unique=True)
    public_jwk: str = ""


class VerdictRow(SQLModel, table=True):
    """A steward's verdict. Submitted versions are immutable; a correction is a new version."""

    __tablename__ = "verdict"
    __table_args__ = (Index("ix_verdict_incident_steward", "incident_id", "steward_id"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id")
    steward_id: str = Field(foreign_key="steward.id")
    version: int = 1
    supersedes: str | None = None
    status: str = "draft"  # draft | submitted
    body_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None


class Decision(SQLModel, table=True):
    """The head steward's final decision; a correction supersedes, nothing is overwritten."""

    __tablename__ = "decision"
    id: str = Field(default_factory=new_id, primary_key=True)
    incident_id: str = Field(foreign_key="incident.id", index=True)
    decided_by: str = ""
    body_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    dissent_json: str = "[]"
    decided_at: datetime = Field(default_factory=utcnow)
    supersedes: str | None = None
    published_at: datetime | None = None
    signed_document: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class PenaltyRow(SQLModel, table=True):
    """A penalty a decision applies to one driver (drives the revised classification)."""

    __tablename__ = "penalty"
    id: str = Field(default_factory=new_id, primary_key=True)
    decision_id: str = Field(foreign_key="decision.id", index=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    player_id: str = Field(foreign_key="driver.player_id", index=True)
    type: str  # core.model.PenaltyType
    value: int = 0


class LedgerEntry(SQLModel, table=True):
    __tablename__ = "ledger_entry"
    id: str = Field(default_factory=new_id, primary_key=True)
    player_id: str = Field(foreign_key="driver.player_id", index=True)
    event_id: str | None = Field(default=None, foreign_key="event.id")
    decision_id: str | None = Field(default=None, foreign_key="decision.id")
    kind: str  # licence_points | strike | qualifying_ban | race_ban | points_deduction
    value: int = 0
    issued_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    note: str = ""


class AuditLog(SQLModel, table=True):
    """Append-only (SQLite triggers refuse UPDATE and DELETE): who did what, when."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = ""
    action: str
    entity: str = ""
    entity_id: str = ""
    detail_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


import steward_desk.storage.panel_tables  # noqa: E402, F401  (the panel exchange's tables)
