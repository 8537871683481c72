"""Make the demo league's steward the one this desk judges as (unless one is already set)."""

from __future__ import annotations

from steward_desk.paths import Paths

SETTINGS_STEWARD = "verdict/steward_id"  # the key the verdict capability reads


def remember_demo_steward(paths: Paths, steward_id: str) -> bool:
    """Returns True when the demo steward became this desk's steward."""
    from PySide6.QtCore import QSettings

    if not steward_id:
        return False
    settings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    if settings.value(SETTINGS_STEWARD):
        return False
    settings.setValue(SETTINGS_STEWARD, steward_id)
    settings.sync()
    return True
