"""`verdict submit --incident ID --json FILE` and `verdict show --incident ID [--json]`.

The file holds the form's fields (CLI.md "JSON shapes"); the desk sets id, steward, version
and supersedes. The steward is this desk's: its signing identity (`keys init`), else the one
remembered by the GUI, else `--steward NAME_OR_ID` naming a steward row. A conflict of
interest is refused and recorded as a recusal; a bad file names the key and stores nothing.
"""

from __future__ import annotations

import argparse
import configparser
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError
from steward_desk.cli.rulebook import active_rulebook
from steward_desk.core.model import Outcome
from steward_desk.core.verdict import VerdictError
from steward_desk.core.wording import counted
from steward_desk.core.workflow import WorkflowError

if TYPE_CHECKING:
    from steward_desk.storage.stewards import StewardInfo
    from steward_desk.storage.verdict_records import VerdictRecord
    from steward_desk.storage.verdicts import VerdictRepository

# The storage layer (SQLModel, ~0.5 s to import) is imported by the handlers that use it, so
# commands that do not (`verify`, `--help`) start quickly.

MAX_FILE_BYTES = 1024 * 1024


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `verdict submit | show` to the command line."""
    parser = subparsers.add_parser(
        "verdict", help="submit a verdict from a JSON file, show the verdicts on a case"
    )
    sub = parser.add_subparsers(dest="verdict_command", metavar="SUBCOMMAND")
    submit = sub.add_parser("submit", help="submit a verdict given as JSON (the form's fields)")
    submit.add_argument("--incident", required=True, metavar="ID", help="case number or id")
    submit.add_argument("--json", required=True, metavar="FILE", dest="file", help="verdict JSON")
    submit.add_argument("--steward", metavar="NAME_OR_ID", help="a steward row of this desk")
    submit.set_defaults(handler=_submit)
    show = sub.add_parser("show", help="the verdicts on a case this desk's steward may see")
    show.add_argument("--incident", required=True, metavar="ID", help="case number or id")
    show.add_argument("--steward", metavar="NAME_OR_ID", help="a steward row of this desk")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=_show)


def _steward(ctx: Context, ref: str | None) -> StewardInfo:
    from steward_desk.storage.stewards import StewardRepository, desk_steward

    store = ctx.store()
    if ref:
        found = StewardRepository(store).find(ref)
        if found is None:
            raise CliError(f"--steward: no steward {ref!r} on this desk")
        return found
    found = desk_steward(store, ctx.paths.keys_dir, _remembered_steward(ctx))
    if found is None:
        raise CliError(
            "this desk has no steward: create a key with `steward-desk keys init --name NAME "
            "--role steward`, set one up in the app, or pass --steward"
        )
    return found


def _remembered_steward(ctx: Context) -> str | None:
    """The steward the GUI remembered in settings.ini (QSettings' INI format)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ctx.paths.settings_file, encoding="utf-8")
    except (OSError, configparser.Error):
        return None
    value = parser.get("verdict", "steward_id", fallback="").strip().strip('"')
    return value or None


def _incident(repo: VerdictRepository, ref: str) -> str:
    from steward_desk.storage.incidents import IncidentNotFound

    try:
        return repo.store.incidents.resolve(ref)
    except IncidentNotFound as error:
        raise CliError(f"--incident: {error}") from None


def _read_form(file: str) -> dict[str, object]:
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CliError(f"{file}: cannot read the file: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CliError(f"{file}: {len(data)} bytes is too large for a verdict (max 1 MiB)")
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise CliError(f"{file}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise CliError(
            f"{file}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    if not isinstance(doc, dict):
        raise CliError(f"{file}: expected a JSON object with the verdict's fields")
    return doc


def _submit(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.storage.verdict_records import ConflictOfInterest
    from steward_desk.storage.verdicts import VerdictRepository

    rulebook = active_rulebook()
    form = _read_form(args.file)
    repo = VerdictRepository(ctx.store(), rulebook)
    incident_id = _incident(repo, args.incident)
    steward = _steward(ctx, args.steward)
    repo.store.actor = steward.name
    try:
        record = repo.submit(incident_id, steward, form)
    except ConflictOfInterest as error:
        raise CliError(f"refused: {error.reason} The recusal is recorded.") from None
    except VerdictError as error:
        lines = "\n".join(f"  {args.file}: {p}" for p in error.problems)
        raise CliError(f"the verdict was not stored:\n{lines}") from None
    except WorkflowError as error:
        raise CliError(f"refused: {error}") from None
    case = repo.case(incident_id)
    say(
        f"Verdict v{record.version} on case {case.number} submitted by {steward.name}; "
        f"the case is {case.status.label.lower()}."
    )
    sys.stdout.write(record.id + "\n")
    return 0


def _show(args: argparse.Namespace, ctx: Context) -> int:
    from steward_desk.storage.verdicts import VerdictRepository

    repo = VerdictRepository(ctx.store(), active_rulebook())
    incident_id = _incident(repo, args.incident)
    steward = _steward(ctx, args.steward)
    case = repo.case(incident_id)
    records = repo.visible_verdicts(incident_id, steward)
    hidden = repo.hidden_count(incident_id, steward)
    recusals = repo.recusals(incident_id)
    if args.json:
        print_json(
            {
                "incident": {
                    "id": case.incident_id,
                    "number": case.number,
                    "status": case.status.value,
                },
                "viewer": steward.to_json(),
                "verdicts": [_record_json(r) for r in records],
                "hidden": hidden,
                "recusals": [
                    {"steward": r.steward_name, "reason": r.reason, "at": r.at.isoformat()}
                    for r in recusals
                ],
            }
        )
        return 0
    print(f"Case {case.number} · {case.status.label}")
    if not records:
        print("  no verdicts you may see yet")
    for r in records:
        print("  " + _record_line(r))
    if hidden:
        print(f"  {counted(hidden, 'other verdict')} hidden until you submit yours (blind review)")
    for rec in recusals:
        print(f"  recused: {rec.steward_name}: {rec.reason}")
    return 0


def _record_json(r: VerdictRecord) -> dict[str, object]:
    return {
        "id": r.id,
        "steward": {"id": r.steward_id, "name": r.steward_name},
        "version": r.version,
        "status": r.status,
        "supersedes": r.supersedes,
        "superseded_by": r.superseded_by,
        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
        "updated_at": r.updated_at.isoformat(),
        "body": r.body,
    }


def _record_line(r: VerdictRecord) -> str:
    outcome = r.body.get("outcome")
    ruling = Outcome(outcome).label if outcome in {o.value for o in Outcome} else "—"
    penalty = r.body.get("penalty")
    if isinstance(penalty, dict):
        ruling += f" ({penalty.get('type')} {penalty.get('value')})"
    tail = " · superseded" if r.superseded_by else ""
    return f"{r.steward_name} v{r.version} [{r.status}{tail}]: {ruling}"
