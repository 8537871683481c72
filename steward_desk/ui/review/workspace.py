"""The review workspace: an incident's clips side by side on one race clock.

A thin view over three parts (STYLE: views are thin): the Qt-free `ReviewTimeline` holds
the state and emits events; the `SyncController` keeps libVLC players on the race clock while
playing; the `FrameFetcher` delivers exact frames from the frame servers whenever a tile is
not showing libVLC video (paused, stepping, scrubbing, backwards, or without libVLC).
User gestures become calls on the timeline; tiles and scrubber repaint from its events.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from steward_desk.core.model import FootageRef, format_race_time
from steward_desk.core.timeline import (
    RATE_STEPS,
    Bookmark,
    ClipTrack,
    ReviewTimeline,
    next_rate,
)
from steward_desk.media.errors import MediaError
from steward_desk.media.footage_index import FootageIndex
from steward_desk.media.frame_server import Frame, FrameServer
from steward_desk.media.vlc_backend import install_hint
from steward_desk.ui.review.actions import SPECS, build_actions
from steward_desk.ui.review.bookmarks_panel import BookmarksPanel
from steward_desk.ui.review.clips import ClipEntry, describe_clips, snapshot_part, tile_title
from steward_desk.ui.review.fetcher import OPEN_RADIUS, FrameFetcher
from steward_desk.ui.review.playback import Playback, video_playback_status
from steward_desk.ui.review.scrubber import CLIP_COLOURS, MARGIN, RaceScrubber
from steward_desk.ui.review.services import ReviewServices
from steward_desk.ui.review.snapshot import compose, png_bytes
from steward_desk.ui.review.tile import ClipTile
from steward_desk.ui.review.tile_area import TileArea

BOOKMARK_COLOURS = ("#f5c518", "#ff4d4d", "#4cc9f0", "#b5e48c", "#f72585", "#ffb703")


class ReviewWorkspace(QWidget):
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
        self.toolbar = self._build_toolbar()
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

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        a = self.actions_by_name
        for name in ("toggle_play", "step_back", "step_forward"):
            bar.addAction(a[name])
        a["toggle_play"].setIconText("Play")
        self.rate_box = QComboBox()
        self.rate_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in RATE_STEPS:
            self.rate_box.addItem(f"{rate:g}×", rate)
        self.rate_box.setCurrentIndex(RATE_STEPS.index(1.0))
        self.rate_box.setToolTip("Playback speed ([ slower, ] faster)")
        self.rate_box.activated.connect(
            lambda i: self.timeline.set_rate(
                float(self.rate_box.itemData(i)) * (1 if self.timeline.rate > 0 else -1)
            )
        )
        bar.addWidget(self.rate_box)
        self.time_label = QLabel(format_race_time(0))
        self.time_label.setStyleSheet("font-family: monospace; font-size: 15px; padding: 0 8px;")
        bar.addWidget(self.time_label)
        bar.addSeparator()
        for name in ("sync_here", "nudge_back", "nudge_forward", "snapshot", "add_bookmark"):
            bar.addAction(a[name])
        a["nudge_back"].setIconText("−1 frame")
        a["nudge_forward"].setIconText("+1 frame")
        a["sync_here"].setIconText("Sync here")
        a["snapshot"].setIconText("Snapshot")
        a["add_bookmark"].setIconText("Bookmark")
        bar.addSeparator()
        for name, label in (("loop_in", "A"), ("loop_out", "B"), ("clear_loop", "No loop")):
            a[name].setIconText(label)
            bar.addAction(a[name])
        bar.addSeparator()
        self.layout_box = QComboBox()
        self.layout_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for mode, label in ((1, "1 tile"), (2, "2 tiles"), (4, "2×2")):
            self.layout_box.addItem(label, mode)
        self.layout_box.activated.connect(
            lambda i: self.set_layout(int(self.layout_box.itemData(i)))
        )
        bar.addWidget(self.layout_box)
        for button in bar.findChildren(QWidget):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return bar

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
            tracks.append(ClipTrack(ref.id, _initial_offset(ref, incident_ms)))
            problem = _file_problem(ref, path)
            if problem is not None:
                tile.show_error(problem)
            else:
                assert path is not None
                self.fetcher.open(ref.id, path, _stored_index(services, ref, path))
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
        self.timeline.set_playing(False)
        self.fetcher = self._new_fetcher()

    def event(self, event: QEvent) -> bool:
        # deleteLater() from the host: release libVLC while the tiles' windows still exist.
        if event.type() == QEvent.Type.DeferredDelete:
            self.close_incident()
        return super().event(event)

    # -- tiles ----------------------------------------------------------------------------------------
    def tiles(self) -> list[ClipTile]:
        """Every clip's tile, in footage order."""
        return [e.tile for e in self.entries.values()]

    def tile(self, clip_id: str) -> ClipTile:
        return self.entries[clip_id].tile

    def set_layout(self, mode: int) -> None:
        """1, 2 or 4 (2×2) tiles; one tile shows the focused clip."""
        self.layout_mode = mode
        self.layout_box.setCurrentIndex({1: 0, 2: 1, 4: 2}.get(mode, 1))
        ids = list(self.entries)
        focus = self.timeline.focus
        if mode == 1:
            shown = [focus] if focus in self.entries else ids[:1]
        else:
            shown = ids[:mode]
            if mode == 2 and focus in self.entries and focus not in shown:
                shown = [shown[0], focus]
        for entry in self.entries.values():
            entry.tile.setVisible(entry.clip_id in shown)
        columns = 1 if len(shown) == 1 else 2
        self.grid_host.set_tiles([self.entries[c].tile for c in shown], columns)

    def layout_1(self) -> None:
        self.set_layout(1)

    def layout_2(self) -> None:
        self.set_layout(2)

    def layout_4(self) -> None:
        self.set_layout(4)

    def _on_tile_clicked(self, clip_id: str) -> None:
        self.timeline.set_focus(clip_id)
        self.setFocus()

    def _focus_tile(self, number: int) -> None:
        ids = list(self.entries)
        if number <= len(ids):
            self.timeline.set_focus(ids[number - 1])
            if self.layout_mode == 1:
                self.set_layout(1)

    def focus_1(self) -> None:
        self._focus_tile(1)

    def focus_2(self) -> None:
        self._focus_tile(2)

    def focus_3(self) -> None:
        self._focus_tile(3)

    def focus_4(self) -> None:
        self._focus_tile(4)

    def _on_focus(self, clip_id: str | None) -> None:
        for entry in self.entries.values():
            entry.tile.set_focused(entry.clip_id == clip_id)
        self.playback.on_focus(clip_id)

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
            entry.tile.show_error(_describe_failure(entry.path, result))
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
        self.time_label.setText(format_race_time(self.timeline.position_ms))

    # -- transport -------------------------------------------------------------------------------------
    def toggle_play(self) -> None:
        self.timeline.set_playing(not self.timeline.playing)

    def play(self) -> None:
        self.timeline.set_playing(True)

    def pause(self) -> None:
        self.timeline.set_playing(False)

    def shuttle_back(self) -> None:
        self.timeline.shuttle(-1)

    def shuttle_forward(self) -> None:
        self.timeline.shuttle(+1)

    def _on_playing(self, playing: bool) -> None:
        self.actions_by_name["toggle_play"].setIconText("Pause" if playing else "Play")
        self.playback.on_playing(playing)
        if self.fetcher.previews is not None:
            self.fetcher.previews.hold(playing)  # the cores go to playback meanwhile

    def _on_rate(self, rate: float) -> None:
        self.rate_box.setCurrentIndex(
            min(range(len(RATE_STEPS)), key=lambda i: abs(RATE_STEPS[i] - abs(rate)))
        )
        self.playback.on_rate(rate)

    def slower(self) -> None:
        self.timeline.set_rate(next_rate(self.timeline.rate, -1))

    def faster(self) -> None:
        self.timeline.set_rate(next_rate(self.timeline.rate, +1))

    def _on_scrub_started(self) -> None:
        if self.timeline.playing:
            self.timeline.set_playing(False)

    # -- moving ------------------------------------------------------------------------------------------
    def _paused_then(self) -> None:
        if self.timeline.playing:
            self.timeline.set_playing(False)

    def step_back(self) -> None:
        self._paused_then()
        self.timeline.step_frames(-1)

    def step_forward(self) -> None:
        self._paused_then()
        self.timeline.step_frames(+1)

    def back_1s(self) -> None:
        self.timeline.jump(-1_000)

    def forward_1s(self) -> None:
        self.timeline.jump(1_000)

    def back_10s(self) -> None:
        self.timeline.jump(-10_000)

    def forward_10s(self) -> None:
        self.timeline.jump(10_000)

    def jump_to(self, race_ms: int) -> None:
        """Move every clip to `race_ms` (bookmark click)."""
        self.timeline.set_position(race_ms)

    def toggle_full_screen(self) -> None:
        window = self.window()
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()

    # -- alignment -------------------------------------------------------------------------------------
    def sync_here(self) -> None:
        """Each clip's shown frame is the same moment: offsets so that frame starts at the
        current race time; stored through the services."""
        self._paused_then()
        here = self.timeline.position_ms
        positions: dict[str, int] = {}
        skipped: list[str] = []
        for entry in self.entries.values():
            track = self.timeline.track(entry.clip_id)
            index = track.frame_index(here)
            if not entry.usable or not track.covers(here) or index < 0:
                skipped.append(entry.tile.title.text())
                continue
            positions[entry.clip_id] = track.frame_pts_ms[index]
        offsets = self.timeline.sync_here(positions)
        for clip_id, offset in offsets.items():
            self.services.save_offset(clip_id, offset)
        text = f"Synced {len(offsets)} clip(s) at {format_race_time(here)}"
        if skipped:
            text += "; not at this time: " + ", ".join(skipped)
        self.message.emit(text)

    def _nudge(self, frames: int) -> None:
        self._paused_then()
        moved = self.timeline.nudge_focused(frames)
        if moved is not None:
            self.services.save_offset(moved.clip_id, moved.offset_ms)

    def _nudge_ms(self, delta_ms: int) -> None:
        self._paused_then()
        focus = self.timeline.focus
        if focus is None:
            return
        track = self.timeline.track(focus)
        offset = track.offset_ms - delta_ms
        self.timeline.set_offsets({focus: offset})
        self.services.save_offset(focus, offset)

    def nudge_back(self) -> None:
        self._nudge(-1)

    def nudge_forward(self) -> None:
        self._nudge(+1)

    def nudge_back_1s(self) -> None:
        self._nudge_ms(-1_000)

    def nudge_forward_1s(self) -> None:
        self._nudge_ms(1_000)

    def _on_offset(self, track: ClipTrack) -> None:
        entry = self.entries.get(track.clip_id)
        if entry is None:
            return
        self.playback.on_offset(track)
        if entry.usable and entry.tile.face != ClipTile.VIDEO:
            self._request(entry, self.timeline.position_ms)

    # -- loop and bookmarks ------------------------------------------------------------------------------
    def loop_in(self) -> None:
        self.timeline.set_loop_in()

    def loop_out(self) -> None:
        self.timeline.set_loop_out()

    def clear_loop(self) -> None:
        self.timeline.clear_loop()

    def add_bookmark(self) -> None:
        if self.incident_id is None:
            return
        here = self.timeline.position_ms
        colour = BOOKMARK_COLOURS[len(self.timeline.bookmarks) % len(BOOKMARK_COLOURS)]
        label = f"Bookmark {len(self.timeline.bookmarks) + 1}"
        bookmark_id = self.services.add_bookmark(self.incident_id, here, label, colour)
        self.timeline.add_bookmark(Bookmark(bookmark_id, here, label, colour))

    def remove_bookmark(self, bookmark_id: str) -> None:
        self.services.remove_bookmark(bookmark_id)
        self.timeline.remove_bookmark(bookmark_id)

    # -- snapshot ------------------------------------------------------------------------------------------
    def snapshot(self) -> None:
        """Every tile's exact frame at this moment, as one PNG handed to the services (once
        every tile has its exact frame; pauses playback first)."""
        if self.incident_id is None:
            return
        self._paused_then()
        self._snapshot_wanted = True
        self._try_snapshot()

    def _try_snapshot(self) -> None:
        if not self.exact() or self.incident_id is None:
            return
        self._snapshot_wanted = False
        here = self.timeline.position_ms
        parts = [snapshot_part(entry, here) for entry in self.entries.values()]
        heading = f"Incident {self.incident_id} · race time {format_race_time(here)}"
        png = png_bytes(compose(parts, heading))
        try:
            path, digest = self.services.save_snapshot(self.incident_id, here, png)
        except OSError as error:
            self.message.emit(f"Snapshot not saved: {error}")
            return
        self.snapshot_saved.emit(str(path), digest)
        self.message.emit(f"Snapshot saved: {path} (SHA-256 {digest[:12]}…)")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        super().mousePressEvent(event)


