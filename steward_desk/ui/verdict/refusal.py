"""The pages the verdict panel shows instead of its form: the refusal when the steward has a
conflict of interest in the case, and the question who is judging on a desk with no steward."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from steward_desk.storage.stewards import StewardInfo
from steward_desk.storage.verdict_records import CaseFacts
from steward_desk.ui.theme import ERROR_TEXT

_ERROR = f"color:{ERROR_TEXT};"


class RefusalPage(QLabel):
    """Why this steward cannot judge this case, in words they can act on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictRefusal")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setMargin(24)
        self.setMaximumWidth(760)

    def show_conflict(self, case: CaseFacts, steward: StewardInfo, reason: str) -> None:
        """Name the case, its drivers, the steward and the conflict `reason`."""
        drivers = "".join(
            f"<li>{'#' + str(d.car_number) + ' ' if d.car_number is not None else ''}"
            f"<b>{html.escape(d.name)}</b> ({d.role.value})"
            f"{' · ' + html.escape(case.teams[d.player_id]) if case.teams.get(d.player_id) else ''}"
            "</li>"
            for d in case.involved
        )
        you = html.escape(steward.name) + (
            f" · team {html.escape(steward.team)}" if steward.team else ""
        )
        if steward.player_id:
            you += f" · player id {html.escape(steward.player_id)}"
        self.setText(
            f"<h2 style='{_ERROR}'>You cannot judge case {case.number}</h2>"
            f"<p style='font-size:15px'><b>{html.escape(reason)}</b></p>"
            f"<p>Case {case.number} · {html.escape(case.event)} · lap {case.lap or '—'}</p>"
            f"<p>Drivers involved:</p><ul>{drivers}</ul><p>You: {you}</p>"
            "<p>The rulebook's panel rules keep stewards who are involved in an incident, or "
            "race for the same team as a driver involved, out of it. <b>Your recusal is "
            "recorded</b> in the case's history and listed for the head steward in the case "
            "details; the case goes to the other stewards of the panel.</p>"
        )


class NoStewardPage(QWidget):
    """Asks who judges on this desk: the conflict-of-interest rule needs a name and a team.
    The panel connects `setup_button` to the steward set-up it was given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(
            "<h3>Who is judging?</h3><p>This desk has no steward yet. Create a signing key "
            "(<code>steward-desk keys init</code>) or enter your name, team and player id "
            "once: the conflict-of-interest rule needs them.</p>",
            self,
        )
        label.setWordWrap(True)
        self.setup_button = QPushButton("Set up who I am…", self)
        layout.addWidget(label)
        layout.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
