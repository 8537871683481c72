"""`decide` (CLI.md): the merge of the panel's verdicts and the head steward's decision.

    decide --incident ID --show                 the panel's verdicts side by side
    decide --incident ID --accept-majority      record the majority's ruling
    decide --incident ID --json FILE            record the decision written in FILE
    decide --cosign FILE --out FILE             a panel member co-signs a decision document
    decide --collect FILE...                    the head desk merges the co-signatures

`--correction REASON` lets a new decision supersede the one in force; `--out FILE` also
writes the signed decision document; `--print-json` prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward_desk.cli.cases import read_signed_file
from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError, UsageError
from steward_desk.cli.keys import add_passphrase_option, desk_key, desk_keyset
from steward_desk.cli.rulebook import active_rulebook
from steward_desk.core.panel import FIELDS
from steward_desk.panel.errors import PanelError
from steward_desk.signing.canonical import loads_strict
from steward_desk.signing.errors import JsonError
from steward_desk.signing.keystore import write_private

if TYPE_CHECKING:
    from steward_desk.panel.merge import IncidentPanel

# The panel's storage-backed work (SQLModel, ~0.5 s to import) is imported by the handlers
# that use it, so commands that do not (`verify`, `--help`) start quickly.


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "decide", help="the panel's verdicts side by side and the head steward's decision"
    )
    parser.add_argument("--incident", metavar="ID", help="case number, id or unique id prefix")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--show", action="store_true", help="the merge: verdicts side by side")
    mode.add_argument("--accept-majority", action="store_true", help="decide as the majority")
    mode.add_argument("--json", type=Path, metavar="FILE", help="decide as written in FILE")
    mode.add_argument("--cosign", type=Path, metavar="FILE", help="co-sign a decision document")
    mode.add_argument(
        "--collect", type=Path, nargs="+", metavar="FILE", help="merge co-signed documents"
    )
    parser.add_argument("--correction", metavar="REASON", default="", help="supersede, because…")
    parser.add_argument("--out", type=Path, help="write the signed decision document here")
    parser.add_argument("--print-json", action="store_true", help="print one JSON document")
    add_passphrase_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        if args.show:
            return _show(args, ctx)
        if args.cosign is not None:
            return _cosign(args, ctx)
        if args.collect is not None:
            return _collect(args, ctx)
        return _decide(args, ctx)
    except PanelError as error:
        raise CliError(f"refused ({error.reason}): {error}; nothing was changed") from None


def _decide(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.decisions import decide

    if not args.incident:
        raise UsageError("decide needs --incident ID")
    doc = None
    if args.json is not None:
        try:
            doc = loads_strict(args.json.read_bytes(), source=str(args.json))
        except OSError as error:
            raise CliError(f"{args.json}: cannot read it ({error.strerror})") from None
        except JsonError as error:
            raise CliError(str(error)) from None
        if not isinstance(doc, dict):
            raise CliError(f"{args.json}: expected a JSON object with the decision's fields")
    key, identity = desk_key(args, ctx)
    store = ctx.store()
    store.actor = identity.name
    record = decide(
        store, args.incident, active_rulebook(), key, identity.name, desk_keyset(ctx),
        accept_majority=args.accept_majority, doc=doc, correction_reason=args.correction,
    )  # fmt: skip
    if args.out is not None:
        write_private(args.out, record.document)
    penalty = record.body["penalty"]
    what = record.body["outcome"] + (f", {penalty['type']} {penalty['value']}" if penalty else "")
    say(f"Case {record.number} decided: {what} (decision {record.decision_id})")
    if record.dissent:
        say("Dissent kept: " + ", ".join(d["steward"] for d in record.dissent))
    if record.supersedes:
        say(f"It supersedes decision {record.supersedes}.")
    if args.out is not None:
        say(f"Signed decision document: {args.out} (panel members may co-sign it)")
    if args.print_json:
        print_json(record.to_json())
    return 0


def _show(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.merge import merge_view

    store = ctx.store()
    ids = None
    if args.incident:
        try:
            ids = [store.incidents.resolve(args.incident)]
        except LookupError as error:
            raise CliError(str(error)) from None
    panels = merge_view(store, active_rulebook(), ids)
    if args.print_json:
        print_json([p.to_json() for p in panels])
        return 0
    if not panels:
        print("No incident holds submitted verdicts yet.")
    for panel in panels:
        _print_panel(panel)
    return 0


def _print_panel(panel: IncidentPanel) -> None:
    print(f"Case {panel.number} · {panel.event} · {panel.status}")
    print(f"  {panel.quorum_text}; {panel.majority_text}")
    width = 26
    print("  " + f"{'':<11}" + "".join(f"{c.name[: width - 2]:<{width}}" for c in panel.columns))
    for field in (*FIELDS, "reasoning"):
        mark = "=" if panel.agrees(field) else ("≠" if field != "reasoning" else " ")
        cells = "".join(f"{panel.cell(c, field)[: width - 2]:<{width}}" for c in panel.columns)
        print(f"{mark} {field.replace('_', ' '):<11}{cells}")
    for text in panel.disagreements():
        print(f"  disagreement: {text}")
    for recusal in panel.result.recusals:
        print(
            f"  recused: {panel.names.get(recusal.steward_key, recusal.steward_key)}: {recusal.reason}"
        )
    if panel.decision_id:
        print(f"  decided: decision {panel.decision_id}")
    print()


def _cosign(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.cosign import cosign

    if args.out is None:
        raise UsageError("decide --cosign FILE needs --out FILE for the co-signed document")
    data = read_signed_file(args.cosign)
    key, identity = desk_key(args, ctx)
    signed = cosign(data, key, desk_keyset(ctx), source=str(args.cosign))
    write_private(args.out, signed)
    say(f"Co-signed by {identity.name} (kid {key.kid}): {args.out}; send it to the head steward")
    return 0


def _collect(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.panel.cosign import collect_cosignatures

    files = [(str(path), read_signed_file(path)) for path in args.collect]
    results = collect_cosignatures(ctx.store(), files, desk_keyset(ctx))
    for result in results:
        say(result.describe())
    if args.print_json:
        print_json(
            [
                {
                    "decision_id": r.decision_id,
                    "signers": [{"kid": s.kid, "name": s.name} for s in r.signers],
                    "added": r.added,
                }
                for r in results
            ]
        )
    return 0
