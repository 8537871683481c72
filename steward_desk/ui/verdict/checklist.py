"""A category's checklist: each question answered yes, no or unknown, its help one click away."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QRadioButton,
    QToolButton,
    QWidget,
)

from steward_desk.core.rulebook import Category, ChecklistItem

_YES, _NO, _UNKNOWN = 1, 0, 2


class ChecklistWidget(QWidget):
    """Questions of one category; `answered(item_id, answer)` fires on every user answer."""

    answered = Signal(str, object)  # item id, True / False / None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setColumnStretch(0, 1)
        self.items: tuple[ChecklistItem, ...] = ()
        self.groups: dict[str, QButtonGroup] = {}
        self.helps: dict[str, QLabel] = {}
        self._rows: list[QWidget] = []

    def set_category(self, category: Category | None) -> None:
        for widget in self._rows:
            widget.hide()
            widget.setParent(None)  # out of findChild's reach before the deferred delete
            widget.deleteLater()
        self._rows = []
        self.groups = {}
        self.helps = {}
        self.items = category.checklist if category is not None else ()
        row = 0
        for item in self.items:
            question = QLabel(item.question, self)
            question.setTextFormat(Qt.TextFormat.PlainText)
            question.setWordWrap(True)
            question.setToolTip(self._help_text(item))
            help_button = QToolButton(self)
            help_button.setText("?")
            help_button.setCheckable(True)
            help_button.setToolTip(self._help_text(item))
            help_button.setAccessibleName(f"Help: {item.question}")
            group = QButtonGroup(self)
            buttons = []
            for text, value in (("Yes", _YES), ("No", _NO), ("?", _UNKNOWN)):
                button = QRadioButton(text if value != _UNKNOWN else "Unknown", self)
                button.setObjectName(f"{item.id}:{text.lower()}")
                group.addButton(button, value)
                buttons.append(button)
            group.button(_UNKNOWN).setChecked(True)
            group.idClicked.connect(lambda value, i=item.id: self._clicked(i, value))
            help_label = QLabel(self._help_html(item), self)
            help_label.setWordWrap(True)
            help_label.setStyleSheet("color: palette(mid); margin-left: 12px;")
            help_label.setVisible(False)
            help_button.toggled.connect(help_label.setVisible)
            self.grid.addWidget(question, row, 0)
            for column, button in enumerate(buttons, start=1):
                self.grid.addWidget(button, row, column)
            self.grid.addWidget(help_button, row, 4)
            self.grid.addWidget(help_label, row + 1, 0, 1, 5)
            self._rows += [question, help_button, help_label, *buttons]
            self.groups[item.id] = group
            self.helps[item.id] = help_label
            row += 2

    @staticmethod
    def _help_text(item: ChecklistItem) -> str:
        pointer = f"\nPoints to: {item.points_to}" if item.points_to else ""
        return f"{item.help}\nRule: {item.rule_ref}{pointer}"

    @staticmethod
    def _help_html(item: ChecklistItem) -> str:
        return f"{html.escape(item.help)} <i>({html.escape(item.rule_ref)})</i>"

    def _clicked(self, item_id: str, value: int) -> None:
        self.answered.emit(item_id, _answer(value))

    def answers(self) -> dict[str, bool | None]:
        return {item_id: _answer(group.checkedId()) for item_id, group in self.groups.items()}

    def set_answers(self, answers: Mapping[str, object]) -> None:
        for item_id, group in self.groups.items():
            value = answers.get(item_id)
            code = _YES if value is True else _NO if value is False else _UNKNOWN
            group.button(code).setChecked(True)

    def answer(self, item_id: str, value: bool | None) -> None:
        """Answer as a user would (tests and keyboard helpers): emits `answered`."""
        code = _YES if value is True else _NO if value is False else _UNKNOWN
        self.groups[item_id].button(code).click()


def _answer(code: int) -> bool | None:
    return True if code == _YES else False if code == _NO else None
