"""Run by the kill-mid-edit test as a real app process: open the desk on the given home and
database, judge case 1 in the verdict form, type into it, say "typed" and keep running until
killed. Not a test module (no `test_` prefix)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(home: str, db_url: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest

    from steward_desk.app import build_desk
    from steward_desk.paths import Paths

    desk = build_desk(Paths(Path(home), db_url))
    desk.window.verdicts.save_steward("Sam Steward", "", "", ("steward",))
    desk.window.show()
    assert desk.window.select_incident(desk.store.incidents.resolve("1"))
    panel = desk.window.verdicts.judge()
    assert panel is not None

    def type_and_report() -> None:
        QTest.keyClicks(panel.reasoning, "Opening lap dive, no overlap")
        QTest.keyClicks(panel.private_notes, "mid-edit when the power went")
        panel.penalty_value.setValue(10)
        QTest.keyClicks(panel.override_reason, "second time tonight")
        print("typed", flush=True)

    QTimer.singleShot(0, type_and_report)
    desk.app.exec()  # runs until SIGKILL


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
