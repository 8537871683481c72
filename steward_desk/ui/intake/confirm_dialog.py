"""The confirm step of a report import: who does each unclear driver reference mean?

Matching never guesses between two drivers who fit about equally well ("Schmidt" with two
Schmidts on the grid), and weak matches are shown too. Each reference gets a combo of its
candidates plus "nobody" (the report is then flagged: unknown driver).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.wording import counted
from steward_desk.intake.report_import import Confirmations, ReportPlan

NOBODY = "Nobody of this session (flag as unknown driver)"


class MatchConfirmDialog(QDialog):
    """One row per reference that needs a person; `confirmations()` is the answer."""

    def __init__(
        self, plan: ReportPlan, names: dict[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Confirm drivers")
        self.setObjectName("matchConfirmDialog")
        self.items = plan.to_confirm()
        intro = QLabel(
            f"{counted(len(self.items), 'driver reference')} could mean more than one driver "
            "or match "
            "only loosely. Choose who is meant; a report naming nobody of the session is "
            "flagged for the stewards.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.items), 4, self)
        self.table.setObjectName("confirmTable")
        self.table.setHorizontalHeaderLabels(["Report", "Reporter", "As written", "Driver meant"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.combos: list[QComboBox] = []
        for row, (index, ref) in enumerate(self.items):
            planned = plan.reports[index]
            self.table.setItem(row, 0, QTableWidgetItem(planned.label))
            self.table.setItem(row, 1, QTableWidgetItem(planned.row.reporter))
            written = QTableWidgetItem(ref.text)
            written.setToolTip(planned.row.description)
            self.table.setItem(row, 2, written)
            combo = QComboBox(self.table)
            for candidate in ref.match.candidates:
                who = names.get(candidate.player_id, candidate.player_id)
                combo.addItem(
                    f"{who}  ({candidate.reason}, {candidate.score:.0%})", candidate.player_id
                )
            combo.addItem(NOBODY, "")
            # A clear-but-weak best match is offered; between equals a person must choose.
            combo.setCurrentIndex(combo.count() - 1 if ref.match.ambiguous else 0)
            self.table.setCellWidget(row, 3, combo)
            self.combos.append(combo)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("File reports")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 420)

    def choose(self, row: int, player_id: str | None) -> None:
        """Pick the driver of one row (what a click in its combo does)."""
        combo = self.combos[row]
        combo.setCurrentIndex(combo.findData(player_id or ""))

    def confirmations(self) -> Confirmations:
        return {
            (index, ref.text): str(combo.currentData() or "") or None
            for (index, ref), combo in zip(self.items, self.combos, strict=True)
        }
