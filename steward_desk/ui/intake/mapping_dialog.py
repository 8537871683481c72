"""The column-mapping step of a form import: which column of the export holds what.

The first rows are shown as the file has them; each field has a combo of the file's columns,
prefilled from the league's saved mapping when it fits the file, else from `guess_mapping`.
Fields that take several columns (drivers involved, footage) get one combo per column and
a button for another. Required fields are marked; Import stays off until they are mapped.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.wording import counted
from steward_desk.intake.report_forms import ReportPreview
from steward_desk.intake.report_mapping import ReportMapping

FIELD_LABELS: dict[str, str] = {
    "reporter": "Reporter",
    "involved": "Drivers involved",
    "description": "Description",
    "submitted_at": "Submitted at",
    "event": "Event",
    "session": "Session",
    "lap": "Lap",
    "race_time": "Race time",
    "footage": "Footage",
    "footage_time": "Time in the footage",
}
MULTI_FIELDS = ("involved", "footage")
_NONE = "— not in this file —"
_ORDER = {None: "auto", True: "day", False: "month"}
_MAPPED = QColor(37, 99, 235, 40)


def mapping_fits(mapping: ReportMapping, headers: tuple[str, ...]) -> bool:
    """A saved mapping is offered only when every column it names is in the file."""
    wanted = {c for cols in mapping.columns().values() for c in cols}
    return bool(wanted) and wanted <= set(headers) and not mapping.missing()


class _ColumnCombo(QComboBox):
    def __init__(self, headers: tuple[str, ...], current: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.addItem(_NONE, "")
        for header in headers:
            self.addItem(header, header)
        self.setCurrentIndex(max(self.findData(current), 0) if current else 0)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)

    def column(self) -> str:
        return str(self.currentData() or "")


class _MultiColumn(QWidget):
    """Several combos for a field whose value may be spread over columns."""

    def __init__(self, headers: tuple[str, ...], current: tuple[str, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self.headers = headers
        self.combos: list[_ColumnCombo] = []
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.more = QPushButton("+ column", self)
        self.more.setToolTip("Another column holds more of this field (e.g. 'Driver 2')")
        self.more.clicked.connect(lambda _c=False: self.add(""))
        self.row.addWidget(self.more)
        self.row.addStretch(1)
        for column in current or ("",):
            self.add(column)

    def add(self, column: str) -> _ColumnCombo:
        combo = _ColumnCombo(self.headers, column, self)
        self.row.insertWidget(len(self.combos), combo)
        self.combos.append(combo)
        return combo

    def columns(self) -> tuple[str, ...]:
        out: list[str] = []
        for combo in self.combos:
            if combo.column() and combo.column() not in out:
                out.append(combo.column())
        return tuple(out)


class ColumnMappingDialog(QDialog):
    """Preview + one combo per field; `mapping()` is the result, `remember` the choice."""

    def __init__(
        self,
        source_name: str,
        preview: ReportPreview,
        saved: ReportMapping | None = None,
        league: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import reports — {source_name}")
        self.setObjectName("columnMappingDialog")
        self.preview = preview
        self.guessed = preview.mapping
        self.saved = saved if saved is not None and mapping_fits(saved, preview.headers) else None
        start = self.saved or self.guessed

        intro = QLabel(
            f"<b>{source_name}</b>: {counted(preview.total_rows, 'report')}, "
            f"{counted(len(preview.headers), 'column')} ({preview.encoding}, "
            f"'{_delimiter_name(preview.delimiter)}' separated). "
            "Choose which column holds each field; <b>*</b> marks the fields every report needs.",
            self,
        )
        intro.setWordWrap(True)
        self.origin = QLabel(self)
        self.origin.setObjectName("mappingOrigin")
        if self.saved is not None:
            self.origin.setText(f"Using the mapping saved for {league or 'this league'}.")
        elif saved is not None:
            self.origin.setText(
                f"The mapping saved for {league or 'this league'} does not fit this file's "
                "columns; the columns were guessed from the headers."
            )
        else:
            self.origin.setText("The columns were guessed from the headers: check them.")

        self.table = QTableWidget(len(preview.rows), len(preview.headers), self)
        self.table.setObjectName("previewTable")
        self.table.setHorizontalHeaderLabels(list(preview.headers))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(False)
        for r, cells in enumerate(preview.rows):
            for c in range(len(preview.headers)):
                text = cells[c] if c < len(cells) else ""
                item = QTableWidgetItem(text.replace("\n", " ⏎ "))
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        for c in range(len(preview.headers)):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 220))
        self.table.setMinimumHeight(150)

        self.fields: dict[str, _ColumnCombo | _MultiColumn] = {}
        form = QFormLayout()
        for name in ReportMapping.COLUMN_FIELDS:
            value = getattr(start, name)
            widget: _ColumnCombo | _MultiColumn
            if name in MULTI_FIELDS:
                widget = _MultiColumn(preview.headers, value, self)
                for combo in widget.combos:
                    combo.currentIndexChanged.connect(self._changed)
                widget.more.clicked.connect(self._wire_new_combo)
            else:
                widget = _ColumnCombo(preview.headers, value, self)
                widget.currentIndexChanged.connect(self._changed)
            widget.setObjectName(f"field_{name}")
            self.fields[name] = widget
            label = QLabel(self._label_text(name), self)
            form.addRow(label, widget)

        self.day_first = QComboBox(self)
        self.day_first.addItem("Dates: work out from the column", "auto")
        self.day_first.addItem("Dates are day first (31/12/2024)", "day")
        self.day_first.addItem("Dates are month first (12/31/2024)", "month")
        self.day_first.setCurrentIndex(max(self.day_first.findData(_ORDER[start.day_first]), 0))
        self.zone = QLineEdit(start.timezone, self)
        self.zone.setToolTip("Time zone of submission times written without an offset")
        options = QHBoxLayout()
        options.addWidget(self.day_first, 2)
        options.addWidget(QLabel("time zone", self))
        options.addWidget(self.zone, 1)
        form.addRow("Options", options)

        self.problem = QLabel(self)
        self.problem.setObjectName("mappingProblem")
        self.problem.setStyleSheet("color:#b45309")
        self.use_guess = QPushButton("Guess from headers", self)
        self.use_guess.clicked.connect(lambda _c=False: self.apply(self.guessed))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Next")
        self.buttons.addButton(self.use_guess, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.origin)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(980, 720)
        self._changed()

    @staticmethod
    def _label_text(name: str) -> str:
        text = FIELD_LABELS[name]
        several = " (several)" if name in MULTI_FIELDS else ""
        if name in ReportMapping.REQUIRED:
            return f"<b>{text} *</b>{several}"
        return text + several

    def _wire_new_combo(self) -> None:
        for widget in self.fields.values():
            if isinstance(widget, _MultiColumn):
                widget.combos[-1].currentIndexChanged.connect(self._changed)
        self._changed()

    def apply(self, mapping: ReportMapping) -> None:
        """Show `mapping` in the combos (the guess, or a saved one)."""
        for name, widget in self.fields.items():
            value = getattr(mapping, name)
            if isinstance(widget, _MultiColumn):
                wanted = list(value) or [""]
                while len(widget.combos) < len(wanted):
                    widget.add("").currentIndexChanged.connect(self._changed)
                for i, combo in enumerate(widget.combos):
                    column = wanted[i] if i < len(wanted) else ""
                    combo.setCurrentIndex(max(combo.findData(column), 0) if column else 0)
            else:
                widget.setCurrentIndex(max(widget.findData(value), 0) if value else 0)
        self._changed()

    def mapping(self) -> ReportMapping:
        values: dict[str, object] = {}
        for name, widget in self.fields.items():
            values[name] = widget.columns() if isinstance(widget, _MultiColumn) else widget.column()
        values["day_first"] = {v: k for k, v in _ORDER.items()}[self.day_first.currentData()]
        values["timezone"] = self.zone.text().strip() or "UTC"
        return replace(ReportMapping(), **values)  # type: ignore[arg-type]

    def _changed(self, *_: object) -> None:
        mapping = self.mapping()
        missing = mapping.missing()
        self.ok.setEnabled(not missing)
        if missing:
            names = ", ".join(FIELD_LABELS[m] for m in missing)
            self.problem.setText(f"Choose a column for: {names}.")
        else:
            self.problem.setText("")
        # Tint the preview's mapped columns, so a wrong pick shows at a glance.
        mapped = {c for cols in mapping.columns().values() for c in cols}
        for c, header in enumerate(self.preview.headers):
            tint = _MAPPED if header in mapped else QColor(0, 0, 0, 0)
            for r in range(self.table.rowCount()):
                item = self.table.item(r, c)
                if item is not None:
                    item.setBackground(tint)
            head = self.table.horizontalHeaderItem(c)
            if head is not None:
                field = next((f for f, cols in mapping.columns().items() if header in cols), "")
                head.setToolTip(f"→ {FIELD_LABELS[field]}" if field else "not imported")
                head.setText(f"{header}\n→ {FIELD_LABELS[field]}" if field else header)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": ",", ";": ";", "|": "|"}.get(delimiter, delimiter)
