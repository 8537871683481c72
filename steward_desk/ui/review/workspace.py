"""The review workspace: an incident's clips side by side on one race clock.

A thin view over three parts (STYLE: views are thin): the Qt-free `ReviewTimeline` holds
the state and emits events; the `SyncController` keeps libVLC players on the race clock while
playing; the `FrameFetcher` delivers exact frames from the frame servers whenever a tile is
not showing libVLC video (paused, stepping, scrubbing, backwards, or without libVLC).
User gestures become calls on the timeline; tiles and scrubber repaint from its events.

This module holds the building, opening and closing of an incident, and the frames: which
tile asks for which frame and what it shows. The steward's commands live beside it as mixins
named after what they hold (`transport`, `alignment`, `evidence`, `tile_layout`), the
toolbar in `transport_bar`, the checks on footage files in `footage_files`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from steward_desk.core.model import format_race_time
from steward_desk.core.timeline import ClipTrack, ReviewTimeline
from steward_desk.media.frame_server import Frame, FrameServer
from steward_desk.media.vlc_backend import install_hint
from steward_desk.ui.review.actions import SPECS, build_actions
from steward_desk.ui.review.alignment import AlignmentCommands
from steward_desk.ui.review.bookmarks_panel import BookmarksPanel
from steward_desk.ui.review.clips import ClipEntry, describe_clips, tile_title
from steward_desk.ui.review.evidence import EvidenceCommands
from steward_desk.ui.review.fetcher import OPEN_RADIUS, FrameFetcher
from steward_desk.ui.review.footage_files import (
    describe_failure,
    file_problem,
    initial_offset,
    stored_index,
)
from steward_desk.ui.review.playback import Playback, video_playback_status
from steward_desk.ui.review.scrubber import CLIP_COLOURS, MARGIN, RaceScrubber
from steward_desk.ui.review.services import ReviewServices
from steward_desk.ui.review.tile import ClipTile
from steward_desk.ui.review.tile_area import TileArea
from steward_desk.ui.review.tile_layout import TileLayout
from steward_desk.ui.review.transport import TransportCommands
from steward_desk.ui.review.transport_bar import TransportBar


# The steward's commands are mixins so each stays a workspace method that the actions, the host
# and the tests call by name; QWidget comes last so those methods win over Qt's, as before.
class ReviewWorkspace(TransportCommands, AlignmentCommands, EvidenceCommands, TileLayout, QWidget):
    """Review one incident's footage: `ReviewWorkspace(services, parent)`, then
    `open_incident(id)`. Call `close_incident()` (or delete the widget) to stop playback."""

    snapshot_saved = Signal(str, str)  # path, sha256
    message = Signal(str)  # a short status line for the host's status bar

    def __init__(
        self,
        services: ReviewServices,
        parent: QWidget | None = None,
        *,
        synchronous_frames: bool = False,
        use_libvlc: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.synchronous_frames = synchronous_frames
        self.incident_id: str | None = None
        self.timeline = ReviewTimeline()
        self.entries: dict[str, ClipEntry] = {}
        self.history = QUndoStack(self)  # bookmarks, syncs and nudges of the open incident
        self.layout_mode = 2
        self._snapshot_wanted = False
        self._home_ms: int | None = None  # where to park while clips open, until a user move
        self._moves = 0  # the steward's moves so far: previews near the newest are made first
        self._opening = False
        self.fetcher = self._new_fetcher()
        video_ok, reason = video_playback_status()
        if use_libvlc is False:
            video_ok, reason = False, "libVLC turned off for this workspace"
        self.video_available, self.video_reason = video_ok, reason
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.playback = Playback(
            self.timeline,
            self.entries,
            self._request,
            self.message.emit,
            video_available=video_ok,
            parent=self,
        )
        self.controller = self.playback.controller
        self._build()
        events = self.timeline.events
        events.position.connect(self._on_position)
        events.playing.connect(self._on_playing)
        events.rate.connect(self._on_rate)
        events.focus.connect(self._on_focus)
        events.offset.connect(self._on_offset)
        events.tracks.connect(lambda _tracks: self._describe_clips())
        app = QCoreApplication.instance()
        if app is not None:
            # libVLC must stop before the tiles' windows go, also when the app quits with the
            # workspace still open (otherwise its video threads draw into freed windows).
            app.aboutToQuit.connect(self.close_incident)

    # -- building -----------------------------------------------------------------------------
    def _new_fetcher(self) -> FrameFetcher:
        fetcher = FrameFetcher(
            self,
            synchronous=self.synchronous_frames,
            previews_dir=self.services.previews_dir(),
        )
        queued = Qt.ConnectionType.QueuedConnection
        fetcher.opened.connect(self._on_opened, queued)
        fetcher.delivered.connect(self._on_delivered, queued)
        return fetcher

    def _build(self) -> None:
        handlers = {spec.name: getattr(self, spec.name) for spec in SPECS}
        self.actions_by_name = build_actions(self, handlers)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #5c4a00; color: #fff3c4; padding: 6px;")
        self.banner.setVisible(not self.video_available)
        self.banner.setText(self._banner_text())
        self.toolbar = TransportBar(self.actions_by_name, self.timeline, self.set_layout)
        # the toolbar's controls, under the workspace's names that callers know them by
        self.rate_box = self.toolbar.rate_box
        self.time_label = self.toolbar.time_label
        self.layout_box = self.toolbar.layout_box
        self.grid_host = TileArea()
        self.scrubber = RaceScrubber(self.timeline)
        self.scrubber.scrub_started.connect(self._on_scrub_started)
        self.bookmarks_panel = BookmarksPanel(self.timeline)
        self.bookmarks_panel.jump_requested.connect(self.jump_to)
        self.bookmarks_panel.remove_requested.connect(self.remove_bookmark)
        self.bookmarks_panel.setMinimumWidth(180)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.grid_host)
        column.addWidget(self.scrubber)
        self.clip_list = QLabel()
        self.clip_list.setTextFormat(Qt.TextFormat.RichText)
        self.clip_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.clip_list.setContentsMargins(MARGIN, 0, 0, 0)
        column.addWidget(self.clip_list)
        column.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.bookmarks_panel)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([900, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

    def _banner_text(self) -> str:
        if self.video_available:
            return ""
        text = (
            f"Video playback is off: {self.video_reason}. Paused frames are exact; playback "
            "shows decoded frames at a reduced rate and without sound."
        )
        if "libVLC" in self.video_reason or "python-vlc" in self.video_reason:
            text += " " + install_hint()
        return text

    # -- the host's calls ---------------------------------------------------------------------------
    def shortcut_actions(self) -> list[QAction]:
        """Every named action with its keys, for Help → Keyboard shortcuts."""
        return list(self.actions_by_name.values())

    def open_incident(self, incident_id: str) -> None:
        """Show this incident's clips, aligned, parked on its reported time."""
        self.close_incident()
        self.incident_id = incident_id
        services = self.services
        footage = list(services.footage_for(incident_id))
        involved = list(services.involved(incident_id))
        incident_ms = services.incident_time(incident_id)
        tracks: list[ClipTrack] = []
        for ref in footage:
            tile = ClipTile(
                ref.id, tile_title(ref, involved), self.grid_host, native_video=self.video_available
            )
            tile.clicked.connect(self._on_tile_clicked)
            path = services.resolve_path(ref)
            entry = ClipEntry(ref, tile, path)
            self.entries[ref.id] = entry
            tracks.append(ClipTrack(ref.id, initial_offset(ref, incident_ms)))
            problem = file_problem(ref, path)
            if problem is not None:
                tile.show_error(problem)
            else:
                assert path is not None
                self.fetcher.open(ref.id, path, stored_index(services, ref, path))
        self._opening = True
        self.timeline.set_tracks(tracks)
        self.timeline.set_marks(incident_ms, services.lap_marks(incident_id))
        self.timeline.set_bookmarks(services.bookmarks(incident_id))
        self._home_ms = incident_ms if incident_ms is not None else self.timeline.span()[0]
        self.timeline.set_position(self._home_ms)
        self._opening = False
        self.set_layout(1 if len(footage) <= 1 else 2 if len(footage) == 2 else 4)
        self._refresh_time()
        self.setFocus()

    def close_incident(self) -> None:
        """Stop playback and release every player and file (libVLC stops before its window
        goes, DESIGN decision 5)."""
        self.playback.close()
        self.fetcher.close()
        self.fetcher.deleteLater()
        self.grid_host.set_tiles([], 1)
        for entry in self.entries.values():
            entry.tile.deleteLater()
        self.entries.clear()
        self.history.clear()
        self.timeline.set_playing(False)
        self.fetcher = self._new_fetcher()

    def undo(self) -> None:
        """Take back the last bookmark, sync or nudge (stored again as it was)."""
        what = self.history.undoText()
        self.history.undo()
        self.message.emit(f"Undone: {what}" if what else "Nothing to undo")

    def redo(self) -> None:
        what = self.history.redoText()
        self.history.redo()
        self.message.emit(f"Redone: {what}" if what else "Nothing to redo")

    def event(self, event: QEvent) -> bool:
        # deleteLater() from the host: release libVLC while the tiles' windows still exist.
        if event.type() == QEvent.Type.DeferredDelete:
            self.close_incident()
        return super().event(event)

    # -- tiles and the clip legend -----------------------------------------------------------------
    def _on_tile_clicked(self, clip_id: str) -> None:
        self.timeline.set_focus(clip_id)
        self.setFocus()

    def _describe_clips(self) -> None:
        """Under the scrubber: each clip's colour (as on the scrubber), where its first frame
        sits on the race clock, its frame rate and length."""
        self.clip_list.setText(describe_clips(self.timeline.tracks, self.entries, CLIP_COLOURS))

    # -- opening clips -------------------------------------------------------------------------------
    def _on_opened(self, clip_id: str, result: object) -> None:
        entry = self.entries.get(clip_id)
        if self.sender() is not self.fetcher or entry is None:
            return  # from an incident closed meanwhile (its worker closes its own file)
        if not isinstance(result, FrameServer):
            entry.tile.show_error(describe_failure(entry.path, result))
            self._describe_clips()
            return
        entry.server = result
        index = result.index
        starts = tuple(index.frame_start_ms(i) for i in range(index.frames))
        track = self.timeline.track(clip_id)
        self._opening = True
        self.timeline.update_track(
            ClipTrack(clip_id, track.offset_ms, round(index.duration_ms), starts)
        )
        if self._home_ms is not None:
            self.timeline.set_position(self._home_ms)
        self._opening = False
        entry.player = self.playback.make_player(entry, result)
        self.playback.install_players()
        self._request(entry, self.timeline.position_ms)
        content = track.content_ms(self.timeline.position_ms)
        self.fetcher.want_previews(clip_id, content, OPEN_RADIUS, self._moves)

    # -- frames -------------------------------------------------------------------------------------------
    def _on_position(self, race_ms: int) -> None:
        self._refresh_time()
        if not self._opening:
            self._home_ms = None  # the steward moved: opening clips no longer re-park
        self.playback.on_user_move(race_ms)
        parked = not self.timeline.playing
        if parked:
            self._moves += 1
        for entry in self.entries.values():
            if entry.usable and entry.tile.face != ClipTile.VIDEO:
                self._request(entry, race_ms)
                if parked:  # previews for where the steward looks, not for all that plays
                    content = self.timeline.track(entry.clip_id).content_ms(race_ms)
                    self.fetcher.want_previews(entry.clip_id, content, 1, self._moves)

    def _request(self, entry: ClipEntry, race_ms: int) -> None:
        content = self.timeline.track(entry.clip_id).content_ms(race_ms)
        # While the clock runs a preview is enough: decoding each original for a moment
        # would take the cores libVLC needs to come onto the clock.
        refine = not self.timeline.playing
        serial = self.fetcher.request(entry.clip_id, max(0, content), refine)
        entry.requested[serial] = race_ms

    def _on_delivered(self, clip_id: str, serial: int, result: object) -> None:
        entry = self.entries.get(clip_id)
        if self.sender() is not self.fetcher or entry is None or serial < entry.shown_serial:
            return  # from a closed incident, or older than the frame on screen: stale
        # A preview is followed by the original's pixels for the same request: keep it open.
        preview = isinstance(result, Frame) and result.preview
        race_ms = entry.requested.get(serial, self.timeline.position_ms)
        if not preview:
            entry.requested.pop(serial, None)
        for old in [s for s in entry.requested if s < serial]:
            del entry.requested[old]
        if not isinstance(result, Frame):
            entry.tile.status.setText(f"cannot decode here: {result}")
            return
        entry.shown_serial, entry.shown_race_ms = serial, race_ms
        if self.timeline.playing and entry.tile.face == ClipTile.VIDEO:
            return  # libVLC is on screen; this frame came too late to matter
        track = self.timeline.track(clip_id)
        note, dimmed = "", False
        content = track.content_ms(race_ms)
        if content < 0:
            note, dimmed = f"starts at {format_race_time(track.offset_ms)}", True
        elif track.duration_ms is not None and content >= track.duration_ms:
            note, dimmed = f"ended at {format_race_time(track.end_ms)}", True
        entry.tile.show_frame(result, race_ms, note, dimmed)
        if self._snapshot_wanted:
            self._try_snapshot()

    def exact(self) -> bool:
        """True when every readable tile shows the exact frame for the race position, in the
        original's pixels (not its scrub preview)."""
        here = self.timeline.position_ms
        return all(
            e.shown_race_ms == here
            and not e.requested
            and e.tile.face == ClipTile.FRAMES
            and e.tile.displayed is not None
            and not e.tile.displayed.preview
            for e in self.entries.values()
            if e.usable
        )

    def _refresh_time(self) -> None:
        self.toolbar.show_time(self.timeline.position_ms)

    # -- repainting from the timeline ------------------------------------------------------------
    def _on_playing(self, playing: bool) -> None:
        self.toolbar.show_playing(playing)
        self.playback.on_playing(playing)
        if self.fetcher.previews is not None:
            self.fetcher.previews.hold(playing)  # the cores go to playback meanwhile

    def _on_rate(self, rate: float) -> None:
        self.toolbar.show_rate(rate)
        self.playback.on_rate(rate)

    def _on_scrub_started(self) -> None:
        if self.timeline.playing:
            self.timeline.set_playing(False)

    def _on_offset(self, track: ClipTrack) -> None:
        entry = self.entries.get(track.clip_id)
        if entry is None:
            return
        self.playback.on_offset(track)
        if entry.usable and entry.tile.face != ClipTile.VIDEO:
            self._request(entry, self.timeline.position_ms)

    # -- the window ------------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        window = self.window()
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        super().mousePressEvent(event)
