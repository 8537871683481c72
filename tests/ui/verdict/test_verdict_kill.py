"""Nothing lost: the app process is killed (SIGKILL, no chance to save) while a steward is in
the middle of a verdict; on restart the draft is there, to the last debounced keystroke."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from steward_desk.app import build_desk
from steward_desk.paths import Paths

SCRIPT = Path(__file__).with_name("verdict_edit_then_wait.py")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_killed_app_keeps_the_draft_typed_before_the_crash(
    demo_paths: Paths, qtbot: QtBot
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(demo_paths.home), demo_paths.db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the form has been typed into
        assert line.strip() == "typed", process.stderr.read() if process.stderr else ""
        time.sleep(1.0)  # the 300 ms debounce has fired; the app is still up, form open
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert process.returncode == -signal.SIGKILL

    desk = build_desk(demo_paths, synchronous=True)  # the restart
    qtbot.addWidget(desk.window)
    try:
        assert desk.window.select_incident(desk.store.incidents.resolve("1"))
        panel = desk.window.verdicts.judge()
        assert panel is not None and panel.record is not None
        assert panel.record.status == "draft"
        assert panel.reasoning.toPlainText() == "Opening lap dive, no overlap"
        assert panel.private_notes.toPlainText() == "mid-edit when the power went"
        assert panel.override_reason.text() == "second time tonight"
        assert panel.ruling()[1] is not None and panel.ruling()[1].value == 10
        assert panel.steward is not None and panel.steward.name == "Sam Steward"  # remembered
    finally:
        desk.window.close()
        desk.store.close()
