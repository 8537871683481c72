"""The incident's bookmarks as a list: colour, race time, label; click one to jump there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import format_race_time
from steward_desk.core.timeline import Bookmark, ReviewTimeline


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class BookmarksPanel(QWidget):
    """Mirrors `timeline.bookmarks`; asks the workspace to jump or remove."""

    jump_requested = Signal(int)
    remove_requested = Signal(str)

    def __init__(self, timeline: ReviewTimeline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        # Arrow keys step frames; the list must not take them.
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemClicked.connect(self._on_clicked)
        self.remove = QPushButton("Remove")
        self.remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove.clicked.connect(self._on_remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Bookmarks (M)"))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.remove)
        timeline.events.bookmarks.connect(self.show_bookmarks)
        self.show_bookmarks(timeline.bookmarks)

    def show_bookmarks(self, bookmarks: tuple[Bookmark, ...]) -> None:
        self.list.clear()
        for bookmark in bookmarks:
            item = QListWidgetItem(
                _swatch(bookmark.colour), f"{format_race_time(bookmark.race_ms)}  {bookmark.label}"
            )
            item.setData(Qt.ItemDataRole.UserRole, (bookmark.id, bookmark.race_ms))
            self.list.addItem(item)
        self.remove.setEnabled(bool(bookmarks))

    def _on_clicked(self, item: QListWidgetItem) -> None:
        _id, race_ms = item.data(Qt.ItemDataRole.UserRole)
        self.jump_requested.emit(int(race_ms))

    def _on_remove(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            bookmark_id, _ms = item.data(Qt.ItemDataRole.UserRole)
            self.remove_requested.emit(str(bookmark_id))
