"""What people type into incident report forms, read leniently: the drivers involved ("#12 &
Jürgen"), footage links, when it happened ("lap 5 turn 1", "62:03") and the form's own
submission time (day-first or month-first, in the league's time zone).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

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
