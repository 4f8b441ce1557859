"""Colour maths shared by the whole project: the one definition of hair intensity, sRGB <-> Oklab
(through colour-science) and hex colour parsing."""

from __future__ import annotations

import re

import cv2
import numpy as np

from studio.colour_science import colour_science

REC709_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float64)
"""Rec.709 luma weights for R', G', B' (gamma-encoded sRGB values)."""

MASK_THRESHOLD = 0.5
"""Pixels whose hair mask is at least this value count as hair."""

INTENSITY_METRIC = "rec709-luma-mask-weighted"
"""Name of the hair intensity definition below, as recorded in presets."""

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


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


def srgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """sRGB-encoded values in [0, 1] (..., 3) to Oklab (L in [0, 1], a and b roughly in [-0.4, 0.4])."""
    colour = colour_science()
    xyz = colour.RGB_to_XYZ(np.asarray(rgb, dtype=np.float64), colour.RGB_COLOURSPACES["sRGB"],
                            apply_cctf_decoding=True)
    return colour.XYZ_to_Oklab(xyz)


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """Oklab (..., 3) to sRGB-encoded values; out-of-gamut results are not clipped (callers decide)."""
    colour = colour_science()
    xyz = colour.Oklab_to_XYZ(np.asarray(lab, dtype=np.float64))
    return colour.XYZ_to_RGB(xyz, colour.RGB_COLOURSPACES["sRGB"], apply_cctf_encoding=True)


def parse_hex(text: str) -> np.ndarray:
    """'#RRGGBB' (or 'RRGGBB') to an sRGB float64 triple in [0, 1]; ValueError on anything else."""
    match = _HEX.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a colour: {text!r} (expected #RRGGBB)")
    digits = match.group(1)
    return np.array([int(digits[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255.0


def to_hex(rgb: np.ndarray) -> str:
    """An sRGB triple in [0, 1] (clipped) to '#rrggbb'."""
    values = np.clip(np.round(np.asarray(rgb, dtype=np.float64) * 255.0), 0, 255).astype(int)
    return "#{:02x}{:02x}{:02x}".format(*values)
