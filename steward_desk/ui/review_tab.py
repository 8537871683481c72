"""The review tab: the incident's footage on one race clock, with the verdict form beside it."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter, QWidget

SETTINGS_SPLITTER = "review/splitter"


class ReviewTab(QSplitter):
    """Footage left, verdict right; the split is remembered. Closing stops playback."""

    def __init__(
        self,
        workspace: QWidget,
        verdict: QWidget | None,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("reviewTab")
        self.workspace = workspace
        self.verdict = verdict
        self.settings = settings
        self.addWidget(workspace)
        if verdict is not None:
            self.addWidget(verdict)
            self.setStretchFactor(0, 3)
            self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)
        state = settings.value(SETTINGS_SPLITTER)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        else:
            self.setSizes([900, 520])
        self.splitterMoved.connect(lambda *_: self._remember())
        snapshot_saved = getattr(workspace, "snapshot_saved", None)
        refresh = getattr(verdict, "refresh_evidence", None)
        if snapshot_saved is not None and callable(refresh):
            snapshot_saved.connect(lambda *_: refresh())

    def _remember(self) -> None:
        self.settings.setValue(SETTINGS_SPLITTER, self.saveState())

    def shortcut_actions(self) -> list[QAction]:
        actions: list[QAction] = []
        for part in (self.workspace, self.verdict):
            provider = getattr(part, "shortcut_actions", None)
            if callable(provider):
                actions.extend(provider())
        return actions

    def shutdown(self) -> None:
        """Stop playback before the native video windows go (DESIGN decision 5)."""
        self._remember()
        close = getattr(self.workspace, "close_incident", None)
        if callable(close):
            close()
        stop = getattr(self.verdict, "shutdown", None)
        if callable(stop):
            stop()
