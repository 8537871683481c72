"""Where Steward Desk keeps its files: one place, computed when asked, never at import.

Precedence: command line (`--home`, `--db`) > environment (`STEWARD_DESK_HOME`,
`STEWARD_DESK_DB`) > the platformdirs user data dir.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "StewardDesk"
APP_AUTHOR = "StewardDesk"


@dataclass(frozen=True)
class Paths:
    home: Path
    db_url: str

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def footage_dir(self) -> Path:
        return self.home / "footage"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def backups_dir(self) -> Path:
        return self.home / "backups"

    @property
    def previews_dir(self) -> Path:
        """Scrub previews (media/previews.py): a cache, safe to delete at any time."""
        return self.home / "cache" / "previews"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.ini"

    @property
    def db_path(self) -> Path | None:
        """The SQLite file behind the URL, or None for other databases and in-memory."""
        prefix = "sqlite:///"
        if self.db_url.startswith(prefix) and self.db_url != "sqlite:///:memory:":
            return Path(self.db_url[len(prefix) :])
        return None

    def ensure(self) -> Paths:
        self.home.mkdir(parents=True, exist_ok=True)
        db = self.db_path
        if db is not None:
            db.parent.mkdir(parents=True, exist_ok=True)
        return self


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def db_url_from(value: str) -> str:
    """A path or any SQLAlchemy URL; a bare path means a SQLite file."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def resolve(home: str | None = None, db: str | None = None) -> Paths:
    """Resolve the folders from arguments, then environment, then platform defaults."""
    home_value = home or os.environ.get("STEWARD_DESK_HOME")
    home_path = Path(home_value).expanduser().resolve() if home_value else default_home()
    db_value = db or os.environ.get("STEWARD_DESK_DB")
    db_url = (
        db_url_from(db_value) if db_value else db_url_from(str(home_path / "steward-desk.sqlite"))
    )
    return Paths(home=home_path, db_url=db_url)
