"""What the panel exchange adds to the main window: Panel → Keys…, Send verdicts…, Import
bundles…, Import case pack…, Export case pack…, Merge view (a tab with Accept majority and
Decide…), and signed bundles or case packs dropped onto the window.

Every file goes through the same services as the command line (`steward_desk.panel`); a
refusal is shown with its reason, the file and the checks that had passed, and changes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from steward_desk.core.rulebook import Rulebook, RulebookError, load_rulebook
from steward_desk.core.wording import counted
from steward_desk.panel.bundles import (
    VERDICTS_CTY,
    export_bundle,
    import_bundles,
    steward_recusals,
)
from steward_desk.panel.case_pack import CASES_CTY, export_case_pack, import_case_pack
from steward_desk.panel.decisions import DECISION_CTY, decide
from steward_desk.panel.errors import MAX_DOCUMENT_BYTES, PanelError
from steward_desk.panel.merge import IncidentPanel, merge_view
from steward_desk.signing.envelope import parse_envelope
from steward_desk.signing.errors import SigningError
from steward_desk.storage.stewards import desk_steward
from steward_desk.storage.verdicts import VerdictRepository
from steward_desk.ui.menus import add_action
from steward_desk.ui.panel.decide_dialog import DecideDialog
from steward_desk.ui.panel.decision_actions import DecisionActions
from steward_desk.ui.panel.keys_actions import KeyActions
from steward_desk.ui.panel.merge_view import MergeView
from steward_desk.ui.tasks import LatestRead, Progress

if TYPE_CHECKING:
    from steward_desk.app import Desk

GROUP = "Panel"
SETTINGS_LAST_DIR = "panel/last_dir"
SIGNED_FILTER = "Signed Steward Desk files (*.json);;All files (*)"


def install(desk: Desk) -> None:
    """Add the Panel menu, the Merge tab and drop handling for signed files to the window."""
    desk.window.panel = PanelCapability(desk)  # type: ignore[attr-defined]


def signed_kind(path: Path) -> str | None:
    """The cty of a signed Steward Desk file (bundle, case pack, decision), else None."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_DOCUMENT_BYTES:
            return None
        head = path.read_bytes()
        if b'"payload"' not in head[:4096] and b'"payload"' not in head:
            return None
        envelope = parse_envelope(head)
    except (OSError, SigningError):
        return None
    cty = envelope.signatures[0].cty
    return cty if cty in (VERDICTS_CTY, CASES_CTY, DECISION_CTY) else None


class _DropFilter(QObject):
    """Signed bundles and case packs dropped on the window; other files go to intake."""

    def __init__(self, capability: PanelCapability) -> None:
        super().__init__(capability.desk.window)
        self.capability = capability

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            paths = _local_paths(event.mimeData().urls())
            if paths and all(signed_kind(p) for p in paths):
                event.acceptProposedAction()
                if kind == QEvent.Type.Drop:
                    self.capability.dropped(paths)
                return True
        return False


def _local_paths(urls: Iterable[QUrl]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and url.toLocalFile()]


