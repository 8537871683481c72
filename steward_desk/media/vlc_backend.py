"""libVLC behind a probe: the only module that imports python-vlc (DESIGN decision 5).

python-vlc is full of traps, each handled here so the rest of the app only sees "available
or not, and why":

- on Linux without libVLC, `import vlc` succeeds (ctypes loads the process itself) and the
  first call raises NameError;
- a `PYTHON_VLC_LIB_PATH` that does not load, or a `PYTHON_VLC_MODULE_PATH` that is not a
  folder, makes the import call `sys.exit(1)`;
- `Instance()` returns None when libVLC finds no plugins;
- `Media.tracks_get()[i].video` dereferences a bad pointer: never called here.

libVLC only plays (DESIGN decision 2): frame identity when paused comes from the PyAV frame
server, and times read back from libVLC are used for drift estimates only. Its time axis
differs per container (decision 4), so every file gets a `TimeAxis` converter.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Why each option: no Xlib calls from VLC's threads (Qt owns the X connection); no title, OSD
# or snapshot preview drawn over the evidence; no subtitle files picked up beside the clip.
VLC_ARGS: tuple[str, ...] = (
    "--no-xlib",
    "--quiet",
    "--no-video-title-show",
    "--no-osd",
    "--no-snapshot-preview",
    "--no-sub-autodetect-file",
    "--no-stats",
)

# The first guess of a file's axis, before libVLC reports its length (measured on libVLC
# 3.0.24 with files whose first pts is 1.4–3.9 s): Matroska, WebM and MP4/MOV (which honour
# the edit list) report absolute pts; MPEG-TS and FLV report time from the first packet.
ABSOLUTE_AXIS_SUFFIXES = frozenset({".mkv", ".mka", ".webm", ".mp4", ".m4v", ".mov"})

_lock = threading.Lock()
_state: dict[str, Any] = {}


class VlcUnavailable(RuntimeError):
    """libVLC cannot be used here; the message says why (shown in the workspace banner)."""


def install_hint(platform: str | None = None) -> str:
    """How a person installs VLC on this operating system, in one sentence."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "Install VLC 3 (64-bit) from videolan.org, then restart Steward Desk."
    if platform == "darwin":
        return "Install VLC 3 from videolan.org into /Applications, then restart Steward Desk."
    return (
        "Install libVLC with your package manager (Debian/Ubuntu: "
        "sudo apt install libvlc5 vlc-plugin-base vlc-plugin-video-output), "
        "then restart Steward Desk."
    )


def _env_problem() -> str | None:
    """The environment settings that would make python-vlc exit the process on import."""
    lib = os.environ.get("PYTHON_VLC_LIB_PATH")
    if lib is not None and not Path(lib).is_file():
        return f"PYTHON_VLC_LIB_PATH is set to {lib}, which is not a file"
    plugins = os.environ.get("PYTHON_VLC_MODULE_PATH")
    if plugins and not Path(plugins).is_dir():
        return f"PYTHON_VLC_MODULE_PATH is set to {plugins}, which is not a folder"
    return None


def _import_vlc() -> Any:
    """`import vlc`, turning its exits and half-loaded states into VlcUnavailable."""
    problem = _env_problem()
    if problem is not None:
        raise VlcUnavailable(problem)
    try:
        import vlc  # type: ignore[import-untyped]  # the one import of python-vlc in the app
    except SystemExit:
        raise VlcUnavailable(
            "python-vlc could not load libVLC from PYTHON_VLC_LIB_PATH="
            f"{os.environ.get('PYTHON_VLC_LIB_PATH')}"
        ) from None
    except ImportError:
        raise VlcUnavailable("the python-vlc package is not installed") from None
    except Exception as error:  # OSError, NotImplementedError, KeyError on odd Windows setups
        raise VlcUnavailable(f"libVLC could not be loaded: {error}") from None
    return vlc


def _open_instance(vlc: Any) -> tuple[Any, str]:
    """A libVLC instance and its version string, from an imported python-vlc module."""
    try:
        version = vlc.libvlc_get_version()
    except (NameError, AttributeError, OSError):
        raise VlcUnavailable(
            "libVLC is not installed (python-vlc found no libvlc library)"
        ) from None
    text = version.decode(errors="replace") if isinstance(version, bytes) else str(version)
    try:
        instance = vlc.Instance(list(VLC_ARGS))
    except (NameError, OSError) as error:
        raise VlcUnavailable(f"libVLC {text} could not start: {error}") from None
    if instance is None:
        raise VlcUnavailable(f"libVLC {text} is installed but found no plugins")
    return instance, text


def _probe_module(vlc: Any) -> tuple[bool, str]:
    """Probe an imported python-vlc module (split out so tests can hand in a broken one)."""
    try:
        instance, version = _open_instance(vlc)
    except VlcUnavailable as error:
        return False, str(error)
    _state.update(vlc=vlc, instance=instance)
    return True, f"libVLC {version}"


