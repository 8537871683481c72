"""The head steward's afternoon in the GUI: three bundles dropped on the window, the Merge tab
shows case 1 split 2–1 (agreement green, the split named in amber), Accept majority records
and signs the decision; a forged bundle is refused with its reason and changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from panel.desks import Panel
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select

from steward_desk.app import Desk
from steward_desk.paths import Paths
from steward_desk.storage.tables import Decision
from steward_desk.ui.panel.actions import PanelCapability
from steward_desk.ui.panel.merge_view import AGREE_BG, ROWS, SPLIT_BG


def _bundles(judged: Panel) -> list[Path]:
    return [judged.files / f"{name}.json" for name in ("ann", "bo", "cy")]


def _drop(desk: Desk, paths: list[Path]) -> None:
    """Drag files over the window (Qt delivers a drop only after the drag entered)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(200, 200), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(desk.window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(200, 200), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(desk.window, event)


def test_the_panel_menu_offers_the_exchange(head_desk: Desk) -> None:
    texts = [a.text() for a in head_desk.window.panel_menu.actions() if a.text()]
    assert texts == [
        "&Keys…",
        "&Send verdicts…",
        "Import &bundles…",
        "Import &case pack…",
        "&Export case pack…",
        "&Merge view",
        "Co-&sign a decision…",
        "Co&llect co-signatures…",
    ]


def test_dropped_bundles_merge_two_to_one_and_the_head_accepts_the_majority(
    head_desk: Desk, judged: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel: PanelCapability = head_desk.window.panel  # type: ignore[attr-defined]
    warnings: list[str] = []
    monkeypatch.setattr(panel, "warn", lambda title, text: warnings.append(text))
    _drop(head_desk, _bundles(judged))
    assert warnings == []

    view = panel.open_merge_view()
    assert head_desk.window.tabs.currentWidget() is view
    assert view.cases.rowCount() == 2
    assert view.current_panel().number == 1  # type: ignore[union-attr]
    assert [view.grid.horizontalHeaderItem(c).text() for c in range(3)] == ["Ann", "Bo", "Cy"]
    category, outcome = ROWS.index("category"), ROWS.index("outcome")
    assert view.grid.item(category, 0).background().color() == AGREE_BG
    assert view.grid.item(outcome, 2).background().color() == SPLIT_BG  # Cy, the dissent
    assert view.grid.item(outcome, 2).text() == "Racing incident"
    assert "Outcome: Penalty (Ann, Bo) vs Racing incident (Cy)" in view.split.text()
    assert "quorum reached" in view.quorum.text() and "majority 2–1" in view.quorum.text()
    assert view.accept_button.isEnabled()

    monkeypatch.setattr(panel, "confirm", lambda title, text: True)
    view.accept_button.click()
    store = head_desk.store
    with store.read() as session:
        decision = session.exec(select(Decision)).one()
    assert json.loads(decision.body_json)["penalty"] == {"type": "time", "value": 5}
    assert json.loads(decision.dissent_json)[0]["steward"] == "Cy"
    assert '"signature"' in decision.signed_document
    assert "Decided" in view.notes.text()

    # Case 2 split 1–1: no majority to accept, but the head steward may write the decision.
    view.cases.setCurrentCell(1, 0)
    assert not view.accept_button.isEnabled() and view.decide_button.isEnabled()

    def written(dialog: Any) -> dict[str, Any]:
        form = dialog.decision()
        assert form["outcome"] in ("warning", "racing_incident")
        form.update(outcome="warning", reasoning="Warned for the late move.", penalty=None)
        return form

    monkeypatch.setattr(panel, "ask_decision", written)
    view.decide_button.click()
    with store.read() as session:
        assert len(session.exec(select(Decision)).all()) == 2
    assert warnings == []


def test_a_forged_bundle_is_refused_in_plain_words_and_changes_nothing(
    head_desk: Desk, judged: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel: PanelCapability = head_desk.window.panel  # type: ignore[attr-defined]
    warnings: list[str] = []
    monkeypatch.setattr(panel, "warn", lambda title, text: warnings.append(text))
    doc = json.loads((judged.files / "ann.json").read_bytes())
    doc["payload"] = doc["payload"][:-4] + ("AAAA" if doc["payload"][-4:] != "AAAA" else "BBBB")
    forged = judged.files / "forged.json"
    forged.write_text(json.dumps(doc))
    before = judged.head.dump()
    assert not panel.import_bundles([judged.files / "bo.json", forged])
    assert judged.head.dump() == before
    (message,) = warnings
    assert message.startswith("Refused: the signature by Ann (steward")
    assert "forged.json" in message and "Nothing was changed." in message


def test_the_keys_dialog_shows_the_desk_key_and_the_key_set(head_desk: Desk, qtbot: QtBot) -> None:
    panel: PanelCapability = head_desk.window.panel  # type: ignore[attr-defined]
    dialog = panel.open_keys()
    qtbot.addWidget(dialog)
    assert "Hana" in dialog.who.text() and "head" in dialog.who.text()
    assert json.loads(dialog.jwk.toPlainText())["kty"] == "OKP"
    assert dialog.keys.rowCount() == 4 and dialog.trust_button.isEnabled()
    assert not dialog.create_box.isVisible()
    dialog.copy_jwk()
    assert json.loads(QApplication.clipboard().text())["crv"] == "Ed25519"


def test_a_steward_adopts_the_key_set_in_the_keys_dialog(
    judged: Panel, qtbot: QtBot, tmp_path: Path
) -> None:
    from steward_desk.app import build_desk

    fresh = tmp_path / "newcomer"
    shutil.copytree(judged.ann.home, fresh)
    (fresh / "keys" / "keyset.json").unlink()
    desk = build_desk(
        Paths(home=fresh, db_url=f"sqlite:///{fresh / 'steward-desk.sqlite'}"), synchronous=True
    )
    qtbot.addWidget(desk.window)
    panel: PanelCapability = desk.window.panel  # type: ignore[attr-defined]
    assert panel.keyset() is None
    message = panel.adopt_keyset(judged.head.home / "keys" / "keyset.json")
    assert "version 4 adopted" in message and "Hana (head" in message
    assert panel.keyset() is not None and len(panel.keyset().entries) == 4  # type: ignore[union-attr]
    assert "already held" in panel.adopt_keyset(judged.head.home / "keys" / "keyset.json")
    desk.store.close()


def test_a_steward_co_signs_the_saved_decision_and_the_head_collects_it(
    head_desk: Desk, judged: Panel, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward_desk.app import build_desk
    from steward_desk.panel.decisions import DECISION_CTY
    from steward_desk.signing.verify import verify

    head: PanelCapability = head_desk.window.panel  # type: ignore[attr-defined]
    warnings: list[str] = []
    monkeypatch.setattr(head, "warn", lambda title, text: warnings.append(text))
    monkeypatch.setattr(head, "confirm", lambda title, text: True)
    head.import_bundles(_bundles(judged))
    view = head.open_merge_view()
    assert not view.document_button.isEnabled()
    view.accept_button.click()
    assert view.document_button.isEnabled()
    saved = judged.files / "decision-case-1.json"
    monkeypatch.setattr(head, "ask_save_file", lambda title, name: judged.files / name)
    view.document_button.click()
    assert saved.exists()

    ann_desk = build_desk(judged.ann.paths, synchronous=True)
    qtbot.addWidget(ann_desk.window)
    ann: PanelCapability = ann_desk.window.panel  # type: ignore[attr-defined]
    monkeypatch.setattr(ann, "warn", lambda title, text: warnings.append(text))
    cosigned = judged.files / "decision-ann.json"
    monkeypatch.setattr(ann, "ask_save_file", lambda title, name: cosigned)
    _drop(ann_desk, [saved])  # a steward's desk co-signs what is dropped on it
    assert cosigned.exists()
    ann_desk.store.close()

    _drop(head_desk, [cosigned])  # the head steward's desk collects it
    assert warnings == []
    with head_desk.store.read() as session:
        signed = session.exec(select(Decision)).one().signed_document.encode()
    from panel.desks import keyset_of

    signers = verify(signed, keyset_of(judged.head), DECISION_CTY, threshold=2).signers
    assert sorted(s.name for s in signers) == ["Ann", "Hana"]


def test_a_steward_sends_verdicts_to_a_shared_folder(
    judged: Panel, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel.desks import PASSPHRASE

    from steward_desk.app import build_desk
    from steward_desk.signing.jws import unverified_payload

    monkeypatch.setenv("STEWARD_DESK_PASSPHRASE", PASSPHRASE)
    desk = build_desk(judged.bo.paths, synchronous=True)
    qtbot.addWidget(desk.window)
    panel: PanelCapability = desk.window.panel  # type: ignore[attr-defined]
    shared = tmp_path / "Dropbox" / "stewards"
    shared.mkdir(parents=True)
    monkeypatch.setattr(panel, "ask_folder", lambda title: shared)
    sent = panel.send_verdicts()
    assert sent is not None and sent.parent == shared and sent.name.startswith("verdicts-bo-")
    payload = unverified_payload(sent.read_bytes())
    assert payload["seq"] == 2 and len(payload["verdicts"]) == 1  # bundle 1 went out before
    desk.store.close()


def test_the_merge_view_reads_on_a_worker_and_shows_only_the_newest_read(
    head_desk: Desk, judged: Panel, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window stays live while 500 cases are read; meanwhile nothing can be decided on
    the stale list, and a slow older read finishing last does not overwrite a newer one."""
    import threading

    import steward_desk.ui.panel.actions as actions

    panel: PanelCapability = head_desk.window.panel  # type: ignore[attr-defined]
    _drop(head_desk, _bundles(judged))
    head_desk.runner.synchronous = False
    view = panel.open_merge_view()
    assert view.loading and not view.cases.isEnabled() and not view.decide_button.isEnabled()
    assert view.title.text() == "Reading the panel's verdicts…"
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert view.cases.rowCount() == 2 and view.decide_button.isEnabled()

    real, release, calls = actions.merge_view, threading.Event(), []

    def slow_then_fast(store: Any, rulebook: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # the older read: held back, and it would show nothing
            release.wait(10)
            return []
        return real(store, rulebook)

    monkeypatch.setattr(actions, "merge_view", slow_then_fast)
    panel.refresh_merge()
    panel.refresh_merge()
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert view.cases.rowCount() == 2
    release.set()
    head_desk.runner.wait()
    QApplication.processEvents()
    assert view.cases.rowCount() == 2 and len(calls) == 2
