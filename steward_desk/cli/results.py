"""`results show SESSION_ID [--json|--csv]`: a session's classification, steward penalties applied."""

from __future__ import annotations

import argparse
import csv
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


def classification_doc(ctx: Context, session_id: str) -> tuple[dict[str, Any], list[Any]]:
    from steward_desk.core.classification import PenaltyConversion, classify
    from steward_desk.core.model import SessionType
    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.storage.results import car_results, steward_penalties

    store = ctx.store()
    try:
        race, cars = car_results(store, session_id)
    except LookupError as error:
        raise CliError(str(error)) from None
    rulebook = load_rulebook()
    conversion = PenaltyConversion(drive_through_s=rulebook.conversion.drive_through_seconds)
    rows = classify(
        SessionType(race.type), cars, steward_penalties(store, race.id), conversion=conversion
    )
    info = store.league.session_info(race.id)
    session = {
        "id": race.id,
        "type": race.raw_type or race.type,
        "track": race.track,
        "event": info.event if info else "",
        "file": race.source_file,
    }
    return session, list(rows)


def show_results(args: argparse.Namespace, ctx: Context) -> int:
    session, rows = classification_doc(ctx, args.session)
    if args.json:
        print_json({"session": session, "classification": [r.to_json() for r in rows]})
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(
            [
                "position",
                "class_position",
                "car_number",
                "car_model",
                "class",
                "drivers",
                "player_ids",
                "laps",
                "total_time_ms",
                "best_lap_ms",
                "penalty_ms",
                "status",
            ]
        )
        for r in rows:
            writer.writerow([
                r.position, r.class_position, r.car_number, r.car_model, r.car_class,
                " / ".join(d.name for d in r.drivers), " ".join(d.player_id for d in r.drivers),
                r.laps, r.total_time_ms if r.total_time_ms is not None else "",
                r.best_lap_ms if r.best_lap_ms is not None else "", r.penalty_ms, r.status.value,
            ])  # fmt: skip
        return 0
    print(f"{session['event']} · {session['type']} · {session['track']}")
    for r in rows:
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
