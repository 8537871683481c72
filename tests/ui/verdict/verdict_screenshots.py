"""Screenshots of the verdict form beside the footage, the precedents and a conflict refusal.

    python tests/ui/verdict/verdict_screenshots.py DEMO_HOME OUT_DIR

DEMO_HOME holds a built demo league (`steward-desk --home DEMO_HOME demo --no-gui`); its
database is copied, three earlier decisions are added as precedents, and verdict-form.png,
precedents.png and conflict.png are written to OUT_DIR. Not a test module (no `test_` prefix).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PRECEDENTS = (
    ("6", "penalty", {"type": "time", "value": 10}, 1,
     "#21 squeezed #27 into the wall at Les Combes; damage to both cars."),
    ("4", "penalty", {"type": "time", "value": 15}, 30,
     "Opening-lap lunge at La Source took out two cars."),
    ("2", "warning", None, 60, "Light contact, no position change."),
)  # fmt: skip
REASON = (
    "#11 turned in at La Source without an overlap on the opening lap and pushed #7 into the "
    "wall; #7 lost six places and the splitter."
)


def main(demo: Path, out: Path) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtTest import QTest

    from steward_desk.app import build_desk
    from steward_desk.paths import Paths
    from steward_desk.storage.tables import Decision

    work = Path(tempfile.mkdtemp(prefix="shots-"))
    shutil.copy(demo / "steward-desk.sqlite", work / "steward-desk.sqlite")
    out.mkdir(parents=True, exist_ok=True)
    desk = build_desk(Paths(work, f"sqlite:///{work / 'steward-desk.sqlite'}"), synchronous=True)
    store, window, app = desk.store, desk.window, desk.app
    for case, outcome, penalty, days, reason in PRECEDENTS:
        incident_id = store.incidents.resolve(case)
        body = {"category": "avoidable_contact", "outcome": outcome, "penalty": penalty,
                "reasoning": reason, "incident_id": incident_id}  # fmt: skip
        with store.transaction() as session:
            session.add(
                Decision(
                    incident_id=incident_id,
                    decided_by="Hedda Head",
                    body_json=json.dumps(body),
                    decided_at=datetime.now(UTC) - timedelta(days=days),
                )
            )

    def spin(seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.03)

    verdicts = window.verdicts
    verdicts.save_steward("Sam Steward", "", "", ("steward",))
    window.resize(1700, 1050)
    window.show()
    case_1 = store.incidents.resolve("1")
    window.select_incident(case_1)
    window.open_review()  # the footage, with the form beside it
    spin(3)
    panel = verdicts.judge()
    groups = panel.checklist.groups
    groups["overlap_before_turn_in"].button(0).click()
    groups["defender_left_room"].button(1).click()
    groups["opening_lap"].button(1).click()
    panel.factor_boxes["damage"].click()
    panel.fault_boxes["S76561198000000102"].click()
    panel.affected_boxes["S76561198000000101"].click()
    QTest.keyClicks(panel.reasoning, REASON)
    spin(1)
    window.grab().save(str(out / "verdict-form.png"))

    panel.penalty_value.setValue(5)  # below the precedents and the tariff: a warning
    QTest.keyClicks(panel.override_reason, "Contact at low speed")
    spin(0.5)
    ruling, precedents = panel.ruling_box, panel.precedents_box
    top = ruling.mapTo(panel.form_body, ruling.rect().topLeft())
    bottom = precedents.mapTo(panel.form_body, precedents.rect().bottomRight())
    panel.form_body.grab(QRect(top, bottom)).save(str(out / "precedents.png"))

    panel.flush()
    # Another steward takes over this desk: one who races for the accused driver's team.
    from steward_desk.storage.stewards import StewardRepository
    from steward_desk.ui.verdict.actions import SETTINGS_STEWARD

    nico = StewardRepository(store).register("Nico Nova", team="Scuderia Nova")
    desk.settings.setValue(SETTINGS_STEWARD, nico.id)
    window.tabs.removeTab(window.tabs.currentIndex())
    window.select_incident(case_1)
    verdicts.judge()
    spin(0.5)
    window.details_dock.show()
    window.show_details(case_1)
    verdicts.workflow.show_clocks(case_1)
    bar = window.details.browser.verticalScrollBar()
    bar.setValue(bar.maximum())
    spin(0.3)
    window.grab().save(str(out / "conflict.png"))
    window.close()
    store.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
