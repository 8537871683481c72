"""ACC dedicated-server result files → plain typed objects (../shared FORMAT.md): the entry
point, `parse_acc_results` (and `read_acc_file` for a results folder's files of both kinds).

Real files break naive parsers: the server writes UTF-16 LE without a BOM, files touched by
editors arrive with a BOM or as UTF-8, the root object repeats `sessionType`, "no time" is
INT32_MAX (or a uint32 wrap-around near 2³²), keys come and go between 2019 and 2025, and
the leaderboard order is the classification. This package reads all of that and returns
frozen dataclasses; it stores nothing.

Two readings, one meaning: a well-formed file is decoded strictly into typed structs by
msgspec (acc_typed, acc_laps: several times faster than json.loads, which matters for an
8-hour race); anything else is read with json.loads and a lenient reader whose errors name
the key (acc_lenient). Both hand raw values to the same acc_leaderboard.make_car /
AccCarLaps, and tests check that the two readings agree. The rest lives beside this module:
the result types in acc_types, bytes → text/JSON/hash in acc_bytes, entry lists in
acc_entrylist; their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from steward_desk.intake.acc_bytes import (
    decode_acc_bytes,
    decode_sniffed,
    parse_json,
    sha256_soon,
    sniff_encoding,
    utf8_text,
)
from steward_desk.intake.acc_entrylist import entrylist_from_json, parse_acc_entrylist
from steward_desk.intake.acc_laps import NO_TIME, AccCarLaps, AccLap, group_typed_laps
from steward_desk.intake.acc_leaderboard import stand_in_player_id
from steward_desk.intake.acc_lenient import Reader, results_from_json, session_from_root
from steward_desk.intake.acc_typed import TypedResult, decode_typed
from steward_desk.intake.acc_types import AccCar, AccEntry, AccEntryList, AccPenalty, AccSession

__all__ = [
    "NO_TIME",
    "AccCar",
    "AccCarLaps",
    "AccEntry",
    "AccEntryList",
    "AccLap",
    "AccPenalty",
    "AccSession",
    "decode_acc_bytes",
    "parse_acc_entrylist",
    "parse_acc_results",
    "read_acc_file",
    "sha256_soon",
    "sniff_encoding",
    "stand_in_player_id",
]


def parse_acc_results(data: bytes, source: str | Path) -> AccSession:
    """Read one results file; raises AccResultsError naming the key and what was expected."""
    reading = _read_typed(data, source)
    if isinstance(reading, AccSession):
        return reading
    root, sha256 = reading.json(), reading.sha256()
    return results_from_json(root, sha256, source)


def read_acc_file(data: bytes, source: str | Path) -> AccSession | AccEntryList:
    """A results file or an entry list, whichever it is (a results folder holds both)."""
    reading = _read_typed(data, source)
    if isinstance(reading, AccSession):
        return reading
    root, sha256 = reading.json(), reading.sha256()
    if isinstance(root, dict) and "sessionResult" not in root and "entries" in root:
        return entrylist_from_json(root, sha256, source)
    return results_from_json(root, sha256, source)


@dataclass(frozen=True, slots=True)
class _Refused:
    """A file the typed decode refused, with what was already worked out for the lenient
    reading: its hash (under way on the worker) and its text when it had to be decoded."""

    data: bytes
    source: str | Path
    sha256: Callable[[], str]
    text: str | None

    def json(self) -> object:
        text = self.text if self.text is not None else decode_acc_bytes(self.data, self.source)
        return parse_json(text, self.source)


def _read_typed(data: bytes, source: str | Path) -> AccSession | _Refused:
    """The fast reading (acc_typed), or what the lenient one needs when it refused the file."""
    sha256 = sha256_soon(data)  # hashed on another core while this one parses
    skip, encoding = sniff_encoding(data, source)
    # UTF-8 goes to msgspec as bytes, never decoded to a str first (a 2 MB file: 1 ms).
    text = None if encoding == "utf-8" else decode_sniffed(data, skip, encoding, source)
    typed = decode_typed(memoryview(data)[skip:] if text is None else utf8_text(text))
    if typed is None:
        return _Refused(data, source, sha256, text)
    assert isinstance(typed.sessionResult, TypedResult)
    return session_from_root(
        Reader(source),
        typed.plain_root(),
        sha256(),
        (typed.sessionResult.leaderBoardLines or [], group_typed_laps(typed.laps or ())),
    )
