"""Pixel work for the studio's displays (no GUI imports): letterboxing into fixed-size textures, the
before/after split, the mask overlay, reference thumbnails and LUT strips."""

from __future__ import annotations

import cv2
import numpy as np

from studio.resample import shrink
from studio.runtime import LUT3D
from studio.runtime.strip import to_strip

OVERLAY_RGB = (255, 0, 200)
"""Colour of the hair-mask overlay (magenta: rarely a hair colour)."""

OVERLAY_ALPHA = 0.45
"""Opacity of the overlay where the mask is 1."""


def fit_box(height: int, width: int, box_width: int, box_height: int) -> tuple[int, int, int, int]:
    """Where an image of `height` x `width` lands when fitted, aspect kept, centred in the box: (x, y, w, h)."""
    scale = min(box_width / width, box_height / height)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    return (box_width - w) // 2, (box_height - h) // 2, w, h


def letterbox(image: np.ndarray, box_width: int, box_height: int) -> np.ndarray:
    """`image` (HxW or HxWxC) resized to fit the box, aspect kept, on black (zero) bars."""
    x, y, w, h = fit_box(image.shape[0], image.shape[1], box_width, box_height)
    # Area averaging by whole factors, then bilinear (studio.resample): 0.5 ms for 720p into the preview,
    # where INTER_AREA took 4-9 ms at its non-integer ratio.
    resized = shrink(image, (w, h))
    return cv2.copyMakeBorder(resized, y, box_height - h - y, x, box_width - w - x, cv2.BORDER_CONSTANT, value=0)


def overlay_mask(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """uint8 RGB `image` tinted with OVERLAY_RGB in proportion to `mask` (float HxW in [0, 1])."""
    alpha = np.clip(mask, 0.0, 1.0).astype(np.float32)
    alpha *= np.float32(OVERLAY_ALPHA)
    tint = np.empty_like(image)
    tint[:] = OVERLAY_RGB
    return cv2.blendLinear(tint, image, alpha, np.float32(1.0) - alpha)


def split_view(before: np.ndarray, after: np.ndarray, split: float) -> np.ndarray:
    """`after` with its columns left of `split` (fraction of the width, [0, 1]) taken from `before`; `after`
    itself (not a copy) when no column is."""
    column = int(round(np.clip(split, 0.0, 1.0) * before.shape[1]))
    if column == 0:
        return after
    out = after.copy()
    out[:, :column] = before[:, :column]
    return out


def zoom_region(height: int, width: int, zoom: float, centre: tuple[float, float]) -> tuple[int, int, int, int]:
    """The part of a `height` x `width` frame shown at `zoom` (>= 1: 2 shows half the width) around `centre`
    (fractions of the frame's width and height), kept inside the frame: (left, top, right, bottom)."""
    zoom = max(1.0, float(zoom))
    w, h = max(1, round(width / zoom)), max(1, round(height / zoom))
    left = int(round(np.clip(centre[0] * width - w / 2, 0, width - w)))
    top = int(round(np.clip(centre[1] * height - h / 2, 0, height - h)))
    return left, top, left + w, top + h


def compose_preview(
    frame: np.ndarray,
    recoloured: np.ndarray,
    mask: np.ndarray | None,
    split: float,
    overlay: bool,
    size: tuple[int, int],
    region: tuple[int, int, int, int] | None = None,
    before: bool = False,
) -> np.ndarray:
    """The preview picture (uint8 RGB, `size` = (width, height)): the frame's `region` (left, top, right,
    bottom; None: all of it) fitted into the box, as a before/after split (`before`: the frame unchanged),
    with the mask overlay on top when asked for and a thin line marking the split."""
    width, height = size
    if region is not None:
        left, top, right, bottom = region
        frame, recoloured = frame[top:bottom, left:right], recoloured[top:bottom, left:right]
        mask = mask[top:bottom, left:right] if mask is not None else None
    picture = letterbox(frame if before else split_view(frame, recoloured, split), width, height)
    if overlay and mask is not None:
        picture = overlay_mask(picture, letterbox(mask.astype(np.float32, copy=False), width, height))
    if 0.0 < split < 1.0 and not before:
        x, _, w, _ = fit_box(frame.shape[0], frame.shape[1], width, height)
        picture[:, min(width - 1, x + int(round(split * w)))] = 255
    return picture


def to_texture(image: np.ndarray) -> np.ndarray:
    """uint8 RGB HxWx3 -> the flat float32 RGB buffer of a Dear PyGui raw texture in mvFormat_Float_rgb (no
    alpha channel to fill: a quarter less to convert and upload)."""
    return np.multiply(image, np.float32(1.0 / 255.0), dtype=np.float32).ravel()


def thumbnail(image: np.ndarray, mask: np.ndarray | None, size: int) -> np.ndarray:
    """A `size` x `size` uint8 RGB thumbnail with the hair mask overlaid."""
    small = letterbox(image, size, size)
    if mask is None:
        return small
    return overlay_mask(small, letterbox(mask.astype(np.float32), size, size))


def strip_picture(lut: LUT3D | None, width: int, height: int) -> np.ndarray:
    """The LUT's PNG-strip layout as a uint8 RGB picture of `width` x `height` (mid grey without a LUT)."""
    if lut is None:
        return np.full((height, width, 3), 64, dtype=np.uint8)
    strip = np.round(to_strip(lut.table) * 255.0).astype(np.uint8)
    return cv2.resize(strip, (width, height), interpolation=cv2.INTER_NEAREST)
