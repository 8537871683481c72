"""Footage every media test shares: small clips of the five kinds stewards receive, made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward_desk.media.clip_maker import (
    ClipInfo,
    h264_60_bframes,
    make_clip,
    nonzero_start,
    obs_vfr_mkv,
    ps4_720p30,
    ps5_vp9_webm,
)

# Small frames keep the whole folder fast; the kinds keep what matters (codec, container,
# B-frames, GOP, VFR, first pts). The 60 fps clip spans two full 2 s GOPs and a bit.
KINDS = {
    "h264_60_bframes": h264_60_bframes(320, 180, seconds=4.5),
    "ps4_720p30": ps4_720p30(320, 180, seconds=3.0),
    "ps5_vp9_webm": ps5_vp9_webm(256, 144, seconds=2.5),
    "obs_vfr_mkv": obs_vfr_mkv(320, 180, frames=200),
    "nonzero_start": nonzero_start(320, 180, seconds=3.0),
}


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ClipInfo]:
    """name → the written clip, with the pts read back from the file."""
    folder: Path = tmp_path_factory.mktemp("footage")
    return {
        name: make_clip(folder / f"{name}.{spec.container}", spec) for name, spec in KINDS.items()
    }


@pytest.fixture(params=sorted(KINDS))
def clip(request: pytest.FixtureRequest, clips: dict[str, ClipInfo]) -> ClipInfo:
    """Each kind of clip in turn."""
    return clips[request.param]
