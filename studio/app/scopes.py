"""Scopes of the hair in the preview frame: a lightness histogram and a vectorscope (the Oklab a/b plane) of the
hair before and after the recolour, so an artist sees where the colour lands, and the live hair's mean colour
(what the eyedropper reads). Pure numpy + OpenCV: the preview worker computes them, scopes_panel.py draws them.

Which pixels count: hair pixels as the hair intensity counts them (mask >= MASK_THRESHOLD), each weighted by its
mask value. For speed the frame is read on a regular grid of about GRID_POINTS points (every 4th pixel each way
at 720p) and at most MAX_SAMPLES hair pixels of those, evenly spread, are measured: about 1 ms a 720p frame.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from studio.runtime.intensity import MASK_THRESHOLD

LIGHTNESS_BINS = 64
"""Bins of the lightness histogram over Oklab L in [0, 1]."""

CHROMA_RANGE = 0.2
"""Oklab chroma at the vectorscope's rim (hair rarely passes it; sRGB red is 0.26): a stronger colour is drawn on
the rim at its own hue."""

SCOPE_SIZE = 230
"""Edge of the vectorscope picture in pixels (one density bin each)."""

GRID_POINTS = 40_000
"""About how many points of a frame's regular grid are read."""

MAX_SAMPLES = 4096
"""The most hair pixels measured per frame (evenly thinned beyond that)."""

BACKGROUND = (24, 24, 28)
"""The vectorscope's disc; outside it the picture is the window's colour (WINDOW)."""

WINDOW = (37, 37, 38)
"""Dear PyGui's default window background, so the disc looks round."""

_WHEEL_LIGHTNESS = 0.78  # the Oklab L at which the "after" layer shows each a/b bin's colour

# Oklab (Ottosson 2020): linear sRGB -> LMS, cube root, -> Lab; and back.
_TO_LMS = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                    [0.2119034982, 0.6806995451, 0.1073969566],
                    [0.0883024619, 0.2817188376, 0.6299787005]])
_TO_LAB = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                    [1.9779984951, -2.4285922050, 0.4505937099],
                    [0.0259040371, 0.7827717662, -0.8086757660]])
_FROM_LAB = np.linalg.inv(_TO_LAB)
_FROM_LMS = np.linalg.inv(_TO_LMS)


def _decode(encoded: np.ndarray) -> np.ndarray:
    """The sRGB transfer function undone: encoded values in [0, 1] -> linear light."""
    encoded = np.asarray(encoded, dtype=np.float64)
    return np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)


_LINEAR_8BIT = _decode(np.arange(256) / 255.0).astype(np.float32)  # uint8 code -> linear light


