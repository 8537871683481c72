"""What the verdict capability adds to the main window: Incident → Judge case… (Ctrl+J),
the steward's identity, the case workflow moves and the clocks in the case details."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox

from steward_desk.core.model import StewardRole
from steward_desk.core.rulebook import Rulebook, RulebookError, load_rulebook
from steward_desk.storage.stewards import StewardInfo, StewardRepository, desk_steward
from steward_desk.storage.verdicts import VerdictRepository
from steward_desk.ui.verdict.case_workflow import CaseWorkflowMenu
from steward_desk.ui.verdict.panel import VerdictPanel
from steward_desk.ui.verdict.steward_dialog import StewardDialog

if TYPE_CHECKING:
    from steward_desk.app import Desk

SETTINGS_STEWARD = "verdict/steward_id"
TAB_PROPERTY = "verdict_incident_id"


class VerdictCapability:
    """Holds the wiring so tests can reach it: `desk.window.verdicts`."""

    def __init__(self, desk: Desk, rulebook: Rulebook) -> None:
        self.desk = desk
        self.rulebook = rulebook
        self.repo = VerdictRepository(desk.store, rulebook)
        window = desk.window
        window.incident_menu.addSeparator()
        self.judge_action = QAction("&Judge case…", window)
        self.judge_action.setShortcut(QKeySequence("Ctrl+J"))
        self.judge_action.setProperty("shortcut_group", "Verdict form")
        self.judge_action.triggered.connect(lambda _c=False: self.judge())
        window.incident_menu.addAction(self.judge_action)
        self.identity_action = QAction("Who am I (steward)…", window)
        self.identity_action.triggered.connect(lambda _c=False: self.set_up_steward())
        window.incident_menu.addAction(self.identity_action)
        self.workflow = CaseWorkflowMenu(desk, self.repo, self._actor)

    # -- the steward -----------------------------------------------------------------------
    def steward(self) -> StewardInfo | None:
        remembered = self.desk.settings.value(SETTINGS_STEWARD)
        found = desk_steward(
            self.desk.store, self.desk.window.paths.keys_dir, str(remembered or "") or None
        )
        if found is not None:
            self.desk.store.actor = found.name
        return found

    def _actor(self) -> str:
        who = self.steward()
        return who.name if who else self.desk.store.actor

    def set_up_steward(self) -> StewardInfo | None:
        """Ask who judges on this desk (once); stored in the steward table and settings."""
        current = self.steward()
        keyed = current is not None and current.kid is not None
        dialog = StewardDialog(current, key_name=keyed, parent=self.desk.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return current
        return self.save_steward(dialog.value().name, dialog.value().team,
                                 dialog.value().player_id, dialog.value().roles)  # fmt: skip

    def save_steward(
        self, name: str, team: str, player_id: str, roles: Iterable[StewardRole | str]
    ) -> StewardInfo:
        """Store this desk's steward (a new row, or the current one updated) and remember it."""
        stewards = StewardRepository(self.desk.store)
        current = self.steward()
        if current is None:
            info = stewards.register(name, roles, team=team, player_id=player_id or None)
        else:
            info = stewards.update(
                current.id,
                name=None if current.kid else name,
                team=team,
                player_id=player_id,
                roles=None if current.kid else roles,
            )
        self.desk.settings.setValue(SETTINGS_STEWARD, info.id)
        self.desk.settings.sync()
        return info

    # -- the form --------------------------------------------------------------------------
    def judge(self, incident_id: str | None = None) -> VerdictPanel | None:
        """Open (or switch to) the verdict form of the selected case in its own tab."""
        window = self.desk.window
        incident_id = incident_id or window.current_incident_id()
        if incident_id is None:
            window.statusBar().showMessage("Select a case in the queue first", 4000)
            return None
        for i in range(1, window.tabs.count()):
            tab = window.tabs.widget(i)
            # The form on its own, or beside the footage in a review tab: one form per case,
            # so two drafts of the same verdict never race each other.
            panel = tab if isinstance(tab, VerdictPanel) else getattr(tab, "verdict", None)
            if isinstance(panel, VerdictPanel) and panel.property(TAB_PROPERTY) == incident_id:
                window.tabs.setCurrentIndex(i)
                panel.setFocus()
                return panel
        if self.steward() is None and self.set_up_steward() is None:
            return None
        panel = self.make_panel(incident_id)
        number = self.repo.case(incident_id).number
        index = window.tabs.addTab(panel, f"Verdict · case {number}")
        window.tabs.setCurrentIndex(index)
        panel.setFocus()
        return panel

    def make_panel(self, incident_id: str) -> VerdictPanel:
        """A VerdictPanel on `incident_id` wired to the window (the review tab uses it too)."""
        window = self.desk.window
        panel = VerdictPanel(window.store, window.paths, self.rulebook, self.steward, window)
        panel.steward_setup = lambda: (self.set_up_steward(), None)[1]
        panel.setProperty(TAB_PROPERTY, incident_id)
        panel.submitted.connect(lambda _id: self._after_submit(incident_id))
        panel.open_incident(incident_id)
        return panel

    def _after_submit(self, incident_id: str) -> None:
        window = self.desk.window
        window.refresh()
        window.statusBar().showMessage("Verdict submitted: the case awaits the panel", 5000)


def install(desk: Desk) -> None:
    """Add the verdict form, the steward's identity and the case workflow to the window."""
    try:
        rulebook = load_rulebook()
    except RulebookError as error:
        QMessageBox.warning(desk.window, "Steward Desk", f"The rulebook cannot be used:\n{error}")
        return
    desk.window.verdicts = VerdictCapability(desk, rulebook)  # type: ignore[attr-defined]
