"""Texture layouts apps expect for a 3D LUT, each with its own level convention, in one place.

A layout is a geometry (where the entry for grid point (r, g, b) sits in the image) plus a level
convention (which input colour each grid point stands for). Grid point i of an M-point axis stands for the
input i * step, with

- full range (strips, GPUImage's square, Hald CLUT): step = 1 / (M - 1), so a neutral LUT holds the 8-bit
  levels round(i * 255 / (M - 1)) and the last point is white;
- Spark AR: step = 256 / (255 * M), so its neutral holds 4 * i for M = 64 (0, 4, ..., 252). Spark's own
  `neutral.png` writes 3 and 5 for i = 0 and 1; we write 0 and 4, within 3 levels of it. Inputs above the
  last point (252 / 255) clamp to it.

Geometries (pixel (x, y), origin top-left, `table[r, g, b]` as in studio.runtime.lut):

- strip: M*M wide, M high; x = r + M * b, y = g (blue picks the slice): green 0 on the top row, as Unreal's
  neutral RGBTable16x1. `flipped` turns it upside down (y = M - 1 - g: green 0 on the bottom row) for engines
  whose texture origin is bottom-left and that upload rows as stored, Unity among them (see LAYOUTS).
- tiles: a square of sqrt(M) x sqrt(M) tiles of M x M (512 x 512 for M = 64); tile index b = row * sqrt(M)
  + column, x = r and y = g inside the tile.
- hald: Hald CLUT of level L (M = L*L), an L^3 x L^3 image whose pixels in reading order run through
  r fastest, then g, then b.

Every layout's size M differs from the preset's own LUT size in general, so encoding resamples the LUT with
exact trilinear interpolation (`resample`), and decoding gives a colour-science LUT3D whose domain carries
the level convention, so `decode(...).apply(rgb)` samples the texture the way the platform does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from studio.color import trilinear
from studio.colour_science import colour_science
from studio.errors import LutError
from studio.runtime.lut import LUT3D
from studio.runtime.png import read_png
from studio.runtime.strip import from_strip, to_strip

if TYPE_CHECKING:
    import colour

__all__ = ["EXPORT_LAYOUTS", "LAYOUTS", "Layout", "quantise", "resample"]

_GEOMETRIES = ("strip", "tiles", "hald")
_LEVELS = ("full", "spark")


@dataclass(frozen=True)
class Layout:
    """One texture layout: `geometry` in ('strip', 'tiles', 'hald'), `levels` in ('full', 'spark'),
    `size` M grid points per axis, `flipped` (strips only) and the platforms that expect it."""

    name: str
    geometry: str
    size: int
    levels: str = "full"
    flipped: bool = False
    platforms: str = ""

    def __post_init__(self) -> None:
        if self.geometry not in _GEOMETRIES or self.levels not in _LEVELS:
            raise ValueError(f"unknown geometry {self.geometry!r} or levels {self.levels!r}")
        if self.geometry == "tiles" and math.isqrt(self.size) ** 2 != self.size:
            raise ValueError(f"a tiled layout needs a square size, got {self.size}")
        if self.geometry == "hald" and math.isqrt(self.size) ** 2 != self.size:
            raise ValueError(f"a Hald CLUT needs a square size (level squared), got {self.size}")

    @property
    def step(self) -> float:
        """Input value between neighbouring grid points (units of full scale, 1 = white)."""
        return 1.0 / (self.size - 1) if self.levels == "full" else 256.0 / (255.0 * self.size)

    @property
    def grid_levels(self) -> np.ndarray:
        """The input value of each grid point along one axis, float64 in [0, 1], shape (M,)."""
        return np.arange(self.size) * self.step

    @property
    def image_shape(self) -> tuple[int, int]:
        """(height, width) of the layout's image in pixels."""
        if self.geometry == "strip":
            return self.size, self.size * self.size
        side = math.isqrt(self.size) * self.size if self.geometry == "tiles" else math.isqrt(self.size) ** 3
        return side, side

    def render(self, lut: LUT3D) -> np.ndarray:
        """`lut` resampled at this layout's grid levels, as a float64 image in [0, 1], shape image_shape + (3,)."""
        return self.to_image(resample(lut, self.grid_levels))

    def encode(self, lut: LUT3D, bits: int = 8) -> np.ndarray:
        """The layout's RGB image of `lut`: uint8 (`bits` 8) or uint16 (`bits` 16), shape image_shape + (3,)."""
        return quantise(self.render(lut), bits)

    def decode(self, image: np.ndarray) -> colour.LUT3D:
        """A uint8 or uint16 RGB image in this layout -> colour-science LUT3D (float64) whose domain
        [0, (M - 1) * step] carries the level convention; its `apply` clamps inputs beyond the last point."""
        image = np.asarray(image)
        if image.dtype not in (np.uint8, np.uint16):
            raise LutError(f"{self.name}: expected 8- or 16-bit pixels, got {image.dtype}")
        if image.shape != (*self.image_shape, 3):
            height, width = self.image_shape
            raise LutError(f"{self.name}: expected a {width}x{height} RGB image, got shape {image.shape}")
        table = self.from_image(image.astype(np.float64) / _depth(image.dtype.itemsize * 8)[0])
        top = self.grid_levels[-1]
        return colour_science().LUT3D(table=table, name=self.name, domain=np.array([[0.0] * 3, [top] * 3]))

    def to_image(self, table: np.ndarray) -> np.ndarray:
        """(M, M, M, C) table indexed [r, g, b] -> the layout's image, shape image_shape + (C,)."""
        m, channels = self.size, table.shape[3]
        if self.geometry == "strip":
            strip = to_strip(table)
            return np.ascontiguousarray(strip[::-1] if self.flipped else strip)
        if self.geometry == "tiles":
            tiles = math.isqrt(m)  # [r, g, b_row, b_col] -> [b_row, g, b_col, r]
            split = table.reshape(m, m, tiles, tiles, channels).transpose(2, 1, 3, 0, 4)
            return np.ascontiguousarray(split.reshape(tiles * m, tiles * m, channels))
        side = math.isqrt(m) ** 3  # reading order r + M*g + M*M*b, i.e. C order over [b, g, r]
        return np.ascontiguousarray(table.transpose(2, 1, 0, 3).reshape(side, side, channels))

    def from_image(self, image: np.ndarray) -> np.ndarray:
        """The inverse of `to_image`: the layout's image -> (M, M, M, C) table indexed [r, g, b]."""
        m, channels = self.size, image.shape[2]
        if self.geometry == "strip":
            return from_strip(image[::-1] if self.flipped else image)
        if self.geometry == "tiles":
            tiles = math.isqrt(m)
            split = image.reshape(tiles, m, tiles, m, channels)  # [b_row, g, b_col, r]
            return np.ascontiguousarray(split.transpose(3, 1, 0, 2, 4).reshape(m, m, m, channels))
        return np.ascontiguousarray(image.reshape(m, m, m, channels).transpose(2, 1, 0, 3))

    def read(self, path: str | Path) -> colour.LUT3D:
        """Read a PNG in this layout (see `decode`); LutError names the file on any problem."""
        pixels = self.read_pixels(path)
        try:
            return self.decode(pixels)
        except LutError as error:
            raise LutError(error.problem, path) from None

    def read_pixels(self, path: str | Path) -> np.ndarray:
        """The RGB pixels (uint8 or uint16) of a PNG in this layout, its size checked before it is decoded;
        LutError names the file on any problem."""
        try:
            pixels = read_png(path, self._size_problem)
        except LutError as error:
            raise LutError(error.problem, path) from None
        except OSError as error:
            raise LutError(f"cannot read: {error.strerror or error}", path) from None
        if pixels.ndim != 3 or pixels.shape[2] != 3:
            raise LutError(f"not a readable RGB PNG for layout {self.name}", path)
        return cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)

    def _size_problem(self, width: int, height: int) -> str | None:
        if (height, width) == self.image_shape:
            return None
        return f"{self.name}: expected a {self.image_shape[1]}x{self.image_shape[0]} RGB image, got {width}x{height}"


