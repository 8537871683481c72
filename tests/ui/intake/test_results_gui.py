"""An admin imports the weekend's ACC results in the app: File → Import results…, or files
and folders dropped on the window; a broken file is named and nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from intake_gui_helpers import Messages, answer, row_counts
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

import steward_desk.ui.intake.actions as intake_actions
from steward_desk.app import Desk
from steward_desk.core.model import EventKind
from steward_desk.ui.intake.mapping_dialog import ColumnMappingDialog
from steward_desk.ui.intake.results_dialog import ResultsImportDialog


def choose_files(monkeypatch: pytest.MonkeyPatch, files: list[Path]) -> None:
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        staticmethod(lambda *a, **k: ([str(f) for f in files], "ACC result files (*.json)")),
    )


def drop(desk: Desk, paths: list[Path]) -> QDropEvent:
    """Drag files over the window (Qt delivers a drop only after the drag entered)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(desk.window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(desk.window, event)
    return event


def test_file_import_results_asks_for_the_event_and_imports_the_weekend(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    files = league.weekend_files(tmp_path / "results")
    choose_files(monkeypatch, files)

    def fill(dialog: ResultsImportDialog) -> bool:
        assert dialog.event_name.text() == "Spa · 2024-03-24"  # prefilled from the first file
        assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.event_name.clear()
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.event_name.setText("Round 3 · Spa")
        dialog.set_kind(EventKind.SERIES)
        dialog.round.setValue(3)
        dialog.final_round.setChecked(True)
        return True

    shown = answer(monkeypatch, ResultsImportDialog, fill)
    action = desk.window.intake.import_results_action
    assert action.shortcut().toString() == "Ctrl+I"
    action.trigger()

    assert len(shown) == 1 and messages.shown == []
    sessions = desk.store.league.sessions()
    assert sorted(s.type.value for s in sessions) == ["FP", "Q", "R"]
    assert {s.event for s in sessions} == {"Round 3 · Spa"}
    assert {s.event_kind for s in sessions} == {EventKind.SERIES}
    assert "Imported 3 of 3 sessions" in desk.window.statusBar().currentMessage()
    counts = row_counts(desk)
    assert counts["car_entry"] == 27 and counts["driver"] == len(league.LEAGUE)


def test_a_single_event_has_no_round(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = league.weekend_files(tmp_path / "results")
    choose_files(monkeypatch, files[-1:])

    def fill(dialog: ResultsImportDialog) -> bool:
        dialog.round.setValue(4)
        dialog.set_kind(EventKind.SINGLE)
        assert not dialog.round.isEnabled()
        return True

    answer(monkeypatch, ResultsImportDialog, fill)
    desk.window.intake.import_results_action.trigger()
    (session,) = desk.store.league.sessions()
    assert session.event_kind == EventKind.SINGLE
    assert row_counts(desk)["event"] == 1


def test_a_broken_file_among_good_ones_is_named_and_nothing_is_stored(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    files = league.weekend_files(tmp_path / "results")
    answer(monkeypatch, ResultsImportDialog)
    choose_files(monkeypatch, files[:1])
    desk.window.intake.import_results_action.trigger()  # some data already
    before = row_counts(desk)
    assert before["session"] == 1

    data = files[1].read_bytes()
    files[1].write_bytes(data[: len(data) // 4 * 2])  # a truncated upload
    choose_files(monkeypatch, files)
    desk.window.intake.import_results_action.trigger()

    (warning,) = messages.of("warning")
    assert "240324_200000_Q.json" in warning and "line" in warning
    assert "the database is unchanged" in warning
    assert row_counts(desk) == before


def test_a_broken_first_file_is_refused_before_asking_anything(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    bad = tmp_path / "241001_210000_R.json"
    bad.write_bytes(b'{"sessionType": "R", "trackName": "spa"}')
    shown = answer(monkeypatch, ResultsImportDialog)
    before = row_counts(desk)
    drop(desk, [bad])
    assert shown == []
    (warning,) = messages.of("warning")
    assert "241001_210000_R.json" in warning and "sessionResult" in warning
    assert row_counts(desk) == before


def test_cancel_during_the_import_stores_nothing(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    files = league.weekend_files(tmp_path / "results")
    answer(monkeypatch, ResultsImportDialog)
    choose_files(monkeypatch, files)
    real = intake_actions.import_results

    def cancelled_while_storing(store: Any, paths: Any, **kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def press_cancel_at_storing(done: int, total: int, text: str) -> None:
            if text.startswith("Storing 240324_200000_Q"):
                progress.cancel()  # the person presses Cancel mid-transaction
            progress(done, total, text)

        kwargs["progress"] = press_cancel_at_storing
        return real(store, paths, **kwargs)

    monkeypatch.setattr(intake_actions, "import_results", cancelled_while_storing)
    before = row_counts(desk)
    desk.window.intake.import_results_action.trigger()
    assert "cancelled" in desk.window.statusBar().currentMessage()
    assert messages.shown == []
    assert row_counts(desk) == before


def test_dropping_a_folder_imports_it_as_one_event(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    files = league.weekend_files(tmp_path / "weekend")
    shown = answer(monkeypatch, ResultsImportDialog)
    event = drop(desk, [files[0].parent])
    assert event.isAccepted()
    assert len(shown) == 1 and len(shown[0].findChildren(type(shown[0].event_name))) >= 1
    assert len(desk.store.league.sessions()) == 3
    assert len({s.event_id for s in desk.store.league.sessions()}) == 1


def test_dropping_a_report_export_opens_the_report_import(
    desk: Desk, league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "Incident reports.csv"
    league.reports_csv(export, count=4)
    race = league.race_file(tmp_path / "results")
    answer(monkeypatch, ResultsImportDialog)
    mapped = answer(monkeypatch, ColumnMappingDialog, lambda dialog: False)  # looked, cancelled
    drop(desk, [race, export])
    assert len(desk.store.league.sessions()) == 1  # the results went in
    assert len(mapped) == 1 and mapped[0].preview.total_rows == 4
    assert row_counts(desk)["incident"] == 0  # cancelled at the mapping: nothing filed


def test_on_the_worker_pool_the_window_stays_live_and_the_results_arrive(
    league: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, messages: Messages
) -> None:
    """The real pool (not the synchronous test runner): the import runs on a thread and
    its result comes back on the main thread."""
    from steward_desk.app import build_desk
    from steward_desk.paths import Paths

    home = tmp_path / "desk"
    desk = build_desk(Paths(home=home, db_url=f"sqlite:///{home / 'd.sqlite'}"))
    qtbot.addWidget(desk.window)
    try:
        files = league.weekend_files(tmp_path / "results")
        answer(monkeypatch, ResultsImportDialog)
        choose_files(monkeypatch, files)
        desk.window.intake.import_results_action.trigger()
        qtbot.waitUntil(lambda: desk.window.intake.last_results is not None, timeout=20_000)
        assert [s.cars for s in desk.window.intake.last_results.sessions] == [9, 9, 9]
        assert "Imported 3 of 3" in desk.window.statusBar().currentMessage()
        assert messages.shown == []
    finally:
        desk.runner.wait(10_000)
        desk.window.close()
        desk.store.close()
