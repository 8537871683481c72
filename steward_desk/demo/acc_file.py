"""Write ACC server result files for the demo league, shaped exactly as the server writes
them (FORMAT.md): UTF-16 LE without BOM, 4-space indent, `sessionType` twice in the root."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

NO_TIME = 2147483647


@dataclass(frozen=True)
class DemoCar:
    car_id: int
    race_number: int
    car_model: int
    car_group: str
    team: str
    player_id: str
    first_name: str
    last_name: str
    short_name: str


def session_document(
    session_type: str,
    track: str,
    cars: Sequence[DemoCar],
    *,
    lap_ms: int,
    minutes: int,
    seed: int,
    server_name: str = "SOP Motorsport | Demo server",
) -> dict[str, object]:
    """A plausible session: a pace per driver, noisy laps, a few cut laps; race order by laps
    then total time, qualifying by best valid lap."""
    rng = random.Random(seed)
    pace = {
        c.car_id: lap_ms * (1 + rng.uniform(0.0, 0.025) + (0.06 if c.car_group == "GT4" else 0))
        for c in cars
    }
    laps: list[dict[str, object]] = []
    totals: dict[int, int] = {c.car_id: 0 for c in cars}
    counts: dict[int, int] = {c.car_id: 0 for c in cars}
    best: dict[int, int] = {c.car_id: NO_TIME for c in cars}
    last: dict[int, int] = {c.car_id: NO_TIME for c in cars}
    budget = minutes * 60_000
    race = session_type.startswith("R")
    lap_no = 0
    while True:
        lap_no += 1
        running = [c for c in cars if totals[c.car_id] < budget]
        if not running or lap_no > 400:
            break
        for car in running:
            base = pace[car.car_id] * (1.08 if lap_no == 1 else 1.0)
            time_ms = int(base + rng.gauss(0, lap_ms * 0.006))
            valid = rng.random() > 0.06
            s1 = int(time_ms * 0.31)
            s2 = int(time_ms * 0.42)
            laps.append(
                {
                    "carId": car.car_id,
                    "driverIndex": 0,
                    "laptime": time_ms,
                    "isValidForBest": valid,
                    "splits": [s1, s2, time_ms - s1 - s2],
                }
            )
            totals[car.car_id] += time_ms
            counts[car.car_id] += 1
            last[car.car_id] = time_ms
            if valid:
                best[car.car_id] = min(best[car.car_id], time_ms)
        if race and any(totals[c.car_id] >= budget for c in cars):
            # The leader took the flag; everyone has finished the lap they were on.
            break
    if race:
        order = sorted(cars, key=lambda c: (-counts[c.car_id], totals[c.car_id]))
    else:
        order = sorted(cars, key=lambda c: best[c.car_id])
    lines = []
    for car in order:
        driver = {
            "firstName": car.first_name,
            "lastName": car.last_name,
            "shortName": car.short_name,
            "playerId": car.player_id,
        }
        lines.append(
            {
                "car": {
                    "carId": car.car_id,
                    "raceNumber": car.race_number,
                    "carModel": car.car_model,
                    "cupCategory": 0,
                    "carGroup": car.car_group,
                    "teamName": car.team,
                    "nationality": 0,
                    "carGuid": -1,
                    "teamGuid": -1,
                    "drivers": [driver],
                },
                "currentDriver": driver,
                "currentDriverIndex": 0,
                "timing": {
                    "lastLap": last[car.car_id],
                    "lastSplits": [0, 0, 0],
                    "bestLap": best[car.car_id],
                    "bestSplits": [0, 0, 0],
                    "totalTime": totals[car.car_id] if race else 0,
                    "lapCount": counts[car.car_id],
                    "lastSplitId": 2,
                },
                "missingMandatoryPitstop": 0 if race else -1,
                "driverTotalTimes": [float(totals[car.car_id])] if race else [],
            }
        )
    session_best = min(best.values()) if best else 0
    return {
        "sessionType": session_type,
        "trackName": track,
        "sessionIndex": 1 if race else 0,
        "raceWeekendIndex": 0,
        "metaData": track,
        "serverName": server_name,
        "sessionResult": {
            "bestlap": session_best,
            "bestSplits": [0, 0, 0],
            "isWetSession": 0,
            "type": 1 if race else 0,
            "leaderBoardLines": lines,
        },
        "laps": laps,
        "penalties": [],
        "post_race_penalties": [],
    }


def server_bytes(document: dict[str, object]) -> bytes:
    """Serialise like the ACC server: 4-space indent, the duplicated `sessionType` key right
    after `serverName`, UTF-16 LE without BOM, no trailing newline."""
    text = json.dumps(document, indent=4, ensure_ascii=False)
    server_line = f'    "serverName": {json.dumps(document["serverName"], ensure_ascii=False)},\n'
    duplicate = f'    "sessionType": {json.dumps(document["sessionType"])},\n'
    text = text.replace(server_line, server_line + duplicate, 1)
    return text.encode("utf-16-le")
