"""Where the tiles sit: 1, 2 side by side, or 2×2, each cell shaped like 16:9 video.

A grid layout would stretch tiles to the window's shape and fill them with black bars; this
area sizes every cell to the video's shape, as large as the space allows, and asks for no
more height than that needs, so the space below goes to the scrubber and the clip list.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ASPECT = 16 / 9
GAP = 4
HEADER = 24  # a tile's title row


class TileArea(QWidget):
    """Lays out the visible tiles; call `set_tiles` when the layout or the tiles change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tiles: list[QWidget] = []
        self._columns = 1
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(320, 200)

    def set_tiles(self, tiles: list[QWidget], columns: int) -> None:
        self._tiles, self._columns = tiles, max(1, columns)
        for tile in tiles:
            tile.setParent(self)
            tile.show()
        self.updateGeometry()
        self._place()

    def _rows(self) -> int:
        return max(1, (len(self._tiles) + self._columns - 1) // self._columns)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        cell_w = (width - GAP * (self._columns - 1)) / self._columns
        return round(self._rows() * (cell_w / ASPECT + HEADER) + GAP * (self._rows() - 1))

    def sizeHint(self) -> QSize:
        return QSize(960, self.heightForWidth(960))

    def cells(self) -> list[QRect]:
        """The rectangle of each visible tile, in order."""
        rows, columns = self._rows(), self._columns
        width, height = self.width(), self.height()
        cell_w = (width - GAP * (columns - 1)) / columns
        cell_h = cell_w / ASPECT + HEADER
        if rows * cell_h + GAP * (rows - 1) > height:
            cell_h = (height - GAP * (rows - 1)) / rows
            cell_w = (cell_h - HEADER) * ASPECT
        block_w = columns * cell_w + GAP * (columns - 1)
        left = (width - block_w) / 2
        return [
            QRect(
                round(left + (i % columns) * (cell_w + GAP)),
                round((i // columns) * (cell_h + GAP)),
                round(cell_w),
                round(cell_h),
            )
            for i in range(len(self._tiles))
        ]

    def _place(self) -> None:
        for tile, rect in zip(self._tiles, self.cells(), strict=True):
            tile.setGeometry(rect)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place()
        super().resizeEvent(event)
