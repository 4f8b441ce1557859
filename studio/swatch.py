"""Procedural hair swatches: the project's own reference images, whose hair mask is known exactly.

A swatch is a lock of hair hanging from the top edge on a light grey studio backdrop. The lock is
hundreds of thin, gently waving strands drawn as anti-aliased OpenCV lines at sub-pixel precision on a
supersampled canvas. Each strand has its own lightness and a slight hue shift; along it the colour
darkens at the root and the ends, a soft white specular band (the anisotropic highlight of hair) and a
fainter tinted one below it run across the lock, and strands at the back and sides are shaded darker.
The mask is drawn with the very same line calls, so it is the exact anti-aliased hair coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from studio.runtime import hair_intensity
from studio.runtime.png import write_png

__all__ = ["DARK_BASE", "LIGHT_BASE", "MIDDLE_BASE", "SUPERSAMPLE", "Reference", "render_swatch", "write_references"]

SUPERSAMPLE = 3  # strands are drawn on a canvas this many times larger, then area-averaged down
_SHIFT = 4  # OpenCV fixed-point bits: coordinates in 1/16 of a supersampled pixel
_POINTS = 48  # polyline points per strand
_BACKDROP = (0.80, 0.90)  # sRGB grey of the backdrop at its bottom and top

LIGHT_BASE = (0.92, 0.85, 0.72)
"""sRGB base colour of the light reference: platinum / light blonde."""
MIDDLE_BASE = (0.50, 0.36, 0.25)
"""sRGB base colour of the middle-tone test swatch: medium brown, between the references (not an anchor)."""
DARK_BASE = (0.045, 0.032, 0.025)
"""sRGB base colour of the dark reference: black with a hint of brown, as dark as black hair photographs."""


@dataclass(frozen=True)
class Reference:
    """One written reference swatch: its image and mask files and its hair intensity (Rec.709 luma, [0, 1])."""

    image: Path
    mask: Path
    intensity: float


def render_swatch(
    base_rgb: tuple[float, float, float], size: tuple[int, int] = (512, 512), seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Render a lock of hair of colour `base_rgb` (sRGB, each in [0, 1]) at `size` = (width, height) pixels.

    Returns (image, mask): uint8 RGB HxWx3, and float32 HxW in [0, 1] where 1 is fully hair (the exact
    anti-aliased coverage of the strands). The same arguments always give the same pixels.
    """
    width, height = size
    if width < 16 or height < 16:
        raise ValueError(f"a swatch needs at least 16x16 pixels, got {width}x{height}")
    base = np.clip(np.asarray(base_rgb, dtype=np.float64), 0.0, 1.0)
    if base.shape != (3,):
        raise ValueError(f"base_rgb must be an sRGB triple, got {base_rgb!r}")
    rng = np.random.default_rng(seed)
    big_w, big_h = width * SUPERSAMPLE, height * SUPERSAMPLE
    canvas = np.zeros((big_h, big_w, 3), np.uint8)
    coverage = np.zeros((big_h, big_w), np.uint8)
    strands = _strands(rng, big_w, big_h, count=int(4 * width))
    colours = _strand_colours(rng, strands, _srgb_to_linear(base))
    scale = 1 << _SHIFT
    for points, rgb, thickness in zip(strands.points, colours, strands.thickness, strict=True):
        fixed = np.round(points * scale).astype(np.int32)
        for i in range(len(fixed) - 1):
            p, q = (int(fixed[i, 0]), int(fixed[i, 1])), (int(fixed[i + 1, 0]), int(fixed[i + 1, 1]))
            colour = tuple(int(c) for c in rgb[i])
            # Same call on both layers: AA lines blend as old + (new - old) * coverage, so the mask is the
            # exact alpha with which the hair colour was composited over what lay beneath.
            cv2.line(canvas, p, q, colour, int(thickness), cv2.LINE_AA, _SHIFT)
            cv2.line(coverage, p, q, 255, int(thickness), cv2.LINE_AA, _SHIFT)
    small = (width, height)
    hair = cv2.resize(canvas, small, interpolation=cv2.INTER_AREA).astype(np.float64) / 255.0
    alpha = cv2.resize(coverage, small, interpolation=cv2.INTER_AREA).astype(np.float64) / 255.0
    backdrop = _backdrop(width, height, alpha)
    # The canvas started black, so it holds the hair premultiplied by its coverage: composite over the backdrop.
    image = hair + backdrop * (1.0 - alpha[..., None])
    image = np.clip(np.round(image * 255.0), 0, 255).astype(np.uint8)
    return image, alpha.astype(np.float32)


@dataclass(frozen=True)
class _Strands:
    points: list[np.ndarray]  # per strand: (_POINTS, 2) x, y in supersampled pixels
    along: np.ndarray  # (S, _POINTS) position along the lock, 0 at the top edge, 1 at the lowest tip
    across: np.ndarray  # (S,) lateral place in the lock, -1 left edge .. 1 right edge
    depth: np.ndarray  # (S,) 0 at the back of the lock .. 1 at the front
    thickness: np.ndarray  # (S,) line thickness in supersampled pixels


