"""Incident reports from form exports: CSV (Google/Microsoft Forms, Discord bots) and JSON.

Form exports differ in encoding (UTF-8 with or without BOM, UTF-16 from Excel, cp1252),
delimiter (`,` `;` tab) and column names, so a CSV goes through a column mapping — guessed
from the headers, confirmed in the mapping dialog, saved as TOML per league. The values
people type ("lap 5 turn 1", "62:03", "#12 & Jürgen") are read leniently; what cannot be
read is left out with a note. Structural problems (wrong encoding, missing columns, a
submission time that is not a date) raise ReportFormError naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from steward_desk.core.matching import normalise
from steward_desk.intake.errors import ReportFormError

_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class ReportMapping:
    """Which column of a form export holds each field of a report."""

    reporter: str = ""
    involved: tuple[str, ...] = ()  # several columns allowed ("Driver 1", "Driver 2")
    description: str = ""
    submitted_at: str = ""
    event: str = ""
    session: str = ""
    lap: str = ""
    race_time: str = ""
    footage: tuple[str, ...] = ()
    footage_time: str = ""  # "time in the video", applied to links that carry none
    day_first: bool | None = None  # 3/5/2024: None = infer from the whole column
    timezone: str = "UTC"  # for submission times written without an offset

    REQUIRED: ClassVar[tuple[str, ...]] = ("reporter", "involved", "description")
    COLUMN_FIELDS: ClassVar[tuple[str, ...]] = (
        "reporter",
        "involved",
        "description",
        "submitted_at",
        "event",
        "session",
        "lap",
        "race_time",
        "footage",
        "footage_time",
    )

    def missing(self) -> tuple[str, ...]:
        """Required fields that no column is mapped to."""
        return tuple(f for f in self.REQUIRED if not getattr(self, f))

    def columns(self) -> dict[str, tuple[str, ...]]:
        """Field → the mapped column names (empty fields left out)."""
        out = {}
        for name in self.COLUMN_FIELDS:
            value = getattr(self, name)
            cols = value if isinstance(value, tuple) else (value,)
            if any(cols):
                out[name] = tuple(c for c in cols if c)
        return out

    def to_toml(self) -> str:
        """The mapping as a TOML document (what `--mapping MAPPING.toml` reads)."""
        lines = ["# Steward Desk: which column of the form export holds what", "[columns]"]
        for name, cols in self.columns().items():
            if name in ("involved", "footage"):
                lines.append(f"{name} = [{', '.join(_toml_string(c) for c in cols)}]")
            else:
                lines.append(f"{name} = {_toml_string(cols[0])}")
        lines.append("\n[options]")
        if self.day_first is not None:
            lines.append(f"day_first = {'true' if self.day_first else 'false'}")
        lines.append(f"timezone = {_toml_string(self.timezone)}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_toml(cls, text: str, source: str | Path) -> ReportMapping:
        """Read a mapping; unknown keys and wrong types raise ReportFormError."""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ReportFormError(source, None, None, f"not valid TOML: {exc}") from None
        unknown = set(doc) - {"columns", "options"}
        if unknown:
            raise ReportFormError(source, None, None, f"unknown table(s): {sorted(unknown)}")
        values: dict[str, Any] = {}
        for key, value in _table(doc, "columns", source).items():
            if key not in cls.COLUMN_FIELDS:
                known = ", ".join(cls.COLUMN_FIELDS)
                raise ReportFormError(source, None, key, f"unknown field (known: {known})")
            if key in ("involved", "footage"):
                value = [value] if isinstance(value, str) else value
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ReportFormError(source, None, key, "expected a list of column names")
                values[key] = tuple(value)
            elif isinstance(value, str):
                values[key] = value
            else:
                raise ReportFormError(source, None, key, "expected a column name (a string)")
        options = _table(doc, "options", source)
        for key, value in options.items():
            if key == "day_first" and isinstance(value, bool):
                values[key] = value
            elif key == "timezone" and isinstance(value, str):
                _zone(value, source)
                values[key] = value
            else:
                raise ReportFormError(
                    source, None, key, "options are day_first (true/false) and timezone (a name)"
                )
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One report as the form gave it: raw references, not yet matched to drivers."""

    line: int  # CSV: the line the record starts on; JSON: the item number (1-based)
    submitted_at: datetime | None  # timezone-aware
    event_hint: str
    session_hint: str
    reporter: str
    involved: tuple[str, ...]  # names, car numbers or player ids, as typed
    lap: int | None
    race_time_ms: int | None
    description: str
    footage: tuple[str, ...]  # URLs or paths, as typed
    footage_time_ms: int | None = None
    notes: tuple[str, ...] = ()  # values that could not be read and were left out


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A decoded CSV export: its headers and records, with the line each starts on."""

    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    records: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class ReportPreview:
    """What the mapping dialog shows: the first rows and a guessed mapping."""

    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total_rows: int
    mapping: ReportMapping


def decode_report_bytes(data: bytes, source: str | Path) -> tuple[str, str]:
    """(text, encoding name): BOMs, UTF-16 without BOM, then UTF-8, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        head = data[:4096]
        pairs = max(1, len(head) // 2)
        if head[1::2].count(0) > 0.3 * pairs:
            candidates = ["utf-16-le"]
        elif head[0::2].count(0) > 0.3 * pairs:
            candidates = ["utf-16-be"]
        elif b"\x00" in data:
            raise ReportFormError(source, None, None, "a binary file, not a CSV or JSON export")
        else:
            candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failure = exc
    raise ReportFormError(
        source,
        None,
        None,
        f"not readable as {' or '.join(candidates)} text (byte {failure.start}: "
        f"{failure.reason}); save the export as UTF-8 CSV",
    )


def read_report_table(data: bytes, source: str | Path) -> ReportTable:
    """Decode a CSV export, find its delimiter and split it into headers and records."""
    text, encoding = decode_report_bytes(data, source)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ReportFormError(source, None, None, "the file is empty")
    delimiter = _sniff_delimiter(text)
    records: list[tuple[int, tuple[str, ...]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append((start, tuple(row)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ReportFormError(
            source, reader.line_num, None, f"not readable as CSV: {exc}"
        ) from None
    if not records:
        raise ReportFormError(source, None, None, "the file has no rows")
    headers = _unique_headers(records[0][1])
    return ReportTable(encoding, delimiter, headers, tuple(records[1:]))


def preview_reports(data: bytes, source: str | Path, limit: int = 5) -> ReportPreview:
    """The first rows of a CSV export and the mapping guessed from its headers."""
    table = read_report_table(data, source)
    return ReportPreview(
        encoding=table.encoding,
        delimiter=table.delimiter,
        headers=table.headers,
        rows=tuple(cells for _, cells in table.records[:limit]),
        total_rows=len(table.records),
        mapping=guess_mapping(table.headers),
    )


def parse_report_csv(
    data: bytes, source: str | Path, mapping: ReportMapping
) -> tuple[ReportRow, ...]:
    """Every report of a CSV export, read through the mapping."""
    table = read_report_table(data, source)
    missing = mapping.missing()
    if missing:
        raise ReportFormError(
            source,
            None,
            None,
            f"no column is mapped for {', '.join(missing)}; the file's columns are "
            f"{', '.join(repr(h) for h in table.headers)}",
        )
    index = {h: i for i, h in enumerate(table.headers)}
    for name, cols in mapping.columns().items():
        for col in cols:
            if col not in index:
                raise ReportFormError(
                    source,
                    1,
                    col,
                    f"no such column (mapped to {name}); the file's columns are "
                    f"{', '.join(repr(h) for h in table.headers)}",
                )
    zone = _zone(mapping.timezone, source)
    day_first = mapping.day_first
    if day_first is None and mapping.submitted_at:
        column = [_cell(cells, index[mapping.submitted_at]) for _, cells in table.records]
        try:
            day_first = infer_day_first(column)
        except ValueError as exc:
            raise ReportFormError(source, None, mapping.submitted_at, str(exc)) from None
    columns = mapping.columns()
    return tuple(
        _row(
            source,
            line,
            {
                name: [_cell(cells, index[c]).strip() for c in cols]
                for name, cols in columns.items()
            },
            mapping,
            bool(day_first),
            zone,
        )
        for line, cells in table.records
    )


def parse_report_json(data: bytes, source: str | Path) -> tuple[ReportRow, ...]:
    """Reports as a JSON list of objects with our field names (or {"reports": [...]})."""
    text, _ = decode_report_bytes(data, source)
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ReportFormError(source, exc.lineno, None, f"not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise ReportFormError(source, None, None, f"not usable JSON: {exc}") from None
    items = doc.get("reports") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ReportFormError(
            source, None, None, 'expected a list of reports (or {"reports": [...]})'
        )
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ReportFormError(source, number, None, "expected an object per report")
        values: dict[str, list[str]] = {}
        for name in ReportMapping.COLUMN_FIELDS:
            values[name] = _json_texts(source, number, name, item.get(name))
        for key, name in (("race_time_ms", "race_time"), ("footage_time_ms", "footage_time")):
            if item.get(key) is not None:
                ms = item[key]
                if type(ms) is not int or ms < 0:
                    raise ReportFormError(source, number, key, "expected milliseconds (an integer)")
                values[name] = [f"{ms / 1000:.3f}s"]
        rows.append(_row(source, number, values, ReportMapping(), False, UTC))
    return tuple(rows)


def parse_reports(
    data: bytes, source: str | Path, mapping: ReportMapping | None = None
) -> tuple[ReportRow, ...]:
    """JSON or CSV (by suffix, else by content); a CSV without a mapping uses the guessed one
    when it is complete."""
    text, _ = decode_report_bytes(data, source)
    suffix = Path(str(source)).suffix.lower()
    first = text.lstrip("\ufeff \r\n\t")[:1]
    if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and first and first in "[{"):
        return parse_report_json(data, source)
    if mapping is None:
        headers = read_report_table(data, source).headers
        mapping = guess_mapping(headers)
        if mapping.missing():
            raise ReportFormError(
                source,
                None,
                None,
                f"cannot tell which column holds {', '.join(mapping.missing())} "
                f"(columns: {', '.join(repr(h) for h in headers)}); give a mapping",
            )
    return parse_report_csv(data, source, mapping)


# Header words → field, with a weight: the best-weighted field wins a header, and each
# single-column field takes its best header. English only (the league forms we know).
_GUESSES: tuple[tuple[str, str, int], ...] = (
    ("submitted_at", r"^(timestamp|zeitstempel|marca temporal|horodateur)$", 10),
    ("submitted_at", r"completion time|submitted (at|on)|submission (time|date)|date submitted", 9),
    ("submitted_at", r"^(date|created|created at|start time|submitted)$", 5),
    (
        "reporter",
        r"\b(your (name|driver name|gamertag|psn|steam|xbox|discord)|reporter|reported by"
        r"|submitted by|reporting driver|your (id|player id))\b",
        10,
    ),
    ("reporter", r"^(name|full name|driver name|driver|discord name|discord)$", 6),
    ("reporter", r"^e ?mail( address)?$", 4),
    (
        "involved",
        r"\b(involved|other drivers?|opponents?|accused|offend\w*|against|reported drivers?"
        r"|drivers? reported|cars? involved|car numbers?|who)\b",
        9,
    ),
    ("involved", r"^drivers?( \d+)?$", 5),
    ("event", r"\b(event|race name|which race|round|championship|series|league race)\b", 8),
    ("event", r"^race$", 7),
    ("event", r"\btrack\b", 4),
    ("session", r"\bsession\b", 8),
    ("lap", r"\blaps?\b", 8),
    (
        "race_time",
        r"\b(race time|time in (the )?race|session time|time of (the )?incident"
        r"|incident time|when)\b",
        8,
    ),
    ("race_time", r"^time$", 6),
    (
        "footage_time",
        r"\b(video|footage|clip|replay|onboard)\b.*\btime(stamp)?\b"
        r"|\btime(stamp)?\b.*\b(video|footage|clip|replay|onboard)\b",
        9,
    ),
    (
        "description",
        r"\b(descri\w*|what happened|details?|explanation|explain|summary|comments?"
        r"|statement|incident report)\b",
        8,
    ),
    ("footage", r"\b(links?|urls?)\b", 10),
    ("footage", r"\b(video|footage|clips?|evidence|replay|youtube|proof|onboard|upload\w*)\b", 7),
)


def guess_mapping(headers: tuple[str, ...] | list[str]) -> ReportMapping:
    """A mapping suggested from English header names; fields it cannot place stay empty."""
    best: dict[str, tuple[int, str]] = {}  # header → (weight, field)
    for header in headers:
        text = normalise(header)
        for field_name, pattern, weight in _GUESSES:
            if re.search(pattern, text) and weight > best.get(header, (0, ""))[0]:
                best[header] = (weight, field_name)
    values: dict[str, Any] = {}
    for header, (_weight, field_name) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        if field_name in ("involved", "footage"):
            values[field_name] = (*values.get(field_name, ()), header)
        elif field_name not in values:
            values[field_name] = header
    for field_name in ("involved", "footage"):  # keep the file's column order
        if field_name in values:
            values[field_name] = tuple(h for h in headers if h in values[field_name])
    return replace(ReportMapping(), **values)


def load_mapping(path: str | Path) -> ReportMapping:
    """Read a mapping TOML file."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ReportFormError(
            path, None, None, f"cannot read the mapping: {exc.strerror}"
        ) from None
    except UnicodeDecodeError:
        raise ReportFormError(path, None, None, "the mapping is not UTF-8 text") from None
    return ReportMapping.from_toml(text, path)


def save_mapping(mapping: ReportMapping, path: str | Path) -> None:
    """Write a mapping TOML file atomically (a temporary file, then a rename)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(mapping.to_toml(), encoding="utf-8")
    os.replace(temporary, target)


def _row(
    source: str | Path,
    line: int,
    values: dict[str, list[str]],
    mapping: ReportMapping,
    day_first: bool,
    zone: tzinfo,
) -> ReportRow:
    def one(name: str) -> str:
        return " ".join(v for v in values.get(name, []) if v).strip()

    column = mapping.reporter or "reporter"
    reporter = one("reporter")
    if not reporter:
        raise ReportFormError(source, line, column, "the reporter is empty")
    involved = tuple(ref for v in values.get("involved", []) for ref in split_involved(v))
    if not involved:
        raise ReportFormError(
            source, line, (mapping.involved or ("involved",))[0], "names no driver involved"
        )
    submitted_at = None
    if one("submitted_at"):
        try:
            submitted_at = parse_submitted_at(one("submitted_at"), day_first, zone)
        except ValueError as exc:
            raise ReportFormError(
                source, line, mapping.submitted_at or "submitted_at", str(exc)
            ) from None
    notes: list[str] = []
    lap, race_time = _when(one("lap"), one("race_time"), notes)
    footage_time = None
    if one("footage_time"):
        _, footage_time = parse_when(one("footage_time"))
        if footage_time is None:
            notes.append(f"time in the video {one('footage_time')!r} not understood")
    return ReportRow(
        line=line,
        submitted_at=submitted_at,
        event_hint=one("event"),
        session_hint=one("session"),
        reporter=reporter,
        involved=involved,
        lap=lap,
        race_time_ms=race_time,
        description=one("description"),
        footage=tuple(ref for v in values.get("footage", []) for ref in split_footage(v)),
        footage_time_ms=footage_time,
        notes=tuple(notes),
    )


def _when(lap_text: str, time_text: str, notes: list[str]) -> tuple[int | None, int | None]:
    """Lap and race time from their columns; either column may hold both ("lap 5, 12:30")."""
    lap_from_lap, time_from_lap = parse_when(lap_text, lap_column=True)
    lap_from_time, time_from_time = parse_when(time_text)
    lap = lap_from_lap if lap_from_lap is not None else lap_from_time
    race_time = time_from_time if time_from_time is not None else time_from_lap
    if lap_text and lap_from_lap is None and time_from_lap is None:
        notes.append(f"lap {lap_text!r} not understood")
    if time_text and time_from_time is None and lap_from_time is None:
        notes.append(f"race time {time_text!r} not understood")
    return lap, race_time


def _json_texts(source: str | Path, number: int, key: str, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        raise ReportFormError(source, number, key, "expected text, got true/false")
    if isinstance(value, str | int | float):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v) for v in value]
    raise ReportFormError(source, number, key, "expected text or a list of texts")


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most, most consistent columns."""
    best, best_score = ",", (-1, -1)
    for delimiter in _DELIMITERS:
        try:
            rows = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 20))
        except csv.Error:
            continue
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows or len(rows[0]) < 2:
            continue
        consistent = sum(1 for r in rows[1:] if len(r) == len(rows[0]))
        score = (consistent, len(rows[0]))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _unique_headers(raw: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for number, header in enumerate(raw, start=1):
        name = header.strip() or f"Column {number}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(out)


def _cell(cells: tuple[str, ...], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _table(doc: dict[str, Any], key: str, source: str | Path) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise ReportFormError(source, None, key, "expected a table")
    return value


def _zone(name: str, source: str | Path) -> tzinfo:
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportFormError(source, None, "timezone", f"unknown time zone {name!r}") from None


def _toml_string(value: str) -> str:
    # JSON's string escapes are all valid TOML basic-string escapes; TOML also wants DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


# --- reading what people typed --------------------------------------------------------------

_SPLIT_INVOLVED = re.compile(r"\s*(?:[,;&+/\n]|\s(?:and|vs\.?|versus)\s)\s*", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.I)
_NOTHING = {"", "-", "none", "n/a", "na", "no", "nope", "nil", "no video", "no footage"}
_DATE = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*([ap]\.?m\.?)?)?"
    r"\s*(?:(?:gmt|utc|z)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?)?$",
    re.I,
)
_LAP_ONLY = re.compile(r"^(?:lap|l|rnd)?\s*#?\s*(\d{1,4})\.?$", re.I)
_LAP_WORD = re.compile(r"\blap\s*#?\s*(\d{1,4})\b|\b(\d{1,4})(?:st|nd|rd|th)?\s+lap\b", re.I)
_HMS = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2}):(\d{2}(?:[.,]\d{1,3})?)(?![\d:])")
_MS = re.compile(r"(?<![\d:.])(\d{1,3}):(\d{2}(?:[.,]\d{1,3})?)(?![\d:])")
_UNIT = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hours?|hrs?|m|mins?|minutes?|s|secs?|seconds?)(?![a-z])", re.I
)


def split_involved(text: str) -> tuple[str, ...]:
    """ "#12 & Jürgen Müller, Anna vs Bob" → ("#12", "Jürgen Müller", "Anna", "Bob")."""
    return tuple(part.strip() for part in _SPLIT_INVOLVED.split(text) if part and part.strip())


def split_footage(text: str) -> tuple[str, ...]:
    """Every URL in a cell; without URLs, each line is taken as a file path."""
    urls = [u.rstrip(").,;]") for u in _URL.findall(text)]
    if urls:
        return tuple(urls)
    lines = (line.strip().strip("\"'") for line in re.split(r"[\n;]", text))
    return tuple(line for line in lines if line.casefold() not in _NOTHING)


def parse_when(text: str, *, lap_column: bool = False) -> tuple[int | None, int | None]:
    """(lap, race time in ms) from "lap 5 turn 1", "1:02:03.4", "62:03", "12 min", "5"…

    A bare number counts as a lap only in the lap column; elsewhere it is ambiguous (seconds?
    minutes?) and ignored.
    """
    text = text.strip()
    if not text:
        return None, None
    lap = None
    only = _LAP_ONLY.match(text)
    if only and (lap_column or not text[:1].isdigit()):
        return int(only.group(1)), None
    word = _LAP_WORD.search(text)
    if word:
        lap = int(word.group(1) or word.group(2))
        text = _LAP_WORD.sub(" ", text)
    found = _HMS.search(text)
    if found:
        hours, minutes, seconds = found.groups()
        return lap, _ms(int(hours) * 3600 + int(minutes) * 60, seconds)
    found = _MS.search(text)
    if found:
        minutes, seconds = found.groups()
        return lap, _ms(int(minutes) * 60, seconds)
    units = _UNIT.findall(text)
    if units:
        scale = {"h": 3600.0, "m": 60.0, "s": 1.0}
        total = sum(float(n.replace(",", ".")) * scale[u[0].lower()] for n, u in units)
        return lap, round(total * 1000)
    return lap, None


def _ms(whole_seconds: int, seconds: str) -> int:
    return round((whole_seconds + float(seconds.replace(",", "."))) * 1000)


def infer_day_first(values: list[str]) -> bool:
    """Whether a column's dates are day/month: a day above 12 tells (3/25 vs 25/3).

    Undecidable columns follow the separator: dots and dashes are European (day first),
    slashes the US form default (month first). Raises ValueError on a mix of both orders.
    """
    day_first = month_first = dotted = False
    for value in values:
        found = _DATE.match(value.strip())
        if not found or len(found.group(1)) == 4:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        day_first |= first > 12
        month_first |= second > 12
        dotted |= "/" not in value
    if day_first and month_first:
        raise ValueError("the dates mix day/month and month/day orders; set day_first")
    return day_first or (not month_first and dotted)


def parse_submitted_at(text: str, day_first: bool, zone: tzinfo) -> datetime:
    """A form's submission time: ISO 8601, D/M/Y or M/D/Y with a time, or Unix seconds."""
    text = text.strip()
    if re.fullmatch(r"\d{10}(?:\.\d+)?", text):
        return datetime.fromtimestamp(float(text), UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _form_date(text, day_first)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _form_date(text: str, day_first: bool) -> datetime:
    found = _DATE.match(text)
    if not found:
        raise ValueError(f"expected a date and time like 2024-05-01 21:30, got {text!r}")
    a, b, c, hour, minute, second, fraction, ampm, sign, off_h, off_m = found.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month = (int(a), int(b)) if day_first else (int(b), int(a))
        year = int(c) + (2000 if len(c) <= 2 else 0)
    hours = int(hour or 0)
    if ampm:
        hours = hours % 12 + (12 if ampm.lower().startswith("p") else 0)
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        moment = datetime(year, month, day, hours, int(minute or 0), int(second or 0), micro)
    except ValueError as exc:
        raise ValueError(f"not a real date and time: {text!r} ({exc})") from None
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        moment = moment.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    return moment
