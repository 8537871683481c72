"""The revised classification of a session: the game's results with the stewards' penalties
applied (rule: `core.classification`), as CSV or JSON that say the same thing.

Time penalties, drive-throughs and stop-gos (converted to seconds per the rulebook) and
disqualifications come from the current decisions' `PenaltyRow`s; the game's own post-race
penalties are already inside the file's total times and are never added again.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from steward_desk.core.classification import (
    CarResult,
    ClassifiedRow,
    PenaltyConversion,
    classify,
    penalty_ms,
)
from steward_desk.core.model import SessionType
from steward_desk.core.rulebook import Rulebook
from steward_desk.storage.results import car_results, steward_penalties
from steward_desk.storage.store import Store

CSV_COLUMNS = (
    "position",
    "class_position",
    "file_position",
    "moved",
    "car_number",
    "car_model",
    "class",
    "drivers",
    "player_ids",
    "laps",
    "total_time_ms",
    "penalty_ms",
    "final_time_ms",
    "best_lap_ms",
    "status",
    "penalties",
)


@dataclass(frozen=True, slots=True)
class RevisedClassification:
    """A session before (the file's order) and after the stewards' penalties."""

    session: dict[str, str]
    before: tuple[CarResult, ...]
    after: tuple[ClassifiedRow, ...]
    conversion: PenaltyConversion

    def row_json(self, row: ClassifiedRow) -> dict[str, object]:
        doc = row.to_json()
        doc["file_position"] = row.file_position
        doc["moved"] = row.file_position - row.position
        doc["final_time_ms"] = row.final_time_ms
        doc["penalties"] = [
            {
                "decision_id": p.reference,
                "type": p.penalty.type.value,
                "value": p.penalty.value,
                "added_ms": penalty_ms(p.penalty, self.conversion) or 0,
                "description": p.penalty.describe(),
            }
            for p in row.penalties
        ]
        return doc

    def to_json(self) -> dict[str, object]:
        return {
            "session": dict(self.session),
            "drive_through_seconds": self.conversion.drive_through_s,
            "classification": [self.row_json(r) for r in self.after],
        }


def conversion_of(rulebook: Rulebook) -> PenaltyConversion:
    """The rulebook's after-the-race conversion of drive-throughs and stop-gos to seconds."""
    drive_through = rulebook.conversion.drive_through_seconds
    extra = drive_through if rulebook.conversion.stop_go_adds_drive_through else 0
    return PenaltyConversion(drive_through_s=drive_through, stop_go_extra_s=extra)


def revised_classification(
    store: Store, session_id: str, rulebook: Rulebook
) -> RevisedClassification:
    """The session's classification with the current decisions' penalties applied.

    LookupError when no session matches `session_id` (a full id or a unique prefix).
    """
    race, cars = car_results(store, session_id)
    conversion = conversion_of(rulebook)
    rows = classify(
        SessionType(race.type), cars, steward_penalties(store, race.id), conversion=conversion
    )
    info = store.league.session_info(race.id)
    session = {
        "id": race.id,
        "event": info.event if info else "",
        "type": race.raw_type or race.type,
        "track": race.track,
        "file": race.source_file,
    }
    return RevisedClassification(session, tuple(cars), rows, conversion)


def classification_json(revised: RevisedClassification) -> bytes:
    """Indented UTF-8 JSON, keys in a fixed order, final newline."""
    text = json.dumps(revised.to_json(), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def classification_csv(revised: RevisedClassification) -> bytes:
    """One row per car in the revised order, the same numbers as the JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in revised.after:
        doc = revised.row_json(row)
        writer.writerow(
            [
                row.position,
                row.class_position,
                row.file_position,
                doc["moved"],
                row.car_number,
                row.car_model,
                row.car_class,
                " / ".join(d.name for d in row.drivers),
                " ".join(d.player_id for d in row.drivers),
                row.laps,
                _blank(row.total_time_ms),
                row.penalty_ms,
                _blank(row.final_time_ms),
                _blank(row.best_lap_ms),
                row.status.value,
                "; ".join(
                    f"{p.penalty.type.value}:{p.penalty.value}:{p.reference}" for p in row.penalties
                ),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _blank(value: int | None) -> object:
    return "" if value is None else value
