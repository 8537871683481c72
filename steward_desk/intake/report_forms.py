"""Incident reports from form exports: CSV (Google/Microsoft Forms, Discord bots) and JSON.

Form exports differ in encoding (UTF-8 with or without BOM, UTF-16 from Excel, cp1252),
delimiter (`,` `;` tab) and column names, so a CSV goes through a column mapping — guessed
from the headers, confirmed in the mapping dialog, saved as TOML per league (report_mapping).
The values people type ("lap 5 turn 1", "62:03", "#12 & Jürgen") are read leniently
(form_values); what cannot be read is left out with a note. Structural problems (wrong encoding, missing columns, a
submission time that is not a date) raise ReportFormError naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from itertools import islice
from pathlib import Path

from steward_desk.intake.errors import ReportFormError
from steward_desk.intake.form_values import (
    infer_day_first,
    parse_submitted_at,
    parse_when,
    split_footage,
    split_involved,
)
from steward_desk.intake.report_mapping import ReportMapping, guess_mapping, time_zone

_DELIMITERS = (",", ";", "\t", "|")


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
    zone = time_zone(mapping.timezone, source)
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
