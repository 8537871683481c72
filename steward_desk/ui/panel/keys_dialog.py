"""Panel → Keys…: this desk's signing key and the league key-set.

Shows who this desk signs as (name, role, kid) and its public JWK with a Copy button; creates
the key when there is none (name, role, passphrase twice); trusts a steward's key file (head
steward and admin desks); lists the key-set. The work is done by the callbacks it is given
(`PanelCapability`), so the dialog only collects input and shows results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import StewardRole
from steward_desk.signing.keyset import KeySet
from steward_desk.signing.keystore import DeskIdentity

CreateKey = Callable[[str, StewardRole, bytes | None], str]
TrustKey = Callable[[Path, str, StewardRole], str]
AdoptKeySet = Callable[[Path], str]


class KeysDialog(QDialog):
    def __init__(
        self,
        identity: DeskIdentity | None,
        keyset: KeySet | None,
        *,
        needs_passphrase: bool,
        create: CreateKey,
        trust: TrustKey,
        adopt: AdoptKeySet,
        reload: Callable[[], tuple[DeskIdentity | None, KeySet | None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Signing keys")
        self.setMinimumWidth(640)
        self._create, self._trust, self._adopt, self._reload = create, trust, adopt, reload
        self.needs_passphrase = needs_passphrase

        self.who = QLabel(self)
        self.who.setWordWrap(True)
        self.jwk = QPlainTextEdit(self)
        self.jwk.setReadOnly(True)
        self.jwk.setMaximumHeight(90)
        self.jwk.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_button = QPushButton("Copy public key", self)
        self.copy_button.clicked.connect(self.copy_jwk)
        self.save_button = QPushButton("Save public key…", self)
        self.save_button.clicked.connect(self.save_jwk)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        mine = QGroupBox("This desk", self)
        box = QVBoxLayout(mine)
        box.addWidget(self.who)
        box.addWidget(self.jwk)
        box.addLayout(row)

        self.name = QLineEdit(self)
        self.role = QComboBox(self)
        for role in StewardRole:
            self.role.addItem(role.value.capitalize(), role.value)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.create_button = QPushButton("Create key", self)
        self.create_button.clicked.connect(self.create_key)
        self.create_box = QGroupBox("Create this desk's key", self)
        form = QFormLayout(self.create_box)
        form.addRow("Name:", self.name)
        form.addRow("Role:", self.role)
        if needs_passphrase:
            form.addRow("Passphrase:", self.passphrase)
            form.addRow("Again:", self.again)
        form.addRow(self.create_button)

        self.keys = QTableWidget(0, 4, self)
        self.keys.setHorizontalHeaderLabels(["Role", "Name", "Key id (kid)", "Since"])
        self.keys.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.keys.verticalHeader().setVisible(False)
        self.keys.horizontalHeader().setStretchLastSection(True)
        self.trust_button = QPushButton("Trust a key file…", self)
        self.trust_button.clicked.connect(self.trust_key)
        self.adopt_button = QPushButton("Adopt the league key-set…", self)
        self.adopt_button.clicked.connect(self.adopt_keyset)
        self.keyset_label = QLabel(self)
        league = QGroupBox("League key-set", self)
        table = QVBoxLayout(league)
        table.addWidget(self.keyset_label)
        table.addWidget(self.keys)
        league_buttons = QHBoxLayout()
        league_buttons.addWidget(self.trust_button)
        league_buttons.addWidget(self.adopt_button)
        league_buttons.addStretch(1)
        table.addLayout(league_buttons)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(mine)
        layout.addWidget(self.create_box)
        layout.addWidget(league)
        layout.addWidget(close)
        self.show_state(identity, keyset)

    def show_state(self, identity: DeskIdentity | None, keyset: KeySet | None) -> None:
        self.identity, self.keyset = identity, keyset
        has_key = identity is not None
        self.create_box.setVisible(not has_key)
        self.copy_button.setEnabled(has_key)
        self.save_button.setEnabled(has_key)
        if identity is None:
            self.who.setText("This desk has no signing key yet: create one below.")
            self.jwk.clear()
        else:
            where = "OS keyring" if identity.store == "keyring" else "encrypted key file"
            self.who.setText(
                f"<b>{identity.name}</b> ({identity.role.value}) · kid <code>{identity.kid}</code>"
                f" · kept in the {where}"
            )
            self.jwk.setPlainText(json.dumps(identity.jwk.to_dict(), indent=1))
        entries = keyset.entries if keyset is not None else ()
        self.keys.setRowCount(len(entries))
        for r, entry in enumerate(entries):
            for c, text in enumerate((entry.role.value, entry.name, entry.kid, entry.added_at)):
                self.keys.setItem(r, c, QTableWidgetItem(text))
        self.keys.resizeColumnsToContents()
        if keyset is None:
            self.keyset_label.setText(
                "No key-set yet. A head steward's key starts one; stewards adopt the head "
                "steward's file (`keys import`)."
            )
        else:
            self.keyset_label.setText(f"League {keyset.league!r}, version {keyset.version}")
        authority = (
            keyset is not None and identity is not None and keyset.is_authority(identity.kid)
        )
        self.trust_button.setEnabled(authority)

    # -- actions ----------------------------------------------------------------------------
    def copy_jwk(self) -> None:
        QGuiApplication.clipboard().setText(self.jwk.toPlainText())

    def save_jwk(self) -> None:
        if self.identity is None:
            return
        name = f"{self.identity.name.lower().replace(' ', '-')}.jwk"
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the public key", name, "JWK (*.jwk)")
        if chosen:
            Path(chosen).write_text(self.jwk.toPlainText() + "\n", encoding="utf-8")

    def create_key(self) -> None:
        passphrase: bytes | None = None
        if self.needs_passphrase:
            if self.passphrase.text() != self.again.text():
                QMessageBox.warning(self, "Signing keys", "The two passphrases differ.")
                return
            passphrase = self.passphrase.text().encode("utf-8") or None
        role = StewardRole(str(self.role.currentData()))
        self._done(self._create(self.name.text(), role, passphrase))

    def trust_key(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "A steward's public key", "", "JWK (*.jwk *.json)"
        )
        if not chosen:
            return
        name, ok = QInputDialog.getText(self, "Trust a key", "Whose key is it (their name)?")
        if not ok or not name.strip():
            return
        roles = [r.value for r in StewardRole]
        role, ok = QInputDialog.getItem(self, "Trust a key", "Their role:", roles, 0, False)
        if ok:
            self._done(self._trust(Path(chosen), name.strip(), StewardRole(role)))

    def adopt_keyset(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "The league key-set from your head steward", "", "Key-set (*.json)"
        )
        if chosen:
            self._done(self._adopt(Path(chosen)))

    def _done(self, message: str) -> None:
        if message:
            QMessageBox.information(self, "Signing keys", message)
        self.show_state(*self._reload())
