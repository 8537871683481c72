"""What every command gets: the resolved paths and, on demand, the opened store."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from steward_desk.paths import Paths

if TYPE_CHECKING:
    from steward_desk.storage.store import Store


@dataclass
class Context:
    paths: Paths
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """Open the database (migrating it to the current schema) the first time it is asked."""
        if self._store is None:
            from steward_desk.storage.store import Store

            self._store = Store.open(self.paths.ensure())
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def print_json(doc: Any) -> None:
    """Exactly one JSON document on stdout (CLI.md)."""
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def say(message: str) -> None:
    """Messages go to stderr so stdout stays machine-readable."""
    print(message, file=sys.stderr)
