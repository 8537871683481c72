"""`import results FILE...` and `import reports FILE` (CLI.md)."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError
from steward_desk.core.model import EventKind
from steward_desk.core.wording import counted
from steward_desk.intake.errors import IntakeError
from steward_desk.media.errors import MediaError


def register(sub: Any) -> None:
    parser = sub.add_parser("import", help="import ACC results or incident reports")
    commands = parser.add_subparsers(dest="import_command", metavar="WHAT")

    results = commands.add_parser("results", help="import ACC server result files (or folders)")
    results.add_argument(
        "files", nargs="+", metavar="FILE", help="result files; a folder is one event weekend"
    )
    results.add_argument("--event", help="event name (default: track and date from the file)")
    results.add_argument("--kind", choices=[k.value for k in EventKind], default="series")
    results.add_argument("--round", type=int)
    results.add_argument("--final-round", action="store_true")
    results.add_argument("--league", help="league name (default: this desk's league)")
    results.add_argument("--json", action="store_true")
    results.set_defaults(handler=import_results)

    reports = commands.add_parser(
        "reports", help="import incident reports (CSV form export or JSON)"
    )
    reports.add_argument("file", metavar="FILE")
    reports.add_argument("--mapping", metavar="MAPPING.toml", help="which column holds what (CSV)")
    reports.add_argument("--session", help="file every report under this session id")
    reports.add_argument("--json", action="store_true")
    reports.set_defaults(handler=import_reports)


def import_results(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.intake.results_import import import_results as run

    try:
        outcome = run(
            ctx.store(),
            args.files,
            event=args.event,
            kind=EventKind(args.kind),
            round=args.round,
            final_round=args.final_round,
            league=args.league,
        )
    except IntakeError as error:
        raise CliError(f"{error} — nothing was imported") from None
    if args.json:
        print_json(outcome.to_json())
    for s, acc in zip(outcome.sessions, outcome.parsed, strict=True):
        state = "imported" if s.created else "already imported, unchanged"
        say(
            f"{Path(s.source).name}: {acc.raw_session_type} at {acc.track}, {s.cars} cars — {state} (session {s.session_id})"
        )
    return 0


def import_reports(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.core.rulebook import load_rulebook
    from steward_desk.intake.report_forms import parse_reports
    from steward_desk.intake.report_import import apply_plan, plan_reports
    from steward_desk.intake.report_mapping import load_mapping

    path = Path(args.file)
    store = ctx.store()
    rulebook = load_rulebook()
    try:
        data = path.read_bytes()
        mapping = load_mapping(args.mapping) if args.mapping else None
        rows = parse_reports(data, path, mapping)
        plan = plan_reports(store, rows, path, session_id=args.session, rulebook=rulebook)
        outcome = apply_plan(
            store,
            plan,
            footage_dir=ctx.paths.footage_dir,
            report_window=timedelta(hours=rulebook.deadlines.report_hours),
            decision_target=timedelta(hours=rulebook.deadlines.decision_target_hours),
        )
    except OSError as error:
        raise CliError(f"{path.name}: cannot be read ({error.strerror or error})") from None
    except (IntakeError, MediaError) as error:
        raise CliError(f"{error} — nothing was imported") from None
    unconfirmed = plan.to_confirm()
    if args.json:
        doc = outcome.to_json(store)
        doc["to_confirm"] = [
            {"report": plan.reports[i].label, "reference": ref.text,
             "candidates": [c.player_id for c in ref.match.candidates]}
            for i, ref in unconfirmed
        ]  # fmt: skip
        print_json(doc)
    flagged = sum(1 for f in outcome.findings.values() if f)
    say(
        f"{path.name}: {counted(outcome.reports, 'report')} filed into "
        f"{counted(len(outcome.incidents), 'incident')} ({outcome.created} new); "
        f"{counted(flagged, 'report')} flagged; {len(outcome.skipped)} already imported"
    )
    if unconfirmed:
        say(
            f"{counted(len(unconfirmed), 'driver reference')} "
            f"{'was' if len(unconfirmed) == 1 else 'were'} not clear enough to match: "
            "confirm them in the app"
        )
    return 0
