"""The strict, typed reading of a well-formed ACC results file, decoded in C by msgspec.

Genuine server files always have the same shape, so the leaderboard and the laps are decoded
straight into typed structs (no dict per object, no Python check per value). Anything a
genuine file would not hold — a null, a float where an integer belongs, an int used as a
flag, a "no time" sentinel in a lap, a missing key — fails this decode, and the file is then
read with json.loads and the lenient, key-naming reader of acc_lenient instead. Both readings go
through the same functions from raw values to AccCar and AccCarLaps, and a test checks that
they agree. Root keys other than the leaderboard and laps stay plain values (as json.loads
gives them) for that lenient reader; a repeated key keeps its last value, as in json.
"""

from __future__ import annotations

from typing import Any

import msgspec

from steward_desk.intake.acc_laps import TypedLap


class TypedDriver(msgspec.Struct, gc=False):
    firstName: str = ""
    lastName: str = ""
    shortName: str = ""
    playerId: str = ""


class TypedCar(msgspec.Struct, gc=False):
    carId: int
    raceNumber: int
    carModel: int
    drivers: list[TypedDriver]
    cupCategory: int = 0
    carGroup: str = ""
    teamName: str = ""
    nationality: int = 0


class TypedTiming(msgspec.Struct, gc=False):
    lapCount: int
    totalTime: int
    bestLap: int
    lastLap: int


class TypedLine(msgspec.Struct, gc=False):
    car: TypedCar
    timing: TypedTiming
    currentDriverIndex: int = 0
    missingMandatoryPitstop: int = 0
    driverTotalTimes: list[float] = []


class TypedResult(msgspec.Struct, gc=False):
    leaderBoardLines: list[TypedLine] | None = None
    bestlap: Any = msgspec.UNSET
    isWetSession: Any = msgspec.UNSET


class TypedRoot(msgspec.Struct, gc=False):
    """The root keys the results reader uses; absent ones stay UNSET ("missing" is seen)."""

    sessionType: Any = msgspec.UNSET
    trackName: Any = msgspec.UNSET
    sessionIndex: Any = msgspec.UNSET
    raceWeekendIndex: Any = msgspec.UNSET
    metaData: Any = msgspec.UNSET
    serverName: Any = msgspec.UNSET
    penalties: Any = msgspec.UNSET
    post_race_penalties: Any = msgspec.UNSET
    sessionResult: TypedResult | msgspec.UnsetType = msgspec.UNSET
    laps: list[TypedLap] | msgspec.UnsetType | None = msgspec.UNSET

    def plain_root(self) -> dict[str, Any]:
        """The plain root keys present in the file, with sessionResult's own plain keys."""
        root = {k: v for k in _PLAIN_KEYS if (v := getattr(self, k)) is not msgspec.UNSET}
        if isinstance(self.sessionResult, TypedResult):
            result = self.sessionResult
            root["sessionResult"] = {
                k: v
                for k in ("bestlap", "isWetSession")
                if (v := getattr(result, k)) is not msgspec.UNSET
            }
        return root


_PLAIN_KEYS = tuple(k for k in TypedRoot.__struct_fields__ if k not in ("sessionResult", "laps"))
_decoder = msgspec.json.Decoder(TypedRoot)


def decode_typed(text: str | bytes | memoryview) -> TypedRoot | None:
    """The file as typed structs (its text, or its UTF-8 bytes as they are: msgspec checks
    them), or None when it is not a well-formed results file."""
    try:
        typed = _decoder.decode(text)
    except (msgspec.MsgspecError, UnicodeDecodeError):
        return None
    if typed.sessionResult is msgspec.UNSET:
        return None  # an entry list, or not ACC at all: the lenient reader says which
    return typed