def _strip(size: int, flipped: bool = False, platforms: str = "") -> Layout:
    return Layout(f"strip{size}{'-flipped' if flipped else ''}", "strip", size, flipped=flipped, platforms=platforms)


# Unity wants the `-flipped` strips. Its ApplyLut2D (Unity-Technologies/PostProcessing,
# PostProcessing/Shaders/Colors.hlsl; the same function in Unity-Technologies/Graphics,
# com.unity.render-pipelines.core/ShaderLibrary/Color.hlsl, for URP and HDRP) samples a user LUT strip at
#     uvw.xy = uvw.xy * scaleOffset.z * scaleOffset.xy + scaleOffset.xy * 0.5;  // scaleOffset = (1/w, 1/h, h - 1)
# i.e. v = (g * (h - 1) + 0.5) / h: green 0 at v = 0.5 / h, the first row from the bottom, since in Unity
# "Texture coordinates start at lower left corner" (Texture2D.GetPixel). So Unity's neutral strip has green 0 on
# the image's bottom row, which is our flipped strip; the plain one would turn green upside down there.
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        *(_strip(n, platforms="the preset's own PNG strip; the GLSL shader") for n in (17, 33, 65)),
        _strip(16, platforms="green 0 on the top row: Unreal (256x16, like its RGBTable16x1), Lens Studio, uploads "
                             "with a top-left origin (coarse: up to 13 levels from the runtime on the shipped presets, "
                             "use strip32 where the engine allows)"),
        _strip(32, platforms="green 0 on the top row: Lens Studio, uploads with a top-left origin (1024x32; within "
                             "2-3 levels of the runtime)"),
        _strip(16, flipped=True, platforms="green 0 on the bottom row: Unity's User LUT / Color Lookup (256x16; "
                                           "coarse, prefer strip32-flipped) and other engines with a bottom-left "
                                           "texture origin"),
        _strip(32, flipped=True, platforms="green 0 on the bottom row: Unity's User LUT / Color Lookup (1024x32) "
                                           "and other engines with a bottom-left texture origin"),
        Layout("square64", "tiles", 64, platforms="GPUImage lookup (512x512, 8x8 tiles)"),
        Layout("spark64", "tiles", 64, levels="spark", platforms="Spark AR colour LUT (512x512, 8x8 tiles)"),
        Layout("hald8", "hald", 64, platforms="Hald CLUT level 8 (512x512): ImageMagick, G'MIC, darktable"),
    )
}
"""Every layout the exporter writes, by name."""

