"""Snapshot of the synced moment: every tile's exact frame composed into one PNG.

Each frame keeps its own resolution up to a common width and carries a caption naming the
clip, the frame index, its pts and the race time, so the evidence says what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

CAPTION_PX = 28
GAP_PX = 6
MAX_CELL_WIDTH = 1280


@dataclass(frozen=True)
class SnapshotPart:
    """One tile's contribution: its title, its frame (None: unavailable) and a caption."""

    title: str
    image: QImage | None
    caption: str


def compose(parts: list[SnapshotPart], heading: str) -> QImage:
    """One image: a heading line, then the parts in a grid (1, 2 side by side, or 2×2)."""
    columns = 1 if len(parts) == 1 else 2
    rows = (len(parts) + columns - 1) // columns
    widths = [min(p.image.width(), MAX_CELL_WIDTH) for p in parts if p.image is not None]
    cell_w = max(widths, default=640)
    heights = [
        round(p.image.height() * cell_w / p.image.width())
        for p in parts
        if p.image is not None and p.image.width()
    ]
    cell_h = max(heights, default=360) + CAPTION_PX
    width = columns * cell_w + (columns + 1) * GAP_PX
    height = CAPTION_PX + rows * cell_h + (rows + 1) * GAP_PX
    canvas = QImage(width, height, QImage.Format.Format_RGB888)
    canvas.fill(QColor("#111214"))
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    font = QFont()
    font.setPixelSize(15)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(
        QRectF(GAP_PX, 0, width - 2 * GAP_PX, CAPTION_PX), Qt.AlignmentFlag.AlignVCenter, heading
    )
    for i, part in enumerate(parts):
        x = GAP_PX + (i % columns) * (cell_w + GAP_PX)
        y = CAPTION_PX + GAP_PX + (i // columns) * (cell_h + GAP_PX)
        painter.setPen(QColor("white"))
        label = f"{part.title} — {part.caption}"
        painter.drawText(QRectF(x, y, cell_w, CAPTION_PX), Qt.AlignmentFlag.AlignVCenter, label)
        area = QRectF(x, y + CAPTION_PX, cell_w, cell_h - CAPTION_PX)
        if part.image is None or part.image.isNull():
            painter.setPen(QColor("#ff9b9b"))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "no picture")
            continue
        scale = min(area.width() / part.image.width(), area.height() / part.image.height())
        w, h = part.image.width() * scale, part.image.height() * scale
        painter.drawImage(QRectF(area.x(), area.y(), w, h), part.image)
    painter.end()
    return canvas


def png_bytes(image: QImage) -> bytes:
    """The image encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 6.11 takes the format as str at run time although its stubs say bytes.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise OSError("Qt could not encode the snapshot as PNG")
    buffer.close()
    return bytes(data.data())
