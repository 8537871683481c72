"""A steward opens a case for review from the queue: footage and verdict side by side."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from steward_desk.app import build_desk
from steward_desk.paths import Paths
from steward_desk.ui.review_tab import ReviewTab


@pytest.fixture
def desk(demo_paths: Paths, qtbot: QtBot):  # type: ignore[no-untyped-def]
    built = build_desk(demo_paths, synchronous=True)
    qtbot.addWidget(built.window)
    built.window.show()
    yield built
    built.window.close()
    built.store.close()


def test_opening_a_case_shows_its_clips_and_the_verdict_form(desk, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    window = desk.window
    incident = window.store.incidents.resolve("6")
    window.select_incident(incident)
    assert window.details_dock.isVisible()
    window.open_review()
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ReviewTab)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Review · case 6"
    assert len(tab.workspace.tiles()) == 3
    assert tab.verdict is not None
    assert not window.details_dock.isVisible()  # the footage gets the room
    # Opening the same case again switches to its tab instead of opening a second one.
    count = window.tabs.count()
    window.open_review(incident)
    assert window.tabs.count() == count

    keys = {(a.text().replace("&", ""), a.shortcut().toString()) for a in window.all_actions()}
    assert any(k == "Space" for _, k in keys)  # the workspace's play/pause is listed in Help

    window._close_tab(window.tabs.currentIndex())
    assert window.tabs.count() == 1
    assert window.details_dock.isVisible()
