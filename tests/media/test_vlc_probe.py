"""The libVLC probe survives every python-vlc trap (DESIGN decision 5): each case runs in a
fresh interpreter, because `import vlc` happens once per process."""

from __future__ import annotations

import ctypes.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from steward_desk.media import vlc_backend

PROBE = (
    "import json; from steward_desk.media.vlc_backend import libvlc_status;"
    "print(json.dumps(libvlc_status()))"
)


def probe_in_fresh_process(**env: str) -> tuple[int, list[Any]]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON_VLC")}
    environ.pop("STEWARD_DESK_NO_VLC", None)
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=60
    )
    lines = done.stdout.strip().splitlines()
    return done.returncode, json.loads(lines[-1]) if lines else []


def test_a_missing_library_path_is_reported_instead_of_exiting() -> None:
    code, (available, reason) = probe_in_fresh_process(PYTHON_VLC_LIB_PATH="/nowhere/libvlc.so")
    assert code == 0
    assert not available and "PYTHON_VLC_LIB_PATH" in reason and "/nowhere/libvlc.so" in reason


def test_a_library_path_that_does_not_load_is_reported_instead_of_exiting(tmp_path: Path) -> None:
    fake = tmp_path / "libvlc.so"
    fake.write_text("not a shared library")
    code, (available, reason) = probe_in_fresh_process(PYTHON_VLC_LIB_PATH=str(fake))
    assert code == 0
    assert not available and "could not load libVLC" in reason


def test_a_bad_plugin_folder_is_reported_instead_of_exiting(tmp_path: Path) -> None:
    code, (available, reason) = probe_in_fresh_process(
        PYTHON_VLC_MODULE_PATH=str(tmp_path / "no-plugins")
    )
    assert code == 0
    assert not available and "PYTHON_VLC_MODULE_PATH" in reason


@pytest.mark.skipif(ctypes.util.find_library("m") is None, reason="no libm to stand in")
def test_a_library_without_libvlc_functions_is_the_nameerror_trap() -> None:
    # What python-vlc does on Linux without libVLC: it loads *something* and its first call
    # raises NameError. Any shared library without libvlc_* symbols reproduces that.
    libm = ctypes.util.find_library("m")
    assert libm is not None
    library = next(
        (p for p in ("/lib/x86_64-linux-gnu/" + libm, "/usr/lib/" + libm) if Path(p).exists()), libm
    )
    code, (available, reason) = probe_in_fresh_process(PYTHON_VLC_LIB_PATH=library)
    assert code == 0
    assert not available and "libVLC is not installed" in reason


def test_the_switch_turns_libvlc_off() -> None:
    code, (available, reason) = probe_in_fresh_process(STEWARD_DESK_NO_VLC="1")
    assert code == 0 and not available and "STEWARD_DESK_NO_VLC" in reason


def test_an_instance_without_plugins_is_reported() -> None:
    class NoPlugins:
        @staticmethod
        def libvlc_get_version() -> bytes:
            return b"3.0.24 Vetinari"

        @staticmethod
        def Instance(args: list[str]) -> None:  # python-vlc's name
            assert "--no-xlib" in args
            return None

    available, reason = vlc_backend._probe_module(NoPlugins())
    assert not available and "found no plugins" in reason


def test_the_install_hint_names_this_systems_way() -> None:
    assert "apt install libvlc5" in vlc_backend.install_hint("linux")
    assert "videolan.org" in vlc_backend.install_hint("win32")
    assert "/Applications" in vlc_backend.install_hint("darwin")


def test_libvlc_time_is_converted_per_file() -> None:
    # Measured on libVLC 3.0.24: MKV and edit-listed MP4 report absolute pts, TS from 0.
    mkv = vlc_backend.TimeAxis.for_file("clip.mkv", 1400)
    assert mkv.to_backend(0) == 1400 and mkv.to_content(1650) == 250
    assert vlc_backend.TimeAxis.for_file("clip.ts", 3900).lead_ms == 0
    assert vlc_backend.TimeAxis.from_length(13_400, 1400.0, 12_000.0).lead_ms == 1400
    assert vlc_backend.TimeAxis.from_length(12_683, 3900.0, 12_000.0).lead_ms == 0
