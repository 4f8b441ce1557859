"""Fast trilinear lookups in a 3D LUT with OpenCV's `remap`: the engine behind `LUT3D.apply` and the runtime.

8-bit input: the table is pre-interpolated along green at all 256 levels (in float, then rounded once to 8 bits),
so one bilinear remap over (red, blue) finishes the trilinear lookup; its coordinates take two per-channel
`cv2.LUT` passes and one weighted add of the green levels. Float input: two bilinear remaps over (red, green),
one per blue slice around each pixel, blended by the blue fraction. LUTs under 33 points are first resampled,
exactly, onto a 33-point grid.

Accuracy against colour-science's exact trilinear result: remap rounds positions to 1/32 of a cell, which errs
by at most 1/64 of the change between neighbouring entries along red and along blue. The 8-bit path also stores
entries in 8 bits (half a level) and rounds once, so it stays within 1 level of the correctly rounded result
while that position error is under half a level: neighbouring entries of the 33-point grid differing by under
1/16 of the range, as in colour-grading LUTs. The float path errs by the position error alone.

Speed: frames are worked on in chunks of rows small enough for the intermediate images to stay in cache (20%
faster at 720p than whole frames), the chunks spread over parallel bands, and the intermediates live in
per-thread buffers reused from call to call (at 720p, allocating them costs as much as the lookups).
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import cv2
import numpy as np

from studio.errors import LutError
from studio.runtime.strip import to_strip

__all__ = ["MIN_GRID", "LutSampler", "check_blend"]

MIN_GRID = 33
"""Smaller LUTs are sampled on this grid, resampled exactly (its cells split theirs in two), so that remap's
position error, a fraction of a cell, stays under half a level for the steep curves of hair colour LUTs."""

_SUBPIXELS = 32  # OpenCV's remap rounds positions to 1/32 of a cell
_CHUNK_PIXELS = 64_000  # pixels worked on at a time, so that their work images stay in cache (50 rows of 720p)
_MAX_WIDTH = 16_384  # remap takes images under 32767 pixels a side: longer ones are worked in blocks
_WORKERS = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)

_Band = Callable[[np.ndarray, np.ndarray], None]  # works one block of rows: (image rows, output rows)


class LutSampler:
    """A LUT prepared for fast trilinear lookups (about 100x colour-science's `LUT3D.apply` on a 720p frame).

    Samplers are linear in the table, so `blend` mixes two prepared samplers without rebuilding them.
    `apply` may be called from several threads at once.
    """

    def __init__(self, size: int, strip: np.ndarray, by_green_level_u8: np.ndarray,
                 by_green_level: Callable[[], np.ndarray]) -> None:
        """Prefer `from_table` and `blend`. `size`: the LUT's N; `strip`: the sampling grid's G x G*G x 3 float32
        strip (y = g, x = r + G*b); `by_green_level_u8`: the grid at all 256 green levels, rounded to 8 bits and
        laid out as `_green_along_x` says; `by_green_level`: makes the same in float32, when a blend needs it."""
        self.size = size
        self._grid = strip.shape[0]
        self._strip = strip
        self._by_green_level_u8 = by_green_level_u8
        self._make_by_green_level = by_green_level

    @classmethod
    def from_table(cls, table: np.ndarray) -> LutSampler:
        """Prepare a (N, N, N, 3) float32 table indexed [r, g, b] with values in [0, 1]."""
        size = table.shape[0]
        grid = max(size, MIN_GRID)
        for axis in range(3) if grid != size else ():
            table = _resample(table, axis, grid)
        along_green = _resample(table, 1, 256)  # (r, g8, b, 3)
        if _green_along_x(grid):  # y = b, x = r + G*g8
            by_green_level = along_green.transpose(2, 1, 0, 3).reshape(grid, 256 * grid, 3)
        else:  # y = b + G*g8, x = r
            by_green_level = along_green.transpose(1, 2, 0, 3).reshape(256 * grid, grid, 3)
        by_green_level = np.ascontiguousarray(by_green_level, np.float32)
        rounded = cv2.convertScaleAbs(by_green_level, alpha=255.0)  # rounds to nearest
        return cls(size, to_strip(table).astype(np.float32), rounded, lambda: by_green_level)

    def blend(self, other: LutSampler, t: float) -> LutSampler:
        """The sampler of (1 - t) * self + t * other, for t in [0, 1]: mixed in float, rounded to 8 bits in the
        same pass; the float mix itself is made only if this sampler is blended again."""
        check_blend(self.size, other.size, t)
        rounded = cv2.addWeighted(self._by_green_level, 255.0 * (1.0 - t), other._by_green_level, 255.0 * t, 0.0,
                                  dtype=cv2.CV_8U)
        strip = cv2.addWeighted(self._strip, 1.0 - t, other._strip, t, 0.0)
        return LutSampler(self.size, strip, rounded,
                          lambda: cv2.addWeighted(self._by_green_level, 1.0 - t, other._by_green_level, t, 0.0))

    @functools.cached_property
    def _by_green_level(self) -> np.ndarray:
        return self._make_by_green_level()

    @functools.cached_property
    def _strip_next_blue(self) -> np.ndarray:
        """The strip moved one blue slice left: sampling both at the same coordinates reads slices b and b + 1."""
        step = self._grid
        return np.ascontiguousarray(np.concatenate([self._strip[:, step:], self._strip[:, -step:]], axis=1))

    def apply(self, image: np.ndarray) -> np.ndarray:
        """Trilinear lookup: uint8 RGB HxWx3 -> uint8; float32 HxWx3 in [0, 1] -> float32 (clamped to [0, 1])."""
        image = np.asarray(image)
        if image.ndim != 3 or image.shape[2] != 3:
            raise LutError(f"expected an RGB image of shape (H, W, 3), got {image.shape}")
        if image.dtype == np.uint8:
            band = self._apply_uint8_block
        elif image.dtype == np.float32:
            band = self._apply_float_block
        else:
            raise LutError(f"expected uint8 or float32 pixels, got {image.dtype}")
        out = np.empty(image.shape, image.dtype)  # C order whatever the input's layout: OpenCV writes rows
        if image.size:  # an image with no pixels maps to one with no pixels
            _in_bands(band, image, out)
        return out

    def _apply_uint8_block(self, image: np.ndarray, out: np.ndarray) -> None:
        position = _cell_positions_8bit(self._grid)
        work = _scratch().views("uint8", image.shape[:2])
        red, green, blue = cv2.split(image, work.planes)
        x, y = cv2.LUT(red, position, dst=work.x), cv2.LUT(blue, position, dst=work.y)
        with_green = x if _green_along_x(self._grid) else y  # plus G cells per green level, exact in float32
        cv2.addWeighted(with_green, 1.0, green, float(self._grid), 0.0, dst=with_green, dtype=cv2.CV_32F)
        cv2.remap(self._by_green_level_u8, x, y, cv2.INTER_LINEAR, dst=out, borderMode=cv2.BORDER_REPLICATE)

    def _apply_float_block(self, image: np.ndarray, out: np.ndarray) -> None:
        n = self._grid
        work = _scratch().views("float", image.shape[:2])
        red, green, blue = cv2.split(image, work.planes)
        for plane in (red, blue):  # green needs no clamp: remap's replicated border clamps y
            np.clip(plane, 0.0, 1.0, out=plane)
        for plane in (red, green, blue):
            np.multiply(plane, np.float32(n - 1), out=plane)
        lower_blue = np.floor(blue, out=work.lower_blue)  # N - 1 at blue 1.0: its next slice is padding, weight 0
        blue_frac = np.subtract(blue, lower_blue, out=blue)
        x = cv2.scaleAdd(lower_blue, float(n), red, dst=work.x)  # red + N * lower blue
        below, above = (cv2.remap(table, x, green, cv2.INTER_LINEAR, dst=slice_out, borderMode=cv2.BORDER_REPLICATE)
                        for table, slice_out in ((self._strip, work.below), (self._strip_next_blue, work.above)))
        cv2.blendLinear(below, above, np.subtract(np.float32(1.0), blue_frac, out=lower_blue), blue_frac, dst=out)


def _green_along_x(grid: int) -> bool:
    """Lay the 256 green levels along x (G x 256*G table, the faster layout) when a row of the 8-bit table stays
    under 32 KiB, the limit of OpenCV's vectorised remap; otherwise stack them along y (256*G x G)."""
    return 256 * grid * 3 < 32 * 1024


def _in_bands(band: _Band, image: np.ndarray, out: np.ndarray) -> None:
    """Run `band(image_block, out_block)` over blocks small enough for their work images to stay in a core's
    cache (and under remap's 32767-pixel sides), the blocks dealt in runs to parallel bands: the pool takes all
    runs but the last, which the calling thread works on meanwhile."""
    height, width = image.shape[:2]
    columns = [(left, min(left + _MAX_WIDTH, width)) for left in range(0, width, _MAX_WIDTH)]
    rows = max(1, min(_MAX_WIDTH, _CHUNK_PIXELS // min(width, _MAX_WIDTH)))
    blocks = [np.s_[top : top + rows, left:right] for top in range(0, height, rows) for left, right in columns]
    bands = min(_WORKERS, len(blocks))
    runs = [blocks[len(blocks) * i // bands : len(blocks) * (i + 1) // bands] for i in range(bands)]
    jobs = [_band_pool().submit(_work_through, band, image, out, run) for run in runs[:-1]]
    _work_through(band, image, out, runs[-1])
    for job in jobs:
        job.result()


def _work_through(band: _Band, image: np.ndarray, out: np.ndarray, blocks: list[tuple[slice, slice]]) -> None:
    for block in blocks:
        band(image[block], out[block])


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _band_pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=max(1, _WORKERS - 1), thread_name_prefix="lut-band")
        return _POOL


def _forget_pool_in_child() -> None:
    """A forked child inherits the pool object but none of its threads: start afresh there."""
    global _POOL, _POOL_LOCK
    _POOL, _POOL_LOCK = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_in_child)


class _Scratch:
    """One thread's reusable intermediate images: buffers grown to the largest band seen, views per shape."""

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, type], np.ndarray] = {}
        self._views: dict[str, tuple[tuple[int, int], SimpleNamespace]] = {}

    def views(self, kind: str, shape: tuple[int, int]) -> SimpleNamespace:
        """Named work images for one band of `shape` (H, W); `kind` is "uint8" or "float"."""
        cached = self._views.get(kind)
        if cached is None or cached[0] != shape:
            layout = _UINT8_WORK if kind == "uint8" else _FLOAT_WORK
            views = {name: self._view(name, (*shape, *extra), dtype) for name, extra, dtype in layout}
            views["planes"] = [views.pop(name) for name in ("red", "green", "blue")]
            cached = self._views[kind] = (shape, SimpleNamespace(**views))
        return cached[1]

    def _view(self, name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        count = math.prod(shape)
        buffer = self._buffers.get((name, dtype))
        if buffer is None or buffer.size < count:
            buffer = self._buffers[name, dtype] = np.empty(count, dtype)
        return buffer[:count].reshape(shape)


# Work images per band: (name, trailing dimensions, dtype).
_UINT8_WORK = (
    ("red", (), np.uint8), ("green", (), np.uint8), ("blue", (), np.uint8),
    ("x", (), np.float32), ("y", (), np.float32),
)
_FLOAT_WORK = (
    ("red", (), np.float32), ("green", (), np.float32), ("blue", (), np.float32),
    ("x", (), np.float32), ("lower_blue", (), np.float32), ("below", (3,), np.float32), ("above", (3,), np.float32),
)


_THREAD_STATE = threading.local()


def _scratch() -> _Scratch:
    scratch = getattr(_THREAD_STATE, "scratch", None)
    if scratch is None:
        scratch = _THREAD_STATE.scratch = _Scratch()
    return scratch


@functools.cache
def _cell_positions_8bit(grid: int) -> np.ndarray:
    """Each 8-bit level's position along a grid axis, in cells, rounded to remap's 1/32-cell grid (so that sums
    with whole cell offsets stay exact in float32): a float32 table for `cv2.LUT`."""
    return (np.round(np.arange(256) * (grid - 1) / 255.0 * _SUBPIXELS) / _SUBPIXELS).astype(np.float32)


def _resample(table: np.ndarray, axis: int, count: int) -> np.ndarray:
    """`table` linearly interpolated along `axis` at `count` evenly spaced positions from its first to last entry."""
    lower, frac = _cell_positions(table.shape[axis], count)
    frac = frac.reshape([count if i == axis else 1 for i in range(table.ndim)])
    return np.take(table, lower, axis) * (1.0 - frac) + np.take(table, lower + 1, axis) * frac


def _cell_positions(size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """For `count` evenly spaced positions along an axis of `size` entries: the lower entry index (at most
    size - 2) and the fraction towards the next (float32)."""
    positions = np.arange(count) * (size - 1) / (count - 1)
    lower = np.minimum(np.floor(positions).astype(np.intp), size - 2)
    return lower, (positions - lower).astype(np.float32)


def check_blend(size: int, other_size: int, t: float) -> None:
    """Raise LutError unless two LUT sizes match and the blend weight `t` lies in [0, 1]."""
    if size != other_size:
        raise LutError(f"cannot blend LUTs of different sizes ({size} and {other_size})")
    if not 0.0 <= t <= 1.0:
        raise LutError(f"blend weight t must lie in [0, 1], got {t}")
