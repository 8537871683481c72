"""A league panel on four desks: the head steward Hana and the stewards Ann, Bo and Cy.

Each desk has its own home folder (its own database and its own Ed25519 key in a
passphrase-encrypted file, as on a headless machine without a keyring). The head desk holds a
small league built through the storage API: a series round at Spa with three cases and a
single event at Monza with one. The key-set lists all four keys and every steward desk
adopted it. The whole panel is built once per run and each test gets a private copy.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from steward_desk.cli.main import main
from steward_desk.core.model import Driver, EventKind, Finding, FindingKind, InvolvementRole
from steward_desk.core.rulebook import load_rulebook
from steward_desk.paths import Paths
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import load_keyset
from steward_desk.signing.keystore import KeyStore
from steward_desk.storage.incidents import NewFootage, NewInvolvement, NewReport
from steward_desk.storage.league import LeagueRepository
from steward_desk.storage.stewards import desk_steward
from steward_desk.storage.store import Store
from steward_desk.storage.tables import CarDriver, CarEntry, RaceSession
from steward_desk.storage.verdicts import VerdictRepository

PASSPHRASE = "correct horse battery staple"
RACE_END = datetime(2026, 11, 14, 21, 0, tzinfo=UTC)

# (player id, first, last, short, car number, team)
DRIVERS = [
    ("S76561198000000101", "Zoë", "Müller", "MUE", 7, "Apex Racing"),
    ("S76561198000000102", "José", "Álvarez", "ALV", 11, "Blue Line"),
    ("S76561198000000103", "Kimi", "Virtanen", "VIR", 14, "Apex Racing"),
    ("S76561198000000104", "Amélie", "Dubois", "DUB", 17, "Cobalt"),
    ("S76561198000000105", "Lars", "Østergaard", "OST", 21, "Cobalt"),
    ("S76561198000000106", "Priya", "Raman", "RAM", 23, "Delta"),
]


@dataclass
class Desk:
    """One steward's machine: a home folder, and the command line run against it."""

    name: str
    home: Path

    @property
    def paths(self) -> Paths:
        return Paths(home=self.home, db_url=f"sqlite:///{self.home / 'steward-desk.sqlite'}")

    @property
    def db(self) -> Path:
        return self.home / "steward-desk.sqlite"

    @property
    def passphrase_file(self) -> Path:
        return self.home / "passphrase.txt"

    def run(self, *argv: str) -> tuple[int, str, str]:
        """`steward-desk --home HOME ARGV...` in this process: (exit code, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--home", str(self.home), *argv])
        return code, out.getvalue(), err.getvalue()

    def ok(self, *argv: str) -> str:
        """Run a command that must succeed; its stdout."""
        code, out, err = self.run(*argv)
        assert code == 0, f"{self.name}: {' '.join(argv)} failed ({code}): {err}"
        return out

    def signing(self, *argv: str) -> str:
        """Run a command that signs with this desk's key."""
        return self.ok(*argv, "--passphrase-file", str(self.passphrase_file))

    def key(self) -> SigningKey:
        return KeyStore(self.home / "keys").load(PASSPHRASE.encode())

    def store(self) -> Store:
        return Store.open(self.paths)

    def dump(self) -> str:
        """Every table of the database as SQL text: equal dumps mean nothing changed."""
        connection = sqlite3.connect(self.db)
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()


@dataclass
class Panel:
    head: Desk
    ann: Desk
    bo: Desk
    cy: Desk
    files: Path

    @property
    def stewards(self) -> list[Desk]:
        return [self.ann, self.bo, self.cy]

    def submit(self, desk: Desk, case: int, outcome: str, seconds: int = 0, **extra: Any) -> str:
        """The steward submits a verdict on case `case` on their own desk (storage API)."""
        store = desk.store()
        try:
            rulebook = load_rulebook()
            steward = desk_steward(store, desk.paths.keys_dir)
            assert steward is not None
            incident_id = store.incidents.resolve(str(case))
            detail = store.incidents.detail(incident_id)
            accused = [d.player_id for d in detail.summary.involved if d.role.value == "accused"]
            sanction = outcome in ("penalty", "warning")
            body: dict[str, Any] = {
                "category": detail.summary.category,
                "outcome": outcome,
                "at_fault": accused if sanction else [],
                "penalty": {"type": "time", "value": seconds} if outcome == "penalty" else None,
                "reasoning": f"{desk.name} on case {case}: {outcome}",
                "override_reason": "the panel's reading of this case",
                **extra,
            }
            return VerdictRepository(store, rulebook).submit(incident_id, steward, body).id
        finally:
            store.close()


