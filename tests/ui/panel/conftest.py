"""The head steward's desk in the GUI, with three stewards' bundles waiting to be imported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from panel.desks import Panel, build_panel, copy_panel
from pytestqt.qtbot import QtBot

from steward_desk.app import Desk, build_desk


@pytest.fixture(scope="session")
def judged_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four desks after the stewards judged case 1 (2–1) and case 2 (1–1) and sent bundles."""
    root = tmp_path_factory.mktemp("judged")
    panel = copy_panel(build_panel(root / "template"), root / "panel")
    pack = panel.files / "cases.json"
    panel.head.signing("cases", "export", "--out", str(pack))
    for desk in panel.stewards:
        desk.ok("cases", "import", str(pack))
    panel.submit(panel.ann, 1, "penalty", 5)
    panel.submit(panel.bo, 1, "penalty", 5)
    panel.submit(panel.cy, 1, "racing_incident")
    panel.submit(panel.ann, 2, "warning")
    panel.submit(panel.cy, 2, "racing_incident")
    for desk in panel.stewards:
        desk.signing("bundle", "export", "--out", str(panel.files / f"{desk.name.lower()}.json"))
    return root / "panel"


@pytest.fixture
def judged(judged_template: Path, tmp_path: Path) -> Panel:
    return copy_panel(judged_template, tmp_path / "panel")


@pytest.fixture
def head_desk(judged: Panel, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    from panel.desks import PASSPHRASE

    monkeypatch.setenv("STEWARD_DESK_PASSPHRASE", PASSPHRASE)
    desk = build_desk(judged.head.paths, synchronous=True)
    qtbot.addWidget(desk.window)
    desk.window.resize(1400, 820)
    desk.window.show()
    yield desk
    desk.window.close()
    desk.store.close()
