"""Support reproduces a steward's "wrong frame" report from the command line, no database."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

from steward_desk.cli.main import main
from steward_desk.media.clip_maker import ClipInfo
from steward_desk.media.stamp import read_stamp


def test_probe_json_shows_what_the_clip_holds(
    clips: dict[str, ClipInfo], home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = clips["nonzero_start"]
    assert main(["media", "probe", str(clip.path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "duration_ms": 3000,
        "frames": 90,
        "fps": 30.0,
        "vfr": False,
        "first_pts_ms": 1400.0,
        "keyframes": 2,
        "codec": "h264",
        "width": 320,
        "height": 180,
    }
    assert not list(home.iterdir()), "media commands must not create a database"


def test_probe_flags_the_vfr_clip(
    clips: dict[str, ClipInfo], home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["media", "probe", str(clips["obs_vfr_mkv"].path)]) == 0
    out = capsys.readouterr().out
    assert "vfr           True" in out
    assert "frames        200" in out


def test_frame_writes_the_exact_frame_at_a_content_time(
    clips: dict[str, ClipInfo], tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = clips["h264_60_bframes"]
    out = tmp_path / "contact.png"
    # 2000 ms is frame 120 at 60 fps: a keyframe, and 1999.9 is the frame just before it.
    for at, expected in (("2000", 120), ("1999.9", 119), ("-5", 0), ("99999", clip.frames - 1)):
        assert (
            main(["media", "frame", str(clip.path), "--at", at, "--out", str(out), "--json"]) == 0
        )
        doc = json.loads(capsys.readouterr().out)
        assert doc["index"] == expected
        with av.open(str(out)) as png:
            image = next(png.decode(video=0)).to_ndarray(format="rgb24")
        assert read_stamp(image).index == expected


def test_a_corrupt_file_exits_1_naming_it(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "onboard-lap3.mp4"
    bad.write_bytes(b"not really a video" * 100)
    assert main(["media", "probe", str(bad), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{bad}: is not a video file" in captured.err
    out = tmp_path / "x.png"
    assert main(["media", "frame", str(bad), "--at", "0", "--out", str(out)]) == 1
    assert str(bad) in capsys.readouterr().err
    assert not out.exists()


def test_an_unwritable_png_target_exits_1(
    clips: dict[str, ClipInfo], tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "x.png"
    assert (
        main(["media", "frame", str(clips["ps4_720p30"].path), "--at", "0", "--out", str(out)]) == 1
    )
    assert "cannot write the PNG" in capsys.readouterr().err


def test_frame_without_a_time_is_a_usage_error(
    clips: dict[str, ClipInfo], home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["media", "frame", str(clips["ps4_720p30"].path), "--out", "x.png"])
    assert exit_.value.code == 2
    assert "--at" in capsys.readouterr().err


def test_remux_command_copies_a_capture(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from steward_desk.media.clip_maker import ClipSpec, make_clip

    ts = make_clip(tmp_path / "cap.ts", ClipSpec(container="ts", frames=20)).path
    assert main(["media", "remux", str(ts), str(tmp_path / "cap.mkv")]) == 0
    assert main(["media", "probe", str(tmp_path / "cap.mkv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["frames"] == 20