def libvlc_status() -> tuple[bool, str]:
    """(available, reason): whether libVLC can play video here, probed once per process.

    Never raises and never exits. `STEWARD_DESK_NO_VLC=1` forces "unavailable" (to try the
    frame-server fallback, or where libVLC misbehaves).
    """
    with _lock:
        if "status" in _state:
            cached: tuple[bool, str] = _state["status"]
            return cached
        if os.environ.get("STEWARD_DESK_NO_VLC", "") not in ("", "0"):
            status = (False, "libVLC turned off by STEWARD_DESK_NO_VLC")
        else:
            try:
                status = _probe_module(_import_vlc())
            except VlcUnavailable as error:
                status = (False, str(error))
        _state["status"] = status
        return status


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """Converts one file's content time (0 = first video frame) to libVLC's time and back."""

    lead_ms: int = 0  # libVLC's time when the first video frame is shown

    def to_backend(self, content_ms: int) -> int:
        return content_ms + self.lead_ms

    def to_content(self, backend_ms: int) -> int:
        return backend_ms - self.lead_ms

    @classmethod
    def for_file(cls, path: str | Path, first_pts_ms: int) -> TimeAxis:
        """A first guess for a file whose first video packet has pts `first_pts_ms`, from its
        container (DESIGN decision 4); `from_length` replaces it once libVLC knows more."""
        absolute = Path(path).suffix.lower() in ABSOLUTE_AXIS_SUFFIXES
        return cls(lead_ms=first_pts_ms if absolute else 0)

    @classmethod
    def from_length(
        cls, backend_length_ms: int, first_pts_ms: float, duration_ms: float
    ) -> TimeAxis:
        """The axis measured on the file: libVLC reports the length on the same axis as its
        time, so a length nearer `first pts + duration` than `duration` means absolute pts."""
        absolute = abs(backend_length_ms - (first_pts_ms + duration_ms)) < abs(
            backend_length_ms - duration_ms
        )
        return cls(lead_ms=round(first_pts_ms) if absolute else 0)


def embed(media_player: Any, window_id: int, platform: str | None = None) -> None:
    """Draw `media_player`'s video into the native window `window_id` of this platform."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        media_player.set_hwnd(int(window_id))
    elif platform == "darwin":
        media_player.set_nsobject(int(window_id))
    else:
        media_player.set_xwindow(int(window_id))


class VlcVideo:
    """One file in one libVLC media player, in content milliseconds.

    Thin by design: `media.player.VlcPlayer` adds the player protocol on top. Times read
    from libVLC lag the picture (decision 2): `time_ms` is for drift estimates only.
    """

    def __init__(self, path: str | Path, axis: TimeAxis, instance: Any, vlc: Any) -> None:
        self.path = Path(path)
        self.axis = axis
        self._vlc = vlc
        self._player = instance.media_player_new()
        media = instance.media_new_path(str(self.path))
        # No clip may play audio until the sync controller picks the focused one.
        self._player.set_media(media)
        media.release()
        self._player.audio_set_mute(True)
        # Clicks and keys go to the Qt window (shortcuts), never to VLC's own handlers.
        self._player.video_set_mouse_input(False)
        self._player.video_set_key_input(False)
        self._released = False

    def attach(self, window_id: int, platform: str | None = None) -> None:
        """Embed the video in a native window (a tile's video surface)."""
        embed(self._player, window_id, platform)

    def play(self) -> None:
        self._player.play()

    def set_paused(self, paused: bool) -> None:
        self._player.set_pause(1 if paused else 0)

    def seek(self, content_ms: int) -> None:
        """Ask libVLC to go to `content_ms` (approximate on H.264 with B-frames)."""
        self._player.set_time(max(0, int(self.axis.to_backend(content_ms))))

    def time_ms(self) -> int | None:
        """libVLC's idea of the content time, or None before it knows (−1 from libVLC)."""
        value = int(self._player.get_time())
        return None if value < 0 else self.axis.to_content(value)

    def length_ms(self) -> int | None:
        """The file's length on libVLC's axis, or None before libVLC has parsed it."""
        value = int(self._player.get_length())
        return value if value > 0 else None

    def set_rate(self, rate: float) -> None:
        self._player.set_rate(float(rate))

    def set_muted(self, muted: bool) -> None:
        self._player.audio_set_mute(bool(muted))

    def state(self) -> str:
        """libVLC's state name: NothingSpecial, Opening, Buffering, Playing, Paused, Stopped,
        Ended or Error."""
        return str(self._player.get_state()).rsplit(".", 1)[-1]

    def is_playing(self) -> bool:
        return bool(self._player.is_playing())

    def has_video(self) -> bool:
        """True once libVLC has opened a video output for this file."""
        return int(self._player.has_vout()) > 0

    def stop(self) -> None:
        """Stop playback; call before the video's window is destroyed (decision 5)."""
        if not self._released:
            self._player.stop()

    def release(self) -> None:
        """Stop and free the player; safe to call twice."""
        if not self._released:
            self._player.stop()
            self._player.release()
            self._released = True


def open_video(path: str | Path, axis: TimeAxis) -> VlcVideo:
    """A libVLC player for `path`; raises VlcUnavailable (with the probe's reason) when
    libVLC cannot be used here."""
    available, reason = libvlc_status()
    if not available:
        raise VlcUnavailable(reason)
    return VlcVideo(path, axis, _state["instance"], _state["vlc"])
