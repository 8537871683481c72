"""Leagues, events, sessions and the drivers in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from steward_desk.core.model import Driver, EventKind, SessionType
from steward_desk.storage import sql_rows
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    CarDriver,
    CarEntry,
    DriverRow,
    Event,
    League,
    RaceSession,
)


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A driver as they appear in one session: who, in which car."""

    player_id: str
    name: str
    short_name: str
    car_number: int
    team: str
    car_class: str


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: str
    event_id: str
    event: str
    event_kind: EventKind
    type: SessionType
    raw_type: str
    track: str
    started_at: datetime | None
    ended_at: datetime | None
    cars: int

    @property
    def label(self) -> str:
        return f"{self.raw_type or self.type.value} · {self.track}"


class LeagueRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writes (inside the caller's transaction) ------------------------------------------
    @staticmethod
    def ensure_league(session: Session, name: str) -> League:
        """The league of that name, made if new."""
        session.flush()  # ensure_league_id reads in plain SQL, which does not autoflush
        return session.get_one(League, LeagueRepository.ensure_league_id(session, name))

    @staticmethod
    def ensure_league_id(session: Session, name: str) -> str:
        """The id of the league of that name, made if new; written in plain SQL (sql_rows)
        because the results import calls it where ORM statement compiling costs more than
        the work. Rows the caller added through the ORM must be flushed first."""
        found = sql_rows.rows(session, "SELECT id FROM league WHERE name = :name", {"name": name})
        if found:
            return str(found[0][0])
        league = sql_rows.new_row(League, name=name)
        sql_rows.insert_dicts(session, League, [league])
        return str(league["id"])

    @staticmethod
    def ensure_event(
        session: Session,
        league: League,
        name: str,
        kind: EventKind,
        *,
        round: int | None = None,
        final_round: bool = False,
        track: str = "",
        starts_at: datetime | None = None,
    ) -> Event:
        """The league's event of that name, made if new (an existing one is left as it is)."""
        session.flush()  # ensure_event_id reads in plain SQL, which does not autoflush
        event_id = LeagueRepository.ensure_event_id(
            session,
            league.id,
            name,
            kind,
            round=round,
            final_round=final_round,
            track=track,
            starts_at=starts_at,
        )
        return session.get_one(Event, event_id)

    @staticmethod
    def ensure_event_id(
        session: Session,
        league_id: str,
        name: str,
        kind: EventKind,
        *,
        round: int | None = None,
        final_round: bool = False,
        track: str = "",
        starts_at: datetime | None = None,
    ) -> str:
        """`ensure_event` by ids, in plain SQL as `ensure_league_id`."""
        found = sql_rows.rows(
            session,
            "SELECT id FROM event WHERE league_id = :league_id AND name = :name",
            {"league_id": league_id, "name": name},
        )
        if found:
            return str(found[0][0])
        event = sql_rows.new_row(
            Event,
            league_id=league_id,
            name=name,
            kind=kind.value,
            round=round,
            final_round=final_round,
            track=track,
            starts_at=starts_at,
        )
        sql_rows.insert_dicts(session, Event, [event])
        return str(event["id"])

    @staticmethod
    def upsert_drivers(session: Session, drivers: list[tuple[Driver, int | None]]) -> None:
        """(driver, nationality) pairs, in the order they were seen: one driver across car
        numbers and sessions, the newest non-empty names and nationality win. One statement
        for all of them (an import stores 40 to 200 drivers, most of them known)."""
        if drivers:
            sql_rows.execute_many(
                session,
                _UPSERT_DRIVER,
                [
                    {
                        "player_id": d.player_id,
                        "first_name": d.first_name,
                        "last_name": d.last_name,
                        "short_name": d.short_name,
                        "nationality": nationality,
                    }
                    for d, nationality in drivers
                ],
            )

    # -- reads -----------------------------------------------------------------------------
    def league_names(self) -> list[str]:
        with self.store.read() as session:
            return self.league_names_in(session)

    @staticmethod
    def league_names_in(session: Session) -> list[str]:
        """Every league's name, sorted, read in the caller's transaction (plain SQL, as
        `ensure_league_id`: the results import asks inside its own)."""
        return sorted(name for (name,) in sql_rows.rows(session, "SELECT name FROM league"))

    def sessions(self, event_id: str | None = None) -> list[SessionInfo]:
        with self.store.read() as session:
            query = select(RaceSession, Event).join(Event, col(Event.id) == RaceSession.event_id)
            if event_id:
                query = query.where(RaceSession.event_id == event_id)
            rows = session.exec(query.order_by(col(Event.name), col(RaceSession.started_at))).all()
            counts: dict[str, int] = {}
            for car in session.exec(select(CarEntry.session_id)):
                counts[car] = counts.get(car, 0) + 1
            return [
                SessionInfo(
                    id=s.id,
                    event_id=e.id,
                    event=e.name,
                    event_kind=EventKind(e.kind),
                    type=SessionType(s.type),
                    raw_type=s.raw_type,
                    track=s.track,
                    started_at=s.started_at,
                    ended_at=s.ended_at,
                    cars=counts.get(s.id, 0),
                )
                for s, e in rows
            ]

    def session_info(self, session_id: str) -> SessionInfo | None:
        return next((s for s in self.sessions() if s.id == session_id), None)

    def roster(self, session_id: str) -> list[RosterEntry]:
        """Every driver of every car in a session (for matching reports and pickers)."""
        with self.store.read() as session:
            rows = session.exec(
                select(CarEntry, CarDriver, DriverRow)
                .join(CarDriver, col(CarDriver.car_entry_id) == CarEntry.id)
                .join(DriverRow, col(DriverRow.player_id) == CarDriver.player_id)
                .where(CarEntry.session_id == session_id)
                .order_by(col(CarEntry.race_number), col(CarDriver.driver_index))
            ).all()
            return [
                RosterEntry(
                    player_id=d.player_id,
                    name=Driver(d.player_id, d.first_name, d.last_name, d.short_name).name,
                    short_name=d.short_name,
                    car_number=car.race_number,
                    team=car.team_name,
                    car_class=car.car_class,
                )
                for car, _link, d in rows
            ]

    def driver(self, player_id: str) -> Driver | None:
        with self.store.read() as session:
            row = session.get(DriverRow, player_id)
            if row is None:
                return None
            return Driver(row.player_id, row.first_name, row.last_name, row.short_name)

    def delete_league(self, name: str) -> bool:
        """Remove a league and everything filed under it (the demo's rebuild). Drivers stay:
        they are shared across leagues. The audit log keeps its history and says so."""
        from sqlalchemy import delete

        from steward_desk.storage import audit
        from steward_desk.storage.tables import (
            Bookmark,
            CarLaps,
            Decision,
            Evidence,
            FindingRow,
            Footage,
            GamePenalty,
            Incident,
            IncidentReport,
            Involvement,
            LedgerEntry,
            PenaltyRow,
            VerdictRow,
        )

        with self.store.transaction() as session:
            league = session.exec(select(League).where(League.name == name)).first()
            if league is None:
                return False
            events = list(session.exec(select(Event.id).where(Event.league_id == league.id)))
            sessions = list(
                session.exec(select(RaceSession.id).where(col(RaceSession.event_id).in_(events)))
            )
            incidents = list(
                session.exec(select(Incident.id).where(col(Incident.session_id).in_(sessions)))
            )
            cars = list(
                session.exec(select(CarEntry.id).where(col(CarEntry.session_id).in_(sessions)))
            )
            decisions = list(
                session.exec(select(Decision.id).where(col(Decision.incident_id).in_(incidents)))
            )
            for table, column, ids in (
                (Evidence, Evidence.incident_id, incidents),
                (Bookmark, Bookmark.incident_id, incidents),
                (Footage, Footage.incident_id, incidents),
                (FindingRow, FindingRow.incident_id, incidents),
                (Involvement, Involvement.incident_id, incidents),
                (IncidentReport, IncidentReport.incident_id, incidents),
                (VerdictRow, VerdictRow.incident_id, incidents),
                (PenaltyRow, PenaltyRow.decision_id, decisions),
                (LedgerEntry, LedgerEntry.decision_id, decisions),
                (LedgerEntry, LedgerEntry.event_id, events),
                (Decision, Decision.id, decisions),
                (Incident, Incident.id, incidents),
                (GamePenalty, GamePenalty.session_id, sessions),
                (CarLaps, CarLaps.car_entry_id, cars),
                (CarDriver, CarDriver.car_entry_id, cars),
                (CarEntry, CarEntry.id, cars),
                (RaceSession, RaceSession.id, sessions),
                (Event, Event.id, events),
            ):
                if ids:
                    session.execute(delete(table).where(col(column).in_(ids)))
            session.delete(league)
            audit.record(
                session, self.store.actor, "league.deleted", "league", league.id, name=name,
                events=len(events), incidents=len(incidents),
            )  # fmt: skip
            return True


# A known driver keeps a name part the newer row leaves empty: first and last name go
# together (a newer "first last" replaces both), the short name and nationality on their own.
_UPSERT_DRIVER = """
INSERT INTO driver (player_id, first_name, last_name, short_name, nationality)
VALUES (:player_id, :first_name, :last_name, :short_name, :nationality)
ON CONFLICT (player_id) DO UPDATE SET
    first_name = CASE WHEN excluded.first_name <> '' OR excluded.last_name <> ''
                      THEN excluded.first_name ELSE driver.first_name END,
    last_name = CASE WHEN excluded.first_name <> '' OR excluded.last_name <> ''
                     THEN excluded.last_name ELSE driver.last_name END,
    short_name = CASE WHEN excluded.short_name <> ''
                      THEN excluded.short_name ELSE driver.short_name END,
    nationality = COALESCE(excluded.nationality, driver.nationality)
"""
