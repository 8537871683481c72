"""`steward-desk [--db PATH_OR_URL] [--home DIR] [COMMAND ...]` (CLI.md).

Each module of this package that defines `register(subparsers)` adds its commands; a command
sets `handler(args, ctx) -> int` as its default. No command opens the app.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from steward_desk import __version__
from steward_desk.cli.context import Context, say
from steward_desk.cli.errors import CliError
from steward_desk.paths import resolve


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="steward-desk",
        description="Steward Desk: review sim-racing incidents, record verdicts, publish decisions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", help="SQLite file path or any SQLAlchemy URL (env STEWARD_DESK_DB)")
    parser.add_argument(
        "--home", help="folder for the database, keys, logs (env STEWARD_DESK_HOME)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    import steward_desk.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in ("main", "context", "errors"):
            continue
        module = importlib.import_module(f"steward_desk.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(paths=resolve(home=args.home, db=args.db))
    try:
        if args.command is None:
            return _open_app(ctx)
        handler = getattr(args, "handler", None)
        if handler is None:
            # A command group given without its subcommand: show that group's usage.
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
            return 2
        return int(handler(args, ctx))
    except CliError as error:
        say(f"steward-desk: {error}")
        return error.exit_code
    except KeyboardInterrupt:
        say("steward-desk: interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        ctx.close()


def _open_app(ctx: Context) -> int:
    # Imported here so headless commands never load Qt; the app module is the only wiring point.
    app_module = importlib.import_module("steward_desk.app")
    return int(app_module.run(ctx.paths))
