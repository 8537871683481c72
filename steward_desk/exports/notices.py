"""Driver notices: for each decided incident, a message to every driver involved and to the
reporter (the rulebook: the driver is always informed), as Discord-ready markdown and plain
text, plus a digest per event.

Layout under the output folder:

    <event>/case-012-<player id>.md|.txt   one per person and case
    <event>/digest.md|.txt                 every standing decision of the event

A corrected decision is announced by its correction, which says so; the corrected one gets
no notice of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from steward_desk.core.model import format_race_time
from steward_desk.core.rulebook import Rulebook
from steward_desk.exports.atomic import write_text_atomic
from steward_desk.exports.records import DecisionRecord, Party, current_decisions

DISCORD_LIMIT = 2000  # characters in one Discord message
_MARKDOWN_SPECIALS = re.compile(r"([\\*_~`|])")
_LINE_STARTS = ("#", ">", "-", "+")  # headings, quotes and lists when they open a line

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str  # player id, or the reporter's name when they gave no id
    name: str
    car_number: int | None
    roles: tuple[str, ...]  # "reporter", "accused", "affected"
    at_fault: bool


@dataclass(frozen=True, slots=True)
class Notice:
    decision_id: str
    event: str
    case_number: int
    recipient: Recipient
    markdown: str
    text: str


def recipients(record: DecisionRecord) -> list[Recipient]:
    """Everyone to inform: each driver involved and each reporter, once per person."""
    people: dict[str, Recipient] = {}
    for party in record.parties:
        people[party.player_id] = Recipient(
            party.player_id, party.name, party.car_number, (party.role,), party.at_fault
        )
    for reporter in record.reporters:
        key = reporter.player_id or reporter.name
        if not key:
            continue
        known = people.get(key)
        if known is None:
            people[key] = Recipient(key, reporter.name or key, None, ("reporter",), False)
        elif "reporter" not in known.roles:
            people[key] = Recipient(
                known.key, known.name, known.car_number, (*known.roles, "reporter"), known.at_fault
            )
    return list(people.values())


def notice_for(record: DecisionRecord, recipient: Recipient, rulebook: Rulebook) -> Notice:
    """One person's message about one decision, in markdown and in plain text."""
    lines = _lines(record, recipient, rulebook)
    markdown = _fit("\n".join(_markdown(line) for line in lines))
    text = "\n".join(_plain(line) for line in lines) + "\n"
    return Notice(record.id, record.event, record.case_number, recipient, markdown, text)


def digest(event: str, records: list[DecisionRecord], rulebook: Rulebook) -> tuple[str, str]:
    """The event's standing decisions, one paragraph each: (markdown, plain text)."""
    head: list[tuple[str, str]] = [("title", f"Stewards' decisions — {event}"), ("blank", "")]
    if not records:
        head.append(("line", "No decisions."))
    for record in sorted(records, key=lambda r: (r.case_number, r.decided_at)):
        head.append(("strong", f"Case {record.case_number} · {record.category_name}"))
        head.append(("line", f"{_session(record)} · {_involved(record.parties)}"))
        head.append(("line", f"Decision: {_decision_phrase(record)}"))
        if record.reasoning:
            head.append(("line", f"Reason: {record.reasoning}"))
        if record.supersedes:
            head.append(("line", "This decision corrects an earlier one on the same case."))
        head.append(("blank", ""))
    markdown = "\n".join(_markdown(line) for line in head).rstrip() + "\n"
    text = "\n".join(_plain(line) for line in head).rstrip() + "\n"
    return markdown, text