def _initial_offset(ref: FootageRef, incident_ms: int | None) -> int:
    """A clip never aligned (offset 0) whose report gave a timestamp starts aligned on the
    incident's reported time: the report's moment in the clip is that race time."""
    if ref.offset_ms == 0 and ref.start_ms is not None and incident_ms is not None:
        return incident_ms - ref.start_ms
    return ref.offset_ms


def _file_problem(ref: FootageRef, path: Path | None) -> str | None:
    """Why this footage cannot be opened at all, in words naming the file; None if it can."""
    if path is None:
        return f"{ref.location}\nNo local file for this footage (a link that was not downloaded)."
    if not path.exists():
        return f"{path}\nFile not found: it was moved, renamed or is on a drive not connected."
    if path.is_dir():
        return f"{path}\nThis is a folder, not a video file."
    return None


def _describe_failure(path: Path | None, result: object) -> str:
    if isinstance(result, MediaError):
        return f"{result.path or path}\n{result.problem}"
    return f"{path}\nCannot be opened: {result}"


def _stored_index(services: ReviewServices, ref: FootageRef, path: Path) -> FootageIndex | None:
    """The index kept at intake, so a long file is not demuxed again on every open; None (the
    server indexes the file itself) when the services keep none or the file has changed."""
    provider = getattr(services, "footage_index", None)
    if provider is None:
        return None
    index = provider(ref)
    if index is None:
        return None
    try:
        if path.stat().st_size != index.size_bytes:
            return None
    except OSError:
        return None
    return index  # type: ignore[no-any-return]
