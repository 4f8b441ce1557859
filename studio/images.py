"""Reading and writing still images and masks, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np

from studio.atomic import atomic_path
from studio.errors import StudioError

__all__ = ["ImageError", "read_mask", "read_rgb", "write_image"]


class ImageError(StudioError):
    """An image or mask file that cannot be read or written."""


def read_rgb(path: str | Path) -> np.ndarray:
    """An image file as uint8 RGB HxWx3 (grey is repeated, alpha dropped, 16-bit scaled down)."""
    pixels = _read(path)
    if pixels.dtype == np.uint16:
        pixels = ((pixels.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    if pixels.dtype != np.uint8:
        raise ImageError(f"unsupported pixel type {pixels.dtype}", path)
    if pixels.ndim == 2:
        pixels = np.repeat(pixels[..., None], 3, axis=2)
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ImageError(f"expected an RGB image, got shape {pixels.shape}", path)
    return np.ascontiguousarray(pixels[..., :3], dtype=np.uint8)


def read_mask(path: str | Path, shape: tuple[int, int] | None = None) -> np.ndarray:
    """A mask image as float32 HxW in [0, 1] (255 = hair; colour images use their first channel).

    With `shape` (H, W), a mask of another size is an error rather than being resized silently.
    """
    pixels = _read(path)
    if pixels.ndim == 3:
        pixels = pixels[..., 0]
    scale = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}.get(pixels.dtype)
    if scale is None:
        raise ImageError(f"unsupported mask pixel type {pixels.dtype}", path)
    if shape is not None and pixels.shape != tuple(shape):
        raise ImageError(f"mask is {pixels.shape[1]}x{pixels.shape[0]} but the image is {shape[1]}x{shape[0]}", path)
    return pixels.astype(np.float32) / np.float32(scale)


def write_image(path: str | Path, pixels: np.ndarray) -> None:
    """Write uint8 RGB (or grey) pixels atomically; the format follows the suffix (.png, .jpg, ...). ImageError
    names the file when it cannot be written (no suffix, a folder, a read-only folder, a full disk, ...)."""
    path = Path(path)
    if not path.suffix:
        raise ImageError("the file name needs an image suffix such as .png or .jpg", path)
    try:
        if not path.parent.is_dir():
            raise ImageError("the folder does not exist", path.parent)
        if path.is_dir():
            raise ImageError("is a folder; give a file name", path)
        with atomic_path(path) as temp:
            iio.imwrite(temp, pixels, extension=path.suffix.lower())
    except (OSError, ValueError, TypeError) as error:
        raise ImageError(f"could not write image: {getattr(error, 'strerror', None) or error}", path) from None


def _read(path: str | Path) -> np.ndarray:
    """The pixels of an image file; CMYK (and YCCK) JPEGs are converted to RGB rather than read as inks."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ImageError("file not found", path)
        pixels = np.asarray(iio.imread(path))
        if pixels.ndim == 3 and pixels.shape[2] == 4 and iio.immeta(path).get("mode") == "CMYK":
            pixels = np.asarray(iio.imread(path, mode="RGB"))  # Pillow undoes YCCK and Adobe's inverted inks
        return pixels
    except ImageError:
        raise
    except Exception as error:  # imageio raises many plugin-specific types for unreadable files
        raise ImageError(f"not a readable image ({type(error).__name__})", path) from None
