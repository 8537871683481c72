"""One clip's tile: a title, then its exact frame, its libVLC video, or why it cannot show.

The tile shows one of three faces:

- frames: the exact frame from the frame server (paused, stepping, scrubbing, and playback
  without libVLC), drawn to fit, with a note when the race clock is outside the clip and a
  "preview" badge while the picture is the frame's scrub preview (original pixels follow);
- video: a native window libVLC draws into while playing (the tile never paints it);
- message: which file and why it cannot be shown; the other tiles keep working.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import format_race_time
from steward_desk.media.frame_server import Frame

FOCUS_COLOUR = "#3d8bfd"


def frame_to_image(frame: Frame) -> QImage:
    """A QImage that owns a copy of the frame's RGB pixels."""
    pixels = np.ascontiguousarray(frame.image)
    height, width = pixels.shape[:2]
    image = QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()


def image_to_rgb(image: QImage) -> np.ndarray:
    """The RGB pixels of a QImage as an H×W×3 array (to read stamps back in tests)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    raw = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height)
    return raw.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


class FrameView(QWidget):
    """Paints a picture fitted into the widget on black, with an optional note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.note = ""
        self.dimmed = False
        self.preview = False
        self.setMinimumSize(160, 90)

    def set_image(
        self, image: QImage | None, note: str = "", dimmed: bool = False, preview: bool = False
    ) -> None:
        self.image, self.note, self.dimmed, self.preview = image, note, dimmed, preview
        self.update()

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn: fitted, centred, aspect kept."""
        if self.image is None or self.image.isNull():
            return QRectF()
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        w, h = self.image.width() * scale, self.image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        if self.image is not None and not self.image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.picture_rect(), self.image)
            if self.dimmed:
                painter.fillRect(self.picture_rect(), QColor(0, 0, 0, 150))
            if self.preview:
                self._paint_badge(painter, "preview")
        if self.note:
            painter.setPen(QColor("white"))
            box = self.rect().adjusted(8, 8, -8, -8)
            painter.drawText(
                box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.note
            )
        painter.end()

    def _paint_badge(self, painter: QPainter, text: str) -> None:
        """A small pill in the picture's top-right corner (an overlay: the header never moves)."""
        metrics = painter.fontMetrics()
        w, h = metrics.horizontalAdvance(text) + 12, metrics.height() + 4
        picture = self.picture_rect()
        box = QRectF(picture.right() - w - 6, picture.top() + 6, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, h / 2, h / 2)
        painter.setPen(QColor("#ffd166"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when its text does not fit (tile titles)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setMinimumWidth(40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)
        painter.end()


class VideoSurface(QWidget):
    """A native window of its own for libVLC to draw into (set_xwindow / hwnd / nsobject)."""

    def __init__(self, parent: QWidget | None = None, *, native: bool = True) -> None:
        super().__init__(parent)
        if native:
            # Its own native window, without turning every ancestor native too.
            self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
            self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAutoFillBackground(False)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        painter.end()


class ClipTile(QFrame):
    """A clip's tile; click to focus it."""

    clicked = Signal(str)

    FRAMES, VIDEO, MESSAGE = 0, 1, 2

    def __init__(
        self, clip_id: str, title: str, parent: QWidget | None = None, *, native_video: bool = True
    ) -> None:
        super().__init__(parent)
        self.clip_id = clip_id
        self.displayed: Frame | None = None
        self.displayed_image: QImage | None = None
        self.error: str | None = None
        self.setObjectName("clipTile")
        self.title = ElidedLabel(title)
        self.title.setToolTip(title)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.status = QLabel("opening…")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QWidget()
        row = QHBoxLayout(header)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.title, 1)
        row.addWidget(self.status)
        self.frames = FrameView()
        self.video = VideoSurface(native=native_video)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("background: #2a1c1c; color: #ffd7d7; padding: 12px;")
        self.stack = QStackedWidget()
        for face in (self.frames, self.video, self.message):
            self.stack.addWidget(face)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)
        self.set_focused(False)

    @property
    def face(self) -> int:
        return self.stack.currentIndex()

    def set_face(self, face: int) -> None:
        if self.error is None and face != self.stack.currentIndex():
            self.stack.setCurrentIndex(face)

    def set_focused(self, focused: bool) -> None:
        colour = FOCUS_COLOUR if focused else "#555a63"
        self.setStyleSheet(f"#clipTile {{ border: 2px solid {colour}; border-radius: 3px; }}")
        font = self.title.font()
        font.setBold(focused)
        self.title.setFont(font)

    def show_frame(self, frame: Frame, race_ms: int, note: str = "", dimmed: bool = False) -> None:
        """Show an exact frame; the status says which frame and the race time it stands for."""
        self.displayed = frame
        self.displayed_image = frame_to_image(frame)
        # A preview is the exact frame, its original pixels still on their way (a snapshot waits).
        self.frames.set_image(self.displayed_image, note, dimmed, preview=frame.preview)
        self.status.setText(f"frame {frame.index} · {format_race_time(race_ms)}")
        self.set_face(self.FRAMES)

    def show_error(self, text: str) -> None:
        """This clip cannot be shown; say which file and why, for good."""
        self.error = text
        self.message.setText(text)
        self.status.setText("unavailable")
        self.stack.setCurrentIndex(self.MESSAGE)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.clip_id)
        super().mousePressEvent(event)
