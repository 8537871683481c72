"""`bundle export | import` (CLI.md): a steward's signed verdicts, and the head steward's import."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from steward_desk.cli.cases import read_signed_file
from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError
from steward_desk.cli.keys import add_passphrase_option, desk_key, desk_keyset
from steward_desk.cli.rulebook import active_rulebook
from steward_desk.core.wording import counted
from steward_desk.panel.errors import PanelError
from steward_desk.signing.errors import SigningError
from steward_desk.signing.keystore import KeyStore

# The storage layer (SQLModel, ~0.5 s to import) is imported by the handlers that use it, so
# commands that do not (`verify`, `--help`) start quickly.


def register(sub: Any) -> None:
    parser = sub.add_parser("bundle", help="signed verdict bundles between stewards and head")
    commands = parser.add_subparsers(dest="bundle_command", metavar="SUBCOMMAND")

    export = commands.add_parser("export", help="sign this steward's submitted verdicts")
    export.add_argument("--out", required=True, type=Path, help="the bundle file to write")
    export.add_argument("--json", action="store_true", help="print one JSON document")
    add_passphrase_option(export)
    export.set_defaults(handler=export_verdicts)

    importing = commands.add_parser("import", help="verify and import stewards' bundles (head)")
    importing.add_argument("files", type=Path, nargs="+", help="bundle files")
    importing.add_argument("--json", action="store_true", help="print one JSON document")
    importing.set_defaults(handler=import_verdicts)


def export_verdicts(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.bundles import export_bundle, steward_recusals
    from steward_desk.storage.stewards import desk_steward
    from steward_desk.storage.verdicts import VerdictRepository

    key, identity = desk_key(args, ctx)
    store = ctx.store()
    store.actor = identity.name
    rulebook = active_rulebook()
    steward = desk_steward(store, ctx.paths.keys_dir)
    assert steward is not None  # the key store holds an identity: desk_key checked it
    records = VerdictRepository(store, rulebook).submitted(steward_id=steward.id)
    verdicts = [record.verdict(rulebook) for record in records]
    try:
        done = export_bundle(
            store, key, identity.name, verdicts, args.out,
            recusals=steward_recusals(store, steward.id),
        )  # fmt: skip
    except PanelError as error:
        raise CliError(str(error)) from None
    say(
        f"Bundle {done.seq} with {counted(done.verdicts, 'verdict')} "
        f"signed by {identity.name}: {done.path}"
    )
    if args.json:
        print_json(
            {"file": str(done.path), "verdicts": done.verdicts, "seq": done.seq, "hash": done.hash}
        )
    return 0


def import_verdicts(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.bundles import import_bundles

    files = [(str(path), read_signed_file(path)) for path in args.files]
    keys = KeyStore(ctx.paths.keys_dir)
    try:
        importer = keys.identity().kid if keys.exists() else None
    except SigningError as error:
        raise CliError(str(error)) from None
    if importer is None:
        raise CliError(
            "this desk has no signing key: bundles are imported on the head steward's desk"
        )
    try:
        done = import_bundles(
            ctx.store(), files, desk_keyset(ctx), active_rulebook(), importer_kid=importer
        )
    except PanelError as error:
        raise CliError(f"refused ({error.reason}): {error}; nothing was imported") from None
    for result in done:
        say(result.describe())
    if args.json:
        print_json(
            {
                "bundles": [
                    {
                        "file": r.source,
                        "steward": r.steward,
                        "seq": r.seq,
                        "verdicts": r.verdicts,
                        "new_verdicts": r.new_verdicts,
                        "duplicate": r.duplicate,
                        "checks": list(r.checks),
                    }
                    for r in done
                ]
            }
        )
    return 0