EXPORT_LAYOUTS = ("strip16", "strip32", "strip16-flipped", "strip32-flipped", "square64", "spark64", "hald8")
"""The layouts made for other platforms (the rest are the presets' own strip sizes)."""


def resample(lut: LUT3D, levels: np.ndarray) -> np.ndarray:
    """`lut` sampled at every (r, g, b) in levels^3 by exact trilinear interpolation (colour-science).

    `levels` are input values in [0, 1], shape (M,); returns float64 (M, M, M, 3) indexed [r, g, b].
    LUT3D.apply's fast path quantises positions to 1/32 of a cell, which would move neutral levels by a
    code value; table resampling is off the per-frame path, so it takes the exact route.
    """
    levels = np.asarray(levels, dtype=np.float64)
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1)
    return np.clip(trilinear(lut.table, grid), 0.0, 1.0)


def quantise(image: np.ndarray, bits: int) -> np.ndarray:
    """Values in [0, 1] to the nearest 8-bit (uint8) or 16-bit (uint16) code value."""
    scale, dtype = _depth(bits)
    return np.round(np.clip(image, 0.0, 1.0) * scale).astype(dtype)


def _depth(bits: int) -> tuple[float, type]:
    if bits not in (8, 16):
        raise LutError(f"PNG LUTs are 8- or 16-bit, not {bits}-bit")
    return (255.0, np.uint8) if bits == 8 else (65535.0, np.uint16)
