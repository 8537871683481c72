"""`rulebook show | check | suggest` (CLI.md): the active rulebook and its penalty calculator.

The active rulebook is the file `STEWARD_DESK_RULEBOOK` names, else the bundled SOP rulebook.
"""

from __future__ import annotations

import argparse
import sys

from steward_desk.cli.context import Context, print_json, say
from steward_desk.cli.errors import CliError
from steward_desk.core.model import EventKind
from steward_desk.core.penalties import PenaltyCalculator, Suggestion
from steward_desk.core.rulebook import Rulebook, RulebookError, UnknownIdError, load_rulebook
from steward_desk.core.wording import counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `rulebook show | check | suggest` to the command line."""
    parser = subparsers.add_parser(
        "rulebook",
        help="the active rulebook: show it, check a file, ask the penalty calculator",
        description="The active rulebook: env STEWARD_DESK_RULEBOOK, else the bundled SOP one.",
    )
    sub = parser.add_subparsers(dest="rulebook_command", metavar="SUBCOMMAND")

    show = sub.add_parser(
        "show", help="categories, checklists, outcomes, penalty systems, tariff, limits"
    )
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=_show)

    check = sub.add_parser(
        "check", help="validate a rulebook file; errors name the key and the problem"
    )
    check.add_argument("file", metavar="FILE")
    check.set_defaults(handler=_check)

    suggest = sub.add_parser("suggest", help="the tariff's suggested outcome and penalty")
    suggest.add_argument(
        "--kind", required=True, choices=[k.value for k in EventKind], help="event kind"
    )
    what = suggest.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--category", metavar="ID", help="incident category id (e.g. avoidable_contact)"
    )
    what.add_argument(
        "--offence",
        metavar="ID",
        help="a named offence (bump_passing) or fixed penalty (no_show, track_limits)",
    )
    suggest.add_argument("--severity", metavar="S", help="severity id (default: the rulebook's)")
    suggest.add_argument(
        "--factor", metavar="F", action="append", default=[], help="a factor id; repeat for several"
    )
    suggest.add_argument(
        "--final-round", action="store_true", help="fixed penalties: the final round of a series"
    )
    suggest.add_argument(
        "--count", type=int, default=1, help="fixed penalties: the occurrence (track-limit cut n)"
    )
    suggest.add_argument("--json", action="store_true", help="print one JSON document")
    suggest.set_defaults(handler=_suggest)


def active_rulebook(path: str | None = None) -> Rulebook:
    """The rulebook a command works with, as a CliError when it cannot be used."""
    try:
        return load_rulebook(path)
    except RulebookError as error:
        raise CliError(f"the rulebook cannot be used:\n{error}") from error


def _show(args: argparse.Namespace, ctx: Context) -> int:
    rulebook = active_rulebook()
    if args.json:
        print_json(rulebook.to_json())
    else:
        sys.stdout.write(render_rulebook(rulebook))
    return 0


def _check(args: argparse.Namespace, ctx: Context) -> int:
    try:
        rulebook = load_rulebook(args.file)
    except RulebookError as error:
        count = len(error.problems)
        raise CliError(f"{args.file}: {counted(count, 'problem')}\n{error}") from error
    rb = rulebook
    say(
        f"{args.file}: OK — {rb.league} rulebook {rb.version}, {len(rb.categories)} categories, "
        f"{len(rb.offences)} offences, {len(rb.fixed_penalties)} fixed penalties"
    )
    if rulebook.tariff.example:
        say("note: the tariff is marked as EXAMPLE values")
    return 0


def _suggest(args: argparse.Namespace, ctx: Context) -> int:
    rulebook = active_rulebook()
    calculator = PenaltyCalculator(rulebook)
    kind = EventKind(args.kind)
    try:
        if args.offence is not None and args.offence in {f.id for f in rulebook.fixed_penalties}:
            if args.severity or args.factor:
                raise CliError(
                    f"{args.offence} is a fixed penalty: --severity and --factor do not apply"
                )
            suggestion = calculator.fixed_penalty(kind, args.offence, args.final_round, args.count)
        else:
            if args.final_round or args.count != 1:
                raise CliError("--final-round and --count apply to fixed penalties only")
            suggestion = calculator.suggest(
                kind, args.category, args.severity, args.factor, offence=args.offence
            )
    except (UnknownIdError, ValueError) as error:
        raise CliError(str(error)) from error
    if args.json:
        doc = suggestion.to_json()
        doc["rulebook"] = {"id": rulebook.id, "version": rulebook.version}
        print_json(doc)
    else:
        sys.stdout.write(render_suggestion(suggestion))
    return 0


def render_suggestion(suggestion: Suggestion) -> str:
    """The calculator's answer for people: the ruling, then why."""
    lines = [f"Suggested: {suggestion.describe()}"]
    lines += [f"  {line}" for line in suggestion.explanation]
    if suggestion.example_values:
        lines.append("  (EXAMPLE values: the league sets its own tariff in its rulebook)")
    return "\n".join(lines) + "\n"


