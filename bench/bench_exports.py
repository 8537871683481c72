"""Export speed: the signed decisions feed of a league with 10,000 decisions (goal ≤ 1 s),
verifying it, and the other exports on the same league.

Builds a throwaway database in a temporary folder: one imported 30-car race, 10,000 decided
cases (two drivers and one report each) inserted in bulk. Prints one JSON document.
Run: /work/venv/bin/python bench/bench_exports.py [--decisions N]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from steward_desk.core.model import EventKind
from steward_desk.core.rulebook import load_rulebook
from steward_desk.demo.acc_file import DemoCar, server_bytes, session_document
from steward_desk.exports.classification import classification_json, revised_classification
from steward_desk.exports.decisions_feed import FEED_CTY, export_decisions
from steward_desk.exports.ledger import league_ledger, ledger_json
from steward_desk.exports.notices import export_notices
from steward_desk.exports.records import load_decisions
from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.signing.canonical import canonical_bytes
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.verify import verify
from steward_desk.storage.store import Store
from steward_desk.storage.tables import (
    Decision,
    Incident,
    IncidentReport,
    Involvement,
    LedgerEntry,
    PenaltyRow,
)

CARS = 30


CPU: dict[str, float] = {}


def timed(action: Callable[[], Any], name: str = "") -> tuple[float, Any]:
    """Wall milliseconds of `action` (and its CPU milliseconds under `name` in CPU)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    if name:
        CPU[name] = round((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - start) * 1000, result


def build(home: Path, decisions: int) -> tuple[Store, str]:
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    cars = [
        DemoCar(i, i + 1, 30, "GT3", f"Team {i}", f"S7656119800{i:07d}", f"First{i}",
                f"Last{i}", f"L{i:02d}")
        for i in range(1, CARS + 1)
    ]  # fmt: skip
    race_file = home / "250501_200000_R.json"
    race_file.write_bytes(
        server_bytes(session_document("R", "spa", cars, lap_ms=138_000, minutes=60, seed=7))
    )
    race = import_results(
        store, [race_file], event="Spa · Round 3", kind=EventKind.SINGLE, league="Bench League"
    ).sessions[0]
    start = datetime(2025, 5, 2, 20, 0, tzinfo=UTC)
    incidents, reports, involvements, rows, penalties, ledger = [], [], [], [], [], []
    for n in range(decisions):
        incident_id, decision_id = str(uuid.UUID(int=n + 1)), str(uuid.UUID(int=10**9 + n))
        accused, reporter = cars[n % CARS], cars[(n + 7) % CARS]
        at = start + timedelta(seconds=n)
        incidents.append({"id": incident_id, "number": n + 1, "session_id": race.session_id,
                          "status": "decided", "category": "avoidable_contact", "lap": 1 + n % 25,
                          "race_time_ms": 60_000 * (n % 60), "created_at": at,
                          "reported_at": at})  # fmt: skip
        reports.append({"id": str(uuid.UUID(int=2 * 10**9 + n)), "incident_id": incident_id,
                        "reporter_player_id": reporter.player_id,
                        "reporter_name": f"First{reporter.car_id} Last{reporter.car_id}",
                        "description": "Contact into turn 1", "submitted_at": at,
                        "source": "bench", "source_ref": ""})  # fmt: skip
        involvements += [
            {"incident_id": incident_id, "player_id": reporter.player_id,
             "car_number": reporter.race_number, "role": "reporter"},
            {"incident_id": incident_id, "player_id": accused.player_id,
             "car_number": accused.race_number, "role": "accused"},
        ]  # fmt: skip
        body = {
            "incident_id": incident_id, "category": "avoidable_contact", "outcome": "penalty",
            "at_fault": [accused.player_id], "penalty": {"type": "licence_points", "value": 2},
            "checklist": {}, "factors": [], "rule_refs": ["On-Track Behaviour / Contact"],
            "reasoning": "Late lunge into turn 1; the car ahead had the corner.",
            "private_notes": "never exported",
        }  # fmt: skip
        rows.append({"id": decision_id, "incident_id": incident_id, "decided_by": "Head",
                     "body_json": json.dumps(body), "dissent_json": "[]",
                     "decided_at": at + timedelta(hours=1), "supersedes": None,
                     "published_at": None, "signed_document": ""})  # fmt: skip
        penalties.append({"id": str(uuid.UUID(int=3 * 10**9 + n)), "decision_id": decision_id,
                          "session_id": race.session_id, "player_id": accused.player_id,
                          "type": "licence_points", "value": 2})  # fmt: skip
        ledger.append({"id": str(uuid.UUID(int=4 * 10**9 + n)), "player_id": accused.player_id,
                       "event_id": race.event_id, "decision_id": decision_id,
                       "kind": "licence_points", "value": 2, "issued_at": at, "expires_at": None,
                       "note": ""})  # fmt: skip
    with store.transaction() as session:
        for table, items in ((Incident, incidents), (IncidentReport, reports),
                             (Involvement, involvements), (Decision, rows),
                             (PenaltyRow, penalties), (LedgerEntry, ledger)):  # fmt: skip
            session.execute(insert(table), items)
    return store, race.session_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=10_000)
    args = parser.parse_args()
    rulebook = load_rulebook()
    key = SigningKey.generate()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        build_ms, (store, race_id) = timed(lambda: build(home, args.decisions))
        issued = datetime.now(UTC) - timedelta(minutes=1)
        load_ms, records = timed(lambda: load_decisions(store, rulebook), "load_decisions")
        payload = {"decisions": [r.feed_json() for r in records]}
        canonical_ms, _ = timed(lambda: canonical_bytes(payload), "canonical_bytes_general")

        def feed(name: str) -> Any:
            return export_decisions(
                store, key, home / name, rulebook=rulebook, state_dir=home / "state",
                issuer="Bench", issued_at=issued,
            )  # fmt: skip

        first_ms, result = timed(lambda: feed("feed-1.json"), "export_feed_first_time")
        again_ms, again = timed(lambda: feed("feed-2.json"), "export_feed_reissue")
        issued += timedelta(seconds=1)  # a new clock: a fresh link in the chain
        steady_ms, _ = timed(lambda: feed("feed-3.json"), "export_feed_next")
        data = (home / "feed-1.json").read_bytes()
        verify_ms, verified = timed(
            lambda: verify(data, [key.jwk], expected_cty=FEED_CTY), "verify_feed"
        )
        assert len(verified.payload["decisions"]) == args.decisions and again.reissued
        classification_ms, _ = timed(
            lambda: classification_json(revised_classification(store, race_id, rulebook))
        )
        ledger_ms, _ = timed(lambda: ledger_json(league_ledger(store, rulebook, issued)))
        # Notices are one small fsync'd file per person: 1,000 decisions say enough.
        notices_ms, files = timed(
            lambda: export_notices(
                load_decisions(store, rulebook)[:1000], rulebook, home / "notices"
            )
        )
        store.close()
    print(json.dumps({
        "python": platform.python_version(),
        "machine": platform.machine(),
        "decisions": args.decisions,
        "feed_bytes": len(data),
        "build_database_ms": round(build_ms),
        "export_feed_first_time_ms": round(first_ms),
        "export_feed_first_time_goal_ms": 1000,
        "export_feed_reissue_unchanged_ms": round(again_ms),
        "export_feed_next_link_ms": round(steady_ms),
        "of_which_load_decisions_ms": round(load_ms),
        "of_which_canonical_json_ms": round(canonical_ms),
        "verify_feed_ms": round(verify_ms),
        "newly_published_first_time": result.newly_published,
        "classification_30_cars_ms": round(classification_ms, 1),
        "ledger_ms": round(ledger_ms),
        "notices_1000_decisions_ms": round(notices_ms),
        "notice_files": len(files),
        "cpu_ms": CPU,
        "note": "wall times on a shared machine; cpu_ms is this process's own CPU time",
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
