"""A frame's identity written into its pixels, so tests can prove which frame they were shown.

DESIGN "Test footage": every frame of a generated clip carries a block grid of 3 rows × 24
black/white cells at a fixed spot (top-left, one cell in from each edge, on a black plate):

- row 0: the frame index (24 bits, most significant first),
- row 1: the frame's pts in whole milliseconds (24 bits: up to 4 h 39 min),
- row 2: a check, `index XOR pts XOR 0xA5A5A5`.

The salt in the check means neither a black nor a white patch (nor a frame from another clip
with a different index) reads as a valid stamp; any flipped bit in any row is caught. Cells of
8–16 px survive lossy H.264 and VP9 at modest bitrates because the reader only looks at the
middle half of each cell and thresholds its mean brightness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from steward_desk.media.errors import StampError

BITS = 24
ROWS = 3
MASK = (1 << BITS) - 1
_SALT = 0xA5A5A5
_BLACK = 0
_WHITE = 255


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a frame says about itself: its index in the clip and its pts in ms."""

    index: int
    pts_ms: int


@dataclass(frozen=True, slots=True)
class StampLayout:
    """Where the grid sits: cell size in px (may be fractional on a scaled image) and origin."""

    cell: float
    x: float
    y: float

    @classmethod
    def with_cell(cls, cell: float) -> StampLayout:
        """The fixed spot: the grid starts one cell in from the top-left corner."""
        return cls(cell=cell, x=cell, y=cell)

    def scaled(self, factor: float) -> StampLayout:
        """The same grid on an image resized by `factor` (e.g. a tile from `max_width`)."""
        return StampLayout(self.cell * factor, self.x * factor, self.y * factor)

    @property
    def width(self) -> float:
        """Width of the plate the grid is drawn on, margins included."""
        return (BITS + 2) * self.cell

    @property
    def height(self) -> float:
        return (ROWS + 2) * self.cell


def default_layout(width: int) -> StampLayout:
    """The layout `stamp` uses for an image this wide: 16 px cells, smaller on small frames.

    The cell is even so that 4:2:0 chroma subsampling never straddles a cell edge.
    """
    cell = max(4, min(16, (width // (BITS + 2)) // 2 * 2))
    return StampLayout.with_cell(cell)


def _check(index: int, pts_ms: int) -> int:
    return (index ^ pts_ms ^ _SALT) & MASK


def _bits(value: int) -> np.ndarray:
    return np.array([(value >> (BITS - 1 - i)) & 1 for i in range(BITS)], dtype=np.uint8)


def stamp(image: np.ndarray, index: int, pts_ms: int, layout: StampLayout | None = None) -> None:
    """Draw the stamp for (`index`, `pts_ms`) into `image` (H×W×3 uint8, modified in place).

    Raises ValueError when a value does not fit in 24 bits or the image is too small for the
    grid.
    """
    for name, value in (("index", index), ("pts_ms", pts_ms)):
        if not 0 <= value <= MASK:
            raise ValueError(f"stamp {name} {value} is outside 0..{MASK}")
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"stamp needs an H×W×3 uint8 image, got {image.shape} {image.dtype}")
    lay = layout or default_layout(image.shape[1])
    cell = int(lay.cell)
    if cell != lay.cell or cell < 2:
        raise ValueError(f"stamp needs a whole cell size of at least 2 px, got {lay.cell}")
    x0, y0 = int(lay.x), int(lay.y)
    if y0 + (ROWS + 1) * cell > image.shape[0] or x0 + (BITS + 1) * cell > image.shape[1]:
        raise ValueError(f"a {image.shape[1]}×{image.shape[0]} image is too small for {lay}")
    half = cell // 2
    image[y0 - half : y0 + ROWS * cell + half, x0 - half : x0 + BITS * cell + half] = _BLACK
    rows = np.stack([_bits(index), _bits(pts_ms), _bits(_check(index, pts_ms))])
    # One pixel per bit, blown up to cell×cell blocks.
    grid = np.repeat(np.repeat(rows, cell, axis=0), cell, axis=1) * _WHITE
    image[y0 : y0 + ROWS * cell, x0 : x0 + BITS * cell] = grid[:, :, None]


def _sample(image: np.ndarray, lay: StampLayout) -> np.ndarray | None:
    """Mean brightness of the middle half of every cell, or None if the grid does not fit."""
    h, w = image.shape[:2]
    if lay.y + ROWS * lay.cell > h or lay.x + BITS * lay.cell > w or lay.cell < 2:
        return None
    # Only the grid's box is averaged: a whole 1080p frame would cost tens of ms.
    box = image[: int(lay.y + ROWS * lay.cell) + 1, : int(lay.x + BITS * lay.cell) + 1]
    grey = box.mean(axis=2) if box.ndim == 3 else box.astype(np.float64)
    out = np.empty((ROWS, BITS))
    quarter = lay.cell / 4
    for r in range(ROWS):
        top = round(lay.y + r * lay.cell + quarter)
        bottom = max(top + 1, round(lay.y + (r + 1) * lay.cell - quarter))
        band = grey[top:bottom]
        for c in range(BITS):
            left = round(lay.x + c * lay.cell + quarter)
            right = max(left + 1, round(lay.x + (c + 1) * lay.cell - quarter))
            out[r, c] = band[:, left:right].mean()
    return out


def _decode(levels: np.ndarray) -> tuple[int, int, int]:
    bits = (levels >= 128).astype(np.int64)
    weights = 1 << np.arange(BITS - 1, -1, -1, dtype=np.int64)
    index, pts_ms, check = (int(v) for v in bits @ weights)
    return index, pts_ms, check


def read_stamp(image: np.ndarray, layout: StampLayout | None = None) -> Stamp:
    """Read the stamp back from the pixels of a (possibly lossy, possibly scaled) frame.

    Without a layout, tries the default layout for the image's width, then every cell size
    from 2 to 32 px at the fixed spot (a half-size tile of a 16 px grid has 8 px cells).
    Raises StampError when no layout gives a grid whose check row matches.
    """
    candidates = (
        [layout]
        if layout is not None
        else [default_layout(image.shape[1])] + [StampLayout.with_cell(c) for c in range(2, 33)]
    )
    seen: str | None = None
    for lay in candidates:
        levels = _sample(image, lay)
        if levels is None:
            continue
        index, pts_ms, check = _decode(levels)
        if check == _check(index, pts_ms):
            return Stamp(index=index, pts_ms=pts_ms)
        seen = seen or f"index {index}, pts {pts_ms} ms, check {check:06x}"
    where = f"layout {layout}" if layout is not None else "any cell size from 2 to 32 px"
    raise StampError(f"no valid frame stamp at {where} (read {seen or 'nothing'})")
