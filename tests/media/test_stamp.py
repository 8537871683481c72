"""A frame says which frame it is: the stamp survives being drawn, read and sent through x264."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward_desk.media.errors import StampError
from steward_desk.media.stamp import MASK, Stamp, StampLayout, read_stamp, stamp

values = st.integers(min_value=0, max_value=MASK)


def _noise(seed: int, width: int = 320, height: int = 180) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


@given(index=values, pts_ms=values, seed=st.integers(0, 2**32 - 1))
def test_any_index_and_pts_read_back_from_the_pixels(index: int, pts_ms: int, seed: int) -> None:
    image = _noise(seed)
    stamp(image, index, pts_ms)
    assert read_stamp(image) == Stamp(index, pts_ms)


def _x264_round_trip(images: list[np.ndarray], crf: int) -> list[np.ndarray]:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height = images[0].shape[1], images[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.options = {"crf": str(crf), "preset": "veryfast", "bf": "2"}
        for i, image in enumerate(images):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    buffer.seek(0)
    with av.open(buffer) as back:
        return [f.to_ndarray(format="rgb24") for f in back.decode(video=0)]


@settings(max_examples=12, deadline=None)
@given(
    stamps=st.lists(st.tuples(values, values), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
    crf=st.integers(18, 32),
)
def test_stamps_survive_an_x264_encode_and_decode(
    stamps: list[tuple[int, int]], seed: int, crf: int
) -> None:
    # Noise is the hardest background for an encoder: the grid must still come through.
    images = []
    for i, (index, pts_ms) in enumerate(stamps):
        image = _noise(seed + i)
        stamp(image, index, pts_ms)
        images.append(image)
    decoded = _x264_round_trip(images, crf)
    assert [read_stamp(image) for image in decoded] == [Stamp(i, p) for i, p in stamps]


def test_a_half_size_tile_still_reads_its_stamp() -> None:
    image = _noise(7, 640, 360)
    stamp(image, 1234, 56789)
    half = image.reshape(180, 2, 320, 2, 3).mean(axis=(1, 3)).astype(np.uint8)
    assert read_stamp(half) == Stamp(1234, 56789)
    assert read_stamp(half, StampLayout.with_cell(16).scaled(0.5)) == Stamp(1234, 56789)


@pytest.mark.parametrize("fill", [0, 255, 128])
def test_a_plain_picture_is_not_mistaken_for_a_stamp(fill: int) -> None:
    with pytest.raises(StampError, match="no valid frame stamp"):
        read_stamp(np.full((180, 320, 3), fill, dtype=np.uint8))


def test_one_flipped_cell_is_caught_by_the_check_row() -> None:
    image = _noise(3)
    layout = StampLayout.with_cell(12)
    stamp(image, 42, 700, layout)
    # Turn the last cell of the index row white (bit 0 of 42 is 0).
    image[12:24, 12 + 23 * 12 : 12 + 24 * 12] = 255
    with pytest.raises(StampError):
        read_stamp(image, layout)


@pytest.mark.parametrize(("index", "pts_ms"), [(-1, 0), (0, MASK + 1)])
def test_values_that_do_not_fit_are_refused(index: int, pts_ms: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        stamp(_noise(1), index, pts_ms)
