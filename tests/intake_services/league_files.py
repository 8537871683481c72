"""The files a league admin handles, generated: an ACC race weekend as the server writes it
(UTF-16 LE, duplicated `sessionType`) and a Google Forms export of incident reports.

Used by the intake service tests and the intake GUI tests, so both stand alone without
../shared. Everything is deterministic (seeded).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from steward_desk.demo.acc_file import DemoCar, server_bytes, session_document

# Names with accents and one shared surname, as real grids have them.
DRIVERS: tuple[tuple[str, str, str, int], ...] = (
    ("Jürgen", "Müller", "MUL", 12),
    ("Anna", "Schmidt", "SCH", 7),
    ("François", "Dupont", "DUP", 34),
    ("Zoë", "Lind", "LIN", 88),
    ("Bob", "Stone", "STO", 5),
    ("Carla", "Reyes", "REY", 21),
    ("Dmitri", "Ivanov", "IVA", 3),
    ("Eva", "Nováková", "NOV", 44),
    ("Hans", "Schmidt", "HSC", 70),
)
RACE_END = datetime(2024, 3, 24, 21, 0, tzinfo=UTC)  # the R file's name says so
EVENT = "Round 3 · Spa"


@dataclass(frozen=True)
class LeagueDriver:
    player_id: str
    first: str
    last: str
    car: int

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


LEAGUE = tuple(
    LeagueDriver(f"S7656119800000{n:04d}", first, last, car)
    for n, (first, last, _short, car) in enumerate(DRIVERS, start=1)
)


def grid() -> list[DemoCar]:
    return [
        DemoCar(
            car_id=1001 + i,
            race_number=car,
            car_model=30 if i % 3 else 32,
            car_group="GT3",
            team="",
            player_id=LEAGUE[i].player_id,
            first_name=first,
            last_name=last,
            short_name=short,
        )
        for i, (first, last, short, car) in enumerate(DRIVERS)
    ]


def weekend_files(folder: Path, *, track: str = "spa", race_end: datetime = RACE_END) -> list[Path]:
    """FP, Q and R of one weekend, named `YYMMDD_HHMMSS_<T>.json` like the server does."""
    folder.mkdir(parents=True, exist_ok=True)
    cars = grid()
    out = []
    for kind, minutes, ended in (
        ("FP", 3, race_end - timedelta(hours=2)),
        ("Q", 2, race_end - timedelta(hours=1)),
        ("R", 6, race_end),
    ):
        doc = session_document(kind, track, cars, lap_ms=138_000, minutes=minutes, seed=len(kind))
        path = folder / f"{ended:%y%m%d_%H%M%S}_{kind}.json"
        path.write_bytes(server_bytes(doc))
        out.append(path)
    return out


def race_file(folder: Path, *, track: str = "spa", race_end: datetime = RACE_END) -> Path:
    return weekend_files(folder, track=track, race_end=race_end)[-1]


GOOGLE_HEADERS = (
    "Timestamp",
    "Your name",
    "Driver(s) involved",
    "Race",
    "Lap",
    "Time in race",
    "What happened?",
    "Video link",
    "Timestamp in video",
)


def generated_reports(count: int = 200) -> tuple[list[list[str]], dict[int, str]]:
    """`count` form rows in blocks of four with known traits.

    Rows 4b and 4b+1: the two drivers of one contact, each reporting it ("pair" → one
    incident, both flagged duplicate). Row 4b+2: late (30 h after the race) in even blocks.
    Row 4b+3: in every third block from a driver who names two others but not themself
    ("not_involved"). Laps differ per block, so nothing else looks like a duplicate.
    """
    rows: list[list[str]] = []
    kinds: dict[int, str] = {}
    people = LEAGUE[:8]  # Hans Schmidt stays out: full names only, never ambiguous here

    def row(i: int, reporter: LeagueDriver, involved: str, lap: int, late: bool = False) -> None:
        submitted = RACE_END + (timedelta(hours=30) if late else timedelta(hours=2, minutes=i))
        rows.append(
            [
                submitted.strftime("%d/%m/%Y %H:%M:%S"),
                reporter.name,
                involved,
                "Round 3",
                f"Lap {lap}",
                "",
                f"Report {i}: contact into turn {1 + i % 19}",
                f"https://youtu.be/dQw4w9WgXcQ?t={60 + i}",
                "",
            ]
        )

    for block in range(count // 4):
        a, b = people[block % 8], people[(block + 3) % 8]
        row(4 * block, a, f"{a.name} & #{b.car}", 1 + block)
        row(4 * block + 1, b, f"{b.name} and {a.name}", 1 + block)
        kinds[4 * block] = kinds[4 * block + 1] = "pair"
        c, d = people[(block + 1) % 8], people[(block + 5) % 8]
        late = block % 2 == 0
        row(4 * block + 2, c, f"{c.name}, {d.name}", 60 + block, late)
        kinds[4 * block + 2] = "late" if late else "single"
        e, f, g = people[(block + 2) % 8], people[(block + 6) % 8], people[(block + 7) % 8]
        if block % 3 == 0:
            row(4 * block + 3, e, f"{f.name} vs #{g.car}", 120 + block)
            kinds[4 * block + 3] = "not_involved"
        else:
            row(4 * block + 3, e, f"#{e.car}; {f.name}", 120 + block)
            kinds[4 * block + 3] = "single"
    return rows, kinds


def csv_bytes(
    headers: tuple[str, ...] | list[str], rows: list[list[str]], encoding: str = "utf-8-sig"
) -> bytes:
    """A form export as Google Sheets downloads it (CRLF; Excel re-saves add a BOM)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def reports_csv(path: Path, count: int = 200) -> dict[int, str]:
    """Write the generated export; returns the trait of each row (0-based)."""
    rows, kinds = generated_reports(count)
    path.write_bytes(csv_bytes(GOOGLE_HEADERS, rows))
    return kinds


def leaderboard(path: Path) -> dict[str, object]:
    """The file read leniently and independently of the importer: BOM or NUL-pattern sniff,
    then `json.loads` (which keeps the last of a duplicated key)."""
    data = path.read_bytes()
    if data.startswith(b"\xff\xfe"):
        text = data[2:].decode("utf-16-le")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    elif data[1:2] == b"\x00":
        text = data.decode("utf-16-le")
    else:
        text = data.decode("utf-8")
    doc = json.loads(text)
    assert isinstance(doc, dict)
    return doc
