"""The drivers of the case with their roles and teams: who is at fault, who was affected."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QWidget

from steward_desk.core.model import InvolvedDriver


class DriversBox(QGroupBox):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Drivers", parent)
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(0, 1)
        self.fault_boxes: dict[str, QCheckBox] = {}
        self.affected_boxes: dict[str, QCheckBox] = {}

    def set_drivers(self, involved: Sequence[InvolvedDriver], teams: Mapping[str, str]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.fault_boxes, self.affected_boxes = {}, {}
        for row, driver in enumerate(involved):
            car = f"#{driver.car_number} " if driver.car_number is not None else ""
            team = teams.get(driver.player_id, "")
            label = QLabel(
                f"<b>{html.escape(car + driver.name)}</b> <span style='color:gray'>"
                f"{driver.role.value}{' · ' + html.escape(team) if team else ''}</span>",
                self,
            )
            fault = QCheckBox("At fault", self)
            affected = QCheckBox("Affected", self)
            fault.toggled.connect(lambda _c: self.edited.emit())
            affected.toggled.connect(lambda _c: self.edited.emit())
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(fault, row, 1)
            self.grid.addWidget(affected, row, 2)
            self.fault_boxes[driver.player_id] = fault
            self.affected_boxes[driver.player_id] = affected

    def at_fault(self) -> list[str]:
        return [p for p, box in self.fault_boxes.items() if box.isChecked()]

    def affected(self) -> list[str]:
        return [p for p, box in self.affected_boxes.items() if box.isChecked()]

    def load(self, at_fault: Iterable[str], affected: Iterable[str]) -> None:
        """Tick the boxes of a draft without announcing edits."""
        faults, hurt = set(at_fault), set(affected)
        self.blockSignals(True)
        try:
            for pid, box in self.fault_boxes.items():
                box.setChecked(pid in faults)
            for pid, box in self.affected_boxes.items():
                box.setChecked(pid in hurt)
        finally:
            self.blockSignals(False)
