"""The licence ledger: penalty points, strikes, bans and points deductions per driver.

Keyed by player id (ACC's `playerId`), never by car number, which changes between events.
Points expire after the rulebook's `points_expire_after_days`; a threshold ("N points within
M days → ban") is reached on the day the points in its window add up; the points that reach
it are used up for that threshold, so the same points never ban twice. Strikes work the same
way against the 3-strike limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from steward_desk.core.model import Penalty, PenaltyType
from steward_desk.core.rulebook import Rulebook, Threshold, penalty_to_json

# Sanctions a ledger lists besides points and strikes; time penalties belong to the results.
_SANCTIONS = (
    PenaltyType.QUALIFYING_BAN,
    PenaltyType.RACE_BAN,
    PenaltyType.GRID_DROP,
    PenaltyType.DISQUALIFICATION,
)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One penalty a published decision gave one driver."""

    player_id: str
    penalty: Penalty
    issued_at: datetime
    event_id: str = ""
    event: str = ""
    season: str = ""  # the series a points deduction comes off
    decision_id: str | None = None
    driver_name: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ThresholdHit:
    """A limit reached: which one, when, with how much, and the sanction it brings."""

    limit_id: str
    name: str
    reached_at: datetime
    amount: int  # points (or strikes) in the window when it was reached
    penalty: Penalty
    decisions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sanction:
    penalty: Penalty
    issued_at: datetime
    source: str  # "decision", a threshold id, or "strikes"
    reference: str = ""  # the decision id or what triggered it


@dataclass(frozen=True, slots=True)
class DriverLedger:
    player_id: str
    name: str
    entries: tuple[LedgerEntry, ...]
    active_points: int
    expired_points: int
    expiring: tuple[tuple[datetime, int], ...]  # (when, points) still to expire, soonest first
    strikes: int  # strikes still counting towards the limit
    threshold_hits: tuple[ThresholdHit, ...]
    strike_hits: tuple[ThresholdHit, ...]
    sanctions: tuple[Sanction, ...]
    points_deducted: dict[str, int]  # season → championship points
    to_next_threshold: tuple[str, int] | None  # (threshold id, points to go)
    strikes_to_limit: int
    closeness: float  # 0 = at a limit, 1 = clear; orders the "near a threshold" list

    def to_json(self) -> dict[str, object]:
        return {
            "player_id": self.player_id,
            "name": self.name,
            "active_points": self.active_points,
            "expired_points": self.expired_points,
            "expiring": [{"at": at.isoformat(), "points": n} for at, n in self.expiring],
            "strikes": self.strikes,
            "strikes_to_limit": self.strikes_to_limit,
            "to_next_threshold": None
            if self.to_next_threshold is None
            else {"threshold": self.to_next_threshold[0], "points": self.to_next_threshold[1]},
            "thresholds_reached": [_hit_json(h) for h in self.threshold_hits],
            "strike_limits_reached": [_hit_json(h) for h in self.strike_hits],
            "sanctions": [
                {
                    "penalty": penalty_to_json(s.penalty),
                    "issued_at": s.issued_at.isoformat(),
                    "source": s.source,
                    "reference": s.reference,
                }
                for s in self.sanctions
            ],
            "points_deducted": dict(self.points_deducted),
            "entries": [
                {
                    "penalty": penalty_to_json(e.penalty),
                    "issued_at": e.issued_at.isoformat(),
                    "event_id": e.event_id,
                    "event": e.event,
                    "season": e.season,
                    "decision_id": e.decision_id,
                    "note": e.note,
                }
                for e in self.entries
            ],
        }


def _hit_json(hit: ThresholdHit) -> dict[str, object]:
    return {
        "id": hit.limit_id,
        "name": hit.name,
        "reached_at": hit.reached_at.isoformat(),
        "amount": hit.amount,
        "penalty": penalty_to_json(hit.penalty),
        "decisions": list(hit.decisions),
    }


@dataclass(frozen=True, slots=True)
class Ledger:
    as_of: datetime
    drivers: dict[str, DriverLedger]

    def driver(self, player_id: str) -> DriverLedger:
        """One driver's standing; KeyError when they have no entries."""
        return self.drivers[player_id]

    def to_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "drivers": [
                d.to_json() for d in sorted(self.drivers.values(), key=lambda d: d.player_id)
            ],
        }


def build_ledger(entries: Iterable[LedgerEntry], rulebook: Rulebook, as_of: datetime) -> Ledger:
    """Every driver's standing at `as_of`; entries issued after it are left out."""
    _aware(as_of, "as_of")
    by_driver: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        _aware(entry.issued_at, f"issued_at of {entry.player_id}")
        if entry.issued_at <= as_of:
            by_driver.setdefault(entry.player_id, []).append(entry)
    drivers = {
        pid: _driver(pid, sorted(items, key=lambda e: e.issued_at), rulebook, as_of)
        for pid, items in by_driver.items()
    }
    return Ledger(as_of, drivers)


