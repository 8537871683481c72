"""Footage references from reports → a source, a video id and a start time.

Drivers paste whatever their platform's share button gives them: YouTube watch/short/embed/
live links with `t=1h2m3s`, `t=123` or `#t=`, Twitch VODs with `t=01h02m03s` and clips,
Streamable, Google Drive and Dropbox file links, or a path on their disk. "Open at time"
needs the link rebuilt for a given moment, which `FootageLink.open_url_at` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal
from urllib.parse import parse_qs, quote, unquote, urlsplit

from steward_desk.intake.errors import FootageLinkError

FootageSource = Literal[
    "youtube", "twitch", "twitch_clip", "streamable", "gdrive", "dropbox", "file", "link"
]

_VIDEO_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov", ".avi", ".ts", ".flv", ".m4v", ".wmv")
_TIME_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,}$")


@dataclass(frozen=True, slots=True)
class FootageLink:
    source: FootageSource
    url: str  # canonical link (web) or the path as given (file)
    video_id: str | None
    start_ms: int | None  # the moment the link points at, if it carries one

    def open_url_at(self, ms: int | None = None) -> str:
        """The address that opens this footage at `ms` (default: the link's own start)."""
        at = self.start_ms if ms is None else ms
        seconds = None if at is None else max(0, at) // 1000
        if self.source == "youtube":
            base = f"https://www.youtube.com/watch?v={self.video_id}"
            return base if seconds is None else f"{base}&t={seconds}s"
        if self.source == "twitch":
            base = f"https://www.twitch.tv/videos/{self.video_id}"
            return base if seconds is None else f"{base}?t={_hms(seconds)}"
        if self.source in ("streamable", "gdrive"):
            return self.url if seconds is None else f"{self.url}?t={seconds}"
        if self.source == "file":
            uri = _file_uri(self.url)
            return uri if at is None else f"{uri}#t={_media_seconds(at)}"
        if self.source in ("link", "dropbox") and at is not None and _is_direct_media(self.url):
            # Browsers honour W3C media fragments when they play a video file themselves.
            return f"{self.url.split('#', 1)[0]}#t={_media_seconds(at)}"
        return self.url  # clips, Dropbox previews and web pages cannot be opened at a time


def parse_footage_link(text: str) -> FootageLink:
    """Recognise a pasted link or path; raises FootageLinkError when it is neither."""
    cleaned = text.strip().strip("<>\"'").strip()
    if not cleaned:
        raise FootageLinkError(text, "empty: expected a link or a file path")
    if cleaned.lower().startswith("file:"):
        try:
            return _file(text, _path_from_file_uri(cleaned))
        except ValueError as exc:
            raise FootageLinkError(text, f"not a usable file address: {exc}") from None
    lowered = cleaned.lower()
    if not lowered.startswith(("http://", "https://")) and re.match(
        r"^(?:www\.|m\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/", lowered
    ):
        cleaned = "https://" + cleaned
        lowered = cleaned.lower()
    if lowered.startswith(("http://", "https://")):
        return _web(text, cleaned)
    return _file(text, cleaned)


def parse_time_param(value: str) -> int | None:
    """`1h2m3s`, `01h02m03s`, `2m`, `123`, `123s`, `62.5`, `1:02:03` → milliseconds."""
    value = value.strip().lower()
    if value.startswith("npt:"):
        value = value[4:]
    value = value.split(",", 1)[0]  # media fragments: t=start,end
    clock = _CLOCK.match(value)
    if clock:
        hours, minutes, seconds = clock.groups()
        return round((int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    units = _TIME_UNITS.match(value)
    if not value or not units or not any(units.groups()):
        return None
    hours, minutes, seconds = units.groups()
    return round((int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)) * 1000)


def _web(text: str, url: str) -> FootageLink:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as exc:
        raise FootageLinkError(text, f"not a usable link: {exc}") from None
    if not host:
        raise FootageLinkError(text, "a link without a host")
    host = host.removeprefix("www.").removeprefix("m.")
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    fragment = {k.lower(): v[-1] for k, v in parse_qs(parts.fragment).items()}
    segments = [unquote(s) for s in parts.path.split("/") if s]
    start = _start(query, fragment)

    if host in ("youtube.com", "youtube-nocookie.com", "music.youtube.com", "youtu.be"):
        video_id = _youtube_id(host, segments, query)
        if video_id:
            return FootageLink(
                "youtube", f"https://www.youtube.com/watch?v={video_id}", video_id, start
            )
    if host == "clips.twitch.tv" and segments and segments[0] != "embed":
        return _twitch_clip(segments[0])
    if host == "clips.twitch.tv" and "clip" in query:
        return _twitch_clip(query["clip"])
    if host in ("twitch.tv", "player.twitch.tv"):
        if len(segments) >= 2 and segments[0] == "videos" and segments[1].isdigit():
            return FootageLink(
                "twitch", f"https://www.twitch.tv/videos/{segments[1]}", segments[1], start
            )
        if query.get("video", "").lstrip("v").isdigit():
            video_id = query["video"].lstrip("v")
            return FootageLink(
                "twitch",
                f"https://www.twitch.tv/videos/{video_id}",
                video_id,
                _time(query.get("time")) or start,
            )
        if len(segments) >= 3 and segments[1] == "clip":
            return _twitch_clip(segments[2])
    if host == "streamable.com" and segments:
        video_id = segments[-1] if segments[0] in ("e", "o", "s") else segments[0]
        return FootageLink("streamable", f"https://streamable.com/{video_id}", video_id, start)
    if host in ("drive.google.com", "docs.google.com"):
        video_id = _drive_id(segments, query)
        if video_id:
            return FootageLink(
                "gdrive", f"https://drive.google.com/file/d/{video_id}/view", video_id, start
            )
    if host.endswith("dropbox.com") or host.endswith("dropboxusercontent.com"):
        return FootageLink("dropbox", url, _dropbox_id(segments), start)
    return FootageLink("link", url, None, start)


def _start(query: dict[str, str], fragment: dict[str, str]) -> int | None:
    for key in ("t", "start", "time_continue"):
        for params in (query, fragment):
            if key in params:
                found = _time(params[key])
                if found is not None:
                    return found
    return None


def _time(value: str | None) -> int | None:
    return None if value is None else parse_time_param(value)


def _youtube_id(host: str, segments: list[str], query: dict[str, str]) -> str | None:
    if host == "youtu.be":
        candidate = segments[0] if segments else ""
    elif segments[:1] == ["watch"] or not segments:
        candidate = query.get("v", "")
    elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v", "e"):
        candidate = segments[1]
    else:
        candidate = ""
    return candidate if _YOUTUBE_ID.match(candidate) else None


def _twitch_clip(slug: str) -> FootageLink:
    return FootageLink("twitch_clip", f"https://clips.twitch.tv/{slug}", slug, None)


def _drive_id(segments: list[str], query: dict[str, str]) -> str | None:
    if "d" in segments:
        index = segments.index("d")
        if index + 1 < len(segments):
            return segments[index + 1]
    return query.get("id") or None


def _dropbox_id(segments: list[str]) -> str | None:
    # /s/<key>/<name>, /scl/fi/<key>/<name>, /sh/<key>/…: the key names the file.
    for marker in ("fi", "s", "sh"):
        if marker in segments:
            index = segments.index(marker)
            if index + 1 < len(segments):
                return segments[index + 1]
    return segments[-1] if segments else None


def _is_direct_media(url: str) -> bool:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "dropboxusercontent.com" in (parts.hostname or "") or query.get("dl") == ["1"]:
        return True
    return parts.path.lower().endswith(_VIDEO_SUFFIXES) and "dropbox.com" not in (
        parts.hostname or ""
    )


def _file(text: str, path: str) -> FootageLink:
    start = None
    if "#t=" in path:
        path, _, fragment = path.rpartition("#t=")
        start = parse_time_param(fragment)
    looks_like_path = (
        "/" in path or "\\" in path or path.lower().endswith(_VIDEO_SUFFIXES) or path[:1] == "~"
    )
    if not looks_like_path:
        raise FootageLinkError(text, "expected a link (https://…) or a path to a video file")
    if path.startswith("\\\\") and not re.match(r"^\\\\[^\\/]+[\\/][^\\/]+", path):
        raise FootageLinkError(text, r"a network path names a server and a share: \\server\share\…")
    return FootageLink("file", path, None, start)


def _path_from_file_uri(uri: str) -> str:
    parts = urlsplit(uri)
    path = unquote(parts.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/Videos/x.mp4
        path = path[1:]
    elif parts.netloc and parts.netloc != "localhost":  # file://server/share/x.mp4
        path = f"//{parts.netloc}{path}"
    if parts.fragment.startswith("t="):
        path += "#" + parts.fragment
    return path


def _file_uri(path: str) -> str:
    if re.match(r"^[A-Za-z]:[\\/]", path) or path.startswith("\\\\"):
        return PureWindowsPath(path).as_uri()
    if path.startswith("/"):
        return PurePosixPath(path).as_uri()
    return quote(path)  # relative or ~: the app resolves it; nothing better to offer


def _hms(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s"


def _media_seconds(ms: int) -> str:
    whole, millis = divmod(max(0, ms), 1000)
    return f"{whole}.{millis:03d}".rstrip("0").rstrip(".")
