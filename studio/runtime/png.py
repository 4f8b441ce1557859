"""PNG files, read and written in one place: a reader that checks the declared size before decoding and an
atomic RGB writer (OpenCV: 8- and 16-bit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from studio.atomic import atomic_path
from studio.errors import LutError

__all__ = ["read_png", "write_png"]

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


def write_png(path: str | Path, pixels: np.ndarray) -> None:
    """Write uint8 or uint16 RGB (HxWx3) or grey (HxW) pixels atomically as PNG (OpenCV writes 16-bit RGB, which
    imageio's Pillow writer cannot; it expects BGR order); LutError names the file when it cannot be written."""
    path = Path(path)
    pixels = np.ascontiguousarray(pixels)
    try:
        with atomic_path(path) as temp:
            if not cv2.imwrite(str(temp), pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)):
                raise LutError("could not write PNG", path)
    except OSError as error:
        raise LutError(f"could not write: {error.strerror or error}", path) from None
