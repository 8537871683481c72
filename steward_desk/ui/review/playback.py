"""Joint playback in the workspace: the sync controller on a timer, and which face each tile
shows while the clock runs.

While playing forwards, a clip with a libVLC player shows libVLC's video once the sync
controller has measured its picture on the race clock (`SyncController.on_clock`: after a start
or a re-alignment libVLC can be hundreds of ms off for a second or two); until then, and for
clips without libVLC, playing backwards or outside their span, the tile keeps showing exact
frame-server frames requested at the race clock (the workspace requests them from the
timeline's position events; scrub previews make them cheap). So what is on screen is on the
clock, whatever libVLC is doing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication

from steward_desk.core.timeline import ClipTrack, ReviewTimeline
from steward_desk.media.frame_server import FrameServer
from steward_desk.media.player import FramePlayer, Player, VlcPlayer
from steward_desk.media.sync import SyncController, SyncedClip
from steward_desk.media.vlc_backend import libvlc_status
from steward_desk.ui.review.clips import ClipEntry
from steward_desk.ui.review.tile import ClipTile

TICK_MS = 30
PRIME_MS = 50
EMBEDDING_PLATFORMS = ("xcb", "windows", "cocoa")


def video_playback_status() -> tuple[bool, str]:
    """(available, reason) for libVLC video embedded in tiles on this display."""
    platform = QGuiApplication.platformName()
    if platform not in EMBEDDING_PLATFORMS:
        if platform.startswith("wayland"):
            return False, (
                "video cannot be embedded under Wayland; start Steward Desk with "
                "QT_QPA_PLATFORM=xcb"
            )
        return False, f"the '{platform}' display cannot host video windows"
    return libvlc_status()


class Playback(QObject):
    """Plays the workspace's clips together; the timeline says when and how fast."""

    def __init__(
        self,
        timeline: ReviewTimeline,
        entries: dict[str, ClipEntry],
        request_exact: Callable[[ClipEntry, int], None],
        say: Callable[[str], None],
        *,
        video_available: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.entries = entries
        self.request_exact = request_exact
        self.say = say
        self.video_available = video_available
        self.controller = SyncController()
        self.ticking = False  # True while the clock itself moves the timeline
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        # While paused, players still need polling until they are ready: a libVLC player
        # prerolls (plays muted to its first picture, then pauses) and only `poll()` pauses it.
        # Unpolled it would play on, hidden, to the end of the file: CPU spent for nothing,
        # and a file that has ended must be restarted before it can play.
        self.prime_timer = QTimer(self)
        self.prime_timer.setInterval(PRIME_MS)
        self.prime_timer.timeout.connect(self.prime)

    # -- players ------------------------------------------------------------------------------
    def make_player(self, entry: ClipEntry, server: FrameServer) -> Player:
        """libVLC in the tile's video window when possible, else the frame-server twin."""
        index = server.index
        if self.video_available and entry.path is not None:
            try:
                return VlcPlayer(
                    entry.path,
                    first_pts_ms=index.first_pts_ms,
                    duration_ms=index.duration_ms,
                    window_id=int(entry.tile.video.winId()),
                )
            except Exception as error:  # libVLC refused this file: frame playback for it
                self.say(f"{entry.path.name}: libVLC cannot play it ({error})")
        return FramePlayer(server, duration_ms=index.duration_ms)

    def install_players(self) -> None:
        """Hand every opened clip's player to the sync controller (after a clip opens)."""
        was_playing = self.timeline.playing
        if was_playing:
            self.timeline.set_playing(False)
        clips = []
        for entry in self.entries.values():
            if entry.player is None:
                continue
            track = self.timeline.track(entry.clip_id)
            fps = entry.server.index.fps if entry.server is not None else 0.0
            clips.append(
                SyncedClip(
                    entry.clip_id,
                    entry.player,
                    track.offset_ms,
                    track.duration_ms,
                    frame_ms=1000 / fps if fps > 0 else 1000 / 30,
                )
            )
        self.controller.set_clips(clips)
        self.controller.set_focus(self.timeline.focus)
        if was_playing:
            self.timeline.set_playing(True)
        else:
            self.prime_timer.start()

    def prime(self) -> None:
        """(While paused) poll players until every one is ready, then stop polling."""
        players = [e.player for e in self.entries.values() if e.player is not None]
        for player in players:
            player.poll()
        if self.timeline.playing or all(player.ready() for player in players):
            self.prime_timer.stop()

    def close(self) -> None:
        """Stop and free every player (libVLC before its window goes)."""
        self.timer.stop()
        self.prime_timer.stop()
        self.controller.pause()
        self.controller.set_clips([])
        for entry in self.entries.values():
            if entry.player is not None:
                entry.player.close()
                entry.player = None

    # -- the timeline's events -------------------------------------------------------------------
    def on_playing(self, playing: bool) -> None:
        if playing:
            start, end = self.timeline.span()
            if self.timeline.rate > 0 and self.timeline.position_ms >= end:
                self.timeline.set_position(start)  # play again from the start
            self.controller.play(self.timeline.position_ms, self.timeline.rate)
            self.timer.start()
            return
        self.timer.stop()
        race = self.controller.pause() if self.controller.playing else self.timeline.position_ms
        self._move_timeline(race)
        for entry in self.entries.values():
            if entry.usable:
                self.request_exact(entry, self.timeline.position_ms)  # exact frame, then swap

    def on_rate(self, rate: float) -> None:
        if self.controller.playing:
            self.controller.set_rate(rate)
        for entry in self.entries.values():
            if entry.tile.face == ClipTile.VIDEO:
                entry.tile.status.setText(f"playing · {abs(rate):g}× · libVLC")

    def on_user_move(self, race_ms: int) -> None:
        """A jump while playing (keys, bookmark): every clip goes there."""
        if self.timeline.playing and not self.ticking:
            self.controller.seek(race_ms)

    def on_focus(self, clip_id: str | None) -> None:
        self.controller.set_focus(clip_id)

    def on_offset(self, track: ClipTrack) -> None:
        if track.clip_id in self.controller.clip_ids():
            self.controller.set_offset(track.clip_id, track.offset_ms)

    # -- the heartbeat ---------------------------------------------------------------------------
    def tick(self) -> None:
        position = self.controller.tick()
        loop = self.timeline.loop
        start, end = self.timeline.span()
        forwards = self.timeline.rate > 0
        if loop is not None and forwards and position >= loop.end_ms:
            position = loop.start_ms
            self.controller.seek(position)
        elif loop is not None and not forwards and position <= loop.start_ms:
            position = loop.end_ms
            self.controller.seek(position)
        elif (forwards and position >= end) or (not forwards and position <= start):
            self.controller.seek(min(max(position, start), end))
            self.timeline.set_playing(False)
            return
        self.update_faces()
        self._move_timeline(position)

    def _move_timeline(self, race_ms: int) -> None:
        self.ticking = True
        try:
            self.timeline.set_position(race_ms)
        finally:
            self.ticking = False

    def update_faces(self) -> None:
        """libVLC video for clips measured on the clock; exact frames for the others."""
        running = self.controller.started and self.timeline.rate > 0
        for entry in self.entries.values():
            if entry.player is None or not entry.player.draws_video:
                continue
            if not (running and self.controller.on_clock(entry.clip_id)):
                if entry.tile.face == ClipTile.VIDEO:
                    entry.tile.set_face(ClipTile.FRAMES)
                continue
            if entry.tile.face != ClipTile.VIDEO:
                entry.tile.set_face(ClipTile.VIDEO)
                entry.tile.status.setText(f"playing · {abs(self.timeline.rate):g}× · libVLC")
