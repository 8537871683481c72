"""Export speed: the signed decisions feed of a league with 10,000 decisions (goal ≤ 1 s),
verifying it, and the other exports on the same league.

Builds a throwaway database in a temporary folder: one imported 30-car race, 10,000 decided
cases (two drivers and one report each) inserted in bulk. Each round, on a fresh copy of it,
times three whole feed exports (SQLite to signed file on disk: the first, which publishes
every decision; an unchanged re-issue; the next link of the chain) with their steps (load,
build, canonical, sign, write), then `verify` of the first feed as the command runs it.
Prints one JSON document with the medians over the rounds.
Run: /work/venv/bin/python bench/bench_exports.py [--decisions N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
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
from steward_desk.exports.decisions_feed import FEED_CTY, FeedResult, export_decisions
from steward_desk.exports.ledger import league_ledger, ledger_json
from steward_desk.exports.notices import export_notices
from steward_desk.exports.records import load_decisions
from steward_desk.intake.results_import import import_results
from steward_desk.paths import Paths
from steward_desk.signing.canonical import canonical_bytes, parse_if_canonical
from steward_desk.signing.chain import link_of
from steward_desk.signing.envelope import parse_envelope
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.validity import check_validity
from steward_desk.signing.verify import Verified, verify
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
STEPS = ("load_ms", "build_ms", "canonical_ms", "sign_ms", "write_ms", "of_which_publish_marks_ms")


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


def feed_round(
    template: Path, work: Path, key: SigningKey, rulebook: Any, issued: datetime
) -> dict[str, Any]:
    """First export, unchanged re-issue and next link on a fresh copy of the league, each
    timed whole (database read to signed file on disk) with its steps; then `verify` of the
    first feed as the command does it (file read, every check, validity, chain link)."""
    work.mkdir()
    shutil.copy(template, work / "steward-desk.sqlite")
    paths = Paths(home=work, db_url=f"sqlite:///{work / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    figures: dict[str, Any] = {}

    def feed(case: str, name: str, at: datetime) -> FeedResult:
        steps: dict[str, float] = {}
        ms, result = timed(
            lambda: export_decisions(
                store, key, work / name, rulebook=rulebook, state_dir=work / "state",
                issuer="Bench", issued_at=at, timings=steps,
            ),
            case,
        )  # fmt: skip
        figures[case] = {"total_ms": ms, **steps}
        return result  # type: ignore[no-any-return]

    first = feed("export_first", "feed-1.json", issued)
    again = feed("export_reissue", "feed-2.json", issued)
    feed("export_next", "feed-3.json", issued + timedelta(seconds=1))  # a new clock: new link
    assert first.newly_published > 0 and again.reissued

    def verify_file() -> Verified:
        verified = verify((work / "feed-1.json").read_bytes(), [key.jwk], expected_cty=FEED_CTY)
        check_validity(verified.payload)
        link_of(verified.payload)
        return verified

    verify_ms, verified = timed(verify_file, "verify")
    figures["verify"] = {"total_ms": verify_ms, **verify_steps(work / "feed-1.json", key)}
    figures["decisions"] = len(verified.payload["decisions"])
    figures["feed_bytes"] = (work / "feed-1.json").stat().st_size
    store.close()
    return figures


def verify_steps(path: Path, key: SigningKey) -> dict[str, float]:
    """Where `verify`'s time goes, measured apart (the total above is the real run)."""
    data = path.read_bytes()
    envelope_ms, envelope = timed(lambda: parse_envelope(data))
    (entry,) = envelope.signatures
    signature_ms, ok = timed(lambda: key.jwk.verify(entry.signature, envelope.signing_input(entry)))
    payload_ms, (proven, _) = timed(lambda: parse_if_canonical(envelope.payload))
    assert ok and proven
    return {
        "envelope_and_base64_ms": envelope_ms,
        "signature_ms": signature_ms,
        "payload_parse_and_canonical_check_ms": payload_ms,
    }


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="feed rounds (median reported)")
    args = parser.parse_args()
    rulebook = load_rulebook()
    key = SigningKey.generate()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "league"
        home.mkdir()
        build_ms, (store, race_id) = timed(lambda: build(home, args.decisions))
        issued = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
        # The other exports, on the same league, once.
        load_ms, records = timed(lambda: load_decisions(store, rulebook), "load_decisions")
        payload = {"decisions": [r.feed_json() for r in records]}
        rfc8785_ms, _ = timed(lambda: canonical_bytes(payload), "rfc8785_canonical_bytes")
        classification_ms, _ = timed(
            lambda: classification_json(revised_classification(store, race_id, rulebook))
        )
        ledger_ms, _ = timed(lambda: ledger_json(league_ledger(store, rulebook, issued)))
        # Notices are one small fsync'd file per person: 1,000 decisions say enough.
        notices_ms, files = timed(
            lambda: export_notices(records[:1000], rulebook, home / "notices")
        )
        store.close()  # checkpoints the WAL: the file alone is the league
        rounds = [
            feed_round(home / "steward-desk.sqlite", Path(folder) / f"round-{n}", key, rulebook,
                       issued)
            for n in range(args.rounds)
        ]  # fmt: skip
    cases = ("export_first", "export_reissue", "export_next")
    feeds = {
        case: {
            step: median([r[case][step] for r in rounds])
            for step in ("total_ms", *STEPS)
            if step in rounds[0][case]
        }
        for case in cases
    }
    verify_figures = {
        step: median([r["verify"][step] for r in rounds]) for step in rounds[0]["verify"]
    }
    print(json.dumps({
        "python": platform.python_version(),
        "machine": platform.machine(),
        "decisions": rounds[0]["decisions"],
        "feed_bytes": rounds[0]["feed_bytes"],
        "rounds": args.rounds,
        "goal_ms": 1000,
        "feed_median_ms": feeds,
        "verify_median_ms": verify_figures,
        "feed_total_ms_each_round": {
            case: [round(r[case]["total_ms"]) for r in rounds] for case in cases
        },
        "verify_total_ms_each_round": [round(r["verify"]["total_ms"]) for r in rounds],
        "build_database_ms": round(build_ms),
        "load_decisions_records_ms": round(load_ms),
        "rfc8785_canonical_bytes_of_the_feed_ms": round(rfc8785_ms),
        "classification_30_cars_ms": round(classification_ms, 1),
        "ledger_ms": round(ledger_ms),
        "notices_1000_decisions_ms": round(notices_ms),
        "notice_files": len(files),
        "cpu_ms_last_round": CPU,
        "note": "wall times on a shared machine; cpu_ms is this process's own CPU time; "
        "rfc8785_… is the general canonicaliser the feed does not use for its bytes",
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