def _strands(rng: np.random.Generator, width: int, height: int, count: int) -> _Strands:
    """Strand centre lines of a lock: narrow at the top, fuller in the middle, a tapered tip; back to front."""
    across = np.clip(rng.normal(0.0, 0.5, count), -1.0, 1.0)
    depth = np.sqrt(1.0 - across**2) * rng.uniform(0.35, 1.0, count)  # a round lock: the middle is in front
    # Paint back to front. Side strands clip to depth 0 and tie; a stable sort breaks ties by index, so the
    # order (and every pixel) is the same on every CPU (numpy's default sort orders ties by SIMD width).
    order = np.argsort(depth, kind="stable")
    across, depth = across[order], depth[order]
    # Strands at the sides end higher, which gives the lock a rounded, slightly ragged tip.
    length = 0.86 + 0.12 * (1.0 - np.abs(across) ** 1.5) + rng.normal(0.0, 0.025, count)
    t = np.linspace(0.0, 1.0, _POINTS)[None, :] * length[:, None]
    top, bottom = -0.03 * height, 0.97 * height
    y = top + t * (bottom - top)
    half_width = width * (0.19 + 0.10 * np.sin(np.pi * np.clip(t * 1.1, 0.0, 1.0)) ** 0.8 - 0.09 * t**3)
    wave = width * (0.035 * np.sin(2.0 * np.pi * (0.9 * t + 0.1)) + 0.01 * np.sin(2.0 * np.pi * 2.3 * t))
    phase, frequency = rng.uniform(0.0, 2.0 * np.pi, count), rng.uniform(1.0, 3.0, count)
    wander = 0.04 * np.sin(frequency[:, None] * 2.0 * np.pi * t + phase[:, None])
    drift = rng.normal(0.0, 0.05, count)[:, None] * t
    flyaway = (rng.random(count) < 0.02)[:, None] * rng.normal(0.0, 0.35, count)[:, None] * t**2
    x = width / 2 + wave + (across[:, None] + wander + drift + flyaway) * half_width
    thickness = np.where(rng.random(count) < 0.25, 2, 1)
    points = [np.stack([x[s], y[s]], axis=-1) for s in range(count)]
    return _Strands(points, t, across, depth, thickness)


def _strand_colours(rng: np.random.Generator, strands: _Strands, base_linear: np.ndarray) -> list[np.ndarray]:
    """uint8 sRGB colour of every strand point, shaded in linear light; returns one (_POINTS, 3) array a strand."""
    count = len(strands.points)
    t, across, depth = strands.along, strands.across[:, None], strands.depth[:, None]
    lightness = np.exp(rng.normal(0.0, 0.13, count))[:, None, None]
    hue = np.exp(rng.normal(0.0, 0.04, (count, 1, 3)))
    root = 0.55 + 0.45 * _smoothstep(0.0, 0.22, t)  # roots in the shade of the lock
    ends = 1.0 - 0.35 * _smoothstep(0.7, 1.0, t)
    body = 0.45 + 0.55 * depth  # back and side strands are occluded and turned away from the light
    shade = (root * ends * body)[..., None]
    # The highlight band follows the lock's roundness (higher at the sides) and wobbles per strand.
    band = 0.30 + 0.07 * across**2 + rng.normal(0.0, 0.012, count)[:, None]
    primary = 0.12 * np.exp(-(((t - band) / 0.045) ** 2)) * depth
    secondary = 0.30 * np.exp(-(((t - band - 0.12) / 0.08) ** 2)) * depth
    linear = base_linear * lightness * hue * shade
    linear = linear + primary[..., None] * base_linear**0.15 + secondary[..., None] * base_linear**0.5 * 0.6
    srgb = _linear_to_srgb(np.clip(linear, 0.0, 1.0))
    return list(np.clip(np.round(srgb * 255.0), 0, 255).astype(np.uint8))


def _backdrop(width: int, height: int, alpha: np.ndarray) -> np.ndarray:
    """Light grey studio backdrop (float sRGB HxWx3): lighter at the top, a soft shadow of the lock."""
    fall = np.linspace(_BACKDROP[1], _BACKDROP[0], height)[:, None] * np.ones((1, width))
    blur = max(3, (min(width, height) // 24) | 1)
    offset = np.float64([[1, 0, width * 0.03], [0, 1, height * 0.02]])
    shadow = cv2.warpAffine(cv2.GaussianBlur(alpha, (0, 0), blur), offset, (width, height),
                            borderMode=cv2.BORDER_REPLICATE)
    grey = fall * (1.0 - 0.22 * shadow)
    return np.repeat(grey[..., None], 3, axis=2)


def write_references(folder: Path, size: tuple[int, int] = (512, 512)) -> dict[str, Reference]:
    """Render the light (platinum blonde) and dark (black) reference swatches and a middle-tone (medium brown)
    test swatch into `folder` as `NAME.png` and `NAME_mask.png` for NAME in dark, middle, light (masks 8-bit,
    255 = hair) and return each one's hair intensity, measured on the written files with
    studio.runtime.intensity.hair_intensity. Presets are authored on dark and light; middle shows what lies between."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    references = {}
    for name, base, seed in (("dark", DARK_BASE, 1), ("light", LIGHT_BASE, 2), ("middle", MIDDLE_BASE, 3)):
        image, mask = render_swatch(base, size, seed)
        mask8 = np.round(mask * 255.0).astype(np.uint8)
        paths = folder / f"{name}.png", folder / f"{name}_mask.png"
        for path, pixels in zip(paths, (image, mask8), strict=True):
            write_png(path, pixels)  # OpenCV's encoder: the shipped swatches are compared byte for byte
        # Measure what was written (8-bit mask included), exactly as anyone re-reading the files will.
        intensity = hair_intensity(image, mask8.astype(np.float32) / 255.0)
        references[name] = Reference(paths[0], paths[1], intensity)
    return references


def _smoothstep(low: float, high: float, x: np.ndarray) -> np.ndarray:
    x = np.clip((x - low) / (high - low), 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def _srgb_to_linear(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(v, 1.0 / 2.4) - 0.055)
