"""What the exports capability adds to the main window: Export → Decisions feed…,
Classification…, Ledger…, Notices…, Documents… (each asks where, then runs with a progress
dialog), and the Results and Ledger pages as tabs (Export and View menus).

The dialogs are methods (`ask_file`, `ask_folder`, `ask_passphrase`, `ask_classification`,
`tell`, `warn`) so tests answer them without modal windows: `desk.window.exports`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
)

from steward_desk.core.model import StewardRole
from steward_desk.core.rulebook import Rulebook, RulebookError, load_rulebook
from steward_desk.core.wording import counted
from steward_desk.exports.atomic import write_atomic
from steward_desk.exports.classification import (
    classification_csv,
    classification_json,
    revised_classification,
)
from steward_desk.exports.decisions_feed import FeedResult, export_decisions
from steward_desk.exports.documents import export_documents
from steward_desk.exports.ledger import LedgerExport, league_ledger, ledger_csv, ledger_json
from steward_desk.exports.notices import export_notices
from steward_desk.exports.records import load_decisions
from steward_desk.signing.errors import SigningError
from steward_desk.signing.keys import SigningKey
from steward_desk.signing.keystore import KeyStore
from steward_desk.ui.exports.ledger_page import LedgerPage
from steward_desk.ui.exports.results_page import ResultsPage
from steward_desk.ui.menus import add_action
from steward_desk.ui.tasks import Progress

if TYPE_CHECKING:
    from steward_desk.app import Desk

SETTINGS_FOLDER = "exports/last_folder"
GROUP = "Exports"


def install(desk: Desk) -> None:
    """Add the Export menu items and the Results / Ledger pages to the window."""
    desk.window.exports = ExportCapability(desk)  # type: ignore[attr-defined]


class ExportCapability:
    """The admin's exports in the GUI; every file goes through the same code as the CLI."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._rulebook: Rulebook | None = None
        window, menu = desk.window, desk.window.export_menu
        self.decisions_action = self._add(
            menu, "&Decisions…", self.export_decisions, "Ctrl+Shift+E"
        )
        self.classification_action = self._add(menu, "&Classification…", self.export_classification)
        self.ledger_action = self._add(menu, "&Ledger…", self.export_ledger)
        self.notices_action = self._add(menu, "&Notices…", self.export_notices)
        self.documents_action = self._add(menu, "D&ocuments…", self.export_documents)
        menu.addSeparator()
        self.results_page_action = self._add(menu, "&Results page", self.open_results_page)
        self.ledger_page_action = self._add(menu, "L&edger page", self.open_ledger_page)
        window.view_menu.addSeparator()
        window.view_menu.addAction(self.results_page_action)
        window.view_menu.addAction(self.ledger_page_action)

    def _add(
        self, menu: Any, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        return add_action(self.desk.window, menu, text, slot, shortcut, GROUP)

    # -- the dialogs (tests replace these) -------------------------------------------------
    def ask_file(self, title: str, name: str, pattern: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self.desk.window, title, str(self._folder() / name), pattern
        )
        return self._remember(Path(chosen)) if chosen else None

    def ask_folder(self, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.desk.window, title, str(self._folder()))
        return self._remember(Path(chosen) / "x").parent if chosen else None

    def ask_passphrase(self, who: str) -> bytes | None:
        text, ok = QInputDialog.getText(
            self.desk.window,
            "Sign the decisions feed",
            f"Passphrase of {who}'s signing key:",
            QLineEdit.EchoMode.Password,
        )
        return text.encode("utf-8") if ok and text else None

    def ask_classification(self) -> tuple[str, str] | None:
        """(session id, "csv" or "json"), or None when cancelled."""
        dialog = QDialog(self.desk.window)
        dialog.setWindowTitle("Export a revised classification")
        sessions, formats = QComboBox(dialog), QComboBox(dialog)
        for info in self.desk.store.league.sessions():
            label = f"{info.event} · {info.raw_type or info.type.value} · {info.track}"
            sessions.addItem(label, info.id)
        current = self._results_page()
        if current is not None and current.session.currentData():
            sessions.setCurrentIndex(sessions.findData(current.session.currentData()))
        formats.addItem("CSV (spreadsheets)", "csv")
        formats.addItem("JSON (league website)", "json")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        form.addRow("Session:", sessions)
        form.addRow("Format:", formats)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted or not sessions.currentData():
            return None
        return str(sessions.currentData()), str(formats.currentData())

    def tell(self, text: str) -> None:
        self.desk.window.statusBar().showMessage(text, 10_000)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.desk.window, title, text)

    # -- exports -----------------------------------------------------------------------------
    def export_decisions(self) -> None:
        """Sign the feed with this desk's admin or head-steward key and write it."""
        signer = self._signing_key()
        rulebook = self.rulebook()
        if signer is None or rulebook is None:
            return
        key, name = signer
        out = self.ask_file("Export the signed decisions feed", "decisions.json", "JSON (*.json)")
        if out is None:
            return
        store, home = self.desk.store, self.desk.window.paths.home
        store.actor = name

        def work(progress: Progress) -> FeedResult:
            return export_decisions(
                store, key, out, rulebook=rulebook, state_dir=home / "exports", issuer=name,
                progress=progress,
            )  # fmt: skip

        def done(result: FeedResult) -> None:
            what = "re-issued unchanged" if result.reissued else f"feed {result.seq}"
            self.tell(
                f"Wrote {out.name}: {result.decisions} decisions "
                f"({result.newly_published} newly published), {what}, signed by {name}"
            )
            self.desk.window.refresh()
            self._refresh_pages()

        self._run("Signing the decisions feed…", work, done)

    def export_classification(self) -> None:
        rulebook = self.rulebook()
        choice = self.ask_classification() if rulebook else None
        if rulebook is None or choice is None:
            return
        session_id, fmt = choice
        out = self.ask_file(
            "Export the revised classification", f"classification.{fmt}", f"{fmt.upper()} (*.{fmt})"
        )
        if out is None:
            return
        store = self.desk.store

        def work(progress: Progress) -> int:
            progress(0, 2, "Applying the stewards' penalties")
            revised = revised_classification(store, session_id, rulebook)
            data = classification_csv(revised) if fmt == "csv" else classification_json(revised)
            progress(1, 2, f"Writing {out.name}")
            write_atomic(out, data)
            return len(revised.after)

        self._run("Exporting the classification…", work,
                  lambda cars: self.tell(f"Wrote {out.name}: {cars} cars"))  # fmt: skip

    def export_ledger(self) -> None:
        rulebook = self.rulebook()
        if rulebook is None:
            return
        out = self.ask_file("Export the licence ledger", "ledger.csv", "CSV (*.csv);;JSON (*.json)")
        if out is None:
            return
        store = self.desk.store

        def work(progress: Progress) -> int:
            progress(0, 1, "Reading the ledger")
            export = league_ledger(store, rulebook)
            write_atomic(out, ledger_json(export) if out.suffix == ".json" else ledger_csv(export))
            return len(export.ledger.drivers)

        self._run("Exporting the ledger…", work,
                  lambda n: self.tell(f"Wrote {out.name}: {counted(n, 'driver')}"))  # fmt: skip

    def export_notices(self) -> None:
        self._export_folder("Export driver notices (choose a folder)", "notices", export_notices)

    def export_documents(self) -> None:
        self._export_folder("Export decision documents (choose a folder)", "PDF files",
                            export_documents)  # fmt: skip

    def _export_folder(self, title: str, what: str, writer: Callable[..., list[Path]]) -> None:
        rulebook = self.rulebook()
        out = self.ask_folder(title) if rulebook else None
        if rulebook is None or out is None:
            return
        store = self.desk.store

        def work(progress: Progress) -> list[Path]:
            records = load_decisions(store, rulebook)
            return writer(records, rulebook, out, progress=progress)

        self._run(f"Exporting {what}…", work,
                  lambda files: self.tell(f"Wrote {len(files)} {what} under {out}"))  # fmt: skip

    # -- pages -------------------------------------------------------------------------------
    def open_results_page(self) -> ResultsPage | None:
        page = self._results_page()
        rulebook = self.rulebook()
        if page is None and rulebook is not None:
            store = self.desk.store
            page = ResultsPage(
                sessions=store.league.sessions,
                revise=lambda session_id: revised_classification(store, session_id, rulebook),
                runner=self.desk.runner,
            )
            self.desk.window.tabs.addTab(page, "Results")
        if page is not None:
            self.desk.window.tabs.setCurrentWidget(page)
        return page

    def open_ledger_page(self) -> LedgerPage | None:
        page: LedgerPage | None = self._page(LedgerPage)
        rulebook = self.rulebook()
        if page is None and rulebook is not None:
            store = self.desk.store

            def load() -> LedgerExport:
                return league_ledger(store, rulebook)

            page = LedgerPage(load, runner=self.desk.runner)
            self.desk.window.tabs.addTab(page, "Licence ledger")
        if page is not None:
            self.desk.window.tabs.setCurrentWidget(page)
        return page

    def _results_page(self) -> ResultsPage | None:
        page: ResultsPage | None = self._page(ResultsPage)
        return page

    def _page(self, kind: type[Any]) -> Any:
        tabs = self.desk.window.tabs
        for index in range(tabs.count()):
            widget = tabs.widget(index)
            if isinstance(widget, kind):
                return widget
        return None

    def _refresh_pages(self) -> None:
        for kind in (ResultsPage, LedgerPage):
            page = self._page(kind)
            if page is not None:
                page.refresh()

    # -- plumbing ----------------------------------------------------------------------------
    def rulebook(self) -> Rulebook | None:
        if self._rulebook is None:
            try:
                self._rulebook = load_rulebook()
            except RulebookError as error:
                self.warn("The rulebook cannot be read", str(error))
                return None
        return self._rulebook

    def _signing_key(self) -> tuple[SigningKey, str] | None:
        keys = KeyStore(self.desk.window.paths.keys_dir)
        if not keys.exists():
            self.warn(
                "No signing key",
                "The decisions feed is signed by the admin or the head steward, and this desk "
                "has no signing key yet. Create one with\n\n"
                "    steward-desk keys init --name NAME --role admin",
            )
            return None
        try:
            identity = keys.identity()
            if identity.role not in (StewardRole.ADMIN, StewardRole.HEAD):
                self.warn(
                    "Not an admin key",
                    f"The decisions feed is signed by the admin or the head steward; this "
                    f"desk's key ({identity.name}) is a {identity.role.value} key.",
                )
                return None
            passphrase = None
            if identity.store == "file":
                passphrase = self.ask_passphrase(identity.name)
                if passphrase is None:
                    return None
            return keys.load(passphrase), identity.name
        except SigningError as error:
            self.warn("The signing key cannot be used", str(error))
            return None

    def _run(
        self, title: str, work: Callable[[Progress], Any], done: Callable[[Any], None]
    ) -> None:
        def failed(error: BaseException, _trace: str) -> None:
            self.warn("Export failed", f"{error}\n\nFiles already there were left as they were.")

        self.desk.runner.with_progress(
            self.desk.window, title, work, on_done=done, on_error=failed,
            on_cancel=lambda: self.tell("Export cancelled"),
        )  # fmt: skip

    def _folder(self) -> Path:
        remembered = self.desk.settings.value(SETTINGS_FOLDER)
        return Path(str(remembered)) if remembered else Path.home()

    def _remember(self, path: Path) -> Path:
        self.desk.settings.setValue(SETTINGS_FOLDER, str(path.parent))
        return path
