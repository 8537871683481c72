"""Panel exchange speed: the head steward's desk imports 3 bundles of 500 verdicts each.

The time covers everything `bundle import` does after reading the files: strict parsing,
signature and chain checks against the league key-set, every verdict checked against the
rulebook, and storing them in one transaction. Also: importing the same three files again
(a no-op), and a merge of all 500 incidents. Prints one JSON document.

Run: /work/venv/bin/python bench/bench_panel.py [--verdicts 500]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from steward_desk.core.model import (
    Driver,
    EventKind,
    InvolvementRole,
    Outcome,
    Penalty,
    PenaltyType,
    StewardRole,
)
from steward_desk.core.rulebook import load_rulebook
from steward_desk.core.verdict import StewardRef, Verdict
from steward_desk.panel.bundles import VERDICTS_CTY, bundle_payload, import_bundles
from steward_desk.panel.merge import merge_view
from steward_desk.paths import Paths
from steward_desk.signing.jws import document_bytes, sign_flattened
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keyset import create_keyset, load_keyset, successor, trust
from steward_desk.signing.validity import timestamp
from steward_desk.storage.incidents import NewInvolvement, NewReport
from steward_desk.storage.league import LeagueRepository
from steward_desk.storage.store import Store
from steward_desk.storage.tables import RaceSession


def head_desk(home: Path, cases: int) -> tuple[Store, list[tuple[str, str]]]:
    """A head steward's database with `cases` incidents; returns (incident id, accused)."""
    store = Store.open(Paths(home=home, db_url=f"sqlite:///{home / 'head.sqlite'}").ensure())
    end = datetime(2026, 11, 14, 21, tzinfo=UTC)
    with store.transaction() as session:
        league = LeagueRepository.ensure_league(session, "Bench League")
        event = LeagueRepository.ensure_event(session, league, "Round 1", EventKind.SERIES)
        race = RaceSession(event_id=event.id, type="R", raw_type="R", track="spa", ended_at=end)
        session.add(race)
        session.flush()
        LeagueRepository.upsert_drivers(
            session,
            [(Driver(f"S7656119800{n:07d}", f"D{n}", "X"), None) for n in range(2 * cases)],
        )
        out = []
        for n in range(cases):
            a, b = f"S7656119800{2 * n:07d}", f"S7656119800{2 * n + 1:07d}"
            incident_id = store.incidents.file_report_in(
                session,
                NewReport(
                    session_id=race.id, reporter_player_id=a, reporter_name=f"D{2 * n}",
                    involved=[NewInvolvement(a, InvolvementRole.REPORTER),
                              NewInvolvement(b, InvolvementRole.ACCUSED)],
                    description="contact", submitted_at=end + timedelta(hours=1),
                    category="avoidable_contact",
                ),
            )  # fmt: skip
            out.append((incident_id, b))
    return store, out


def bundle(key: SigningKey, name: str, cases: list[tuple[str, str]], outcome: Outcome) -> bytes:
    now = datetime.now(UTC)
    verdicts = [
        Verdict(
            id=str(uuid.uuid4()),
            incident_id=incident_id,
            steward=StewardRef(key.kid, name),
            category="avoidable_contact",
            outcome=outcome,
            at_fault=(accused,),
            penalty=Penalty(PenaltyType.TIME, 5) if outcome is Outcome.PENALTY else None,
            checklist={},
            factors=("opening_lap",),
            rule_refs=("On-Track Behaviour / Passing and Overtaking",),
            reasoning="Late lunge into turn 1; the car ahead had the corner. Contact avoidable.",
            override_reason="bench",
            created_at=now,
            submitted=True,
        )
        for incident_id, accused in cases
    ]
    payload = {**bundle_payload(key.kid, name, verdicts), "seq": 1, "prev": None}
    payload["issued_at"] = timestamp(now)
    return document_bytes(sign_flattened(payload, key, VERDICTS_CTY))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verdicts", type=int, default=500, help="verdicts per bundle")
    count = parser.parse_args().verdicts
    rulebook = load_rulebook()
    with tempfile.TemporaryDirectory() as tmp:
        store, cases = head_desk(Path(tmp), count)
        head = SigningKey.generate()
        keyset = load_keyset(create_keyset("Bench League", head, "Head", StewardRole.HEAD))
        stewards = [(SigningKey.generate(), n) for n in ("Ann", "Bo", "Cy")]
        for key, name in stewards:
            keyset = successor(keyset, trust(keyset, key.jwk, name, StewardRole.STEWARD, head))
        outcomes = (Outcome.PENALTY, Outcome.PENALTY, Outcome.RACING_INCIDENT)
        files = [
            (f"{name}.json", bundle(key, name, cases, outcome))
            for (key, name), outcome in zip(stewards, outcomes, strict=True)
        ]
        started = time.perf_counter()
        results = import_bundles(store, files, keyset, rulebook)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = import_bundles(store, files, keyset, rulebook)
        second = time.perf_counter() - started
        started = time.perf_counter()
        panels = merge_view(store, rulebook)
        merging = time.perf_counter() - started
        store.close()
    assert sum(r.new_verdicts for r in results) == 3 * count
    assert all(r.duplicate for r in again)
    assert len(panels) == count and all(p.result.ruling is not None for p in panels)
    print(
        json.dumps(
            {
                "bench": "panel bundle import",
                "bundles": len(files),
                "verdicts_per_bundle": count,
                "bundle_bytes": [len(data) for _, data in files],
                "import_3_bundles_s": round(first, 3),
                "verdicts_per_s": round(3 * count / first),
                "reimport_same_files_noop_s": round(second, 3),
                "merge_all_incidents_s": round(merging, 3),
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
