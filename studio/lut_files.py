"""LUT files in every format the studio reads and writes, chosen by suffix: PNG strips (studio.runtime.lut, what
presets store) and .cube files (DaVinci Resolve, Photoshop, OpenColorIO), through colour-science."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from studio.atomic import atomic_path
from studio.color import trilinear
from studio.colour_science import colour_science
from studio.errors import LutError
from studio.runtime.lut import LUT3D, LUT_SIZES, read_lut_file, write_lut_file

__all__ = ["MAX_CUBE_BYTES", "read_lut", "write_lut"]

MAX_CUBE_BYTES = 256 << 20  # a 256-point .cube (the format's largest) is about 400 MB of text; refuse beyond this
_FORMATS = (".png", ".cube")


def read_lut(path: str | Path) -> LUT3D:
    """Read a `.png` strip (8- or 16-bit RGB) or a `.cube` file, chosen by suffix; LutError names the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise LutError(f"unknown LUT format {path.suffix!r} (use .png or .cube)", path)
    if suffix == ".png":
        return LUT3D.read(path)
    return read_lut_file(path, MAX_CUBE_BYTES, _read_cube)


def write_lut(lut: LUT3D, path: str | Path, bits: int = 16, title: str | None = None) -> None:
    """Write `lut` atomically as a `.png` strip (`bits` 16 or 8) or a `.cube` file, chosen by suffix; a `.cube`
    gets `title` as its TITLE (default: the file's stem; double quotes and line breaks are replaced, so the line
    stays one quoted string). LutError names the file on any failure, and the file that was there is kept."""
    path = Path(path)
    if path.suffix.lower() != ".cube":
        lut.write(path, bits=bits)
        return

    def encode(target: Path) -> None:
        colour = colour_science()
        name = " ".join((title if title is not None else target.stem).replace('"', "'").split())
        with atomic_path(target) as temp:
            colour.write_LUT(colour.LUT3D(table=lut.table.astype(np.float64), name=name), str(temp))

    write_lut_file(path, encode)


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
