"""`demo [--no-gui]`: build (or rebuild) the demo league, then open the app on it."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from steward_desk.cli.context import Context, print_json, say


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="build (or rebuild) the demo league, then open the app")
    parser.add_argument("--no-gui", action="store_true", help="only build the demo league")
    parser.add_argument("--json", action="store_true", help="print what was built as JSON")
    parser.set_defaults(handler=demo)


def demo(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.demo.builder import build_demo

    store = ctx.store()
    last = [-1]

    def progress(done: int, total: int, text: str) -> None:
        if sys.stderr.isatty() or done != last[0]:
            say(f"[{done:>2}/{total}] {text}")
            last[0] = done

    summary = build_demo(store, ctx.paths, progress)
    from steward_desk.demo.desk import remember_demo_steward

    if remember_demo_steward(ctx.paths, summary.steward_id):
        say("This desk now judges as the demo's head steward (Incident → Who am I to change it)")
    if args.json:
        print_json(summary.to_json())
    say(
        f"Demo league ready in {ctx.paths.db_path or ctx.paths.db_url}: {summary.events} events, "
        f"{summary.sessions} sessions, {summary.cars} cars, {summary.incidents} incidents from "
        f"{summary.reports} reports, {summary.clips} onboard clips ({summary.seconds:.1f} s)"
    )
    if args.no_gui:
        return 0
    ctx.close()
    app_module = importlib.import_module("steward_desk.app")
    return int(app_module.run(ctx.paths))
