"""The opened database: engine, migrations on open, one transaction per unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session

from steward_desk.paths import Paths
from steward_desk.storage import migrate
from steward_desk.storage.engine import make_engine

if TYPE_CHECKING:
    from steward_desk.storage.evidence import EvidenceRepository
    from steward_desk.storage.incidents import IncidentRepository
    from steward_desk.storage.league import LeagueRepository
    from steward_desk.storage.results import ResultsRepository


class Store:
    """One database. Repositories hang off it; each write is one transaction."""

    def __init__(self, engine: Engine, paths: Paths | None = None) -> None:
        self.engine = engine
        self.paths = paths
        self.actor = "local"  # who the audit log names; the app sets the desk's steward

    @classmethod
    def open(cls, paths: Paths) -> Store:
        """Open (creating or migrating) the database named by `paths`."""
        engine = make_engine(paths.db_url)
        migrate.upgrade(engine, db_path=paths.db_path, backups_dir=paths.backups_dir)
        return cls(engine, paths)

    @classmethod
    def open_url(cls, url: str) -> Store:
        engine = make_engine(url)
        migrate.upgrade(engine)
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit on success, roll back on any error: nothing is half-written."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @cached_property
    def incidents(self) -> IncidentRepository:
        from steward_desk.storage.incidents import IncidentRepository

        return IncidentRepository(self)

    @cached_property
    def league(self) -> LeagueRepository:
        from steward_desk.storage.league import LeagueRepository

        return LeagueRepository(self)

    @cached_property
    def evidence(self) -> EvidenceRepository:
        from steward_desk.storage.evidence import EvidenceRepository

        return EvidenceRepository(self)

    @cached_property
    def results(self) -> ResultsRepository:
        from steward_desk.storage.results import ResultsRepository

        return ResultsRepository(self)

    def close(self) -> None:
        self.engine.dispose()
