"""File → New report…: a report typed in by a steward (a DM, a voice call, a late e-mail).

The drivers come from the session's roster (search by name, car number or player id), so a
hand-filed report never names an unknown driver. The dialog returns a `ManualReport`; the
caller files it through the same services as a form import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from steward_desk.intake.errors import FootageLinkError
from steward_desk.intake.footage_links import parse_footage_link
from steward_desk.storage.league import RosterEntry, SessionInfo

_RACE_TIME = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{2})(?:[.,](\d{1,3}))?$")
VIDEO_FILTER = "Videos (*.mp4 *.mkv *.webm *.mov *.avi *.ts *.flv *.m4v);;All files (*)"


def parse_race_time(text: str) -> int | None:
    """`mm:ss.mmm` or `h:mm:ss.mmm` → milliseconds; "" → None; anything else ValueError."""
    text = text.strip()
    if not text:
        return None
    match = _RACE_TIME.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a race time: write mm:ss.mmm (e.g. 62:03.400)")
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours and int(minutes) >= 60):
        raise ValueError(f"{text!r} is not a race time: seconds and minutes stop at 59")
    ms = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


@dataclass(frozen=True, slots=True)
class ManualReport:
    session_id: str
    reporter: str  # player id
    involved: tuple[str, ...]  # player ids of the others named
    reporter_involved: bool  # False: a witness (flagged: only drivers involved may report)
    lap: int | None
    race_time_ms: int | None
    description: str
    footage: tuple[str, ...]  # links or paths


def roster_label(entry: RosterEntry) -> str:
    return f"#{entry.car_number}  {entry.name}  ({entry.player_id})"


class NewReportDialog(QDialog):
    """Session, reporter, drivers involved, when, what, and the footage."""

    def __init__(
        self,
        sessions: list[SessionInfo],
        roster: Callable[[str], list[RosterEntry]],
        *,
        session_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New report")
        self.setObjectName("newReportDialog")
        self.roster_of = roster
        self.entries: list[RosterEntry] = []

        self.session = QComboBox(self)
        self.session.setObjectName("session")
        for s in sessions:
            self.session.addItem(f"{s.event} · {s.label} · {s.cars} cars", s.id)
        self.reporter = QComboBox(self)
        self.reporter.setObjectName("reporter")
        self.reporter.setEditable(True)
        self.reporter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        editor = self.reporter.lineEdit()
        if editor is not None:
            editor.setPlaceholderText("Type a name, car number or player id")
        self.search = QLineEdit(self)
        self.search.setObjectName("involvedSearch")
        self.search.setPlaceholderText("Search drivers involved…")
        self.search.setClearButtonEnabled(True)
        self.involved = QListWidget(self)
        self.involved.setObjectName("involved")
        self.involved.setMinimumHeight(140)
        self.reporter_involved = QCheckBox("The reporter was involved in the incident", self)
        self.reporter_involved.setChecked(True)
        self.lap = QSpinBox(self)
        self.lap.setRange(0, 999)
        self.lap.setSpecialValueText("—")
        self.race_time = QLineEdit(self)
        self.race_time.setObjectName("raceTime")
        self.race_time.setPlaceholderText("mm:ss.mmm")
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("description")
        self.description.setPlaceholderText("What happened, as the driver described it")
        self.description.setMinimumHeight(80)

        self.footage = QListWidget(self)
        self.footage.setObjectName("footage")
        self.footage.setMaximumHeight(90)
        self.footage_entry = QLineEdit(self)
        self.footage_entry.setPlaceholderText("Paste a YouTube / Twitch / Drive link or a path")
        add_link = QPushButton("Add", self)
        add_file = QPushButton("Add file…", self)
        remove = QPushButton("Remove", self)
        add_link.clicked.connect(lambda _c=False: self.add_footage(self.footage_entry.text()))
        self.footage_entry.returnPressed.connect(
            lambda: self.add_footage(self.footage_entry.text())
        )
        add_file.clicked.connect(lambda _c=False: self.choose_files())
        remove.clicked.connect(lambda _c=False: self._remove_footage())
        footage_row = QHBoxLayout()
        footage_row.addWidget(self.footage_entry, 1)
        for button in (add_link, add_file, remove):
            footage_row.addWidget(button)

        when = QHBoxLayout()
        when.addWidget(QLabel("lap", self))
        when.addWidget(self.lap)
        when.addWidget(QLabel("race time", self))
        when.addWidget(self.race_time, 1)

        form = QFormLayout()
        form.addRow("Session *", self.session)
        form.addRow("Reporter *", self.reporter)
        form.addRow("", self.reporter_involved)
        involved_box = QVBoxLayout()
        involved_box.addWidget(self.search)
        involved_box.addWidget(self.involved)
        form.addRow("Involved *", involved_box)
        form.addRow("When", when)
        form.addRow("Description *", self.description)
        footage_box = QVBoxLayout()
        footage_box.addWidget(self.footage)
        footage_box.addLayout(footage_row)
        form.addRow("Footage", footage_box)

        self.problem = QLabel(self)
        self.problem.setObjectName("reportProblem")
        self.problem.setStyleSheet("color:#b45309")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("File report")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(620, 700)

        self.session.currentIndexChanged.connect(lambda _i: self._load_roster())
        self.search.textChanged.connect(self._filter)
        if session_id is not None:
            self.session.setCurrentIndex(max(self.session.findData(session_id), 0))
        self._load_roster()

    # -- roster ----------------------------------------------------------------------------
    def _load_roster(self) -> None:
        session_id = self.session.currentData()
        self.entries = self.roster_of(session_id) if session_id else []
        labels = [roster_label(e) for e in self.entries]
        self.reporter.clear()
        for entry, label in zip(self.entries, labels, strict=True):
            self.reporter.addItem(label, entry.player_id)
        self.reporter.setCurrentIndex(-1)
        completer = QCompleter(labels, self.reporter)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.reporter.setCompleter(completer)
        self.involved.clear()
        for entry, label in zip(self.entries, labels, strict=True):
            item = QListWidgetItem(label, self.involved)
            item.setData(Qt.ItemDataRole.UserRole, entry.player_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        """ "#12" finds car 12 only; anything else finds names and player ids containing it."""
        needle = text.strip().casefold()
        car = needle[1:].strip() if needle.startswith("#") else None
        for i, entry in enumerate(self.entries):
            item = self.involved.item(i)
            if not needle:
                hidden = False
            elif car is not None:
                hidden = car.isdigit() and str(entry.car_number) != car
            else:
                hidden = needle not in item.text().casefold()
            item.setHidden(hidden)

    def set_reporter(self, player_id: str) -> None:
        self.reporter.setCurrentIndex(self.reporter.findData(player_id))

    def set_involved(self, player_ids: list[str]) -> None:
        for i in range(self.involved.count()):
            item = self.involved.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in player_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def reporter_id(self) -> str | None:
        """The chosen reporter, also when the steward typed the label instead of picking."""
        text = self.reporter.currentText().strip()
        index = self.reporter.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.reporter.itemData(index))
        if self.reporter.currentIndex() >= 0 and text == self.reporter.itemText(
            self.reporter.currentIndex()
        ):
            return str(self.reporter.currentData())
        return None

    def involved_ids(self) -> list[str]:
        return [
            str(self.involved.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.involved.count())
            if self.involved.item(i).checkState() == Qt.CheckState.Checked
        ]

    # -- footage ---------------------------------------------------------------------------
    def add_footage(self, text: str) -> bool:
        text = text.strip()
        if not text:
            return False
        try:
            link = parse_footage_link(text)
        except FootageLinkError as error:
            self.problem.setText(str(error))
            return False
        if link.source == "file" and not Path(link.url).expanduser().exists():
            self.problem.setText(f"{Path(link.url).name}: no such file on this desk")
            return False
        when = f" @ {link.start_ms / 1000:.0f} s" if link.start_ms is not None else ""
        item = QListWidgetItem(f"{link.source}: {text}{when}", self.footage)
        item.setData(Qt.ItemDataRole.UserRole, text)
        self.footage_entry.clear()
        self.problem.setText("")
        return True

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add footage", "", VIDEO_FILTER)
        for name in files:
            self.add_footage(name)

    def _remove_footage(self) -> None:
        for item in self.footage.selectedItems():
            self.footage.takeItem(self.footage.row(item))

    # -- result ----------------------------------------------------------------------------
    def problems(self) -> list[str]:
        out = []
        if not self.session.currentData():
            out.append("Choose the session.")
        reporter = self.reporter_id()
        if reporter is None:
            out.append("Choose the reporter from the session's drivers.")
        involved = [p for p in self.involved_ids() if p != reporter]
        if not involved:
            out.append("Tick at least one other driver involved.")
        if not self.description.toPlainText().strip():
            out.append("Describe what happened.")
        try:
            parse_race_time(self.race_time.text())
        except ValueError as error:
            out.append(str(error))
        return out

    def _accept_if_valid(self) -> None:
        problems = self.problems()
        if problems:
            self.problem.setText(" ".join(problems))
            return
        self.accept()

    def report(self) -> ManualReport:
        """The values as typed; call after the dialog was accepted (problems() is empty)."""
        reporter = self.reporter_id() or ""
        return ManualReport(
            session_id=str(self.session.currentData()),
            reporter=reporter,
            involved=tuple(p for p in self.involved_ids() if p != reporter),
            reporter_involved=self.reporter_involved.isChecked(),
            lap=self.lap.value() or None,
            race_time_ms=parse_race_time(self.race_time.text()),
            description=self.description.toPlainText().strip(),
            footage=tuple(
                str(self.footage.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.footage.count())
            ),
        )
