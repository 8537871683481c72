"""Who this desk's steward is: asked once, kept in the steward table and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from steward_desk.core.model import StewardRole
from steward_desk.storage.stewards import StewardInfo


@dataclass(frozen=True, slots=True)
class StewardForm:
    name: str
    team: str
    player_id: str
    roles: tuple[StewardRole, ...]


class StewardDialog(QDialog):
    """Returns a StewardForm; the caller stores it (dialogs return values)."""

    def __init__(
        self, current: StewardInfo | None, *, key_name: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is judging?")
        self.name = QLineEdit(current.name if current else "", self)
        self.name.setReadOnly(key_name)
        self.team = QLineEdit(current.team if current else "", self)
        self.team.setPlaceholderText("the team you race for, if any")
        self.player_id = QLineEdit((current.player_id or "") if current else "", self)
        self.player_id.setPlaceholderText("your ACC player id (S7656…), if you race here")
        roles_row = QWidget(self)
        roles_layout = QHBoxLayout(roles_row)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        self.role_boxes: dict[StewardRole, QCheckBox] = {}
        for role in StewardRole:
            box = QCheckBox(role.value.capitalize(), roles_row)
            box.setChecked(role in (current.roles if current else (StewardRole.STEWARD,)))
            self.role_boxes[role] = box
            roles_layout.addWidget(box)
        note = QLabel(
            "Team and player id decide conflicts of interest: you will not be able to judge "
            "an incident you are involved in, or one of a driver of your own team.",
            self,
        )
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(note)
        form.addRow("Name", self.name)
        form.addRow("Team", self.team)
        form.addRow("Player id", self.player_id)
        form.addRow("Roles", roles_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        if self.name.text().strip():
            self.accept()
        else:
            self.name.setFocus()
            self.name.setPlaceholderText("a name is needed")

    def value(self) -> StewardForm:
        roles = tuple(r for r, box in self.role_boxes.items() if box.isChecked())
        return StewardForm(
            self.name.text().strip(),
            self.team.text().strip(),
            self.player_id.text().strip(),
            roles or (StewardRole.STEWARD,),
        )
