"""Build (or rebuild) the demo league from resources/demo/league.toml.

The recipe becomes real inputs that take the same paths as a league's data: ACC result files
written as the server writes them and imported by the ACC importer; incident reports filed
through the report intake (driver matching, validation, duplicate grouping); onboard clips
generated with PyAV, every frame stamped with its index and time, hashed and probed at intake.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from steward_desk.core.model import EventKind, IncidentStatus
from steward_desk.demo.acc_file import DemoCar, server_bytes, session_document
from steward_desk.paths import Paths
from steward_desk.storage.store import Store

Progress = Callable[[int, int, str], None]

_GT3_MODELS = [25, 24, 30, 31, 22, 35, 34, 32, 33, 20, 36, 21]
_GT4_MODELS = [50, 51, 53, 59, 60, 61]
_CAR_COLOURS = [
    (220, 40, 40), (30, 90, 200), (240, 180, 20), (20, 160, 90), (150, 60, 190),
    (240, 120, 20), (30, 30, 30), (200, 200, 210), (0, 150, 170), (190, 20, 110),
]  # fmt: skip


def load_recipe() -> dict[str, Any]:
    text = (files("steward_desk.resources") / "demo" / "league.toml").read_text("utf-8")
    return tomllib.loads(text)


DEMO_STEWARD = "Alex Marshal"


@dataclass(frozen=True)
class DemoSummary:
    league: str
    events: int
    sessions: int
    cars: int
    incidents: int
    reports: int
    clips: int
    seconds: float
    steward_id: str = ""
    decisions: int = 0

    def to_json(self) -> dict[str, object]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class _Grid:
    key: str
    name: str
    kind: EventKind
    track: str
    race_start: datetime
    race_end: datetime
    cars: list[DemoCar]
    by_driver: dict[int, DemoCar]
    race_session_id: str = ""


def build_demo(store: Store, paths: Paths, progress: Progress | None = None) -> DemoSummary:
    """Replace the demo league in `store` with a fresh build; other leagues are untouched."""
    from steward_desk.demo.decisions import decide_demo_cases
    from steward_desk.demo.reports import file_demo_reports
    from steward_desk.intake.acc_results import parse_acc_results

    started = datetime.now(UTC)
    report = progress or (lambda done, total, text: None)
    recipe = load_recipe()
    league = recipe["league"]
    store.actor = "demo builder"  # the audit log says who filed what: here, the recipe
    store.league.delete_league(league)

    demo_dir = paths.home / "demo"
    results_dir = demo_dir / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    clips_total = sum(len(r.get("clips", [])) for r in recipe["reports"])
    total_steps = len(recipe["events"]) * 2 + clips_total + 1
    step = 0
    now = started.replace(second=0, microsecond=0)

    grids: dict[str, _Grid] = {}
    sessions = cars = 0
    for number, spec in enumerate(recipe["events"]):
        grid = _grid(recipe, spec, now)
        for session_type, offset in (("Q", -1), ("R", 0)):
            step += 1
            report(step, total_steps, f"Writing {spec['name']} {session_type} results")
            minutes = 15 if session_type == "Q" else int(spec["race_minutes"])
            doc = session_document(
                session_type, grid.track, grid.cars,
                lap_ms=int(spec["lap_ms"]), minutes=minutes, seed=1000 * number + len(session_type),
            )  # fmt: skip
            end = grid.race_end if offset == 0 else grid.race_start - timedelta(minutes=10)
            name = f"{end:%y%m%d_%H%M%S}_{session_type}.json"
            path = results_dir / f"{spec['key']}-{name}"
            path.write_bytes(server_bytes(doc))
            acc = parse_acc_results(path.read_bytes(), path)
            imported = store.results.import_session(
                acc,
                league=league,
                event=grid.name,
                kind=grid.kind,
                round=spec.get("round"),
                final_round=bool(spec.get("final_round", False)),
                started_at=end - timedelta(minutes=minutes),
                ended_at=end,
            )
            sessions += 1
            cars += imported.cars
            if session_type == "R":
                grid = _with_session(grid, imported.session_id)
        grids[spec["key"]] = grid

    def clip_progress(text: str) -> None:
        nonlocal step
        step += 1
        report(step, total_steps, text)

    incidents, reports, clips, decided = file_demo_reports(
        store, paths, recipe, grids, now=now, on_clip=clip_progress
    )
    decisions = decide_demo_cases(store, league, decided)
    steward_id = _demo_steward(store)
    report(total_steps, total_steps, "Demo league ready")
    return DemoSummary(
        league=league,
        events=len(grids),
        sessions=sessions,
        cars=cars,
        incidents=incidents,
        reports=reports,
        clips=clips,
        seconds=round((datetime.now(UTC) - started).total_seconds(), 2),
        steward_id=steward_id,
        decisions=decisions,
    )


def _demo_steward(store: Store) -> str:
    """The demo desk's head steward, so the verdict form opens without a setup step.
    Nobody in the demo grid: no conflict of interest."""
    from steward_desk.core.model import StewardRole
    from steward_desk.storage.stewards import StewardRepository

    stewards = StewardRepository(store)
    known = next((s for s in stewards.all() if s.name == DEMO_STEWARD), None)
    if known is not None:
        return known.id
    return stewards.register(DEMO_STEWARD, (StewardRole.STEWARD, StewardRole.HEAD)).id


def _grid(recipe: dict[str, Any], spec: dict[str, Any], now: datetime) -> _Grid:
    drivers = recipe["drivers"]
    offset = int(spec.get("driver_offset", 0))
    count = int(spec["cars"])
    gt4_from = int(spec.get("gt4_from", 999))
    cars: list[DemoCar] = []
    by_driver: dict[int, DemoCar] = {}
    for i in range(count):
        index = (offset + i) % len(drivers)
        d = drivers[index]
        gt4 = i >= gt4_from
        models = _GT4_MODELS if gt4 else _GT3_MODELS
        car = DemoCar(
            car_id=1001 + i,
            race_number=int(spec["car_numbers"][i]),
            car_model=models[i % len(models)],
            car_group="GT4" if gt4 else "GT3",
            team=d.get("team", ""),
            player_id=d["id"],
            first_name=d["first"],
            last_name=d["last"],
            short_name=d["short"],
        )
        cars.append(car)
        by_driver[index] = car
    race_end = now - timedelta(days=float(spec["days_ago"]))
    race_end = race_end.replace(second=0, microsecond=0)
    return _Grid(
        key=spec["key"],
        name=spec["name"],
        kind=EventKind(spec["kind"]),
        track=spec["track"],
        race_start=race_end - timedelta(minutes=int(spec["race_minutes"])),
        race_end=race_end,
        cars=cars,
        by_driver=by_driver,
    )


def _with_session(grid: _Grid, session_id: str) -> _Grid:
    return _Grid(**{**grid.__dict__, "race_session_id": session_id})


def car_colour(index: int) -> tuple[int, int, int]:
    return _CAR_COLOURS[index % len(_CAR_COLOURS)]


def status_of(text: str | None) -> IncidentStatus:
    return IncidentStatus(text) if text else IncidentStatus.NEW


def demo_clip_path(paths: Paths, case: int, short_name: str) -> Path:
    return paths.footage_dir / "demo" / f"case-{case:02d}-{short_name.lower()}.mkv"
