"""`incidents list|show` (CLI.md): the queue and one case, for people and for scripts."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from steward_desk.cli.context import Context, print_json
from steward_desk.cli.errors import CliError, UsageError
from steward_desk.core.model import IncidentStatus, IncidentSummary, format_race_time
from steward_desk.core.wording import counted, plural_s


def register(sub: Any) -> None:
    parser = sub.add_parser("incidents", help="the incident queue")
    commands = parser.add_subparsers(dest="incidents_command", metavar="SUBCOMMAND")

    listing = commands.add_parser("list", help="list incidents")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.add_argument(
        "--status", help="only this status: " + ", ".join(s.value for s in IncidentStatus)
    )
    listing.add_argument("--event", help="only this event (name or id)")
    listing.set_defaults(handler=list_incidents)

    show = commands.add_parser("show", help="one incident with its reports and footage")
    show.add_argument("id", help="the case number, id, or a unique id prefix")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=show_incident)

    add = commands.add_parser("add", help="file a report by hand (as the app's manual entry)")
    add.add_argument("--session", required=True, help="session id (or a unique prefix)")
    add.add_argument("--reporter", required=True, metavar="PLAYER_ID")
    add.add_argument("--involved", required=True, nargs="+", metavar="PLAYER_ID")
    add.add_argument("--description", required=True)
    add.add_argument("--lap", type=int)
    add.add_argument("--at", type=int, metavar="MS", help="race time of the moment in ms")
    add.add_argument("--footage", action="append", default=[], metavar="PATH_OR_URL")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=add_incident)


def _status(value: str | None) -> IncidentStatus | None:
    if value is None:
        return None
    try:
        return IncidentStatus(value.lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        choices = ", ".join(s.value for s in IncidentStatus)
        raise UsageError(f"unknown status {value!r}; choose one of {choices}") from None


def _deadline_text(summary: IncidentSummary, now: datetime) -> str:
    if summary.deadline is None or not summary.status.is_open:
        return "—"
    hours = (summary.deadline - now).total_seconds() / 3600
    if hours < 0:
        return f"overdue {-hours:.0f} h"
    return f"{hours:.0f} h left"


def list_incidents(args: argparse.Namespace, ctx: Context) -> int:
    summaries = ctx.store().incidents.list_summaries(status=_status(args.status), event=args.event)
    if args.json:
        print_json([s.to_json() for s in summaries])
        return 0
    now = datetime.now(UTC)
    print(
        f"{'#':>4}  {'status':<15} {'event':<24} {'session':<16} {'category':<20} "
        f"{'involved':<40} deadline"
    )
    for s in summaries:
        involved = ", ".join(
            f"#{d.car_number} {d.name}" if d.car_number else d.name for d in s.involved
        )
        flags = f" [{counted(len(s.open_findings), 'finding')}]" if s.open_findings else ""
        print(
            f"{s.number:>4}  {s.status.label:<15} {s.event[:24]:<24} {s.session[:16]:<16} "
            f"{(s.category or '—')[:20]:<20} {involved[:40]:<40} {_deadline_text(s, now)}{flags}"
        )
    return 0


def show_incident(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store()
    try:
        detail = store.incidents.detail(args.id)
    except LookupError as error:
        raise CliError(str(error)) from None
    if args.json:
        print_json(detail.to_json())
        return 0
    s = detail.summary
    print(f"Case {s.number} — {s.status.label}  ({s.id})")
    print(
        f"  {s.event} · {s.session}   lap {s.lap or '—'}   race time {format_race_time(s.race_time_ms)}"
    )
    print(f"  category: {s.category or '—'}   reported {s.reported_at:%Y-%m-%d %H:%M} UTC")
    print("  involved:")
    for d in s.involved:
        print(f"    {d.role.value:<9} #{d.car_number or '?':<4} {d.name} ({d.player_id})")
    for f in s.findings:
        mark = "overridden: " + f.override_reason if f.overridden else "open"
        print(f"  finding: {f.kind.label}: {f.message} ({mark})")
    for r in detail.reports:
        print(f"  report by {r.reporter_name} at {r.submitted_at:%Y-%m-%d %H:%M} ({r.source}):")
        print(f"    {r.description}")
    for clip in detail.footage:
        print(
            f"  footage: {clip.label or clip.source}: {clip.location} (offset {clip.offset_ms} ms)"
        )
    return 0


def add_incident(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import timedelta

    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.intake.errors import IntakeError
    from steward_desk.intake.report_forms import ReportRow
    from steward_desk.intake.report_import import apply_plan, plan_reports
    from steward_desk.media.errors import MediaError

    store = ctx.store()
    rulebook = load_rulebook()
    row = ReportRow(
        line=1,
        submitted_at=datetime.now(UTC),
        event_hint="",
        session_hint="",
        reporter=args.reporter,
        involved=tuple(args.involved),
        lap=args.lap,
        race_time_ms=args.at,
        description=args.description,
        footage=tuple(args.footage),
    )
    source = f"manual-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    try:
        plan = plan_reports(store, [row], source, session_id=args.session, rulebook=rulebook)
        unknown = [
            ref.text
            for ref in [plan.reports[0].reporter, *plan.reports[0].involved]
            if ref.match.player_id is None or ref.match.ambiguous
        ]
        if unknown:
            raise CliError(
                f"no driver of this session has the player id{plural_s(len(unknown))} "
                + ", ".join(unknown)
            )
        outcome = apply_plan(
            store,
            plan,
            footage_dir=ctx.paths.footage_dir,
            report_window=timedelta(hours=rulebook.deadlines.report_hours),
            decision_target=timedelta(hours=rulebook.deadlines.decision_target_hours),
        )
    except (IntakeError, MediaError) as error:
        raise CliError(f"{error} — nothing was filed") from None
    incident_id = outcome.incidents[0]
    detail = store.incidents.detail(incident_id)
    if args.json:
        print_json(detail.summary.to_json())
    else:
        s = detail.summary
        print(f"Filed into case {s.number} ({s.id}), status {s.status.label}")
        for f in s.open_findings:
            print(f"  finding: {f.kind.label}: {f.message}")
    return 0
