"""The small form before a results import: which event the files are, and of what kind.

Prefilled from the first file (track and date), so the usual case is one press of Enter.
The dialog returns the values; the caller runs the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import EventKind
from steward_desk.core.wording import counted


@dataclass(frozen=True, slots=True)
class ResultsOptions:
    """What `import_results` needs besides the files."""

    event: str
    kind: EventKind
    round: int | None
    final_round: bool


class ResultsImportDialog(QDialog):
    """Event name, series or single event, round and final round for the files chosen."""

    def __init__(
        self,
        files: list[Path],
        suggested_event: str,
        known_events: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import results")
        self.setObjectName("resultsImportDialog")
        names = ", ".join(p.name for p in files[:4]) + (" …" if len(files) > 4 else "")
        intro = QLabel(f"<b>{counted(len(files), 'result file')}</b><br>{names}", self)
        intro.setWordWrap(True)

        self.event_name = QLineEdit(suggested_event, self)
        self.event_name.setObjectName("eventName")
        self.event_name.setPlaceholderText("e.g. Round 3 · Spa")
        completer = QCompleter(known_events, self)
        completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
        self.event_name.setCompleter(completer)
        self.kind = QComboBox(self)
        self.kind.addItem("Series / championship (time penalties)", EventKind.SERIES.value)
        self.kind.addItem("Single event (licence points)", EventKind.SINGLE.value)
        self.round = QSpinBox(self)
        self.round.setRange(0, 99)
        self.round.setSpecialValueText("—")
        self.final_round = QCheckBox("This is the final round of the season", self)
        self.kind.currentIndexChanged.connect(self._kind_changed)

        form = QFormLayout()
        form.addRow("Event", self.event_name)
        form.addRow("Kind", self.kind)
        form.addRow("Round", self.round)
        form.addRow("", self.final_round)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.event_name.textChanged.connect(self._validate)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self._validate()

    def _kind_changed(self) -> None:
        # Rounds and the final round matter to series only (qualifying bans, points).
        series = self.kind.currentData() == EventKind.SERIES.value
        self.round.setEnabled(series)
        self.final_round.setEnabled(series)

    def _validate(self) -> None:
        ok = bool(self.event_name.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def set_kind(self, kind: EventKind) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def options(self) -> ResultsOptions:
        series = self.kind.currentData() == EventKind.SERIES.value
        return ResultsOptions(
            event=self.event_name.text().strip(),
            kind=EventKind(self.kind.currentData()),
            round=(self.round.value() or None) if series else None,
            final_round=self.final_round.isChecked() and series,
        )
