"""Players in milliseconds: the protocol the race-clock sync drives, and its two kinds.

`VlcPlayer` plays a file with libVLC into a native window (real time, slow motion, sound).
`FramePlayer` is its twin for machines without libVLC: a virtual player whose position is
exact by construction and whose pictures come from the PyAV frame server (at whatever rate
decoding allows). Both speak content time: 0 is the file's first video frame; the sync
controller converts race time through each clip's offset.

Neither kind is trusted for frame identity while playing (DESIGN decision 2); paused pictures
always come from the frame server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from steward_desk.media.frame_server import Frame, FrameServer
from steward_desk.media.vlc_backend import TimeAxis, VlcVideo, open_video

MIN_RATE = 0.1
MAX_RATE = 2.0


def _clamp_rate(rate: float) -> float:
    return min(max(float(rate), MIN_RATE), MAX_RATE)


@runtime_checkable
class Player(Protocol):
    """One clip's playback, in content milliseconds."""

    @property
    def draws_video(self) -> bool:
        """True when the player paints its own native window (libVLC); False when the view
        must paint frame-server pictures for it."""
        ...

    def ready(self) -> bool:
        """True when `play()` would start at once (the file is open and prerolled)."""
        ...

    def poll(self) -> None:
        """Advance internal state (preroll, deferred seeks); called on every sync tick."""
        ...

    def play(self) -> None: ...

    def pause(self) -> None: ...

    def is_playing(self) -> bool: ...

    def set_rate(self, rate: float) -> None:
        """Playback speed, clamped to 0.1×–2×."""
        ...

    def seek(self, content_ms: int) -> None:
        """Go to `content_ms` (approximate for libVLC; paused frames come from elsewhere)."""
        ...

    def position(self) -> int | None:
        """Where the player thinks it is, in content ms (None when it does not know yet)."""
        ...

    def set_muted(self, muted: bool) -> None: ...

    def close(self) -> None:
        """Stop and free; call before the player's window is destroyed."""
        ...


class VlcPlayer:
    """A libVLC player for one file, embedded in a native window.

    Opening starts a muted preroll (play, then pause on the first frame) so that a later
    `play()` starts within a few ms and every clip can start together. Seeks asked for
    before libVLC is ready are kept and applied when it is.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        first_pts_ms: float = 0.0,
        duration_ms: float | None = None,
        window_id: int | None = None,
        platform: str | None = None,
    ) -> None:
        self.path = Path(path)
        self._first_pts_ms = first_pts_ms
        self._duration_ms = duration_ms
        self._video: VlcVideo = open_video(path, TimeAxis.for_file(path, round(first_pts_ms)))
        if window_id is not None:
            self._video.attach(window_id, platform)
        self._calibrated = False
        self._prerolled = False
        self._want_playing = False
        self._pending_seek: int | None = 0
        self._rate = 1.0
        self._video.play()

    @property
    def draws_video(self) -> bool:
        return True

    @property
    def axis(self) -> TimeAxis:
        """How libVLC's time maps to this file's content time (calibrated once it plays)."""
        return self._video.axis

    def ready(self) -> bool:
        return self._prerolled

    def poll(self) -> None:
        state = self._video.state()
        if state in ("Ended", "Stopped", "Error"):
            # libVLC cannot seek after the end: restart the file, paused, where we were.
            if self._prerolled:
                self._prerolled = False
                self._want_playing = False
                self._pending_seek = self._pending_seek if self._pending_seek is not None else 0
                self._video.stop()
                self._video.play()
            return
        if not self._calibrated:
            self._calibrate()
        if not self._prerolled and state == "Playing" and self._video.has_video():
            self._prerolled = True
            if not self._want_playing:
                self._video.set_paused(True)
            self._video.set_rate(self._rate)
        if self._prerolled and self._pending_seek is not None:
            self._video.seek(self._pending_seek)
            self._pending_seek = None

    def _calibrate(self) -> None:
        """DESIGN decision 4, measured per file: libVLC reports a file's length on the same
        axis as its time, so a length near first pts + duration means absolute pts."""
        length = self._video.length_ms()
        if length is None or self._duration_ms is None:
            return
        self._video.axis = TimeAxis.from_length(length, self._first_pts_ms, self._duration_ms)
        self._calibrated = True

    def play(self) -> None:
        self._want_playing = True
        if self._prerolled:
            self._video.set_paused(False)

    def pause(self) -> None:
        self._want_playing = False
        if self._prerolled:
            self._video.set_paused(True)

    def is_playing(self) -> bool:
        return self._prerolled and self._video.is_playing()

    def set_rate(self, rate: float) -> None:
        self._rate = _clamp_rate(rate)
        self._video.set_rate(self._rate)

    def seek(self, content_ms: int) -> None:
        if self._prerolled:
            self._video.seek(content_ms)
        else:
            self._pending_seek = content_ms

    def position(self) -> int | None:
        if not self._prerolled:
            return None
        return self._video.time_ms()

    def set_muted(self, muted: bool) -> None:
        self._video.set_muted(muted)

    def close(self) -> None:
        self._video.release()


class FramePlayer:
    """The twin without libVLC: a virtual player on its own monotonic clock whose pictures
    come from the frame server. Its position is exact (no decoder to drift), so the sync
    controller never needs to correct it; `frame()` decodes the picture for now."""

    def __init__(
        self,
        server: FrameServer | None,
        duration_ms: float | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server = server
        self._duration_ms = duration_ms
        self._now = now
        self._anchor_ms = 0.0
        self._anchor_t = now()
        self._rate = 1.0
        self._playing = False

    @property
    def draws_video(self) -> bool:
        return False

    def ready(self) -> bool:
        return True

    def poll(self) -> None:
        # Like a real player, stop on the last frame rather than run past the file.
        if self._playing and self._duration_ms is not None and self._exact() >= self._duration_ms:
            self.pause()

    def _exact(self) -> float:
        if not self._playing:
            return self._anchor_ms
        return self._anchor_ms + (self._now() - self._anchor_t) * 1000 * self._rate

    def _rebase(self) -> None:
        self._anchor_ms, self._anchor_t = self._exact(), self._now()

    def play(self) -> None:
        if not self._playing:
            self._anchor_t = self._now()
            self._playing = True

    def pause(self) -> None:
        if self._playing:
            self._rebase()
            self._playing = False

    def is_playing(self) -> bool:
        return self._playing

    def set_rate(self, rate: float) -> None:
        self._rebase()
        self._rate = _clamp_rate(rate)

    def seek(self, content_ms: int) -> None:
        self._anchor_ms, self._anchor_t = float(content_ms), self._now()

    def position(self) -> int:
        return int(self._exact())

    def set_muted(self, muted: bool) -> None:
        """Frame-server playback is silent."""

    def frame(self) -> Frame | None:
        """The exact picture for the current position (None without a frame server)."""
        if self.server is None:
            return None
        return self.server.frame(max(0, self.position()))

    def close(self) -> None:
        self._playing = False
