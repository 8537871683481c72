"""How long a steward needs to judge demo case 1 by hand: drive the real window with mouse
clicks and key presses (QTest), count every gesture, and print one JSON document.

    QT_QPA_PLATFORM=offscreen python tests/ui/verdict/judge_by_clicks.py

The human estimate charges each click or shortcut 2.5 s (finding the control included) and
typing 3 characters a second (a steward writing a short public reason); the machine time is
how long the scripted run itself took. Not a test module (no `test_` prefix).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SECONDS_PER_GESTURE = 2.5
CHARS_PER_SECOND = 3.0
REASON = "#11 dived in without an overlap on the opening lap and put #7 in the wall."


def main() -> dict[str, object]:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from steward_desk.app import build_desk
    from steward_desk.demo.builder import build_demo
    from steward_desk.paths import Paths
    from steward_desk.storage.store import Store

    home = Path(tempfile.mkdtemp(prefix="judge-"))
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    build_demo(store, paths)
    store.close()

    desk = build_desk(paths, synchronous=True)
    window = desk.window
    window.verdicts.save_steward("Sam Steward", "", "", ("steward",))  # asked once per desk
    window.resize(1600, 1000)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)  # shortcuts reach an active window only
    steps: list[str] = []
    typed = 0

    def click(widget, what: str) -> None:  # type: ignore[no-untyped-def]
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
        steps.append(f"click {what}")

    started = time.perf_counter()
    row = window.proxy.mapFromSource(
        window.model.index(window.model.row_of(store_id(desk, "1")), 0)
    ).row()
    rect = window.table.visualRect(window.proxy.index(row, 1))
    QTest.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    steps.append("click case 1 in the queue")
    QTest.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    steps.append("Ctrl+J: judge case")
    panel = window.tabs.currentWidget()
    groups = panel.checklist.groups
    click(groups["overlap_before_turn_in"].button(0), "checklist: no overlap before turn-in")
    click(groups["opening_lap"].button(1), "checklist: opening lap (sets the factor)")
    click(panel.factor_boxes["damage"], "factor: damage caused")
    click(panel.fault_boxes["S76561198000000102"], "at fault: #11 José Álvarez")
    click(panel.reasoning, "public reasoning field")
    QTest.keyClicks(panel.reasoning, REASON)
    typed += len(REASON)
    steps.append(f"type the public reason ({len(REASON)} characters)")
    QTest.keyClick(panel.reasoning, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    steps.append("Ctrl+Enter: submit")
    machine = time.perf_counter() - started
    record = panel.record
    assert record is not None and record.submitted, "the verdict was not submitted"
    gestures = len(steps) - 1  # the typing is counted by characters
    human = gestures * SECONDS_PER_GESTURE + typed / CHARS_PER_SECOND
    result = {
        "case": 1,
        "submitted": record.submitted,
        "penalty": record.body["penalty"],
        "gestures": gestures,
        "typed_characters": typed,
        "steps": steps,
        "estimated_human_seconds": round(human, 1),
        "scripted_run_seconds": round(machine, 2),
    }
    window.close()
    desk.store.close()
    shutil.rmtree(home, ignore_errors=True)
    return result


def store_id(desk, number: str) -> str:  # type: ignore[no-untyped-def]
    return str(desk.store.incidents.resolve(number))


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    sys.stdout.write("\n")
