"""Synthetic ACC result files, written the way the dedicated server writes them.

A genuine file is UTF-16 LE without BOM, 4-space indented, with `sessionType` twice in the
root object; `encode_acc` reproduces that byte for byte (json.dumps cannot emit a duplicate
key, so the duplicate is spliced into the text).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

NO_TIME = 2_147_483_647

Doc = dict[str, Any]


def _driver(n: int) -> Doc:
    return {
        "firstName": f"Driver{n}",
        "lastName": f"Surname{n}",
        "shortName": f"D{n:02d}"[:3],
        "playerId": f"S76561198{n:09d}",
    }


def _line(car_id: int, number: int, laps: int, total: int, best: int, drivers: int) -> Doc:
    people = [_driver(car_id * 10 + k) for k in range(drivers)]
    return {
        "car": {
            "carId": car_id,
            "raceNumber": number,
            "carModel": 30,
            "cupCategory": 0,
            "carGroup": "GT3",
            "teamName": "",
            "nationality": 0,
            "carGuid": -1,
            "teamGuid": -1,
            "drivers": people,
        },
        "currentDriver": people[0],
        "currentDriverIndex": 0,
        "timing": {
            "lastLap": best if laps else NO_TIME,
            "lastSplits": [30000, 30000, 30000] if laps else [NO_TIME] * 3,
            "bestLap": best,
            "bestSplits": [30000, 30000, 30000] if laps else [NO_TIME] * 3,
            "totalTime": total,
            "lapCount": laps,
            "lastSplitId": 2 if laps else 4294967295,
        },
        "missingMandatoryPitstop": 0,
        "driverTotalTimes": [float(total) if laps else 0.0] + [0.0] * (drivers - 1),
    }


def make_race() -> Doc:
    """A 2023-shaped race: three cars (one lapped), laps interleaved, one post-race penalty."""
    lines = [
        _line(1001, 12, 3, 300_000, 98_000, 1),
        _line(1002, 7, 3, 302_500, 97_500, 2),
        _line(1003, 34, 2, 250_000, 99_000, 1),
    ]
    laps = []
    for lap in range(3):
        for car_id in (1001, 1002, 1003):
            if car_id == 1003 and lap == 2:
                continue
            laps.append(
                {
                    "carId": car_id,
                    "driverIndex": 1 if car_id == 1002 and lap == 2 else 0,
                    "laptime": 100_000 - lap,
                    "isValidForBest": not (car_id == 1001 and lap == 1),
                    "splits": [33_000, 33_000, 34_000 - lap],
                }
            )
    return {
        "sessionType": "R",
        "trackName": "spa",
        "sessionIndex": 2,
        "raceWeekendIndex": 0,
        "metaData": "spa",
        "serverName": "Steward Desk Test League | Race",
        "sessionResult": {
            "bestlap": 97_500,
            "bestSplits": [33_000, 33_000, 31_500],
            "isWetSession": 0,
            "type": 1,
            "leaderBoardLines": lines,
        },
        "laps": laps,
        "penalties": [
            {
                "carId": 1001,
                "driverIndex": 0,
                "reason": "Cutting",
                "penalty": "DriveThrough",
                "penaltyValue": 3,
                "violationInLap": 2,
                "clearedInLap": 3,
            }
        ],
        "post_race_penalties": [
            {
                "carId": 1002,
                "driverIndex": 0,
                "reason": "Cutting",
                "penalty": "PostRaceTime",
                "penaltyValue": 5,
                "violationInLap": 0,
                "clearedInLap": 0,
            }
        ],
    }


def encode_acc(doc: Doc, encoding: str = "utf-16-le", *, duplicate_type: bool = True) -> bytes:
    """The bytes of a results file; `encoding` may be utf-16-le, utf-16-le-bom, utf-16-be,
    utf-8 or utf-8-sig. The server repeats sessionType after serverName (FORMAT.md §1)."""
    text = json.dumps(doc, indent=4, ensure_ascii=False)
    if duplicate_type and "sessionType" in doc and '    "serverName"' in text:
        head, sep, tail = text.partition('    "serverName"')
        line_end = tail.index("\n")
        # Only after a one-line value (a fuzzed serverName may be a list over many lines).
        if tail[:line_end].endswith(","):
            repeated = f'\n    "sessionType": {json.dumps(doc["sessionType"])},'
            text = head + sep + tail[:line_end] + repeated + tail[line_end:]
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


@pytest.fixture(scope="session")
def race_doc() -> Callable[[], Doc]:
    """A fresh synthetic race document per call (tests mutate their copy)."""
    base = make_race()
    return lambda: copy.deepcopy(base)


@pytest.fixture(scope="session")
def acc_bytes() -> Callable[..., bytes]:
    return encode_acc