class PanelCapability(KeyActions, DecisionActions):
    """Holds the wiring so tests can reach it: `desk.window.panel`."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.merge: MergeView | None = None
        self._merge_reads = LatestRead(desk.runner)
        self._rulebook: Rulebook | None = None
        menu = desk.window.panel_menu
        self.keys_action = self._add(menu, "&Keys…", self.open_keys)
        menu.addSeparator()
        self.send_action = self._add(menu, "&Send verdicts…", self.send_verdicts, "Ctrl+Shift+B")
        self.import_bundles_action = self._add(menu, "Import &bundles…", self.import_bundles)
        menu.addSeparator()
        self.import_cases_action = self._add(menu, "Import &case pack…", self.import_case_pack)
        self.export_cases_action = self._add(menu, "&Export case pack…", self.export_case_pack)
        menu.addSeparator()
        self.merge_action = self._add(menu, "&Merge view", self.open_merge_view, "Ctrl+M")
        self.cosign_action = self._add(menu, "Co-&sign a decision…", self.cosign_decision)
        self.collect_action = self._add(menu, "Co&llect co-signatures…", self.collect_cosignatures)
        desk.window.setAcceptDrops(True)
        self.drops = _DropFilter(self)
        desk.window.installEventFilter(self.drops)

    def _add(
        self, menu: Any, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        return add_action(self.desk.window, menu, text, slot, shortcut, GROUP)

    # -- the dialogs (tests replace these) -------------------------------------------------
    def ask_open_files(self, title: str) -> list[Path]:
        chosen, _ = QFileDialog.getOpenFileNames(
            self.desk.window, title, str(self._folder()), SIGNED_FILTER
        )
        return [self._remember(Path(c)) for c in chosen]

    def ask_save_file(self, title: str, name: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self.desk.window, title, str(self._folder() / name), SIGNED_FILTER
        )
        return self._remember(Path(chosen)) if chosen else None

    def ask_folder(self, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.desk.window, title, str(self._folder()))
        return self._remember(Path(chosen) / "x").parent if chosen else None

    def ask_passphrase(self, who: str) -> bytes | None:
        text, ok = QInputDialog.getText(
            self.desk.window, "Sign", f"Passphrase of {who}'s signing key:",
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        return text.encode("utf-8") if ok and text else None

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.desk.window, title, label)
        return text.strip() if ok and text.strip() else None

    def ask_decision(self, dialog: DecideDialog) -> dict[str, Any] | None:
        return dialog.decision() if dialog.exec() == DecideDialog.DialogCode.Accepted else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.desk.window, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _folder(self) -> Path:
        saved = self.desk.settings.value(SETTINGS_LAST_DIR)
        return Path(str(saved)) if saved else Path.home()

    def _remember(self, path: Path) -> Path:
        self.desk.settings.setValue(SETTINGS_LAST_DIR, str(path.parent))
        return path

    def tell(self, text: str) -> None:
        self.desk.window.statusBar().showMessage(text, 10_000)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.desk.window, title, text)

    def refused(self, title: str, error: PanelError) -> None:
        """A refusal in plain words: what, which file, and the checks that had passed."""
        where = f"\n\nFile: {error.source}" if error.source else ""
        passed = "".join(f"\n  ✓ {check}" for check in error.passed)
        checked = f"\n\nChecks that passed before it:{passed}" if passed else ""
        self.warn(title, f"Refused: {error.detail}{where}\n\nNothing was changed.{checked}")

    # -- case packs and bundles ---------------------------------------------------------------
    def rulebook(self) -> Rulebook | None:
        if self._rulebook is None:
            try:
                self._rulebook = load_rulebook()
            except RulebookError as error:
                self.warn("Rulebook", str(error))
        return self._rulebook

    def export_case_pack(self) -> Path | None:
        signer = self.signing_key()
        if signer is None:
            return None
        out = self.ask_save_file("Export the case pack", f"cases-{_stamp()}.json")
        if out is None:
            return None
        key, identity = signer
        self.desk.store.actor = identity.name
        try:
            done = export_case_pack(self.desk.store, key, self.keyset(), out)
        except PanelError as error:
            self.refused("Export case pack", error)
            return None
        self.tell(
            f"Case pack {done.seq}: {counted(done.incidents, 'case')} "
            f"signed by {identity.name} → {out.name}"
        )
        return out

    def import_case_pack(self, path: Path | None = None) -> bool:
        chosen = [path] if path is not None else self.ask_open_files("Import a case pack")
        if not chosen:
            return False
        try:
            data = _read(chosen[0])
            done = import_case_pack(self.desk.store, data, self.keyset(), source=str(chosen[0]))
        except PanelError as error:
            self.refused("Import case pack", error)
            return False
        self.tell(done.describe())
        self.desk.window.refresh()
        return True

    def send_verdicts(self) -> Path | None:
        """Sign this steward's submitted verdicts into a bundle in a chosen (shared) folder."""
        rulebook, signer = self.rulebook(), self.signing_key()
        if rulebook is None or signer is None:
            return None
        folder = self.ask_folder("Send verdicts: choose the shared folder")
        if folder is None:
            return None
        key, identity = signer
        store = self.desk.store
        store.actor = identity.name
        steward = desk_steward(store, self.desk.window.paths.keys_dir)
        assert steward is not None
        records = VerdictRepository(store, rulebook).submitted(steward_id=steward.id)
        name = re.sub(r"[^A-Za-z0-9]+", "-", identity.name).strip("-").lower() or "steward"
        out = folder / f"verdicts-{name}-{_stamp()}.json"
        try:
            done = export_bundle(
                store, key, identity.name, [r.verdict(rulebook) for r in records], out,
                recusals=steward_recusals(store, steward.id),
            )  # fmt: skip
        except PanelError as error:
            self.refused("Send verdicts", error)
            return None
        self.tell(f"Bundle {done.seq} with {counted(done.verdicts, 'verdict')} → {out}")
        return out

    def import_bundles(self, paths: list[Path] | None = None) -> bool:
        """Verify and import bundles on the head steward's desk (one transaction for all)."""
        chosen = paths if paths is not None else self.ask_open_files("Import verdict bundles")
        rulebook = self.rulebook()
        if not chosen or rulebook is None:
            return False
        try:
            files = [(str(p), _read(p)) for p in chosen]
        except PanelError as error:
            self.refused("Import bundles", error)
            return False
        store, keyset, identity = self.desk.store, self.keyset(), self.identity()
        if identity is None:
            self.warn("Import bundles", "This desk has no signing key: Panel → Keys… first.")
            return False
        outcome: dict[str, bool] = {}

        def work(progress: Progress) -> list[Any]:
            progress(0, 1, f"Verifying {counted(len(files), 'bundle')}…")
            return import_bundles(store, files, keyset, rulebook, importer_kid=identity.kid)

        def done(results: list[Any]) -> None:
            outcome["ok"] = True
            self.tell(" · ".join(r.describe() for r in results))
            self.desk.window.refresh()
            self.refresh_merge()

        def failed(error: BaseException, _trace: str) -> None:
            outcome["ok"] = False
            if isinstance(error, PanelError):
                self.refused("Import bundles", error)
            else:
                self.warn("Import bundles", f"The import failed: {error}")

        self.desk.runner.with_progress(
            self.desk.window, "Importing bundles…", work, on_done=done, on_error=failed
        )
        return outcome.get("ok", False)

    def dropped(self, paths: list[Path]) -> None:
        """Bundles import together; a case pack loads; decision documents are co-signed (on a
        steward's desk) or their co-signatures collected (on the head steward's)."""
        kinds = {p: signed_kind(p) for p in paths}
        bundles = [p for p, k in kinds.items() if k == VERDICTS_CTY]
        if bundles:
            self.import_bundles(bundles)
        for path in (p for p, k in kinds.items() if k == CASES_CTY):
            self.import_case_pack(path)
        decisions = [p for p, k in kinds.items() if k == DECISION_CTY]
        if decisions:
            self.decision_dropped(decisions)

    # -- merge and decide ---------------------------------------------------------------------
    def open_merge_view(self) -> MergeView:
        tabs = self.desk.window.tabs
        if self.merge is None or tabs.indexOf(self.merge) < 0:
            self.merge = MergeView(self.desk.window)
            self.merge.decide_requested.connect(self.decide)
            self.merge.refresh_requested.connect(self.refresh_merge)
            self.merge.save_document_requested.connect(self.save_decision_document)
            tabs.addTab(self.merge, "Merge")
        tabs.setCurrentWidget(self.merge)
        self.refresh_merge()
        return self.merge

    def refresh_merge(self, select: str | None = None) -> None:
        """Read every panel again on a worker thread (500 cases: 0.4 s) and show them; only
        the newest of overlapping refreshes is shown."""
        rulebook = self.rulebook()
        view = self.merge
        if view is None or rulebook is None:
            return
        store = self.desk.store
        view.set_loading(True)

        def show(panels: list[IncidentPanel]) -> None:
            if self.merge is view:
                view.set_panels(panels, select)

        def failed(error: BaseException) -> None:
            if self.merge is view:
                view.set_panels(view.panels, select)
                self.warn("Merge view", f"The panel's verdicts could not be read: {error}")

        self._merge_reads.read(lambda: merge_view(store, rulebook), show, failed)

    def decide(self, incident_id: str, accept_majority: bool) -> bool:
        rulebook = self.rulebook()
        panel = self.merge.current_panel() if self.merge is not None else None
        if rulebook is None or panel is None or panel.incident_id != incident_id:
            return False
        doc = None
        if accept_majority:
            if not self.confirm(
                f"Decide case {panel.number}", f"Record the {panel.majority_text} and sign it?"
            ):
                return False
        else:
            doc = self.ask_decision(DecideDialog(panel, rulebook, self.desk.window))
            if doc is None:
                return False
        reason = ""
        if panel.decision_id is not None:
            reason = self.ask_text("Correct the decision", "Why is the decision corrected?") or ""
            if not reason:
                return False
        signer = self.signing_key()
        if signer is None:
            return False
        key, identity = signer
        self.desk.store.actor = identity.name
        try:
            record = decide(
                self.desk.store, incident_id, rulebook, key, identity.name, self.keyset(),
                accept_majority=accept_majority, doc=doc, correction_reason=reason,
            )  # fmt: skip
        except PanelError as error:
            self.refused(f"Decide case {panel.number}", error)
            return False
        dissent = (
            f"; dissent kept: {', '.join(d['steward'] for d in record.dissent)}"
            if record.dissent
            else ""
        )
        self.tell(f"Case {record.number} decided and signed by {identity.name}{dissent}")
        self.desk.window.refresh()
        self.refresh_merge(incident_id)
        return True


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise PanelError(
                "oversized",
                f"the file is {path.stat().st_size:,} bytes, more than a signed document may be",
                source=str(path),
            )
        return path.read_bytes()
    except OSError as error:
        raise PanelError(
            "unreadable", f"cannot read it ({error.strerror})", source=str(path)
        ) from None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