def drivers_near_threshold(ledger: Ledger, include_clear: bool = False) -> list[DriverLedger]:
    """Drivers closest to a licence threshold or the strike limit first (the ledger page).

    Drivers with neither points nor strikes counting are left out unless `include_clear`.
    """
    chosen = [d for d in ledger.drivers.values() if include_clear or d.closeness < 1.0]
    return sorted(
        chosen, key=lambda d: (d.closeness, -d.active_points, d.name.casefold(), d.player_id)
    )


def _aware(when: datetime, what: str) -> None:
    if when.tzinfo is None:
        raise ValueError(f"{what} needs a time zone, got naive {when.isoformat()}")


def _driver(
    player_id: str, entries: list[LedgerEntry], rulebook: Rulebook, as_of: datetime
) -> DriverLedger:
    licence, strikes = rulebook.licence, rulebook.strikes
    expiry = timedelta(days=licence.points_expire_after_days)
    points = [e for e in entries if e.penalty.type is PenaltyType.LICENCE_POINTS]
    active = [e for e in points if e.issued_at + expiry > as_of]
    expired = sum(e.penalty.value for e in points) - sum(e.penalty.value for e in active)

    hits: list[ThresholdHit] = []
    to_go: list[tuple[float, str, int]] = []
    for threshold in licence.thresholds:
        window = timedelta(days=min(threshold.within_days, licence.points_expire_after_days))
        reached, remaining = _walk(points, window, threshold.points, as_of, threshold)
        hits.extend(reached)
        gap = threshold.points - remaining
        to_go.append((gap / threshold.points, threshold.id, gap))
    strike_entries = [e for e in entries if e.penalty.type is PenaltyType.STRIKE]
    strike_limit = Threshold(
        "strikes", "Strike limit", strikes.limit, strikes.within_days, strikes.penalty
    )
    strike_hits, counting = _walk(
        strike_entries, timedelta(days=strikes.within_days), strikes.limit, as_of, strike_limit
    )

    sanctions = [
        Sanction(e.penalty, e.issued_at, "decision", e.decision_id or "")
        for e in entries
        if e.penalty.type in _SANCTIONS
    ]
    sanctions += [
        Sanction(h.penalty, h.reached_at, h.limit_id, ", ".join(h.decisions))
        for h in [*hits, *strike_hits]
    ]
    sanctions.sort(key=lambda s: s.issued_at)
    deducted: dict[str, int] = {}
    for e in entries:
        if e.penalty.type is PenaltyType.POINTS_DEDUCTION:
            season = e.season or e.event
            deducted[season] = deducted.get(season, 0) + e.penalty.value

    nearest = min(to_go) if to_go else None
    strike_gap = strikes.limit - counting
    # 1.0 means nothing counting; a driver with points or strikes in a window sits below it.
    measures = [strike_gap / strikes.limit] if counting else []
    if nearest is not None and nearest[0] < 1.0:
        measures.append(nearest[0])
    name = next((e.driver_name for e in reversed(entries) if e.driver_name), player_id)
    return DriverLedger(
        player_id=player_id,
        name=name,
        entries=tuple(entries),
        active_points=sum(e.penalty.value for e in active),
        expired_points=expired,
        expiring=tuple((e.issued_at + expiry, e.penalty.value) for e in active),
        strikes=counting,
        threshold_hits=tuple(sorted(hits, key=lambda h: h.reached_at)),
        strike_hits=tuple(strike_hits),
        sanctions=tuple(sanctions),
        points_deducted=deducted,
        to_next_threshold=(nearest[1], nearest[2]) if nearest is not None else None,
        strikes_to_limit=strike_gap,
        closeness=min(measures, default=1.0),
    )


def _walk(
    entries: Sequence[LedgerEntry],
    window: timedelta,
    limit: int,
    as_of: datetime,
    threshold: Threshold,
) -> tuple[list[ThresholdHit], int]:
    """Walk the entries in time order; each time the unused amount inside the window reaches
    the limit, record a hit and use those entries up. Returns the hits and the unused amount
    still inside the window at `as_of`."""
    hits: list[ThresholdHit] = []
    pending: list[LedgerEntry] = []
    for entry in entries:
        pending = [p for p in pending if p.issued_at > entry.issued_at - window]
        pending.append(entry)
        total = sum(p.penalty.value for p in pending)
        if total >= limit:
            decisions = tuple(p.decision_id for p in pending if p.decision_id)
            hits.append(
                ThresholdHit(
                    threshold.id,
                    threshold.name,
                    entry.issued_at,
                    total,
                    threshold.penalty,
                    decisions,
                )
            )
            pending = []
    remaining = sum(p.penalty.value for p in pending if p.issued_at > as_of - window)
    return hits, remaining
