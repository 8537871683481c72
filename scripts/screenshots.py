"""Take the README's screenshots from the real app on the demo league.

Run under a real X server so windows are drawn by the platform as a user sees them:
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py docs/screenshots
Each screen is shown, given time to paint, then grabbed from the screen (QScreen.grabWindow),
which includes native children such as embedded video.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from steward_desk.app import build_desk
from steward_desk.demo.builder import build_demo
from steward_desk.demo.desk import remember_demo_steward
from steward_desk.paths import Paths
from steward_desk.storage.store import Store


def settle(ms: int = 600) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, path: Path) -> None:
    settle()
    screen = QApplication.primaryScreen()
    top = widget.window()
    frame = top.frameGeometry()
    picture = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if picture.isNull():
        picture = top.grab()
    picture.save(str(path))
    print(f"saved {path}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="steward-desk-shots-"))
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    summary = build_demo(store, paths)
    store.close()
    remember_demo_steward(paths, summary.steward_id)
    desk = build_desk(paths)
    window = desk.window
    window.resize(1840, 1000)
    window.move(20, 20)
    window.show()
    window.select_incident(window.store.incidents.resolve("1"))
    grab(window, out / "main-window.png")
    if window.review_factory is not None:
        window.open_review(window.store.incidents.resolve("1"))
        settle(2500)
        grab(window, out / "review-2-tiles.png")
        window.open_review(window.store.incidents.resolve("6"))
        settle(2500)
        grab(window, out / "review-3-tiles.png")
    exports = getattr(window, "exports", None)
    if exports is not None:
        page = exports.open_results_page()
        if page is not None:
            spa = next(
                s
                for s in window.store.league.sessions()
                if s.track == "spa" and s.type.value == "R"
            )
            page.choose_session(spa.id)
            settle(1500)
            grab(window, out / "results-page.png")
        exports.open_ledger_page()
        settle(1500)
        grab(window, out / "ledger-page.png")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
