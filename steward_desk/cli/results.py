"""`results show SESSION_ID [--json|--csv]`: a session's classification, steward penalties applied."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from steward_desk.cli.context import Context, print_json
from steward_desk.cli.errors import CliError
from steward_desk.core.model import format_race_time


def register(sub: Any) -> None:
    parser = sub.add_parser("results", help="classifications of imported sessions")
    commands = parser.add_subparsers(dest="results_command", metavar="SUBCOMMAND")
    show = commands.add_parser("show", help="a session's classification with steward penalties")
    show.add_argument("session", metavar="SESSION_ID")
    fmt = show.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    show.set_defaults(handler=show_results)

    sessions = commands.add_parser("sessions", help="list imported sessions")
    sessions.add_argument("--json", action="store_true")
    sessions.set_defaults(handler=list_sessions)


def show_results(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.exports.classification import classification_csv, revised_classification

    try:
        revised = revised_classification(ctx.store(), args.session, load_rulebook())
    except LookupError as error:
        raise CliError(str(error)) from None
    if args.json:
        print_json(revised.to_json())
        return 0
    if args.csv:
        sys.stdout.write(classification_csv(revised).decode("utf-8"))
        return 0
    session = revised.session
    print(f"{session['event']} · {session['type']} · {session['track']}")
    for r in revised.after:
        names = " / ".join(d.name for d in r.drivers)
        extra = f" +{r.penalty_ms / 1000:.0f}s" if r.penalty_ms else ""
        print(
            f"{r.position:>3} {r.car_class:<4} #{r.car_number:<4} {names[:34]:<34} {r.laps:>4} laps "
            f"{format_race_time(r.total_time_ms):>12}{extra}  {r.status.value}"
        )
    return 0


def list_sessions(args: argparse.Namespace, ctx: Context) -> int:
    sessions = ctx.store().league.sessions()
    if args.json:
        print_json([
            {"id": s.id, "event": s.event, "type": s.raw_type or s.type.value, "track": s.track,
             "cars": s.cars, "ended_at": s.ended_at.isoformat() if s.ended_at else None}
            for s in sessions
        ])  # fmt: skip
        return 0
    for s in sessions:
        print(f"{s.id}  {s.event:<36} {s.label:<16} {s.cars:>3} cars")
    return 0
