"""Decisions as the exports see them: the public part of each decision with its case, event,
session and the people involved, read from the database in one pass.

Only whitelisted fields of `Decision.body_json` are read (category, outcome, at_fault,
penalty, rule_refs, reasoning, factors): the steward's `private_notes`, the checklist
answers and the panel's dissent never reach an export because they are never loaded here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, Outcome, Penalty, PenaltyType
from steward_desk.core.rulebook import Rulebook, UnknownIdError
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    CarDriver,
    CarEntry,
    Decision,
    DriverRow,
    Event,
    Incident,
    IncidentReport,
    Involvement,
    League,
    RaceSession,
)


@dataclass(frozen=True, slots=True)
class Party:
    """A driver named in a case, and how the decision concerns them."""

    player_id: str
    name: str
    car_number: int | None
    role: str  # core.model.InvolvementRole value
    at_fault: bool
    team: str = ""
    car_model: str = ""


@dataclass(frozen=True, slots=True)
class Reporter:
    player_id: str | None
    name: str


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One final decision with everything an export may show about it (nothing private)."""

    id: str
    incident_id: str
    case_number: int
    league: str
    event_id: str
    event: str
    event_kind: str
    session_id: str
    session_type: str  # as the server named it: R, Q1, R2 …
    track: str
    lap: int | None
    race_time_ms: int | None
    category: str | None
    category_name: str
    outcome: Outcome
    penalty: Penalty | None
    rule_refs: tuple[str, ...]
    reasoning: str
    factors: tuple[str, ...]
    decided_at: datetime
    decided_by: str
    supersedes: str | None
    superseded_by: str | None
    published_at: datetime | None
    parties: tuple[Party, ...]
    reporters: tuple[Reporter, ...]
    document_number: int  # running number of the decision within its event (FIA style)

    @property
    def at_fault(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.at_fault)

    @property
    def session_label(self) -> str:
        """ "Race 2 · Spa": the session as people name it."""
        kind = _SESSION_WORDS.get(self.session_type.rstrip("0123456789").upper(), "")
        number = self.session_type.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        name = f"{kind} {number}".strip() if kind else self.session_type
        track = self.track.replace("_", " ").title()
        return " · ".join(p for p in (name, track) if p)

    @property
    def is_current(self) -> bool:
        """False once a later decision corrected this one."""
        return self.superseded_by is None

    def describe_penalty(self) -> str:
        """ "5 s time penalty", or the outcome in words when there is no penalty."""
        if self.penalty is not None:
            return self.penalty.describe()
        return self.outcome.label

    def feed_json(self) -> dict[str, object]:
        """The decision as the signed feed carries it (integers and strings only)."""
        return {
            "id": self.id,
            "incident": {"id": self.incident_id, "case": self.case_number},
            "event": {"id": self.event_id, "name": self.event},
            "session": {"id": self.session_id, "type": self.session_type, "track": self.track},
            "drivers": [
                {
                    "player_id": p.player_id,
                    "name": p.name,
                    "car_number": p.car_number,
                    "role": p.role,
                    "at_fault": p.at_fault,
                }
                for p in self.parties
            ],
            "category": self.category,
            "outcome": self.outcome.value,
            "penalty": None
            if self.penalty is None
            else {"type": self.penalty.type.value, "value": self.penalty.value},
            "rule_refs": list(self.rule_refs),
            "reasoning": self.reasoning,
            "decided_at": _stamp(self.decided_at),
            "supersedes": self.supersedes,
            "document": self.document_number,
        }


_SESSION_WORDS = {"R": "Race", "Q": "Qualifying", "FP": "Practice", "P": "Practice"}


