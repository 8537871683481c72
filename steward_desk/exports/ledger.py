"""The licence ledger, keyed by player id: points per event with their expiry, thresholds
reached, strike warnings, bans and championship points deductions (rules: `core.ledger`).

Entries of a decision that a later decision corrected are left out, as the classification
leaves out its penalties: the correction's own entries count instead.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from steward_desk.core.ledger import DriverLedger, Ledger, LedgerEntry, build_ledger
from steward_desk.core.model import Driver, Penalty, PenaltyType
from steward_desk.core.rulebook import Rulebook
from steward_desk.core.wording import counted
from steward_desk.exports.decision_rows import stamp, utc
from steward_desk.storage.store import Store
from steward_desk.storage.tables import Decision, DriverRow, Event, League
from steward_desk.storage.tables import LedgerEntry as LedgerRow

CSV_COLUMNS = (
    "player_id",
    "name",
    "active_points",
    "expired_points",
    "points_by_event",
    "next_expiry",
    "to_next_threshold",
    "thresholds_reached",
    "strikes",
    "strikes_to_limit",
    "strike_warning",
    "sanctions",
    "points_deducted",
)


class LedgerDataError(ValueError):
    """A stored ledger entry the rules cannot read: names the entry and what was expected."""


@dataclass(frozen=True, slots=True)
class LedgerExport:
    ledger: Ledger
    rulebook: Rulebook

    @property
    def expiry(self) -> timedelta:
        return timedelta(days=self.rulebook.licence.points_expire_after_days)

    def driver_json(self, driver: DriverLedger) -> dict[str, object]:
        doc = driver.to_json()
        doc["points_by_event"] = [
            {
                "event": e.event,
                "event_id": e.event_id,
                "points": e.penalty.value,
                "issued_at": stamp(e.issued_at),
                "expires_at": stamp(e.issued_at + self.expiry),
                "expired": e.issued_at + self.expiry <= self.ledger.as_of,
                "decision_id": e.decision_id,
            }
            for e in driver.entries
            if e.penalty.type is PenaltyType.LICENCE_POINTS
        ]
        doc["strike_warning"] = strike_warning(driver, self.rulebook)
        return doc

    def to_json(self) -> dict[str, object]:
        licence, strikes = self.rulebook.licence, self.rulebook.strikes
        return {
            "as_of": stamp(self.ledger.as_of),
            "rules": {
                "points_expire_after_days": licence.points_expire_after_days,
                "thresholds": [
                    {
                        "id": t.id,
                        "name": t.name,
                        "points": t.points,
                        "within_days": t.within_days,
                        "penalty": {"type": t.penalty.type.value, "value": t.penalty.value},
                    }
                    for t in licence.thresholds
                ],
                "strike_limit": strikes.limit,
                "strikes_within_days": strikes.within_days,
                "example_values": licence.example or strikes.example,
            },
            "drivers": [
                self.driver_json(d)
                for d in sorted(self.ledger.drivers.values(), key=lambda d: d.player_id)
            ],
        }


def strike_warning(driver: DriverLedger, rulebook: Rulebook) -> str:
    """The 3-strike warning in words, or "" when the driver has no strike counting."""
    if not driver.strikes:
        return ""
    limit = rulebook.strikes.limit
    consequence = rulebook.strikes.penalty.describe()
    if driver.strikes_to_limit <= 0:
        return f"{driver.strikes} of {limit} strikes: {consequence}"
    left = driver.strikes_to_limit
    return (
        f"{driver.strikes} of {limit} strikes: {counted(left, 'more strike')} "
        f"bring{'s' if left == 1 else ''} {consequence.lower()}"
    )


def ledger_entries(store: Store) -> list[LedgerEntry]:
    """Every stored entry of a standing decision (or given by hand), as the rules read them."""
    with store.read() as session:
        superseded = {d for d in session.exec(select(Decision.supersedes)) if d}
        rows = session.exec(
            select(LedgerRow, DriverRow, Event, League)
            .join(DriverRow, col(DriverRow.player_id) == LedgerRow.player_id)
            .outerjoin(Event, col(Event.id) == LedgerRow.event_id)
            .outerjoin(League, col(League.id) == Event.league_id)
            .order_by(col(LedgerRow.issued_at), col(LedgerRow.id))
        ).all()
    entries = []
    for row, driver, event, league in rows:
        if row.decision_id in superseded:
            continue
        try:
            kind = PenaltyType(row.kind)
        except ValueError:
            raise LedgerDataError(
                f"ledger entry {row.id}: kind {row.kind!r} is not one of "
                f"{', '.join(t.value for t in PenaltyType)}"
            ) from None
        entries.append(
            LedgerEntry(
                player_id=row.player_id,
                penalty=Penalty(kind, row.value),
                issued_at=utc(row.issued_at),
                event_id=row.event_id or "",
                event=event.name if event else "",
                # Championship points come off the league's season; events have no season.
                season=league.name if league else "",
                decision_id=row.decision_id,
                driver_name=Driver(
                    driver.player_id, driver.first_name, driver.last_name, driver.short_name
                ).name,
                note=row.note,
            )
        )
    return entries


def league_ledger(store: Store, rulebook: Rulebook, as_of: datetime | None = None) -> LedgerExport:
    """Every driver's standing at `as_of` (default: now)."""
    moment = (as_of or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return LedgerExport(build_ledger(ledger_entries(store), rulebook, moment), rulebook)


def ledger_json(export: LedgerExport) -> bytes:
    return (json.dumps(export.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def ledger_csv(export: LedgerExport) -> bytes:
    """One row per driver (by player id), lists joined with "; "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for driver in sorted(export.ledger.drivers.values(), key=lambda d: d.player_id):
        doc = export.driver_json(driver)
        by_event = doc["points_by_event"]
        assert isinstance(by_event, list)
        active = [e for e in by_event if not e["expired"]]
        writer.writerow(
            [
                driver.player_id,
                driver.name,
                driver.active_points,
                driver.expired_points,
                "; ".join(
                    f"{e['event']}: {e['points']} (expires {e['expires_at'][:10]})"
                    for e in by_event
                ),
                min((e["expires_at"] for e in active), default=""),
                ""
                if driver.to_next_threshold is None
                else f"{driver.to_next_threshold[0]}: {driver.to_next_threshold[1]}",
                "; ".join(f"{h.name} ({stamp(h.reached_at)[:10]})" for h in driver.threshold_hits),
                driver.strikes,
                driver.strikes_to_limit,
                doc["strike_warning"],
                "; ".join(
                    f"{s.penalty.describe()} ({stamp(s.issued_at)[:10]})" for s in driver.sanctions
                ),
                "; ".join(f"{season}: {n}" for season, n in sorted(driver.points_deducted.items())),
            ]
        )
    return buffer.getvalue().encode("utf-8")
