"""Find the libVLC to bundle: its libraries and its plugin folder, per platform."""

from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LibVlc:
    libraries: tuple[Path, ...]
    plugins: Path


def find_libvlc() -> LibVlc | None:
    """Where libVLC lives on this build machine (override with VLC_DIR), or None."""
    override = os.environ.get("VLC_DIR")
    if sys.platform == "win32":
        root = Path(override or r"C:\Program Files\VideoLAN\VLC")
        libs = [root / "libvlc.dll", root / "libvlccore.dll"]
        plugins = root / "plugins"
    elif sys.platform == "darwin":
        root = Path(override or "/Applications/VLC.app/Contents/MacOS")
        libs = [root / "lib" / "libvlc.dylib", root / "lib" / "libvlccore.dylib"]
        plugins = root / "plugins"
    else:
        roots = [override] if override else ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"]
        libs, plugins = [], Path()
        for root in roots:
            found = sorted(glob.glob(f"{root}/libvlc.so.*")) + sorted(
                glob.glob(f"{root}/libvlccore.so.*")
            )
            if found:
                libs = [Path(p) for p in found]
                plugins = Path(root) / "vlc" / "plugins"
                break
    if not libs or not all(p.exists() for p in libs) or not plugins.is_dir():
        return None
    return LibVlc(tuple(libs), plugins)
