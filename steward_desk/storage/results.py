"""Stores imported ACC sessions: cars, drivers, laps and the game's own penalties, as facts.

Laps are stored packed, one `car_laps` row of JSON arrays per car entry (tables.CarLaps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import msgspec
from sqlmodel import Session, col, select

from steward_desk.core.classification import CarResult, StewardPenalty
from steward_desk.core.model import Driver, EventKind
from steward_desk.storage import audit, sql_rows
from steward_desk.storage.league import LeagueRepository
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    CarDriver,
    CarEntry,
    CarLaps,
    DriverRow,
    GamePenalty,
    RaceSession,
)

if TYPE_CHECKING:
    from steward_desk.intake.acc_results import AccSession

_FILE_STAMP = re.compile(r"(\d{6})_(\d{6})_")


def time_from_filename(name: str) -> datetime | None:
    """ACC names files YYMMDD_HHMMSS_<T>.json when the session ends (server local time)."""
    match = _FILE_STAMP.search(name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%y%m%d%H%M%S").replace(
            tzinfo=UTC
        )
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ImportedSession:
    session_id: str
    event_id: str
    created: bool  # False: the same file (by SHA-256) was imported before; nothing changed
    cars: int
    drivers: int
    laps: int
    source: str


class ResultsRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def import_session(
        self,
        acc: AccSession,
        *,
        league: str,
        event: str,
        kind: EventKind,
        round: int | None = None,
        final_round: bool = False,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
    ) -> ImportedSession:
        """One transaction: all of the session or none of it. Idempotent by file hash."""
        with self.store.transaction() as session:
            return self.import_session_in(
                session,
                acc,
                league=league,
                event=event,
                kind=kind,
                round=round,
                final_round=final_round,
                started_at=started_at,
                ended_at=ended_at,
            )

    def import_session_in(
        self,
        session: Session,
        acc: AccSession,
        *,
        league: str,
        event: str,
        kind: EventKind,
        round: int | None = None,
        final_round: bool = False,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
    ) -> ImportedSession:
        """The session's rows written in the caller's transaction, through plain SQL
        (sql_rows: the ORM's per-statement compiling would cost more than the writing)."""
        source = str(acc.source)
        existing = sql_rows.rows(
            session,
            "SELECT id, event_id FROM session WHERE source_sha256 = :sha256",
            {"sha256": acc.sha256},
        )
        if existing:
            session_id, event_id = existing[0]
            ((cars,),) = sql_rows.rows(
                session, "SELECT count(*) FROM car_entry WHERE session_id = :id", {"id": session_id}
            )
            return ImportedSession(session_id, event_id, False, cars, 0, 0, source)

        event_id = LeagueRepository.ensure_event_id(
            session,
            LeagueRepository.ensure_league_id(session, league),
            event,
            kind,
            round=round,
            final_round=final_round,
            track=acc.track,
        )
        ended = ended_at or time_from_filename(source)
        race_id, *car_ids = sql_rows.new_ids(1 + len(acc.cars))
        race = sql_rows.new_row(
            RaceSession,
            id=race_id,
            event_id=event_id,
            type=acc.session_type.value,
            raw_type=acc.raw_session_type,
            track=acc.track,
            server_name=acc.server_name,
            started_at=started_at,
            ended_at=ended,
            is_wet=acc.is_wet,
            best_lap_ms=acc.best_lap_ms,
            source_file=source,
            source_sha256=acc.sha256,
        )
        sql_rows.insert_dicts(session, RaceSession, [race])

        entry_ids = {car.car_id: car_id for car, car_id in zip(acc.cars, car_ids, strict=True)}
        car_rows = [
            (
                entry_ids[car.car_id],
                race_id,
                car.car_id,
                car.race_number,
                car.car_model,
                car.car_model_name,
                car.car_class,
                car.cup_category,
                car.team_name,
                car.position,
                car.lap_count,
                car.total_time_ms,
                car.best_lap_ms,
                car.missing_mandatory_pitstop,
            )
            for car in acc.cars
        ]
        link_rows = [
            (entry_ids[car.car_id], index, d.player_id)
            for car in acc.cars
            for index, d in enumerate(car.drivers)
            if d.player_id
        ]
        players = {row[2] for row in link_rows}
        # Drivers first: the links point at them.
        LeagueRepository.upsert_drivers(
            session, [(d, car.nationality) for car in acc.cars for d in car.drivers if d.player_id]
        )
        sql_rows.insert_tuples(session, CarEntry, _CAR_COLUMNS, car_rows)
        sql_rows.insert_tuples(
            session, CarDriver, ("car_entry_id", "driver_index", "player_id"), link_rows
        )
        # The bulk of a long race (11,000+ laps) as one row of JSON arrays per car.
        lap_rows = [
            (
                entry_ids[laps.car_id],
                len(laps),
                _pack(laps.lap_time_ms),
                _pack(laps.valid),
                _pack(laps.driver_index),
                _pack(laps.splits),
            )
            for laps in acc.car_laps
            if laps.car_id in entry_ids  # the file may hold laps of cars not on the leaderboard
        ]
        sql_rows.insert_tuples(session, CarLaps, _CAR_LAPS_COLUMNS, lap_rows)
        stored_laps = sum(row[1] for row in lap_rows)
        penalty_rows = [
            {
                "session_id": race_id,
                "car_entry_id": entry_ids.get(p.car_id),
                "driver_index": p.driver_index,
                "reason": p.reason,
                "penalty": p.penalty,
                "penalty_value": p.penalty_value,
                "violation_lap": p.violation_lap,
                "cleared_lap": p.cleared_lap,
                "post_race": p.post_race,
            }
            for p in acc.penalties
        ]
        sql_rows.insert_dicts(session, GamePenalty, penalty_rows)
        audit.record_now(
            session,
            self.store.actor,
            "results.imported",
            "session",
            str(race_id),
            file=source,
            sha256=acc.sha256,
            cars=len(car_rows),
            laps=stored_laps,
        )
        return ImportedSession(
            str(race_id), event_id, True, len(car_rows), len(players), stored_laps, source
        )

    def lap_marks(self, session_id: str) -> list[tuple[int, int]]:
        """(lap number, race time in ms when the leader started it) for the scrubber."""
        with self.store.read() as session:
            leader = session.exec(
                select(CarEntry)
                .where(CarEntry.session_id == session_id)
                .order_by(col(CarEntry.position))
            ).first()
            if leader is None:
                return []
            packed = session.exec(
                select(CarLaps.lap_time_ms).where(CarLaps.car_entry_id == leader.id)
            ).first()
            times: list[int | None] = msgspec.json.decode(packed) if packed else []
            marks, elapsed = [], 0
            for number, time in enumerate(times, start=1):
                marks.append((number, elapsed))
                elapsed += time or 0
            return marks


def car_results(store: Store, session_id: str) -> tuple[RaceSession, list[CarResult]]:
    """The session and its cars as the file classified them, for the classification."""
    with store.read() as session:
        race = session.get(RaceSession, session_id)
        if race is None:
            matches = session.exec(
                select(RaceSession).where(col(RaceSession.id).startswith(session_id))
            ).all()
            if len(matches) != 1:
                raise LookupError(f"no session {session_id!r}")
            race = matches[0]
        cars = session.exec(
            select(CarEntry).where(CarEntry.session_id == race.id).order_by(col(CarEntry.position))
        ).all()
        links = session.exec(
            select(CarDriver, DriverRow)
            .join(DriverRow, col(DriverRow.player_id) == CarDriver.player_id)
            .join(CarEntry, col(CarEntry.id) == CarDriver.car_entry_id)
            .where(CarEntry.session_id == race.id)
            .order_by(col(CarDriver.driver_index))
        ).all()
        drivers: dict[str, list[Driver]] = {}
        for link, d in links:
            drivers.setdefault(link.car_entry_id, []).append(
                Driver(d.player_id, d.first_name, d.last_name, d.short_name)
            )
        return race, [
            CarResult(
                entry_id=car.id,
                position=car.position or 0,
                car_number=car.race_number,
                car_model=car.car_model_name or str(car.car_model),
                car_class=car.car_class,
                drivers=tuple(drivers.get(car.id, ())),
                laps=car.lap_count,
                total_time_ms=car.total_time_ms,
                best_lap_ms=car.best_lap_ms,
            )
            for car in cars
        ]


def steward_penalties(store: Store, session_id: str) -> list[StewardPenalty]:
    """Penalties of the latest decisions (superseded ones left out) on the session's cars."""
    from steward_desk.core.model import Penalty, PenaltyType
    from steward_desk.storage.tables import Decision, PenaltyRow

    with store.read() as session:
        superseded = {d for d in session.exec(select(Decision.supersedes)) if d}
        rows = session.exec(
            select(PenaltyRow, Decision)
            .join(Decision, col(Decision.id) == PenaltyRow.decision_id)
            .where(PenaltyRow.session_id == session_id)
        ).all()
        entry_of = {
            link.player_id: link.car_entry_id
            for link in session.exec(
                select(CarDriver)
                .join(CarEntry, col(CarEntry.id) == CarDriver.car_entry_id)
                .where(CarEntry.session_id == session_id)
            )
        }
        out: list[StewardPenalty] = []
        for penalty, decision in rows:
            if decision.id in superseded or penalty.player_id not in entry_of:
                continue
            out.append(
                StewardPenalty(
                    entry_id=entry_of[penalty.player_id],
                    penalty=Penalty(PenaltyType(penalty.type), penalty.value),
                    reference=decision.id,
                )
            )
        return out


_CAR_COLUMNS = (
    "id",
    "session_id",
    "car_id",
    "race_number",
    "car_model",
    "car_model_name",
    "car_class",
    "cup_category",
    "team_name",
    "position",
    "lap_count",
    "total_time_ms",
    "best_lap_ms",
    "missing_mandatory_pitstop",
)
_CAR_LAPS_COLUMNS = ("car_entry_id", "laps", "lap_time_ms", "valid", "driver_index", "splits")


def _pack(column: tuple[object, ...]) -> str:
    """One lap column as a compact JSON array (None → null), as tables.CarLaps documents."""
    return msgspec.json.encode(column).decode()
