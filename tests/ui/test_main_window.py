"""A steward opens the desk on the demo league: the queue, the case details, the filters,
the shortcuts and a window that remembers its layout."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from steward_desk.app import Desk, build_desk
from steward_desk.core.model import IncidentStatus
from steward_desk.paths import Paths
from steward_desk.ui.queue_model import SUMMARY_ROLE
from steward_desk.ui.tasks import Cancelled, LatestRead, Progress, TaskRunner


@pytest.fixture
def desk(demo_paths: Paths, qtbot: QtBot):  # type: ignore[no-untyped-def]
    built = build_desk(demo_paths, synchronous=True)
    qtbot.addWidget(built.window)
    built.window.show()
    yield built
    built.window.close()
    built.store.close()


def visible_numbers(desk: Desk) -> list[int]:
    proxy = desk.window.proxy
    return [proxy.index(r, 0).data(SUMMARY_ROLE).number for r in range(proxy.rowCount())]


def test_the_queue_shows_every_case_and_the_first_case_in_detail(desk: Desk) -> None:
    assert desk.window.model.rowCount() == 12
    html = desk.window.details.browser.toHtml()
    assert "Case 1" in html and "Zoë Müller" in html and "Footage (2)" in html
    assert "12 of 12 cases shown" in desk.window.count_label.text()


def test_selecting_a_case_shows_its_reports_and_findings(desk: Desk, qtbot: QtBot) -> None:
    window = desk.window
    assert window.select_incident(window.store.incidents.resolve("5"))
    html = window.details.browser.toPlainText()
    assert "Case 5" in html
    assert "No timestamp" in html and "No footage" in html


def test_search_and_filters_narrow_the_queue(desk: Desk, qtbot: QtBot) -> None:
    window = desk.window
    qtbot.keyClicks(window.filters.search, "østergaard")
    assert visible_numbers(desk) == [3, 8]
    window.filters.search.clear()
    status = window.filters.status
    status.setCurrentIndex(status.findData(IncidentStatus.NEW.value))
    assert visible_numbers(desk) == [2, 3, 5, 8, 10, 12]
    event = window.filters.event_combo
    event.setCurrentIndex(event.findData("Friday Night Single · Monza"))
    assert visible_numbers(desk) == [8, 10, 12]
    due = window.filters.due
    due.setCurrentIndex(due.findData("overdue"))
    assert visible_numbers(desk) == []  # the Monza cases are within their decision target


def test_the_queue_sorts_by_deadline_and_by_number(desk: Desk) -> None:
    window = desk.window
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert visible_numbers(desk)[0] == 12
    window.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)
    first = window.proxy.index(0, 0).data(SUMMARY_ROLE)
    assert first.status.is_open and first.event.startswith("GT3 Sprint")  # most overdue first


def test_withdrawing_a_case_asks_why_and_records_it(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from steward_desk.core.workflow import CaseAction

    window = desk.window
    window.select_incident(window.store.incidents.resolve("2"))
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Drivers shook hands", True))
    )
    window.verdicts.workflow.move(CaseAction.WITHDRAW)  # type: ignore[attr-defined]
    detail = window.store.incidents.detail("2")
    assert detail.summary.status is IncidentStatus.WITHDRAWN
    assert detail.audit[-1].endswith("incident.status")  # the move is in the audit log
    assert window.current_incident_id() == detail.summary.id  # selection kept after refresh


def test_overriding_a_finding_needs_a_reason(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = desk.window
    incident = window.store.incidents.resolve("3")
    (finding_id, _finding), *_ = window.store.incidents.finding_ids(incident)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", True)))
    window.override_finding(incident, finding_id)
    assert not window.store.incidents.finding_ids(incident)[0][1].overridden
    monkeypatch.setattr(
        QInputDialog,
        "getText",
        staticmethod(lambda *a, **k: ("Discord outage, form reopened", True)),
    )
    window.override_finding(incident, finding_id)
    after = window.store.incidents.finding_ids(incident)[0][1]
    assert after.overridden and after.override_reason == "Discord outage, form reopened"


def test_help_lists_the_keyboard_shortcuts(desk: Desk) -> None:
    dialog = desk.window.show_shortcuts()
    rows = {
        (dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
        for r in range(dialog.table.rowCount())
    }
    assert ("Keyboard shortcuts", "F1") in rows
    assert ("Refresh", "F5") in rows
    dialog.close()


def test_the_window_remembers_its_size_and_docks(demo_paths: Paths, qtbot: QtBot) -> None:
    first = build_desk(demo_paths, synchronous=True)
    qtbot.addWidget(first.window)
    first.window.show()
    first.window.resize(780, 600)
    first.window.details_dock.hide()
    size = (first.window.width(), first.window.height())
    first.window.close()
    first.store.close()
    second = build_desk(demo_paths, synchronous=True)
    qtbot.addWidget(second.window)
    second.window.show()
    # The offscreen test screen is 800 px wide, so Qt clamps the width; the height shows it.
    assert second.window.height() == size[1] == 600
    assert second.window.details_dock.isHidden()
    second.window.close()
    second.store.close()


def test_long_work_runs_off_the_main_thread_and_can_be_cancelled(qtbot: QtBot) -> None:
    runner = TaskRunner()
    main_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(progress: Progress) -> int:
        seen["thread"] = threading.get_ident()
        for i in range(200):
            progress(i, 200, "working")
            time.sleep(0.005)
        return 42

    with qtbot.waitSignal(
        runner.submit(work, on_done=lambda v: seen.setdefault("value", v)).signals.finished,
        timeout=10_000,
    ):
        pass
    assert seen["value"] == 42 and seen["thread"] != main_thread

    cancelled: list[bool] = []
    task = runner.submit(work, on_cancel=lambda: cancelled.append(True))
    task.progress.cancel()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=10_000)
    runner.wait()


def test_a_failing_task_reports_its_error_on_the_main_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[tuple[BaseException, int]] = []

    def broken(progress: Progress) -> None:
        raise ValueError("results.json: sessionResult: missing")

    runner.submit(broken, on_error=lambda e, tb: errors.append((e, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert str(errors[0][0]) == "results.json: sessionResult: missing"
    assert errors[0][1] == threading.get_ident()
    with pytest.raises(Cancelled):
        p = Progress()
        p.cancel()
        p.check()


def test_a_view_shows_only_its_newest_read_even_when_an_older_one_finishes_last(
    qtbot: QtBot,
) -> None:
    """Refresh twice, the first read slow: what stays shown is the second read's result,
    read on a worker thread; the slow one, finishing later, is dropped."""
    reads = LatestRead(TaskRunner())
    shown: list[tuple[str, int]] = []
    release = threading.Event()

    def slow() -> str:
        release.wait(10)
        return "old"

    reads.read(slow, lambda v: shown.append((v, threading.get_ident())), pytest.fail)
    reads.read(lambda: "new", lambda v: shown.append((v, threading.get_ident())), pytest.fail)
    assert reads.pending
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    release.set()
    assert reads.runner is not None and reads.runner.wait()
    QApplication.processEvents()
    assert shown == [("new", threading.get_ident())] and not reads.pending

    # Without a runner: read at once; a failure goes to `failed`, not up the stack.
    inline = LatestRead(None)
    problems: list[str] = []

    def broken() -> str:
        raise LookupError("no session 'x'")

    inline.read(broken, lambda v: pytest.fail("shown"), lambda e: problems.append(str(e)))
    assert problems == ["no session 'x'"]
