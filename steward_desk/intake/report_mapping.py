"""The column mapping of a form export: which column holds which field of a report. Guessed
from the header names, confirmed in the mapping dialog, saved per league as TOML.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from steward_desk.core.matching import normalise
from steward_desk.core.wording import plural_s
from steward_desk.intake.errors import ReportFormError


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
            raise ReportFormError(
                source, None, None, f"unknown table{plural_s(len(unknown))}: {sorted(unknown)}"
            )
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
                time_zone(value, source)
                values[key] = value
            else:
                raise ReportFormError(
                    source, None, key, "options are day_first (true/false) and timezone (a name)"
                )
        return cls(**values)


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


def _table(doc: dict[str, Any], key: str, source: str | Path) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise ReportFormError(source, None, key, "expected a table")
    return value


def time_zone(name: str, source: str | Path) -> tzinfo:
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportFormError(source, None, "timezone", f"unknown time zone {name!r}") from None


def _toml_string(value: str) -> str:
    # JSON's string escapes are all valid TOML basic-string escapes; TOML also wants DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
