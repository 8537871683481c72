"""ACC entry lists (`*_entrylist.json`, written next to the results after qualifying) →
AccEntryList, read leniently with errors naming the key.

Note `playerID` (capital ID) here, unlike the results' `playerId`; -1 in the file means
"not set" (free car number, free car model, no grid slot, no category).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from steward_desk.core.model import Driver
from steward_desk.intake.acc_bytes import load_json
from steward_desk.intake.acc_lenient import Reader
from steward_desk.intake.acc_types import AccEntry, AccEntryList
from steward_desk.intake.errors import AccResultsError


def parse_acc_entrylist(data: bytes, source: str | Path) -> AccEntryList:
    """Read an entry list (note: `playerID`, capital ID, unlike the results' `playerId`)."""
    return entrylist_from_json(load_json(data, source), hashlib.sha256(data).hexdigest(), source)


def entrylist_from_json(root: object, sha256: str, source: str | Path) -> AccEntryList:
    """The entry list from its JSON value (`sha256`: the file's hash)."""
    if not isinstance(root, dict) or "entries" not in root:
        raise AccResultsError(source, "entries", "missing: this is not an ACC entry list")
    r = Reader(source)
    entries = []
    for i, raw in enumerate(r.array(root, "entries", "")):
        here = f"entries[{i}]"
        raw = r.expect_obj(raw, here)
        drivers, categories = [], []
        for k, d in enumerate(r.array(raw, "drivers", here, optional=True)):
            d_here = f"{here}.drivers[{k}]"
            d = r.expect_obj(d, d_here)
            drivers.append(
                Driver(
                    player_id=r.text(d, "playerID", "", d_here).strip(),
                    first_name=r.text(d, "firstName", "", d_here).strip(),
                    last_name=r.text(d, "lastName", "", d_here).strip(),
                    short_name=r.text(d, "shortName", "", d_here).strip(),
                )
            )
            category = r.integer(d, "driverCategory", d_here, -1)
            categories.append(category if category >= 0 else None)
        number = r.integer(raw, "raceNumber", here, -1)
        forced = r.integer(raw, "forcedCarModel", here, -1)
        grid = r.integer(raw, "defaultGridPosition", here, -1)
        entries.append(
            AccEntry(
                race_number=number if number >= 0 else None,
                drivers=tuple(drivers),
                driver_categories=tuple(categories),
                forced_car_model=forced if forced >= 0 else None,
                default_grid_position=grid if grid >= 0 else None,
                is_server_admin=bool(r.integer(raw, "isServerAdmin", here, 0)),
            )
        )
    return AccEntryList(
        source=str(source),
        sha256=sha256,
        entries=tuple(entries),
        force_entry_list=bool(r.integer(root, "forceEntryList", "", 0)),
    )