def export_notices(
    records: list[DecisionRecord],
    rulebook: Rulebook,
    out: Path,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Write every notice and digest under `out`; returns the files written, in order."""
    report = progress or (lambda done, total, text: None)
    standing = current_decisions(records)
    by_event: dict[tuple[str, str], list[DecisionRecord]] = defaultdict(list)
    for record in standing:
        by_event[(record.event_id, record.event)].append(record)
    written: list[Path] = []
    folders = event_folders([name for _, name in by_event])
    total = len(standing) + len(by_event)
    done = 0
    for (_, event), items in sorted(by_event.items(), key=lambda kv: kv[0][1]):
        folder = out / folders[event]
        for record in items:
            for person in recipients(record):
                notice = notice_for(record, person, rulebook)
                stem = f"case-{record.case_number:03d}-{slug(person.key)}"
                for suffix, body in ((".md", notice.markdown), (".txt", notice.text)):
                    path = folder / f"{stem}{suffix}"
                    write_text_atomic(path, body)
                    written.append(path)
            done += 1
            report(done, total, f"Notices for case {record.case_number}")
        markdown, text = digest(event, items, rulebook)
        for name, body in (("digest.md", markdown), ("digest.txt", text)):
            write_text_atomic(folder / name, body)
            written.append(folder / name)
        done += 1
        report(done, total, f"Digest of {event}")
    return written


def slug(text: str) -> str:
    """A file-name-safe form of a name: ASCII letters, digits and dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or "unnamed"


def event_folders(events: list[str]) -> dict[str, str]:
    """A distinct folder name per event; two events that slug alike get numbered."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for event in sorted(events):
        base = slug(event)
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        out[event] = name
    return out


# --- the message ---------------------------------------------------------------------------
# A message is a list of (style, text) lines, rendered once as markdown and once as text, so
# the two versions cannot say different things.


def _lines(record: DecisionRecord, who: Recipient, rulebook: Rulebook) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = [
        ("title", f"Stewards' decision — case {record.case_number}"),
        ("line", f"Hello {who.name},"),
        ("blank", ""),
        ("line", _why_you(who)),
        ("blank", ""),
        ("field", f"Event: {record.event}"),
        ("field", f"Session: {_session(record)}"),
        ("field", f"Incident: {record.category_name}"),
        ("field", f"Drivers: {_involved(record.parties)}"),
        ("blank", ""),
        ("strong", f"Decision: {_decision_phrase(record)}"),
    ]
    if who.at_fault and record.penalty is not None:
        lines.append(("line", f"This decision gives you: {record.penalty.describe()}."))
    if record.reasoning:
        lines.append(("field", f"Reason: {record.reasoning}"))
    if record.rule_refs:
        lines.append(("field", f"Rules: {'; '.join(record.rule_refs)}"))
    if record.supersedes:
        lines.append(
            ("line", "This decision corrects and replaces the earlier decision on this case.")
        )
    appeal = rulebook.deadlines.appeal_hours
    lines.append(("blank", ""))
    if appeal:
        lines.append(
            ("note", f"You may appeal this decision within {appeal} hours of receiving it.")
        )
    lines.append(("note", f"Decision {record.id} · the Stewards of {record.league}"))
    return lines


def _why_you(who: Recipient) -> str:
    if who.roles == ("reporter",):
        return "You reported this incident; the stewards have decided it."
    if "reporter" in who.roles:
        return "You reported this incident and were involved in it; the stewards have decided it."
    return "You were involved in this incident; the stewards have decided it."


def _session(record: DecisionRecord) -> str:
    parts = [record.session_label]
    if record.lap is not None:
        parts.append(f"lap {record.lap}")
    if record.race_time_ms is not None:
        parts.append(f"race time {format_race_time(record.race_time_ms)}")
    return " · ".join(p for p in parts if p)


def _involved(parties: tuple[Party, ...]) -> str:
    return ", ".join(_car(p) for p in parties) or "—"


def _car(party: Party) -> str:
    return f"#{party.car_number} {party.name}" if party.car_number is not None else party.name


def _decision_phrase(record: DecisionRecord) -> str:
    if record.penalty is None:
        return record.outcome.label
    who = ", ".join(_car(p) for p in record.at_fault)
    return f"{record.penalty.describe()}" + (f" for {who}" if who else "")


def _markdown(line: tuple[str, str]) -> str:
    style, text = line
    if style == "title":
        return f"### {_escape(text)}"
    if style == "strong":
        return f"**{_escape(text)}**"
    if style == "field":
        label, _, rest = text.partition(": ")
        return f"**{_escape(label)}:** {_escape(rest)}"
    if style == "note":
        return f"-# {_escape(text)}"
    return _escape(text, line_start=True)


def _plain(line: tuple[str, str]) -> str:
    style, text = line
    if style == "title":
        return f"{text}\n{'=' * len(text)}"
    return text


def _escape(text: str, *, line_start: bool = False) -> str:
    """Names and reasons are shown literally, never read as Discord formatting."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    if line_start and escaped.startswith(_LINE_STARTS):
        return "\\" + escaped
    return escaped


def _fit(markdown: str) -> str:
    """One Discord message at most; a very long reason is cut with a pointer to the document."""
    text = markdown.rstrip() + "\n"
    if len(text) <= DISCORD_LIMIT:
        return text
    tail = "\n… (shortened: the full reason is in the decision document)\n"
    return text[: DISCORD_LIMIT - len(tail)].rstrip() + tail