def render_rulebook(rb: Rulebook) -> str:
    """The rulebook for people: one screen per part, the example values flagged."""
    out: list[str] = [
        f"{rb.title or rb.league} — {rb.id} {rb.version}",
        f"Schema {rb.schema_version}, read from {rb.source}",
        f"Editions: {', '.join(e.name for e in rb.editions)}",
        "",
        "Penalty systems:",
    ]
    out += [
        f"  {s.name}: {', '.join(k.value for k in s.event_kinds)} events"
        for s in rb.penalty_systems
    ]
    out += [
        "",
        "Outcomes: " + ", ".join(o.name for o in rb.outcomes),
        "",
        f"Categories ({len(rb.categories)}):",
    ]
    for category in rb.categories:
        out.append(f"  {category.id:<24} {category.name} — {len(category.checklist)} questions")
        out += [f"      - {item.question}" for item in category.checklist]
    out += ["", "Named offences:"]
    out += [f"  {o.id:<28} → {o.category}" for o in rb.offences]
    marker = " — EXAMPLE VALUES" if rb.tariff.example else ""
    out += ["", f"Tariff{marker} ({', '.join(rb.severity_ids)}):"]
    for category in rb.categories:
        cells = []
        for system in rb.penalty_systems:
            entries = [rb.tariff.entries[(category.id, system.id, s)] for s in rb.severity_ids]
            shown = " / ".join(
                e.penalty.describe() if e.penalty else e.outcome.label for e in entries
            )
            cells.append(f"{system.id.value}: {shown}")
        out.append(f"  {category.id:<24} " + "; ".join(cells))
    out += ["", "Fixed penalties:"]
    for fixed in rb.fixed_penalties:
        parts = []
        for system_id, rule in fixed.rules.items():
            steps = ", ".join(
                (f"from {s.from_count}: " if len(rule.steps) > 1 else "")
                + (s.penalty.describe() if s.penalty else s.outcome.label)
                for s in rule.steps
            )
            if rule.final_round is not None:
                final = rule.final_round
                shown = final.penalty.describe() if final.penalty else final.outcome.label
                steps += f" (final round: {shown})"
            parts.append(f"{system_id.value}: {steps}")
        out.append(f"  {fixed.name}: " + "; ".join(parts))
    licence, strikes, limits, panel = rb.licence, rb.strikes, rb.deadlines, rb.panel
    out += ["", f"Licence{' — EXAMPLE VALUES' if licence.example else ''}:"]
    out.append(f"  points expire after {licence.points_expire_after_days} days")
    out += [
        f"  {t.points} points within {t.within_days} days → {t.penalty.describe()}"
        for t in licence.thresholds
    ]
    out.append(
        f"  {strikes.limit} strikes within {strikes.within_days} days"
        f" → {strikes.penalty.describe()}"
    )
    appeal = f"{limits.appeal_hours} h after publication" if limits.appeal_hours else "none"
    out += [
        "",
        f"Deadlines: reports within {limits.report_hours} h;"
        f" decision target {limits.decision_target_hours} h; appeals: {appeal}",
        f"Panel: {panel.quorum} of {panel.size}, {panel.majority.value} majority",
        "",
        "Special procedures:",
    ]
    out += [f"  {p.name}: {p.text}" for p in rb.procedures]
    return "\n".join(out) + "\n"
