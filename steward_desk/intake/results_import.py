"""Import ACC server result files into the database: all files of one call in one transaction.

Every file is parsed before anything is written, so a broken file refuses the whole import
and the database is unchanged. A folder imports as one event weekend (FP, Q, R sessions).
Re-importing a file already stored (same SHA-256) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from steward_desk.core.model import EventKind
from steward_desk.intake.acc_results import AccSession, parse_acc_results
from steward_desk.intake.errors import AccResultsError, IntakeError
from steward_desk.storage.league import LeagueRepository
from steward_desk.storage.results import ImportedSession, time_from_filename
from steward_desk.storage.store import Store

Progress = Callable[[int, int, str], None]

DEFAULT_LEAGUE = "My league"


@dataclass(frozen=True, slots=True)
class ResultsImport:
    sessions: tuple[ImportedSession, ...]
    parsed: tuple[AccSession, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "sessions": [
                {
                    "id": s.session_id,
                    "type": acc.raw_session_type,
                    "track": acc.track,
                    "cars": s.cars,
                    "drivers": len(
                        {d.player_id for car in acc.cars for d in car.drivers if d.player_id}
                    ),
                    "laps": acc.lap_count,
                    "file": s.source,
                    "created": s.created,
                }
                for s, acc in zip(self.sessions, self.parsed, strict=True)
            ]
        }


def expand_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the result files in it (entry lists left out)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.glob("*.json") if not p.name.lower().endswith("entrylist.json")
            )
            if not found:
                raise IntakeError(
                    path, f"{path.name}: the folder holds no ACC result files (*.json)"
                )
            out.extend(found)
        else:
            out.append(path)
    return out


def default_event_name(acc: AccSession, source: Path) -> str:
    when = time_from_filename(source.name)
    track = acc.track.replace("_", " ").title() or "Unknown track"
    return f"{track} · {when:%Y-%m-%d}" if when else track


def import_results(
    store: Store,
    paths: Iterable[str | Path],
    *,
    event: str | None = None,
    kind: EventKind = EventKind.SERIES,
    round: int | None = None,
    final_round: bool = False,
    league: str | None = None,
    progress: Progress | None = None,
) -> ResultsImport:
    """Parse every file, then store them all in one transaction (or none of them)."""
    files = expand_files(paths)
    report = progress or (lambda done, total, text: None)
    total = len(files) * 2
    parsed: list[AccSession] = []
    for i, path in enumerate(files):
        report(i, total, f"Reading {path.name}")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise AccResultsError(path, "", f"cannot be read ({error.strerror or error})") from None
        parsed.append(parse_acc_results(data, path))
    # One weekend: the first file names the event unless the admin did.
    event_name = event or default_event_name(parsed[0], files[0]) if parsed else ""
    imported: list[ImportedSession] = []
    with store.transaction() as session:
        league_name = (
            league or _existing_league(LeagueRepository.league_names_in(session)) or DEFAULT_LEAGUE
        )
        for i, (acc, path) in enumerate(zip(parsed, files, strict=True)):
            report(len(files) + i, total, f"Storing {path.name}")
            imported.append(
                store.results.import_session_in(
                    session,
                    acc,
                    league=league_name,
                    event=event_name,
                    kind=kind,
                    round=round,
                    final_round=final_round,
                )
            )
    report(total, total, "Results imported")
    return ResultsImport(tuple(imported), tuple(parsed))


def _existing_league(names: list[str]) -> str | None:
    """The league this desk works for: the one non-demo league, if there is exactly one."""
    names = [n for n in names if not n.endswith("(demo)")]
    return names[0] if len(names) == 1 else None
