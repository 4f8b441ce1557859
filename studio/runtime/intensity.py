"""The one definition of hair intensity: the mask-weighted mean Rec.709 luma of the hair, which places a frame
between a preset's anchors."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["INTENSITY_METRIC", "MASK_THRESHOLD", "REC709_LUMA", "hair_intensity", "luma", "to_unit_float",
           "unit_scale"]

REC709_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float64)
"""Rec.709 luma weights for R', G', B' (gamma-encoded sRGB values)."""

MASK_THRESHOLD = 0.5
"""Pixels whose hair mask is at least this value count as hair."""

INTENSITY_METRIC = "rec709-luma-mask-weighted"
"""Name of the hair intensity definition below, as recorded in presets."""


def to_unit_float(image: np.ndarray) -> np.ndarray:
    """An RGB image as float64 in [0, 1]: uint8 is divided by 255, uint16 by 65535, floats are kept."""
    image = np.asarray(image)
    scale = unit_scale(image.dtype)
    return image.astype(np.float64) / scale if scale != 1.0 else image.astype(np.float64, copy=False)


def unit_scale(dtype: np.dtype) -> float:
    """The stored value of full intensity: 255 for uint8, 65535 for uint16, 1 for floats."""
    if dtype == np.uint8:
        return 255.0
    if dtype == np.uint16:
        return 65535.0
    if np.issubdtype(dtype, np.floating):
        return 1.0
    raise TypeError(f"unsupported image dtype {dtype}; expected uint8, uint16 or float")


def luma(image: np.ndarray) -> np.ndarray:
    """Rec.709 luma Y' = 0.2126 R' + 0.7152 G' + 0.0722 B' of sRGB-encoded values, in [0, 1], shape HxW."""
    return to_unit_float(image)[..., :3] @ REC709_LUMA


def hair_intensity(image: np.ndarray, mask: np.ndarray) -> float:
    """Mean hair intensity of the paper: the mask-weighted mean luma over pixels whose mask is >= 0.5.

    `image` is HxWx3 sRGB (uint8, uint16 or float in [0, 1]); `mask` is HxW with values in [0, 1].
    Returns a value in [0, 1]. Raises ValueError when no pixel reaches the threshold.
    """
    mask = np.asarray(mask)
    if mask.shape != np.shape(image)[:2]:
        raise ValueError(f"mask shape {mask.shape} does not match image shape {np.shape(image)[:2]}")
    hair = np.ascontiguousarray(mask >= MASK_THRESHOLD)
    x, y, width, height = cv2.boundingRect(hair.view(np.uint8))
    if width == 0:
        raise ValueError("the hair mask is empty: no pixel reaches 0.5, so there is no hair intensity")
    # Only the box around the hair can contribute; cropping first keeps this cheap on video frames.
    box = (slice(y, y + height), slice(x, x + width))
    weights = np.where(hair[box], np.asarray(mask[box], dtype=np.float64), 0.0)
    pixels = np.asarray(image)[box]
    scale = unit_scale(pixels.dtype)
    # Sum of weight * (R', G', B') over the box as one matrix product, then luma of that sum (luma is linear).
    weighted_rgb = weights.ravel() @ pixels.astype(np.float64).reshape(weights.size, -1)[:, :3]
    return float(weighted_rgb @ REC709_LUMA / (scale * weights.sum()))
