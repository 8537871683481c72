"""A steward takes a slip back: Ctrl+Z undoes the last bookmark, sync or nudge in the review
workspace, and Ctrl+Shift+Z makes it again. What is undone is undone where it is stored too,
so the next opening of the case finds it as the steward left it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_story import ACCUSED_OFFSET, REPORTER_OFFSET
from test_review_workspace import park

from steward_desk.ui.review.memory_services import InMemoryReviewServices
from steward_desk.ui.review.workspace import ReviewWorkspace

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def stored_offsets(services: InMemoryReviewServices) -> dict[str, int]:
    return {f.id: f.offset_ms for f in services.footage_for("case-1")}


def stored_bookmarks(services: InMemoryReviewServices) -> list[tuple[int, str]]:
    return [(b.race_ms, b.label) for b in services.bookmarks("case-1")]


def test_a_removed_bookmark_comes_back_with_ctrl_z_and_goes_again_with_ctrl_shift_z(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    messages: list[str] = []
    workspace.message.connect(messages.append)
    park(workspace, qtbot, 60_500)
    qtbot.keyClick(workspace, Qt.Key.Key_M)
    park(workspace, qtbot, 61_700)
    qtbot.keyClick(workspace, Qt.Key.Key_M)
    assert stored_bookmarks(services) == [(60_500, "Bookmark 1"), (61_700, "Bookmark 2")]

    first_ids = [b.id for b in services.bookmarks("case-1")]
    panel = workspace.bookmarks_panel
    panel.list.setCurrentRow(0)
    panel.remove.click()
    assert stored_bookmarks(services) == [(61_700, "Bookmark 2")]

    qtbot.keyClick(workspace, Qt.Key.Key_Z, CTRL)
    assert sorted(stored_bookmarks(services)) == [(60_500, "Bookmark 1"), (61_700, "Bookmark 2")]
    # back under its own id, so a draft verdict citing it still finds it
    assert sorted(b.id for b in services.bookmarks("case-1")) == sorted(first_ids)
    assert [b.race_ms for b in workspace.timeline.bookmarks] == [60_500, 61_700]
    assert panel.list.count() == 2
    assert messages[-1] == "Undone: remove Bookmark 1"

    qtbot.keyClick(workspace, Qt.Key.Key_Z, CTRL | SHIFT)
    assert stored_bookmarks(services) == [(61_700, "Bookmark 2")]
    assert [b.race_ms for b in workspace.timeline.bookmarks] == [61_700]

    # Further back: the remove, then adding bookmark 2, then adding bookmark 1.
    for _ in range(3):
        qtbot.keyClick(workspace, Qt.Key.Key_Z, CTRL)
    assert stored_bookmarks(services) == [] and workspace.timeline.bookmarks == ()
    qtbot.keyClick(workspace, Qt.Key.Key_Z, CTRL)
    assert messages[-1] == "Nothing to undo"


def test_a_sync_and_a_nudge_are_undone_on_the_timeline_and_in_the_stored_offsets(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    original = {"accused": ACCUSED_OFFSET, "reporter": REPORTER_OFFSET}
    assert stored_offsets(services) == original
    park(workspace, qtbot, 61_234)
    workspace.sync_here()
    synced = stored_offsets(services)
    assert synced != original
    workspace.timeline.set_focus("reporter")
    qtbot.keyClick(workspace, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    nudged = stored_offsets(services)
    assert nudged["reporter"] != synced["reporter"] and nudged["accused"] == synced["accused"]

    workspace.undo()
    assert stored_offsets(services) == synced
    assert workspace.timeline.track("reporter").offset_ms == synced["reporter"]
    workspace.undo()
    assert stored_offsets(services) == original
    assert {t.clip_id: t.offset_ms for t in workspace.timeline.tracks} == original
    qtbot.waitUntil(workspace.exact, timeout=5_000)  # the tiles follow the restored offsets

    workspace.redo()
    workspace.redo()
    assert stored_offsets(services) == nudged


def test_opening_another_case_starts_a_fresh_history(
    workspace: ReviewWorkspace, qtbot: QtBot, services: InMemoryReviewServices
) -> None:
    park(workspace, qtbot, 60_500)
    workspace.add_bookmark()
    workspace.open_incident("case-1")
    workspace.undo()  # nothing of the earlier opening is undone
    assert stored_bookmarks(services) == [(60_500, "Bookmark 1")]
