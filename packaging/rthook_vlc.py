"""PyInstaller runtime hook: point python-vlc at the libVLC staged inside the bundle.

Runs before any app code, so `import vlc` (in media/vlc_backend.py only) finds the bundled
library and plugins. Without a staged libVLC nothing is set and the system's VLC is used.
"""

import os
import sys
from pathlib import Path

base = Path(getattr(sys, "_MEIPASS", Path(__file__).parent)) / "vlc"
if base.is_dir():
    names = {"win32": "libvlc.dll", "darwin": "libvlc.dylib"}
    library = base / names.get(sys.platform, "libvlc.so.5")
    if library.exists():
        os.environ.setdefault("PYTHON_VLC_LIB_PATH", str(library))
    plugins = base / "plugins"
    if plugins.is_dir():
        os.environ.setdefault("PYTHON_VLC_MODULE_PATH", str(plugins))
        os.environ.setdefault("VLC_PLUGIN_PATH", str(plugins))
