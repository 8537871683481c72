"""Copy `.ts` / `.flv` captures into Matroska on import (DESIGN decision 3).

MPEG-TS and FLV seek by byte guesses and decode timestamps, so exact frame access on them is
slow and fragile; MKV keeps the same packets (no re-encode, no quality loss) with a cue index
and presentation timestamps. The copy is written to a temp file beside the target and renamed
into place only when complete: a cancelled or failed remux leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import av

from steward_desk.media.errors import (
    Cancelled,
    CancelSignal,
    Progress,
    RemuxError,
    raise_if_cancelled,
)

NEEDS_REMUX = (".ts", ".m2ts", ".mts", ".flv")
_REPORT_EVERY = 256  # packets between progress reports and cancel checks


def needs_remux(path: str | Path) -> bool:
    """True for containers the import copies into MKV before indexing."""
    return Path(path).suffix.lower() in NEEDS_REMUX


def remux_to_mkv(
    src: str | Path,
    dst: str | Path,
    progress: Progress | None = None,
    cancel: CancelSignal | None = None,
) -> Path:
    """Copy the video and audio packets of `src` into the Matroska file `dst`; return `dst`.

    Raises RemuxError naming `src` when it cannot be read or copied, Cancelled when asked to
    stop; in both cases `dst` is untouched and no partial file remains.
    """
    src, dst = Path(src), Path(dst)
    part = dst.with_name(f".{dst.name}.part")
    try:
        size = src.stat().st_size
        _copy_packets(src, part, size, progress, cancel)
        os.replace(part, dst)
    except (Cancelled, RemuxError):
        raise
    except (av.FFmpegError, OSError, ValueError) as error:
        raise RemuxError(src, f"could not be copied into {dst.name}: {error}") from error
    finally:
        part.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0)
    return dst


def _copy_packets(
    src: Path, part: Path, size: int, progress: Progress | None, cancel: CancelSignal | None
) -> None:
    with av.open(str(src)) as source:
        streams = [s for s in source.streams if s.type in ("video", "audio")]
        if not any(s.type == "video" for s in streams):
            raise RemuxError(src, "has no video stream to copy")
        with av.open(str(part), "w", format="matroska") as target:
            copies = {s.index: target.add_stream_from_template(s) for s in streams}
            video_packets = 0
            for count, packet in enumerate(source.demux(streams)):
                if count % _REPORT_EVERY == 0:
                    raise_if_cancelled(cancel, src, "copying into MKV")
                    if progress is not None and packet.pos is not None and packet.pos > 0:
                        progress(min(packet.pos / size, 0.99))
                if packet.dts is None and packet.pts is None:
                    continue  # the demuxer's end-of-stream marker carries no data
                video_packets += packet.stream.type == "video"
                packet.stream = copies[packet.stream.index]
                target.mux(packet)
            if not video_packets:
                raise RemuxError(src, "has a video stream but no video packets")
