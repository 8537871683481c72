"""The one place that wires storage, services and the UI together, and runs the app."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from steward_desk import __version__
from steward_desk.paths import Paths
from steward_desk.storage.store import Store
from steward_desk.ui.main_window import SETTINGS_THEME, MainWindow
from steward_desk.ui.tasks import TaskRunner
from steward_desk.ui.theme import apply_theme


@dataclass
class Desk:
    """Everything a running desk holds; tests build one without calling `run`."""

    app: QApplication
    store: Store
    window: MainWindow
    runner: TaskRunner
    settings: QSettings


def _qapplication() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if (
        sys.platform.startswith("linux")
        and os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        # DESIGN decision 5: libVLC cannot embed into Wayland surfaces; XWayland can.
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Steward Desk")
    app.setOrganizationName("StewardDesk")
    app.setApplicationVersion(__version__)
    return app


def _playback_banner() -> str:
    try:
        from steward_desk.media.vlc_backend import libvlc_status
    except ImportError:
        return ""
    available, reason = libvlc_status()
    return "" if available else reason


def build_desk(paths: Paths, *, synchronous: bool = False) -> Desk:
    app = _qapplication()
    paths.ensure()
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    apply_theme(app, str(settings.value(SETTINGS_THEME, "system")))
    store = Store.open(paths)
    runner = TaskRunner(app, synchronous=synchronous)
    window = MainWindow(store, paths, runner, settings, banner=_playback_banner())
    window.review_factory = _review_factory(store, paths, runner, window)
    desk = Desk(app=app, store=store, window=window, runner=runner, settings=settings)
    for module in _FEATURE_MODULES:
        _install(module, desk)
    return desk


# Each capability adds its menus and actions to the window through `install(desk)`.
_FEATURE_MODULES = (
    "steward_desk.ui.intake.actions",
    "steward_desk.ui.verdict.actions",
    "steward_desk.ui.panel.actions",
    "steward_desk.ui.exports.actions",
)


def _install(module_name: str, desk: Desk) -> None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            return  # that capability is not part of this build
        raise
    module.install(desk)


def _review_factory(store: Store, paths: Paths, runner: TaskRunner, window: MainWindow):  # type: ignore[no-untyped-def]
    import importlib.util

    # The package, not its module: finding a submodule would import the package (and PyAV).
    if importlib.util.find_spec("steward_desk.ui.review") is None:
        return None

    def make(incident_id: str) -> QWidget:
        # Imported on the first review: PyAV and the frame server are not needed to start.
        from steward_desk.ui.review.workspace import ReviewWorkspace
        from steward_desk.ui.review_services import StoreReviewServices
        from steward_desk.ui.review_tab import ReviewTab

        workspace = ReviewWorkspace(StoreReviewServices(store, paths), window)
        workspace.message.connect(lambda text: window.statusBar().showMessage(text, 4000))
        workspace.open_incident(incident_id)
        verdicts = getattr(window, "verdicts", None)  # the verdict capability, when installed
        verdict = verdicts.make_panel(incident_id) if verdicts is not None else None
        return ReviewTab(workspace, verdict, window.settings, window)

    return make


def run(paths: Paths) -> int:
    """Open the main window on the database `paths` names and run until it closes."""
    desk = build_desk(paths)
    desk.window.show()
    code = desk.app.exec()
    desk.store.close()
    return int(code)
