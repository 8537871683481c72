"""A steward clicks "Open at time" on whatever link a driver pasted into the report."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.intake.errors import FootageLinkError
from steward_desk.intake.footage_links import parse_footage_link, parse_time_param

YT = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("text", "start_ms"),
    [
        (f"https://www.youtube.com/watch?v={YT}&t=1h2m3s", 3_723_000),
        (f"https://www.youtube.com/watch?v={YT}&t=123", 123_000),
        (f"https://www.youtube.com/watch?t=95s&v={YT}", 95_000),
        (f"https://youtu.be/{YT}?t=42", 42_000),
        (f"https://youtu.be/{YT}?si=Xy12&t=2m", 120_000),
        (f"https://www.youtube.com/watch?v={YT}#t=1m30s", 90_000),
        (f"https://www.youtube.com/embed/{YT}?start=30&autoplay=1", 30_000),
        (f"https://youtube.com/shorts/{YT}", None),
        (f"https://www.youtube.com/live/{YT}?feature=share&t=3600", 3_600_000),
        (f"https://m.youtube.com/watch?v={YT}&t=10", 10_000),
        (f"https://www.youtube-nocookie.com/embed/{YT}", None),
        (f"youtube.com/watch?v={YT}&t=7", 7_000),
        (f"<https://youtu.be/{YT}?t=5>", 5_000),
    ],
)
def test_youtube_links_in_every_shape_give_the_video_and_the_moment(text, start_ms):
    link = parse_footage_link(text)
    assert (link.source, link.video_id, link.start_ms) == ("youtube", YT, start_ms)
    assert link.url == f"https://www.youtube.com/watch?v={YT}"


def test_open_at_time_rebuilds_the_youtube_link_for_any_moment():
    link = parse_footage_link(f"https://youtu.be/{YT}?t=42")
    assert link.open_url_at() == f"https://www.youtube.com/watch?v={YT}&t=42s"
    assert link.open_url_at(3_723_999) == f"https://www.youtube.com/watch?v={YT}&t=3723s"
    assert link.open_url_at(-500) == f"https://www.youtube.com/watch?v={YT}&t=0s"


@pytest.mark.parametrize(
    "text",
    [
        "https://www.twitch.tv/videos/1234567890?t=01h02m03s",
        "https://m.twitch.tv/videos/1234567890?t=1h2m3s",
        "https://player.twitch.tv/?video=v1234567890&time=1h2m3s&parent=example.com",
    ],
)
def test_twitch_vods_keep_their_time_and_reopen_at_another(text):
    link = parse_footage_link(text)
    assert (link.source, link.video_id, link.start_ms) == ("twitch", "1234567890", 3_723_000)
    assert link.open_url_at(61_000) == "https://www.twitch.tv/videos/1234567890?t=0h01m01s"


@pytest.mark.parametrize(
    "text",
    [
        "https://clips.twitch.tv/BraveTameSnailKappa-abc123",
        "https://www.twitch.tv/steward_channel/clip/BraveTameSnailKappa-abc123?filter=clips",
        "https://clips.twitch.tv/embed?clip=BraveTameSnailKappa-abc123&parent=x",
    ],
)
def test_twitch_clips_are_clips_without_a_time(text):
    link = parse_footage_link(text)
    assert (link.source, link.video_id, link.start_ms) == (
        "twitch_clip",
        "BraveTameSnailKappa-abc123",
        None,
    )
    assert link.open_url_at(5000) == "https://clips.twitch.tv/BraveTameSnailKappa-abc123"


def test_streamable_google_drive_and_dropbox_file_links():
    streamable = parse_footage_link("https://streamable.com/e/abc123?t=12")
    assert (streamable.source, streamable.video_id, streamable.start_ms) == (
        "streamable",
        "abc123",
        12_000,
    )
    assert streamable.open_url_at(30_000) == "https://streamable.com/abc123?t=30"

    drive = parse_footage_link("https://drive.google.com/file/d/1AbC-dEf_9/view?usp=sharing")
    assert (drive.source, drive.video_id) == ("gdrive", "1AbC-dEf_9")
    assert drive.url == "https://drive.google.com/file/d/1AbC-dEf_9/view"
    assert (
        parse_footage_link("https://drive.google.com/open?id=1AbC-dEf_9").video_id == "1AbC-dEf_9"
    )

    preview = parse_footage_link("https://www.dropbox.com/s/k3y/race%20onboard.mp4?dl=0")
    assert (preview.source, preview.video_id) == ("dropbox", "k3y")
    assert preview.open_url_at(10_000) == preview.url  # a preview page cannot seek
    direct = parse_footage_link("https://www.dropbox.com/scl/fi/k3y2/onboard.mp4?rlkey=r&dl=1")
    assert direct.video_id == "k3y2"
    assert direct.open_url_at(10_500).endswith("onboard.mp4?rlkey=r&dl=1#t=10.5")


@pytest.mark.parametrize(
    ("text", "path", "uri"),
    [
        ("C:\\Videos\\onboard #12.mp4", "C:\\Videos\\onboard #12.mp4", "file:///C:/Videos/onboard%20%2312.mp4"),
        ("/home/steward/clips/onboard.mkv", "/home/steward/clips/onboard.mkv", "file:///home/steward/clips/onboard.mkv"),
        ("file:///C:/Videos/My%20onboard.mp4", "C:/Videos/My onboard.mp4", "file:///C:/Videos/My%20onboard.mp4"),
        ("file:///home/me/x.webm", "/home/me/x.webm", "file:///home/me/x.webm"),
        ("onboard.mp4", "onboard.mp4", "onboard.mp4"),
    ],
)  # fmt: skip
def test_local_files_and_file_uris_become_paths(text, path, uri):
    link = parse_footage_link(text)
    assert (link.source, link.url, link.video_id, link.start_ms) == ("file", path, None, None)
    assert link.open_url_at() == uri


def test_a_file_uri_with_a_media_fragment_keeps_its_start():
    link = parse_footage_link("file:///home/me/x.mkv#t=12.5")
    assert (link.url, link.start_ms) == ("/home/me/x.mkv", 12_500)
    assert link.open_url_at() == "file:///home/me/x.mkv#t=12.5"


def test_any_other_link_is_kept_and_a_direct_video_seeks_by_media_fragment():
    page = parse_footage_link("https://league.example/replays/round-3")
    assert (page.source, page.start_ms) == ("link", None)
    assert page.open_url_at(9000) == "https://league.example/replays/round-3"
    video = parse_footage_link("https://cdn.example/r3/onboard.mp4#t=10")
    assert video.start_ms == 10_000
    assert video.open_url_at(75_250) == "https://cdn.example/r3/onboard.mp4#t=75.25"


@pytest.mark.parametrize("text", ["", "   ", "none", "see discord", "https://", "file://["])
def test_text_that_is_neither_link_nor_path_is_refused(text):
    with pytest.raises(FootageLinkError) as caught:
        parse_footage_link(text)
    assert "footage" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "ms"),
    [("1h2m3s", 3_723_000), ("01h02m03s", 3_723_000), ("2m", 120_000), ("123", 123_000),
     ("123s", 123_000), ("62.5", 62_500), ("1:02:03", 3_723_000), ("02:01.12", 121_120),
     ("npt:10,20", 10_000), ("", None), ("soon", None)],
)  # fmt: skip
def test_time_parameters(value, ms):
    assert parse_time_param(value) == ms


LINK_STARTS = st.sampled_from(
    ["", "https://", "https://www.youtube.com/watch?v=", "https://youtu.be/", "file://",
     "https://www.twitch.tv/videos/", "https://clips.twitch.tv/", "https://player.twitch.tv/?video=v1&time=",
     "https://drive.google.com/file/d/", "https://www.dropbox.com/s/", "www.", "C:\\", "/"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(LINK_STARTS, st.text(max_size=60))
def test_any_text_gives_a_link_or_a_footage_error(start, rest):
    try:
        link = parse_footage_link(start + rest)
    except FootageLinkError:
        return
    assert link.open_url_at(1234)
    assert link.start_ms is None or link.start_ms >= 0


@pytest.mark.parametrize("text", ["\\\\", "\\\\server", "\\\\server\\\\share"])
def test_a_network_path_without_server_and_share_is_refused_in_words(text):
    # Found by hypothesis: "\\" reached PureWindowsPath.as_uri() and raised a bare ValueError.
    with pytest.raises(FootageLinkError, match="server and a share"):
        parse_footage_link(text)