def load_decisions(
    store: Store, rulebook: Rulebook, *, event: str | None = None
) -> list[DecisionRecord]:
    """Every final decision (corrections and the decisions they correct), oldest first.

    `event` matches an event's name or id; LookupError when it names no event.
    """
    with store.read() as session:
        query = (
            select(Decision, Incident, RaceSession, Event, League)
            .join(Incident, col(Incident.id) == Decision.incident_id)
            .join(RaceSession, col(RaceSession.id) == Incident.session_id)
            .join(Event, col(Event.id) == RaceSession.event_id)
            .join(League, col(League.id) == Event.league_id)
        )
        if event:
            known = session.exec(
                select(Event.id).where((Event.name == event) | (Event.id == event))
            ).all()
            if not known:
                raise LookupError(f"no event named {event!r}")
            query = query.where(col(Event.id).in_(known))
        rows = session.exec(query).all()
        superseded_by = {
            d.supersedes: d.id
            for d in session.exec(select(Decision).where(col(Decision.supersedes).is_not(None)))
            if d.supersedes
        }
        incident_ids = {incident.id for _, incident, _, _, _ in rows}
        parties = _parties(session, incident_ids)
        reporters = _reporters(session, incident_ids)

    ordered = sorted(rows, key=lambda r: (_utc(r[0].decided_at), r[1].number, r[0].id))
    numbers: dict[str, int] = defaultdict(int)
    records = []
    for decision, incident, race, event_row, league in ordered:
        body = _body(decision.body_json)
        at_fault = {str(p) for p in body.get("at_fault", []) or []}
        numbers[event_row.id] += 1
        category = body.get("category") or incident.category
        records.append(
            DecisionRecord(
                id=decision.id,
                incident_id=incident.id,
                case_number=incident.number,
                league=league.name,
                event_id=event_row.id,
                event=event_row.name,
                event_kind=event_row.kind,
                session_id=race.id,
                session_type=race.raw_type or race.type,
                track=race.track,
                lap=incident.lap,
                race_time_ms=incident.race_time_ms,
                category=str(category) if category else None,
                category_name=_category_name(rulebook, category),
                outcome=Outcome(str(body.get("outcome", Outcome.NO_FURTHER_ACTION.value))),
                penalty=_penalty(body.get("penalty")),
                rule_refs=tuple(str(r) for r in body.get("rule_refs", []) or []),
                reasoning=str(body.get("reasoning", "") or ""),
                factors=tuple(str(f) for f in body.get("factors", []) or []),
                decided_at=_utc(decision.decided_at),
                decided_by=decision.decided_by,
                supersedes=decision.supersedes,
                superseded_by=superseded_by.get(decision.id),
                published_at=_utc(decision.published_at) if decision.published_at else None,
                parties=tuple(
                    Party(
                        p.player_id,
                        p.name,
                        p.car_number,
                        p.role,
                        p.player_id in at_fault,
                        p.team,
                        p.car_model,
                    )
                    for p in parties.get(incident.id, [])
                ),
                reporters=tuple(reporters.get(incident.id, [])),
                document_number=numbers[event_row.id],
            )
        )
    return records


def current_decisions(records: Iterable[DecisionRecord]) -> list[DecisionRecord]:
    """The decisions still standing: corrected ones give way to their correction."""
    return [r for r in records if r.is_current]


def _parties(session: Session, incident_ids: set[str]) -> dict[str, list[Party]]:
    out: dict[str, list[Party]] = defaultdict(list)
    if not incident_ids:
        return out
    rows = session.exec(
        select(Involvement, DriverRow, Incident)
        .join(DriverRow, col(DriverRow.player_id) == Involvement.player_id)
        .join(Incident, col(Incident.id) == Involvement.incident_id)
        .where(col(Involvement.incident_id).in_(incident_ids))
        .order_by(col(Involvement.id))
    ).all()
    sessions = {incident.session_id for _, _, incident in rows}
    cars: dict[tuple[str, str], CarEntry] = {}
    if sessions:
        for link, car in session.exec(
            select(CarDriver, CarEntry)
            .join(CarEntry, col(CarEntry.id) == CarDriver.car_entry_id)
            .where(col(CarEntry.session_id).in_(sessions))
        ).all():
            cars[(car.session_id, link.player_id)] = car
    for involvement, driver, incident in rows:
        car = cars.get((incident.session_id, driver.player_id))
        out[involvement.incident_id].append(
            Party(
                player_id=driver.player_id,
                name=Driver(
                    driver.player_id, driver.first_name, driver.last_name, driver.short_name
                ).name,
                car_number=involvement.car_number
                if involvement.car_number is not None
                else (car.race_number if car else None),
                role=involvement.role,
                at_fault=False,
                team=car.team_name if car else "",
                car_model=(car.car_model_name or "") if car else "",
            )
        )
    return out


def _reporters(session: Session, incident_ids: set[str]) -> dict[str, list[Reporter]]:
    out: dict[str, list[Reporter]] = defaultdict(list)
    if not incident_ids:
        return out
    rows = session.exec(
        select(IncidentReport)
        .where(col(IncidentReport.incident_id).in_(incident_ids))
        .order_by(col(IncidentReport.submitted_at), col(IncidentReport.id))
    ).all()
    for report in rows:
        seen = out[report.incident_id]
        if all(r.player_id != report.reporter_player_id or r.player_id is None for r in seen):
            seen.append(Reporter(report.reporter_player_id, report.reporter_name))
    return out


def _body(text: str) -> dict[str, object]:
    try:
        body = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


def _penalty(raw: object) -> Penalty | None:
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    value = raw.get("value") or 0
    return Penalty(PenaltyType(str(raw["type"])), int(value) if isinstance(value, int) else 0)


def _category_name(rulebook: Rulebook, category: object) -> str:
    if not category:
        return "Incident"
    try:
        return rulebook.category(str(category)).name
    except UnknownIdError:
        return str(category).replace("_", " ").capitalize()


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back naive; the storage contract says they are UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return _utc(moment).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
