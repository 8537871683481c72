"""The race-time scrubber: one line for every clip of the incident, painted by hand.

It draws the clips' spans, lap marks, the incident's reported time, bookmarks and the A-B loop
from the timeline model, and writes the steward's drags into the model. While the steward
drags, the handle follows the mouse and the model's position events (the drag's own echo)
move nothing; each move is written at once, so the tiles show frames continuously.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from steward_desk.core.model import format_race_time
from steward_desk.core.timeline import ReviewTimeline

CLIP_COLOURS = ("#4cc9f0", "#f72585", "#b5e48c", "#ffb703")
INCIDENT_COLOUR = "#ff4d4d"
LOOP_COLOUR = QColor(61, 139, 253, 70)
MARGIN = 12


class RaceScrubber(QWidget):
    """A race-time bar over the clips' span; drag or click to move the race position."""

    scrub_started = Signal()
    scrub_finished = Signal(int)

    def __init__(self, timeline: ReviewTimeline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.dragging = False
        self._drag_ms = 0
        self.setMinimumHeight(78)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the workspace shortcuts
        self.setMouseTracking(False)
        self.setToolTip("Race time: click or drag to move every clip")
        events = timeline.events
        for event in (events.tracks, events.loop, events.bookmarks, events.marks):
            event.connect(lambda _value: self.update())
        events.position.connect(self._on_position)

    # -- model → view ------------------------------------------------------------------------
    def _on_position(self, _race_ms: int) -> None:
        if not self.dragging:  # a drag paints its own handle; the model's echo changes nothing
            self.update()

    def shown_position(self) -> int:
        """The race time the handle stands at (the mouse's while dragging)."""
        return self._drag_ms if self.dragging else self.timeline.position_ms

    # -- geometry ------------------------------------------------------------------------------
    def x_for(self, race_ms: float) -> float:
        start, end = self.timeline.span()
        width = max(1, self.width() - 2 * MARGIN)
        return MARGIN + (race_ms - start) / (end - start) * width

    def ms_for(self, x: float) -> int:
        start, end = self.timeline.span()
        width = max(1, self.width() - 2 * MARGIN)
        fraction = min(max((x - MARGIN) / width, 0.0), 1.0)
        return round(start + fraction * (end - start))

    # -- view → model --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.scrub_started.emit()
        self.dragging = True
        self._move_to(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.dragging:
            self._move_to(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self.dragging:
            return
        self._move_to(event.position().x())
        self.dragging = False
        self.update()
        self.scrub_finished.emit(self._drag_ms)

    def _move_to(self, x: float) -> None:
        self._drag_ms = self.ms_for(x)
        self.timeline.set_position(self._drag_ms)
        self.update()

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.windowText().color()
        p.fillRect(self.rect(), palette.window())
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        p.setFont(small)
        groove = QRectF(MARGIN, 24, self.width() - 2 * MARGIN, 12)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(128, 128, 128, 70))
        p.drawRoundedRect(groove, 4, 4)
        self._paint_clips(p, groove)
        self._paint_loop(p, groove)
        self._paint_laps(p, groove, text)
        self._paint_incident(p, groove)
        self._paint_bookmarks(p, groove)
        start, end = self.timeline.span()
        p.setPen(text)
        bottom = QRectF(MARGIN, self.height() - 16, self.width() - 2 * MARGIN, 14)
        p.drawText(bottom, Qt.AlignmentFlag.AlignLeft, format_race_time(start))
        p.drawText(bottom, Qt.AlignmentFlag.AlignRight, format_race_time(end))
        self._paint_head(p, groove, text)
        p.end()

    def _paint_clips(self, p: QPainter, groove: QRectF) -> None:
        for i, track in enumerate(self.timeline.tracks):
            if track.end_ms is None:
                continue  # not opened (yet): its length is unknown
            x0, x1 = self.x_for(track.offset_ms), self.x_for(track.end_ms)
            p.setBrush(QColor(CLIP_COLOURS[i % len(CLIP_COLOURS)]))
            p.drawRect(QRectF(x0, groove.bottom() + 3 + i * 5, max(1.0, x1 - x0), 3))

    def _paint_loop(self, p: QPainter, groove: QRectF) -> None:
        a, b = self.timeline.loop_marks
        colour = QColor(61, 139, 253)
        if a is not None and b is not None and a < b:
            p.fillRect(QRectF(self.x_for(a), groove.top() - 4, self.x_for(b) - self.x_for(a),
                              groove.height() + 8), LOOP_COLOUR)  # fmt: skip
        p.setPen(QPen(colour, 2))
        for mark, sign in ((a, 1), (b, -1)):
            if mark is None:
                continue
            x = self.x_for(mark)
            top, bottom = groove.top() - 5, groove.bottom() + 5
            p.drawLine(QPointF(x, top), QPointF(x, bottom))
            p.drawLine(QPointF(x, top), QPointF(x + 4 * sign, top))
            p.drawLine(QPointF(x, bottom), QPointF(x + 4 * sign, bottom))
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_laps(self, p: QPainter, groove: QRectF, text: QColor) -> None:
        start, end = self.timeline.span()
        for mark in self.timeline.laps:
            if not start <= mark.race_ms <= end:
                continue
            x = self.x_for(mark.race_ms)
            p.setPen(QPen(text, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, 2), QPointF(x, groove.bottom()))
            p.setPen(text)
            p.drawText(QPointF(x + 3, 11), f"L{mark.lap}")
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_incident(self, p: QPainter, groove: QRectF) -> None:
        when = self.timeline.incident_ms
        if when is None:
            return
        x = self.x_for(when)
        p.setPen(QColor(INCIDENT_COLOUR))
        p.drawText(QPointF(x + 8, 11), "reported")
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(INCIDENT_COLOUR))
        p.drawPolygon(QPolygonF([QPointF(x - 6, 12), QPointF(x + 6, 12), QPointF(x, 21)]))
        p.setPen(QPen(QColor(INCIDENT_COLOUR), 2))
        p.drawLine(QPointF(x, 21), QPointF(x, groove.bottom()))
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_bookmarks(self, p: QPainter, groove: QRectF) -> None:
        y = groove.center().y()
        for bookmark in self.timeline.bookmarks:
            x = self.x_for(bookmark.race_ms)
            p.setBrush(QColor(bookmark.colour))
            p.setPen(QPen(QColor(0, 0, 0, 160), 1))
            diamond = [QPointF(x, y - 7), QPointF(x + 5, y), QPointF(x, y + 7), QPointF(x - 5, y)]
            p.drawPolygon(QPolygonF(diamond))
        p.setPen(Qt.PenStyle.NoPen)

    def _paint_head(self, p: QPainter, groove: QRectF, text: QColor) -> None:
        here = self.shown_position()
        x = self.x_for(here)
        p.setPen(QPen(text, 2))
        p.drawLine(QPointF(x, groove.top() - 6), QPointF(x, self.height() - 17))
        # The time sits under the bar, so the reported-time marker and lap labels above
        # stay visible when the handle stands on them.
        label = format_race_time(here)
        width = p.fontMetrics().horizontalAdvance(label) + 8
        left = min(max(x - width / 2, 0), self.width() - width)
        box = QRectF(left, self.height() - 17, width, 15)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.palette().base())
        p.drawRoundedRect(box, 3, 3)
        p.setPen(text)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
