"""The admin publishes from the window: Export menu, Results page and Ledger page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from league_fixture import decide, player, report
from PySide6.QtCore import Qt
from sqlmodel import select

from steward_desk.app import Desk
from steward_desk.core.model import StewardRole
from steward_desk.exports.decisions_feed import FEED_CTY
from steward_desk.signing.keyset import create_keyset
from steward_desk.signing.keystore import KeyStore
from steward_desk.signing.verify import verify
from steward_desk.storage.tables import Decision

PASS = b"admin passphrase"


def spa_race(desk: Desk) -> str:
    return next(s.id for s in desk.store.league.sessions() if s.track == "spa")


def admin_key(desk: Desk):  # type: ignore[no-untyped-def]
    keys = KeyStore(desk.window.paths.keys_dir)
    key, _ = keys.create("Ada Admin", StewardRole.ADMIN, PASS)
    keys.save_keyset(create_keyset("SOP Motorsport", key, "Ada Admin", StewardRole.ADMIN), 1)
    return key


def test_the_export_menu_offers_every_export_and_both_pages(desk: Desk) -> None:
    texts = [a.text().replace("&", "") for a in desk.window.export_menu.actions() if a.text()]
    assert texts == [
        "Decisions…", "Classification…", "Ledger…", "Notices…", "Documents…",
        "Results page", "Ledger page",
    ]  # fmt: skip
    view = [a.text().replace("&", "") for a in desk.window.view_menu.actions()]
    assert "Results page" in view and "Ledger page" in view


def test_results_page_shows_before_and_after_and_the_penalty_that_moved_the_winner(
    desk: Desk,
) -> None:
    page = desk.window.exports.open_results_page()
    assert page is not None and desk.window.tabs.currentWidget() is page
    page.choose_session(spa_race(desk))
    before = [c.car_number for c in page.before_model.rows]
    after = [r.car_number for r in page.after_model.rows]
    assert before[0] == 12 and after[0] != 12 and sorted(before) == sorted(after)
    moved = page.moves_model.rows
    assert len(moved) == 1 and moved[0].car_number == 12
    assert moved[0].penalty == "5 s time penalty" and moved[0].before == 1
    assert after.index(12) + 1 == moved[0].after > 1
    index = page.after_model.index(after.index(12), 1)
    assert page.after_model.data(index) == f"▼{moved[0].after - 1}"
    assert "1 steward penalty" in page.summary.text()
    # Opening it again focuses the same tab.
    assert desk.window.exports.open_results_page() is page


def test_ledger_page_lists_the_drivers_nearest_a_threshold_first(desk: Desk) -> None:
    store = desk.store
    monza = next(s for s in store.league.sessions() if s.track == "monza")
    for n, (accused, kind, value) in enumerate(
        [(6, "strike", 1), (6, "strike", 1), (3, "licence_points", 2)]
    ):
        incident = report(store, monza.id, 5, accused, "unsportsmanlike", lap=1,
                          at=timedelta(days=8))  # fmt: skip
        decide(
            store, incident, category="unsportsmanlike", outcome="penalty",
            at_fault=[player(accused)], penalty={"type": kind, "value": value}, reasoning="—",
            decided_at=datetime.now(UTC) - timedelta(days=3, hours=n), session_id=monza.id,
            ledger=[(player(accused), monza.event_id, kind, value)],
        )  # fmt: skip
    page = desk.window.exports.open_ledger_page()
    assert page is not None
    order = [d.player_id for d in page.model.rows]
    # 2 of 3 strikes, then 2 live points; Alice's 4 points of May 2025 have expired.
    assert order == [player(6), player(3), player(1)]
    assert page.model.data(page.model.index(0, 4)) == "2 / 3"
    assert page.model.data(page.model.index(0, 5)) == "1 more → race ban (1 round)"
    tip = page.model.data(page.model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert tip == "2 of 3 strikes: 1 more strike brings race ban (1 round)"


def test_decisions_feed_from_the_menu_is_signed_and_publishes_the_decisions(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = admin_key(desk)
    exports = desk.window.exports
    out = tmp_path / "site" / "decisions.json"
    monkeypatch.setattr(exports, "ask_passphrase", lambda who: PASS)
    monkeypatch.setattr(exports, "ask_file", lambda *a: out)
    told: list[str] = []
    monkeypatch.setattr(exports, "tell", told.append)
    exports.decisions_action.trigger()
    checked = verify(out.read_bytes(), [key.jwk], expected_cty=FEED_CTY)
    assert len(checked.payload["decisions"]) == 4 and checked.payload["issuer"] == "Ada Admin"
    assert told and "4 decisions (4 newly published), feed 1, signed by Ada Admin" in told[0]
    with desk.store.read() as session:
        assert all(d.published_at is not None for d in session.exec(select(Decision)))


def test_a_steward_key_is_refused_for_the_feed_with_a_reason(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    KeyStore(desk.window.paths.keys_dir).create("Sam", StewardRole.STEWARD, PASS)
    exports = desk.window.exports
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(exports, "warn", lambda title, text: warnings.append((title, text)))
    monkeypatch.setattr(exports, "ask_file", lambda *a: pytest.fail("must not ask for a file"))
    exports.decisions_action.trigger()
    assert warnings and warnings[0][0] == "Not an admin key"


def test_classification_ledger_notices_and_documents_from_the_menu(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = desk.window.exports
    monkeypatch.setattr(exports, "ask_classification", lambda: (spa_race(desk), "json"))
    files = iter([tmp_path / "spa.json", tmp_path / "ledger.csv"])
    monkeypatch.setattr(exports, "ask_file", lambda *a: next(files))
    folders = iter([tmp_path / "notices", tmp_path / "documents"])
    monkeypatch.setattr(exports, "ask_folder", lambda title: next(folders))
    told: list[str] = []
    monkeypatch.setattr(exports, "tell", told.append)
    for action in (exports.classification_action, exports.ledger_action,
                   exports.notices_action, exports.documents_action):  # fmt: skip
        action.trigger()
    doc = json.loads((tmp_path / "spa.json").read_text("utf-8"))
    assert doc["classification"][-1]["car_number"] != 12
    assert (tmp_path / "ledger.csv").read_text("utf-8").startswith("player_id,name,")
    assert len(list((tmp_path / "notices").rglob("*.md"))) == 8 + 2
    assert len(list((tmp_path / "documents").rglob("*.pdf"))) == 4 + 2
    assert told == [
        "Wrote spa.json: 6 cars", "Wrote ledger.csv: 1 driver",
        f"Wrote 20 notices under {tmp_path / 'notices'}",
        f"Wrote 6 PDF files under {tmp_path / 'documents'}",
    ]  # fmt: skip


def test_both_pages_read_on_a_worker_and_say_so_meanwhile(desk: Desk, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A big league's ledger or classification takes a second: the window stays live."""
    desk.runner.synchronous = False
    ledger = desk.window.exports.open_ledger_page()
    assert ledger is not None
    assert ledger.rules.text() == "Reading the licence ledger…"
    assert not ledger.table.isEnabled()
    qtbot.waitUntil(lambda: ledger.table.isEnabled(), timeout=10_000)
    assert ledger.rules.text().startswith("As of") and ledger.model.rows

    results = desk.window.exports.open_results_page()
    assert results is not None
    results.choose_session(spa_race(desk))
    assert results.summary.text() == "Reading the classification…"
    qtbot.waitUntil(lambda: results.before_view.isEnabled(), timeout=10_000)
    assert "steward penalt" in results.summary.text() and results.after_model.rows
    desk.runner.wait()
