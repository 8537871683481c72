"""`cases export | import` (CLI.md): the head steward's signed case pack for the panel."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError
from steward_desk.cli.keys import add_passphrase_option, desk_key, desk_keyset
from steward_desk.core.wording import counted
from steward_desk.panel.errors import MAX_DOCUMENT_BYTES, PanelError


def register(sub: Any) -> None:
    parser = sub.add_parser("cases", help="case packs: the head steward's cases for the panel")
    commands = parser.add_subparsers(dest="cases_command", metavar="SUBCOMMAND")

    export = commands.add_parser("export", help="sign this desk's cases as a case pack")
    export.add_argument("--out", required=True, type=Path, help="the case pack file to write")
    export.add_argument("--event", help="only this event (name or id)")
    export.add_argument("--json", action="store_true", help="print one JSON document")
    add_passphrase_option(export)
    export.set_defaults(handler=export_cases)

    importing = commands.add_parser("import", help="verify a case pack and load its cases")
    importing.add_argument("file", type=Path, help="a case pack from the head steward")
    importing.add_argument("--json", action="store_true", help="print one JSON document")
    importing.set_defaults(handler=import_cases)


def export_cases(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.case_pack import export_case_pack  # the storage layer: only here

    key, identity = desk_key(args, ctx)
    store = ctx.store()
    store.actor = identity.name
    try:
        done = export_case_pack(store, key, desk_keyset(ctx), args.out, event=args.event)
    except PanelError as error:
        raise CliError(str(error)) from None
    say(
        f"Case pack {done.seq} with {counted(done.incidents, 'case')} "
        f"signed by {identity.name}: {done.path}"
    )
    if args.json:
        print_json(
            {"file": str(done.path), "incidents": done.incidents, "seq": done.seq, "kid": done.kid}
        )
    return 0


def import_cases(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.case_pack import import_case_pack  # the storage layer: only here

    data = read_signed_file(args.file)
    keyset = desk_keyset(ctx)
    try:
        done = import_case_pack(ctx.store(), data, keyset, source=str(args.file))
    except PanelError as error:
        raise CliError(_refusal(error)) from None
    say(done.describe())
    if args.json:
        print_json(
            {
                "file": done.source,
                "duplicate": done.duplicate,
                "incidents_new": done.incidents_new,
                "incidents_updated": done.incidents_updated,
                "reports": done.reports,
                "footage": done.footage,
                "head": done.head,
                "checks": list(done.checks),
            }
        )
    return 0


def read_signed_file(path: Path) -> bytes:
    """A received signed file, refused before reading when it is far too big to be one."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise CliError(
                f"{path}: refused: the file is {size:,} bytes, more than a signed Steward Desk "
                f"document may be ({MAX_DOCUMENT_BYTES:,}); nothing was imported"
            )
        return path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read it ({error.strerror})") from None


def _refusal(error: PanelError) -> str:
    return f"refused ({error.reason}): {error}; nothing was imported"
