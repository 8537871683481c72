"""Local footage at intake: hashed (SHA-256), probed once, `.ts`/`.flv` remuxed to MKV.

The probe result is stored with the footage row, so a file is never indexed twice; a file
found later at another path is recognised by its hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward_desk.media.errors import CancelSignal, raise_if_cancelled
from steward_desk.media.footage_index import FootageIndex, probe
from steward_desk.media.remux import needs_remux, remux_to_mkv

_CHUNK = 4 * 1024 * 1024

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class IngestedFootage:
    location: str  # the file to play: the original, or its MKV copy after a remux
    original: str
    sha256: str  # of the file as the driver sent it
    probe_json: str
    summary: dict[str, Any]


def probe_document(index: FootageIndex) -> str:
    """What the footage row keeps: the CLI.md probe summary and the full frame index."""
    return json.dumps({"summary": index.summary(), "index": index.to_json()}, separators=(",", ":"))


def index_of(probe_json: str) -> FootageIndex | None:
    if not probe_json:
        return None
    doc = json.loads(probe_json)
    if not isinstance(doc, dict) or "index" not in doc:
        return None
    return FootageIndex.from_json(doc["index"])


def sha256_file(
    path: Path, progress: Progress | None = None, cancel: CancelSignal | None = None
) -> str:
    digest = hashlib.sha256()
    size = max(path.stat().st_size, 1)
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            raise_if_cancelled(cancel, path, "hashing")
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done / size, f"Hashing {path.name}")
    return digest.hexdigest()


def ingest_footage_file(
    path: str | Path,
    footage_dir: Path,
    progress: Progress | None = None,
    cancel: CancelSignal | None = None,
) -> IngestedFootage:
    """Hash, remux when needed (into `footage_dir`), and index a local footage file.

    Raises media.errors.FootageError / RemuxError naming the file, or Cancelled.
    """
    source = Path(path).expanduser().resolve()
    report = progress or (lambda fraction, text: None)
    sha = sha256_file(source, lambda f, t: report(f * 0.3, t), cancel)
    playable = source
    if needs_remux(source):
        footage_dir.mkdir(parents=True, exist_ok=True)
        target = footage_dir / f"{source.stem}-{sha[:8]}.mkv"
        if not target.exists():
            remux_to_mkv(
                source, target, lambda f: report(0.3 + f * 0.4, f"Remuxing {source.name}"), cancel
            )
        playable = target
    index = probe(playable, lambda f: report(0.7 + f * 0.3, f"Indexing {playable.name}"), cancel)
    return IngestedFootage(
        location=str(playable),
        original=str(source),
        sha256=sha,
        probe_json=probe_document(index),
        summary=index.summary(),
    )
