"""3D colour LUTs: the table, blending, a fast trilinear apply (studio.runtime.lut_sampler), and the PNG strips
presets store them in.

`table[r, g, b]` is the output sRGB triple (float32 in [0, 1]) for the input (r, g, b) / (N - 1); the PNG strip
is laid out as studio.runtime.strip defines. The .cube format (through colour-science) is studio.lut_files.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from studio.errors import LutError
from studio.runtime.lut_sampler import LutSampler, check_blend
from studio.runtime.png import read_png, write_png
from studio.runtime.strip import from_strip, to_strip

__all__ = ["LUT3D", "LUT_SIZES", "MAX_PNG_BYTES", "read_lut_file", "write_lut_file"]

LUT_SIZES = (17, 33, 65)
"""Supported edge lengths N of an N x N x N LUT."""

MAX_PNG_BYTES = 64 << 20  # a 65-point 16-bit strip is 1.6 MB uncompressed


class LUT3D:
    """An N x N x N x 3 colour table (float32, values in [0, 1]) indexed [r, g, b], N in LUT_SIZES."""

    def __init__(self, table: np.ndarray) -> None:
        table = np.asarray(table)
        if table.ndim != 4 or table.shape[3] != 3 or not (table.shape[0] == table.shape[1] == table.shape[2]):
            raise LutError(f"a 3D LUT table must have shape (N, N, N, 3), got {table.shape}")
        if table.shape[0] not in LUT_SIZES:
            raise LutError(f"LUT size {table.shape[0]} is not supported (use one of {LUT_SIZES})")
        if not np.all(np.isfinite(table)):
            raise LutError("LUT table holds NaN or infinite values")
        if table.min() < 0.0 or table.max() > 1.0:
            raise LutError(f"LUT values must lie in [0, 1], found [{table.min():.4g}, {table.max():.4g}]")
        self._table = table.astype(np.float32)
        self._table.flags.writeable = False
        self._sampler: LutSampler | None = None

    @property
    def table(self) -> np.ndarray:
        """The read-only float32 table, shape (N, N, N, 3), indexed [r, g, b]."""
        return self._table

    @property
    def size(self) -> int:
        """N, the number of grid points per axis."""
        return self._table.shape[0]

    @classmethod
    def identity(cls, size: int = 33) -> LUT3D:
        """The LUT that maps every colour to itself."""
        if size not in LUT_SIZES:
            raise LutError(f"LUT size {size} is not supported (use one of {LUT_SIZES})")
        levels = np.linspace(0.0, 1.0, size, dtype=np.float32)
        r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
        return cls(np.stack([r, g, b], axis=-1))

    def blend(self, other: LUT3D, t: float) -> LUT3D:
        """(1 - t) * self + t * other, for t in [0, 1]; both LUTs must have the same size."""
        check_blend(self.size, other.size, t)
        return LUT3D((1.0 - t) * self._table + t * other._table)

    def sampler(self) -> LutSampler:
        """The prepared fast sampler for this LUT (built once, then cached)."""
        if self._sampler is None:
            self._sampler = LutSampler.from_table(self._table)
        return self._sampler

    def apply(self, image: np.ndarray) -> np.ndarray:
        """Trilinear lookup of every pixel: uint8 RGB HxWx3 -> uint8, float32 in [0, 1] -> float32."""
        return self.sampler().apply(image)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LUT3D) and np.array_equal(self._table, other._table)

    __hash__ = None  # mutable-looking value type: equality by content, not hashable

    def __repr__(self) -> str:
        return f"LUT3D(size={self.size})"

    @classmethod
    def read(cls, path: str | Path) -> LUT3D:
        """Read a `.png` strip (8- or 16-bit RGB); LutError names the file. (studio.lut_files.read_lut reads
        .cube files as well.)"""
        path = Path(path)
        if path.suffix.lower() != ".png":
            raise _not_png(path)
        return read_lut_file(path, MAX_PNG_BYTES, _read_png)

    def write(self, path: str | Path, bits: int = 16) -> None:
        """Write atomically as a `.png` strip (`bits` 16 or 8). LutError names the file on any failure (a full
        disk, a read-only folder, a name too long), and the file that was there is kept. (studio.lut_files.write_lut
        writes .cube files as well.)"""
        path = Path(path)

        def encode(target: Path) -> None:
            if path.suffix.lower() != ".png":
                raise _not_png(path)
            if bits not in (8, 16):
                raise LutError(f"PNG LUTs are 8- or 16-bit, not {bits}-bit", path)
            scale, dtype = (65535.0, np.uint16) if bits == 16 else (255.0, np.uint8)
            write_png(target, np.round(to_strip(self._table) * scale).astype(dtype))

        write_lut_file(path, encode)


def read_lut_file(path: Path, max_bytes: int, decode: Callable[[Path], LUT3D]) -> LUT3D:
    """`decode(path)` once `path` is known to be an existing regular file of at most `max_bytes`; LutError names
    the file on any problem (an unreadable file, a name longer than the file system allows)."""
    try:
        if not path.exists():
            raise LutError("LUT file not found")
        if not stat.S_ISREG(path.stat().st_mode):
            raise LutError("not a regular file")
        if path.stat().st_size > max_bytes:
            raise LutError(f"the file is larger than {max_bytes >> 20} MB, more than a LUT can be")
        return decode(path)
    except LutError as error:
        raise LutError(error.problem, path) from None
    except OSError as error:
        raise LutError(f"cannot read: {error.strerror or error}", path) from None


def write_lut_file(path: Path, encode: Callable[[Path], None]) -> None:
    """`encode(path)` once `path` is known to be a file name in an existing folder; LutError names the file on any
    failure. `encode` writes atomically (through studio.atomic), so a failure keeps the file that was there."""
    try:
        if not path.parent.is_dir():
            raise LutError("the folder does not exist", path.parent)
        if path.is_dir():
            raise LutError("is a folder; give a file name", path)
        encode(path)
    except LutError as error:
        raise LutError(error.problem, error.path or path) from None
    except OSError as error:
        raise LutError(f"could not write: {error.strerror or error}", path) from None


def _not_png(path: Path) -> LutError:
    if path.suffix.lower() == ".cube":
        return LutError("LUT3D reads and writes PNG strips; .cube files go through studio.lut_files (read_lut, "
                        "write_lut)", path)
    return LutError(f"unknown LUT format {path.suffix!r} (use .png or .cube)", path)


def _strip_size_problem(width: int, height: int) -> str | None:
    if height not in LUT_SIZES or width != height * height:
        return f"a PNG LUT strip must be N*N wide and N high with N in {LUT_SIZES}, got {width}x{height}"
    return None


def _read_png(path: Path) -> LUT3D:
    pixels = read_png(path, _strip_size_problem)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise LutError(f"a PNG LUT must be 3-channel RGB, got shape {pixels.shape}")
    scale = 65535.0 if pixels.dtype == np.uint16 else 255.0
    strip = cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB).astype(np.float32) / scale
    return LUT3D(from_strip(strip))