def _league(desk: Desk) -> None:
    """The head steward's league: filed through the storage API as intake files reports."""
    store = desk.store()
    try:
        with store.transaction() as session:
            league = LeagueRepository.ensure_league(session, "SOP Test League")
            races = []
            for name, kind, track, days in (
                ("GT3 Sprint · Round 4 · Spa", EventKind.SERIES, "spa", 0),
                ("Friday Night Single · Monza", EventKind.SINGLE, "monza", 1),
            ):
                event = LeagueRepository.ensure_event(
                    session, league, name, kind, round=4, track=track
                )
                end = RACE_END + timedelta(days=days)
                race = RaceSession(
                    event_id=event.id, type="R", raw_type="R", track=track,
                    started_at=end - timedelta(minutes=40), ended_at=end,
                )  # fmt: skip
                session.add(race)
                session.flush()
                races.append(race.id)
                for car_id, (pid, first, last, short, number, team) in enumerate(DRIVERS):
                    LeagueRepository.upsert_drivers(
                        session, [(Driver(pid, first, last, short), None)]
                    )
                    car = CarEntry(
                        session_id=race.id, car_id=1001 + car_id, race_number=number,
                        team_name=team, position=car_id + 1,
                    )  # fmt: skip
                    session.add(car)
                    session.flush()
                    session.add(CarDriver(car_entry_id=car.id, driver_index=0, player_id=pid))
        cases = [
            (races[0], 0, 1, "avoidable_contact", "Turn 1, lap 1: #11 dived in and hit me."),
            (races[0], 2, 3, "blocking", "#17 moved twice on the Kemmel straight."),
            (races[0], 4, 5, "unsafe_rejoin", "#23 came back across the track at Pouhon."),
            (races[1], 0, 1, "avoidable_contact", "Monza T1: #11 punted me into the gravel."),
        ]
        for race_id, reporter, accused, category, text in cases:
            who, other = DRIVERS[reporter], DRIVERS[accused]
            store.incidents.file_report(
                NewReport(
                    session_id=race_id,
                    reporter_player_id=who[0],
                    reporter_name=f"{who[1]} {who[2]}",
                    involved=[
                        NewInvolvement(who[0], InvolvementRole.REPORTER, who[4]),
                        NewInvolvement(other[0], InvolvementRole.ACCUSED, other[4]),
                    ],
                    description=text,
                    submitted_at=RACE_END + timedelta(hours=2),
                    lap=1,
                    race_time_ms=151_200,
                    category=category,
                    deadline=RACE_END + timedelta(days=3),
                    findings=[Finding(FindingKind.LATE_REPORT, "Filed 26 h after the race")]
                    if category == "blocking"
                    else [],
                    footage=[
                        NewFootage(
                            location=f"/home/hana/Videos/onboard-{who[3].lower()}.mkv",
                            sha256="ab" * 32,
                            start_ms=151_000,
                            offset_ms=-2_400,
                            owner_player_id=who[0],
                            label=f"{who[3]} onboard",
                        ),
                        NewFootage(
                            location="https://youtu.be/dQw4w9WgXcQ?t=151",
                            source="youtube",
                            start_ms=151_000,
                            owner_player_id=other[0],
                            label=f"{other[3]} stream",
                        ),
                    ],
                )
            )
    finally:
        store.close()


def build_panel(root: Path) -> Path:
    """Make the four desks under `root` (keys, key-set, the head steward's league)."""
    files = root / "files"
    files.mkdir(parents=True)
    desks = {name: Desk(name, root / name.lower()) for name in ("Hana", "Ann", "Bo", "Cy")}
    for desk in desks.values():
        desk.home.mkdir()
        desk.passphrase_file.write_text(PASSPHRASE + "\n")
    head = desks["Hana"]
    head.signing("keys", "init", "--name", "Hana", "--role", "head", "--league", "SOP Test League")
    (files / "hana.jwk").write_text(head.ok("keys", "show", "--jwk"))
    for name in ("Ann", "Bo", "Cy"):
        desk = desks[name]
        desk.signing("keys", "init", "--name", name, "--role", "steward")
        jwk = files / f"{name.lower()}.jwk"
        jwk.write_text(desk.ok("keys", "show", "--jwk"))
        head.signing("keys", "trust", str(jwk), "--name", name, "--role", "steward")
    for name in ("Ann", "Bo", "Cy"):
        desks[name].ok(
            "keys", "import", str(head.home / "keys" / "keyset.json"),
            "--key", str(files / "hana.jwk"),
        )  # fmt: skip
    _league(head)
    for name in ("Ann", "Bo", "Cy"):
        Store.open(desks[name].paths).close()  # an empty, migrated database
    return root


def copy_panel(template: Path, root: Path) -> Panel:
    """A private copy of the four desks (keys keep their 0600/0700 modes)."""
    shutil.copytree(template, root)
    desks = {name: Desk(name, root / name.lower()) for name in ("Hana", "Ann", "Bo", "Cy")}
    return Panel(desks["Hana"], desks["Ann"], desks["Bo"], desks["Cy"], root / "files")


def keyset_of(desk: Desk):  # type: ignore[no-untyped-def]
    """The league key-set a desk holds."""
    return load_keyset((desk.home / "keys" / "keyset.json").read_bytes())
