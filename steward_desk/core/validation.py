"""What the rulebook's reporting procedure says about a report, as findings.

SOP's procedure: report within 24 h of the race; name the race, the cars and drivers
involved; a short description; video with a timestamp; only drivers involved may report.
Each breach becomes a Finding shown on the incident and in the queue (never a silent
drop); a steward may override one with a reason. Two drivers reporting the same contact
(same session, overlapping drivers, close in lap or time) make one incident with two reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from steward_desk.core.model import Finding, FindingKind
from steward_desk.core.wording import plural_s

DEFAULT_REPORT_WINDOW = timedelta(hours=24)
DEFAULT_MAX_LAP_GAP = 1
DEFAULT_MAX_TIME_GAP_MS = 30_000


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What validation needs to know about one report, after driver matching."""

    report_id: str
    session_id: str
    submitted_at: datetime  # naive datetimes are taken as UTC
    reporter_player_id: str | None  # None: the reporter matched no driver
    reporter_name: str
    involved_player_ids: tuple[str, ...]  # the drivers the report names, matched
    unmatched: tuple[str, ...] = ()  # references that matched no driver of the session
    lap: int | None = None
    race_time_ms: int | None = None
    footage_count: int = 0
    footage_has_time: bool = False  # at least one link or note carries a moment in the video

    @property
    def drivers(self) -> frozenset[str]:
        """Everyone the report concerns: the reporter and the drivers it names."""
        ids = set(self.involved_player_ids)
        if self.reporter_player_id:
            ids.add(self.reporter_player_id)
        return frozenset(ids)


def validate_report(
    report: ReportFacts,
    session_end: datetime | None,
    *,
    window: timedelta = DEFAULT_REPORT_WINDOW,
) -> tuple[Finding, ...]:
    """The procedural findings on one report (duplicates are found across reports)."""
    findings = []
    if session_end is not None:
        deadline = _utc(session_end) + window
        submitted = _utc(report.submitted_at)
        if submitted > deadline:
            late_by = submitted - deadline
            findings.append(
                Finding(
                    FindingKind.LATE_REPORT,
                    f"Submitted {_duration(late_by)} after the report window closed "
                    f"({_duration(window)} after the session ended, "
                    f"{deadline:%Y-%m-%d %H:%M} UTC).",
                )
            )
    if report.reporter_player_id is None:
        findings.append(
            Finding(
                FindingKind.UNKNOWN_DRIVER,
                f"The reporter {report.reporter_name!r} is not a driver of this session.",
            )
        )
    elif report.reporter_player_id not in report.involved_player_ids:
        findings.append(
            Finding(
                FindingKind.REPORTER_NOT_INVOLVED,
                f"The reporter {report.reporter_name!r} is not among the drivers involved; "
                "only drivers involved may report.",
            )
        )
    if report.unmatched:
        names = ", ".join(repr(u) for u in report.unmatched)
        findings.append(
            Finding(
                FindingKind.UNKNOWN_DRIVER,
                f"No driver of this session matches {names}: confirm who is meant.",
            )
        )
    if report.footage_count == 0:
        findings.append(Finding(FindingKind.NO_FOOTAGE, "The report has no video."))
    if report.lap is None and report.race_time_ms is None and not report.footage_has_time:
        findings.append(
            Finding(
                FindingKind.NO_TIMESTAMP,
                "Neither a lap, a race time nor a time in the video is given.",
            )
        )
    return tuple(findings)


def group_duplicates(
    reports: Sequence[ReportFacts],
    *,
    max_lap_gap: int = DEFAULT_MAX_LAP_GAP,
    max_time_gap_ms: int = DEFAULT_MAX_TIME_GAP_MS,
) -> tuple[tuple[str, ...], ...]:
    """Report ids grouped by incident, in the order the reports came (singletons included).

    Two reports describe the same incident when they are of the same session, share
    drivers (two, or all of the smaller report's when it names fewer) and are close: race
    times within `max_time_gap_ms` when both have one, else laps within `max_lap_gap`.
    Reports without any lap or time are never merged: there is nothing to compare.
    Grouping is transitive (A~B and B~C put A, B and C together).
    """
    parent = list(range(len(reports)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(reports):
        for j in range(i + 1, len(reports)):
            if _same_incident(a, reports[j], max_lap_gap, max_time_gap_ms):
                parent[root(j)] = root(i)
    groups: dict[int, list[str]] = {}
    for i, report in enumerate(reports):
        groups.setdefault(root(i), []).append(report.report_id)
    return tuple(tuple(ids) for ids in groups.values())


def duplicate_findings(
    reports: Sequence[ReportFacts], groups: Sequence[Sequence[str]]
) -> dict[str, tuple[Finding, ...]]:
    """A DUPLICATE finding for every report that shares its incident with others."""
    names = {r.report_id: r.reporter_name for r in reports}
    out: dict[str, tuple[Finding, ...]] = {}
    for group in groups:
        if len(group) < 2:
            continue
        for report_id in group:
            others = ", ".join(f"{names.get(o, o)!r}" for o in group if o != report_id)
            out[report_id] = (
                Finding(
                    FindingKind.DUPLICATE,
                    f"The same incident as the report{plural_s(len(group) - 1)} by {others}: "
                    "one incident, "
                    f"{len(group)} reports.",
                ),
            )
    return out


def _same_incident(a: ReportFacts, b: ReportFacts, max_lap_gap: int, max_time_gap_ms: int) -> bool:
    if a.session_id != b.session_id:
        return False
    shared = len(a.drivers & b.drivers)
    if shared < min(2, len(a.drivers), len(b.drivers)) or shared == 0:
        return False
    if a.race_time_ms is not None and b.race_time_ms is not None:
        return abs(a.race_time_ms - b.race_time_ms) <= max_time_gap_ms
    if a.lap is not None and b.lap is not None:
        return abs(a.lap - b.lap) <= max_lap_gap
    return False


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48 and minutes == 0 and hours % 24 == 0:
        return f"{hours // 24} days"
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min" if minutes else f"{int(delta.total_seconds())} s"
