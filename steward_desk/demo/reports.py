"""The demo league's incident reports and their onboard clips."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from steward_desk.core.model import Finding, FindingKind, InvolvementRole
from steward_desk.paths import Paths
from steward_desk.storage.incidents import NewFootage, NewInvolvement, NewReport
from steward_desk.storage.store import Store

if TYPE_CHECKING:
    from steward_desk.demo.builder import _Grid

CLIP_SECONDS = 6.0
CLIP_FPS = 30.0
DUPLICATE_WINDOW_MS = 10_000


def file_demo_reports(
    store: Store,
    paths: Paths,
    recipe: dict[str, Any],
    grids: dict[str, _Grid],
    *,
    now: datetime,
    on_clip: Callable[[str], None],
) -> tuple[int, int, int, list[tuple[dict[str, Any], str, Any, list[str]]]]:
    """File every report of the recipe; returns (incidents, reports, clips, decided) where
    `decided` lists (decision spec, incident id, event kind, at-fault player ids)."""
    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.demo.builder import demo_clip_path, status_of

    limits = load_rulebook().deadlines  # the report window and decision target of the league
    filed: list[tuple[str, str, set[str], int | None]] = []  # incident, session, players, t
    decided: list[tuple[dict[str, Any], str, Any, list[str]]] = []
    clips = 0
    for spec in recipe["reports"]:
        grid = grids[spec["event"]]
        reporter = grid.by_driver[spec["by"]]
        accused = [grid.by_driver[i] for i in spec["against"]]
        affected = [grid.by_driver[i] for i in spec.get("affected", [])]
        names = {f"a{i}": c.race_number for i, c in enumerate(accused)}
        names |= {f"f{i}": c.race_number for i, c in enumerate(affected)}
        text = spec["text"].format(**names)
        submitted = grid.race_end + timedelta(hours=float(spec["after_h"]))
        race_ms = round(float(spec["at_s"]) * 1000) if "at_s" in spec else None
        not_involved = bool(spec.get("reporter_not_involved", False))
        involved: list[NewInvolvement] = []
        if not not_involved:
            involved.append(
                NewInvolvement(reporter.player_id, InvolvementRole.REPORTER, reporter.race_number)
            )
        involved += [
            NewInvolvement(c.player_id, InvolvementRole.ACCUSED, c.race_number) for c in accused
        ]
        involved += [
            NewInvolvement(c.player_id, InvolvementRole.AFFECTED, c.race_number) for c in affected
        ]
        players = {i.player_id for i in involved} | {reporter.player_id}

        into = next(
            (
                incident
                for incident, session, who, t in filed
                if session == grid.race_session_id
                and who & players
                and race_ms is not None
                and t is not None
                and abs(t - race_ms) <= DUPLICATE_WINDOW_MS
            ),
            None,
        )
        case_number = len(filed) + 1 if into is None else None

        footage: list[NewFootage] = []
        for clip in spec.get("clips", []):
            owner_index = int(clip["who"])
            owner = grid.by_driver[owner_index]
            number = case_number if case_number is not None else _number_of(filed, into)
            path = demo_clip_path(paths, number, f"{owner.race_number}-{owner.short_name}")
            path.parent.mkdir(parents=True, exist_ok=True)
            at_s = float(clip["at"])
            if not path.exists():
                on_clip(
                    f"Rendering onboard of #{owner.race_number} {owner.first_name} {owner.last_name}"
                )
                _render_onboard(path, owner_index, at_s)
                clips += 1
            else:
                on_clip(f"Onboard of #{owner.race_number} already rendered")
            offset = (race_ms or 0) - round(at_s * 1000)
            footage.append(
                NewFootage(
                    location=str(path),
                    source="file",
                    sha256=_sha256(path),
                    start_ms=round(at_s * 1000),
                    offset_ms=offset,
                    owner_player_id=owner.player_id,
                    label="Onboard",
                    probe_json=_probe_json(path),
                )
            )

        findings: list[Finding] = []
        if float(spec["after_h"]) > limits.report_hours:
            findings.append(
                Finding(
                    FindingKind.LATE_REPORT,
                    f"filed {float(spec['after_h']):.0f} h after the race; the window is {limits.report_hours} h",
                )
            )
        if not_involved:
            findings.append(
                Finding(
                    FindingKind.REPORTER_NOT_INVOLVED,
                    f"{reporter.first_name} {reporter.last_name} was not involved; only drivers involved may report",
                )
            )
        if not footage:
            findings.append(Finding(FindingKind.NO_FOOTAGE, "the report has no video attached"))
        if race_ms is None:
            findings.append(
                Finding(FindingKind.NO_TIMESTAMP, "the report gives a lap but no race time")
            )
        if into is not None:
            findings.append(
                Finding(
                    FindingKind.DUPLICATE,
                    "a second report of the same contact, filed into this case",
                )
            )

        new = NewReport(
            session_id=grid.race_session_id,
            reporter_player_id=reporter.player_id,
            reporter_name=f"{reporter.first_name} {reporter.last_name}",
            involved=involved,
            description=text,
            submitted_at=submitted,
            lap=spec.get("lap"),
            race_time_ms=race_ms,
            source="demo",
            source_ref=f"league.toml:reports[{recipe['reports'].index(spec)}]",
            footage=_dedupe(footage, store, into),
            findings=findings,
            category=spec.get("category"),
            deadline=grid.race_end + timedelta(hours=limits.decision_target_hours),
            status=status_of(spec.get("status")),
        )
        incident_id = store.incidents.file_report(new, into=into)
        if into is None:
            filed.append((incident_id, grid.race_session_id, players, race_ms))
        if "decision" in spec:
            at_fault = [grid.by_driver[i].player_id for i in spec["decision"]["at_fault"]]
            decided.append((spec["decision"], incident_id, grid.kind, at_fault))
    return len(filed), len(recipe["reports"]), clips, decided


def _number_of(filed: list[tuple[str, str, set[str], int | None]], incident_id: str | None) -> int:
    return next(i + 1 for i, (incident, *_rest) in enumerate(filed) if incident == incident_id)


def _dedupe(footage: list[NewFootage], store: Store, into: str | None) -> list[NewFootage]:
    if into is None:
        return footage
    known = {f.sha256 for f in store.incidents.footage(into)}
    return [f for f in footage if f.sha256 not in known]


def _render_onboard(path: Any, owner_index: int, at_s: float) -> None:
    from steward_desk.demo.builder import car_colour
    from steward_desk.media.clip_maker import make_onboard

    make_onboard(
        path,
        label_seed=owner_index + 7,
        car_colour=car_colour(owner_index),
        duration_s=CLIP_SECONDS,
        fps=CLIP_FPS,
        contact_at_s=at_s,
        width=640,
        height=360,
    )


def _sha256(path: Any) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _probe_json(path: Any) -> str:
    from steward_desk.intake.footage_files import probe_document
    from steward_desk.media.footage_index import probe

    return probe_document(probe(path))
