"""3D colour LUTs: the table, blending, a fast trilinear apply (studio.lut_sampler), and PNG-strip / .cube
file I/O.

`table[r, g, b]` is the output sRGB triple (float32 in [0, 1]) for the input (r, g, b) / (N - 1); the PNG strip
is laid out as studio.strip defines.
"""

from __future__ import annotations

import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from studio.atomic import atomic_path
from studio.colour_science import colour_science
from studio.errors import LutError
from studio.lut_sampler import LutSampler, check_blend
from studio.strip import from_strip, to_strip

LUT_SIZES = (17, 33, 65)
"""Supported edge lengths N of an N x N x N LUT."""

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
        """Read a `.png` strip (8- or 16-bit RGB) or a `.cube` file, chosen by suffix; LutError names the file."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".png", ".cube"):
            raise LutError(f"unknown LUT format {path.suffix!r} (use .png or .cube)", path)
        try:
            if not path.exists():
                raise LutError("LUT file not found")
            if not stat.S_ISREG(path.stat().st_mode):
                raise LutError("not a regular file")
            limit = MAX_CUBE_BYTES if suffix == ".cube" else MAX_PNG_BYTES
            if path.stat().st_size > limit:
                raise LutError(f"the file is larger than {limit >> 20} MB, more than a LUT can be")
            return _read_png(path) if suffix == ".png" else _read_cube(path)
        except LutError as error:
            raise LutError(error.problem, path) from None
        except OSError as error:  # unreadable, or a name longer than the file system allows
            raise LutError(f"cannot read: {error.strerror or error}", path) from None

    def write(self, path: str | Path, bits: int = 16, title: str | None = None) -> None:
        """Write atomically as a `.png` strip (`bits` 16 or 8) or a `.cube` file, chosen by suffix; a `.cube`
        gets `title` as its TITLE (default: the file's stem; double quotes and line breaks are replaced, so
        the line stays one quoted string). LutError names the file on any failure (a full disk, a read-only
        folder, a name too long), and the file that was there is kept."""
        path = Path(path)
        suffix = path.suffix.lower()
        try:
            if not path.parent.is_dir():
                raise LutError("the folder does not exist", path.parent)
            if path.is_dir():
                raise LutError("is a folder; give a file name", path)
            if suffix not in (".png", ".cube"):
                raise LutError(f"unknown LUT format {path.suffix!r} (use .png or .cube)", path)
            if suffix == ".png" and bits not in (8, 16):
                raise LutError(f"PNG LUTs are 8- or 16-bit, not {bits}-bit", path)
            with atomic_path(path) as temp:
                if suffix == ".png":
                    self._write_png(temp, bits)
                else:
                    colour = colour_science()
                    name = " ".join((title if title is not None else path.stem).replace('"', "'").split())
                    colour.write_LUT(colour.LUT3D(table=self._table.astype(np.float64), name=name), str(temp))
        except LutError as error:
            raise LutError(error.problem, error.path or path) from None
        except OSError as error:
            raise LutError(f"could not write: {error.strerror or error}", path) from None

    def _write_png(self, path: Path, bits: int) -> None:
        scale, dtype = (65535.0, np.uint16) if bits == 16 else (255.0, np.uint8)
        pixels = np.round(to_strip(self._table) * scale).astype(dtype)
        # OpenCV writes 16-bit RGB PNG (imageio's Pillow writer cannot); it expects BGR order.
        if not cv2.imwrite(str(path), cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)):
            raise LutError("could not write PNG")


def trilinear(table: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Exact float64 trilinear lookup (colour-science) of `rgb` (..., 3) in [0, 1] in a (N, N, N, 3) table.

    The reference the fast sampler is measured against; slow (about 1 s per 720p frame), for a few points.
    """
    lut = colour_science().LUT3D(table=np.asarray(table, dtype=np.float64))
    return lut.apply(np.asarray(rgb, dtype=np.float64))


MAX_PNG_BYTES = 64 << 20  # a 65-point 16-bit strip is 1.6 MB uncompressed
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path: str | Path, size_problem: Callable[[int, int], str | None]) -> np.ndarray:
    """The pixels of the PNG at `path` as OpenCV decodes them unchanged (BGR order, uint8 or uint16), decoded only
    once the IHDR chunk, read first, declares a width and height that `size_problem` accepts (it returns None, or
    the problem): a few kilobytes declaring gigapixels are refused before any memory is spent on them.
    LutError says what is wrong (not a PNG, the size problem, undecodable); callers add the file."""
    with Path(path).open("rb") as stream:
        header = stream.read(24)
    if len(header) < 24 or not header.startswith(_PNG_SIGNATURE) or header[12:16] != b"IHDR":
        raise LutError("not a readable PNG image: it does not start like a PNG (another format renamed, or damaged)")
    problem = size_problem(int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big"))
    if problem:
        raise LutError(problem)
    pixels = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise LutError("not a readable PNG image")
    return pixels


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


MAX_CUBE_BYTES = 256 << 20  # a 256-point .cube (the format's largest) is about 400 MB of text; refuse beyond this


def _read_cube(path: Path) -> LUT3D:
    """A .cube file of any size the format allows (2 to 256 points), resampled by trilinear interpolation onto
    the nearest supported size at or above it (at most 65): 32- and 64-point files from Photoshop or
    OpenColorIO become 33 and 65 points, which reproduce their trilinear lookup within float rounding at the
    original grid points. A UTF-8 byte-order mark is ignored."""
    colour = colour_science()
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    with tempfile.TemporaryDirectory() as folder:
        clean = Path(folder) / "lut.cube"
        clean.write_text(text, "utf-8")
        try:
            lut = colour.read_LUT(str(clean))
        except Exception as error:  # colour raises assorted types on malformed text
            raise LutError(f"not a readable .cube file ({error})") from None
    if not isinstance(lut, colour.LUT3D):
        raise LutError(f"expected a 3D LUT, found {type(lut).__name__}")
    domain = np.asarray(lut.domain, dtype=np.float64)
    if domain.shape != (2, 3) or not np.allclose(domain, [[0, 0, 0], [1, 1, 1]]):
        raise LutError(f"only the [0, 1] input range is supported, found {domain.tolist()}")
    table = np.asarray(lut.table, dtype=np.float64)
    if not 2 <= table.shape[0] <= 256:
        raise LutError(f"LUT_3D_SIZE must lie in 2..256, found {table.shape[0]}")
    if not np.all(np.isfinite(table)):  # before any clipping: inf must not pass as 0 or 1
        raise LutError("the table holds NaN or infinite values")
    size = table.shape[0]
    if size not in LUT_SIZES:
        target = next((n for n in LUT_SIZES if n >= size), LUT_SIZES[-1])
        grid = LUT3D.identity(target).table.astype(np.float64)
        table = trilinear(table, grid.reshape(-1, 3)).reshape(grid.shape)
    return LUT3D(np.clip(table, 0.0, 1.0))