def oklab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (..., 3) as uint8 (0-255) or floats in [0, 1] to Oklab (L in [0, 1]; a, b about [-0.3, 0.3]).

    numpy only (studio.color's colour-science path is exact but slower than a preview frame allows)."""
    rgb = np.asarray(rgb)
    linear = _LINEAR_8BIT[rgb] if rgb.dtype == np.uint8 else _decode(rgb)
    lms = linear @ _TO_LMS.T.astype(linear.dtype)  # >= 0 for colours in gamut
    if lms.dtype == np.float32 and lms.ndim == 2:
        lms = cv2.pow(lms, 1.0 / 3.0)  # a tenth of np.cbrt's time on a frame's samples
    else:
        lms = np.cbrt(lms)
    return lms @ _TO_LAB.T.astype(linear.dtype)


def srgb_from_oklab(lab: np.ndarray) -> np.ndarray:
    """Oklab (..., 3) to sRGB-encoded floats, clipped to [0, 1]."""
    linear = np.clip((np.asarray(lab, dtype=np.float64) @ _FROM_LAB.T) ** 3 @ _FROM_LMS.T, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def scope_position(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where Oklab (a, b) lands in the vectorscope picture: pixel (x, y) floats, +a to the right, +b up, the
    neutral axis at the centre; chroma beyond CHROMA_RANGE is pulled in to the rim along its hue."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    chroma = np.hypot(a, b)
    pull = np.minimum(1.0, CHROMA_RANGE / np.maximum(chroma, 1e-12))
    half = (SCOPE_SIZE - 1) / 2.0
    return half + a * pull / CHROMA_RANGE * half, half - b * pull / CHROMA_RANGE * half


@dataclass(frozen=True)
class HairScopes:
    """What the scopes show of one frame. `colour`: the hair's mask-weighted mean sRGB colour before the recolour
    (floats in [0, 1]; None: no hair). `hair_share`: the share of the frame that is hair. With scopes asked for:
    `lightness` (2, LIGHTNESS_BINS), each row the share of hair weight per Oklab-L bin, before and after;
    `vectorscope` (2, SCOPE_SIZE, SCOPE_SIZE), the same per a/b bin; `mean_lab` (2, 3) the mean Oklab colours;
    `picture` the vectorscope drawn (uint8 RGB). `milliseconds`: what measuring cost."""

    colour: np.ndarray | None
    hair_share: float
    lightness: np.ndarray | None = None
    vectorscope: np.ndarray | None = None
    mean_lab: np.ndarray | None = None
    picture: np.ndarray | None = None
    milliseconds: float = 0.0


def measure_hair(frame: np.ndarray, recoloured: np.ndarray | None, mask: np.ndarray | None,
                 scopes: bool = True) -> HairScopes:
    """Measure the hair of `frame` (uint8 RGB HxWx3) under `mask` (float HxW in [0, 1]; None: no hair known):
    always its mean colour and share; with `scopes`, the histograms before and after `recoloured` (None: the
    frame unchanged) and the vectorscope picture."""
    start = time.perf_counter()
    if mask is None:
        return HairScopes(None, 0.0, milliseconds=(time.perf_counter() - start) * 1e3)
    before, after, weights, share = _sample(frame, frame if recoloured is None else recoloured, mask)
    if weights.size == 0:
        return HairScopes(None, 0.0, milliseconds=(time.perf_counter() - start) * 1e3)
    total = float(weights.sum())
    colour = (weights @ before.astype(np.float64)) / (total * 255.0)
    if not scopes:
        return HairScopes(colour, share, milliseconds=(time.perf_counter() - start) * 1e3)
    labs = [oklab(pixels) for pixels in (before, after)]
    lightness = np.stack([_lightness_histogram(lab[:, 0], weights) for lab in labs]) / total
    vectorscope = np.stack([_ab_histogram(lab, weights) for lab in labs]) / total
    mean_lab = np.stack([(weights @ lab.astype(np.float64)) / total for lab in labs])
    picture = vectorscope_picture(vectorscope[0], vectorscope[1])
    return HairScopes(colour, share, lightness, vectorscope, mean_lab, picture, (time.perf_counter() - start) * 1e3)


def _sample(frame: np.ndarray, recoloured: np.ndarray,
            mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The hair pixels read (before, after: N x 3 uint8), their mask weights (float32) and the hair share."""
    height, width = mask.shape
    step = max(1, int(np.sqrt(height * width / GRID_POINTS)))
    offset = step // 2  # the grid's points sit in the middle of their cells
    grid = mask[offset::step, offset::step]
    found = np.flatnonzero(grid >= MASK_THRESHOLD)
    share = found.size / grid.size
    if found.size > MAX_SAMPLES:
        found = found[np.linspace(0, found.size - 1, MAX_SAMPLES).round().astype(np.intp)]
    rows, columns = np.divmod(found, grid.shape[1])
    pixels = (rows * step + offset) * width + columns * step + offset  # flat indices into the frame
    weights = np.take(mask.reshape(-1), pixels).astype(np.float32)
    return (np.take(frame.reshape(-1, frame.shape[2])[:, :3], pixels, axis=0),
            np.take(recoloured.reshape(-1, recoloured.shape[2])[:, :3], pixels, axis=0), weights, share)


def _lightness_histogram(lightness: np.ndarray, weights: np.ndarray) -> np.ndarray:
    bins = np.clip((lightness * LIGHTNESS_BINS).astype(np.intp), 0, LIGHTNESS_BINS - 1)
    return np.bincount(bins, weights, LIGHTNESS_BINS)


def _ab_histogram(lab: np.ndarray, weights: np.ndarray) -> np.ndarray:
    x, y = scope_position(lab[:, 1], lab[:, 2])
    cells = np.rint(y).astype(np.intp) * SCOPE_SIZE + np.rint(x).astype(np.intp)
    return np.bincount(cells, weights, SCOPE_SIZE * SCOPE_SIZE).reshape(SCOPE_SIZE, SCOPE_SIZE)


def _wheel() -> tuple[np.ndarray, np.ndarray]:
    """Each picture pixel's own colour (Oklab at _WHEEL_LIGHTNESS and that pixel's a/b) and the empty scope (the
    disc on the window's colour), both uint8 RGB."""
    half = (SCOPE_SIZE - 1) / 2.0
    y, x = np.mgrid[0:SCOPE_SIZE, 0:SCOPE_SIZE].astype(np.float64)
    a, b = (x - half) / half * CHROMA_RANGE, (half - y) / half * CHROMA_RANGE
    lab = np.stack([np.full_like(a, _WHEEL_LIGHTNESS), a, b], axis=-1)
    empty = np.empty((SCOPE_SIZE, SCOPE_SIZE, 3), np.uint8)
    empty[:] = WINDOW
    empty[np.hypot(x - half, y - half) <= half + 0.5] = BACKGROUND
    return np.round(srgb_from_oklab(lab) * 255.0).astype(np.uint8), empty


_WHEEL, _EMPTY = _wheel()
_GREY = np.full_like(_WHEEL, 215)


def vectorscope_picture(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The vectorscope as a uint8 RGB picture (SCOPE_SIZE square): the hair before the recolour in grey, after
    it in each bin's own hue on top, brighter where more hair falls (square-root scale, so thin tails show)."""
    picture = _EMPTY
    for density, ink, gain in ((before, _GREY, 1.3), (after, _WHEEL, 2.6)):
        spread = cv2.GaussianBlur(density.astype(np.float32), (7, 7), 1.1)  # one sample is a dot, not a speck
        peak = float(spread.max())
        if peak <= 0.0:
            continue
        # Most bins are far below the peak: the square root and a gain lift them into view (the colours more).
        alpha = np.minimum(cv2.sqrt(spread * np.float32(1.0 / peak)) * np.float32(gain), np.float32(1.0))
        picture = cv2.blendLinear(ink, picture, alpha, np.float32(1.0) - alpha)
    return picture.copy() if picture is _EMPTY else picture


def hue_degrees(lab: np.ndarray) -> float:
    """The Oklab hue angle of a colour (degrees in [0, 360), 0 = +a, 90 = +b)."""
    return float(np.degrees(np.arctan2(lab[2], lab[1])) % 360.0)


def describe(scopes: HairScopes | None) -> str:
    """The line under the scopes: how much hair, and its mean lightness, chroma and hue before -> after."""
    if scopes is None:
        return "Scopes: waiting for a frame."
    if scopes.colour is None:
        return "No hair in this frame: nothing to measure."
    text = f"hair {scopes.hair_share:.0%} of the frame"
    if scopes.mean_lab is None:
        return text
    (l0, a0, b0), (l1, a1, b1) = scopes.mean_lab
    return (f"{text}   |   mean before -> after:  lightness {l0:.2f} -> {l1:.2f}   chroma {np.hypot(a0, b0):.3f} -> "
            f"{np.hypot(a1, b1):.3f}   hue {hue_degrees(scopes.mean_lab[0]):.0f} -> "
            f"{hue_degrees(scopes.mean_lab[1]):.0f} deg   ({scopes.milliseconds:.1f} ms)")
