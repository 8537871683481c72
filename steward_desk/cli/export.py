"""`export decisions|classification|ledger|notices|documents` (CLI.md): what the admin publishes.

Every file is written atomically; `--issued-at` / `--as-of` pin the clock so that exporting
twice with nothing changed writes the same bytes.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError, UsageError
from steward_desk.cli.keys import add_passphrase_option, desk_key
from steward_desk.cli.rulebook import active_rulebook
from steward_desk.core.wording import counted


def register(sub: Any) -> None:
    parser = sub.add_parser("export", help="publish decisions, results, the ledger, notices")
    commands = parser.add_subparsers(dest="export_command", metavar="SUBCOMMAND")

    decisions = commands.add_parser("decisions", help="the signed decisions feed")
    decisions.add_argument("--out", type=Path, required=True, metavar="FILE")
    decisions.add_argument("--event", help="only this event (name or id)")
    decisions.add_argument("--issued-at", type=_moment, metavar="ISO", help="default: now")
    decisions.add_argument(
        "--valid-days", type=int, default=7, help="days until the feed expires (default 7)"
    )
    decisions.add_argument("--json", action="store_true", help="print one JSON document")
    add_passphrase_option(decisions)
    decisions.set_defaults(handler=export_decisions)

    classification = commands.add_parser("classification", help="a session's revised results")
    classification.add_argument("--session", required=True, metavar="ID")
    classification.add_argument("--format", choices=("csv", "json"), required=True)
    classification.add_argument("--out", type=Path, required=True, metavar="FILE")
    classification.set_defaults(handler=export_classification)

    ledger = commands.add_parser("ledger", help="licence points, strikes and bans per driver")
    ledger.add_argument("--format", choices=("csv", "json"), required=True)
    ledger.add_argument("--out", type=Path, required=True, metavar="FILE")
    ledger.add_argument("--as-of", type=_moment, metavar="ISO", help="default: now")
    ledger.set_defaults(handler=export_ledger)

    notices = commands.add_parser("notices", help="messages to the drivers and reporters")
    notices.add_argument("--out", type=Path, required=True, metavar="DIR")
    notices.add_argument("--event", help="only this event (name or id)")
    notices.set_defaults(handler=export_notices)

    documents = commands.add_parser("documents", help="decision documents (PDF) and bulletins")
    documents.add_argument("--out", type=Path, required=True, metavar="DIR")
    documents.add_argument("--event", help="only this event (name or id)")
    documents.set_defaults(handler=export_documents)


def export_decisions(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.core.model import StewardRole
    from steward_desk.exports.decisions_feed import export_decisions as export

    if args.valid_days < 1:
        raise UsageError("--valid-days must be at least 1")
    key, identity = desk_key(args, ctx)
    if identity.role not in (StewardRole.ADMIN, StewardRole.HEAD):
        raise CliError(
            f"the decisions feed is signed by the admin or the head steward; this desk's key "
            f"({identity.name}) is a {identity.role.value} key"
        )
    store = ctx.store()
    store.actor = identity.name
    result = _run(
        lambda: export(
            store,
            key,
            args.out,
            rulebook=active_rulebook(),
            state_dir=ctx.paths.home / "exports",
            issuer=identity.name,
            event=args.event,
            issued_at=args.issued_at,
            validity=timedelta(days=args.valid_days),
        )
    )
    if args.json:
        print_json(result.to_json())
    what = "re-issued unchanged" if result.reissued else f"seq {result.seq}"
    say(
        f"Wrote {args.out}: {result.decisions} decisions ({result.newly_published} newly "
        f"published), {what}, signed by {identity.name}"
    )
    return 0


def export_classification(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.exports.atomic import write_atomic
    from steward_desk.exports.classification import (
        classification_csv,
        classification_json,
        revised_classification,
    )

    revised = _run(lambda: revised_classification(ctx.store(), args.session, active_rulebook()))
    data = classification_csv(revised) if args.format == "csv" else classification_json(revised)
    _run(lambda: write_atomic(args.out, data))
    moved = sum(1 for row in revised.after if row.position != row.file_position)
    say(f"Wrote {args.out}: {len(revised.after)} cars, {moved} moved by steward penalties")
    return 0


def export_ledger(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.exports.atomic import write_atomic
    from steward_desk.exports.ledger import league_ledger, ledger_csv, ledger_json

    export = _run(lambda: league_ledger(ctx.store(), active_rulebook(), args.as_of))
    data = ledger_csv(export) if args.format == "csv" else ledger_json(export)
    _run(lambda: write_atomic(args.out, data))
    count = len(export.ledger.drivers)
    say(f"Wrote {args.out}: {counted(count, 'driver')}")
    return 0


def export_notices(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.exports.notices import export_notices as export
    from steward_desk.exports.records import load_decisions

    rulebook = active_rulebook()
    records = _run(lambda: load_decisions(ctx.store(), rulebook, event=args.event))
    written = _run(lambda: export(records, rulebook, args.out))
    say(f"Wrote {len(written)} files under {args.out}")
    return 0


def export_documents(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.exports.documents import export_documents as export
    from steward_desk.exports.records import load_decisions

    rulebook = active_rulebook()
    records = _run(lambda: load_decisions(ctx.store(), rulebook, event=args.event))
    written = _run(lambda: export(records, rulebook, args.out))
    say(f"Wrote {len(written)} PDF files under {args.out}")
    return 0


def _run(fn: Any) -> Any:
    """Turn the errors a person can act on into exit 1 with the message."""
    from steward_desk.exports.atomic import ExportError
    from steward_desk.exports.ledger import LedgerDataError

    try:
        return fn()
    except (LookupError, ExportError, LedgerDataError) as error:
        raise CliError(str(error.args[0] if isinstance(error, KeyError) else error)) from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a time zone (e.g. Z or +00:00)")
    return moment.astimezone(UTC)
