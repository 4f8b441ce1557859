"""The preset's whole response, as the studio shows it: what the runtime makes of hair at every intensity.

A strip, intensity 0 at the left to 1 at the right: on top the grey of each intensity recoloured, below a
hair swatch brought to that intensity and recoloured (the strands show how texture survives). Each column
goes through the runtime's own blend of the anchors' LUTs at that intensity. The chroma kept against the
intended colour (studio.bake.intended_oklab) is measured on the greys, so the studio can warn where the
colour dips. Pure numpy/OpenCV: built in the baker thread, drawn by the view.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from studio.bake import intended_oklab
from studio.color import srgb_to_oklab
from studio.runtime import Preset, Recolorizer
from studio.runtime.intensity import luma

RAMP_WIDTH = 256  # columns, one intensity each
GREY_ROWS, HAIR_ROWS = 14, 34  # 48 rows, as the empty strip of response_panel
CHROMA_WARNING = 0.90  # chroma kept below this (for a colour, not a grey) earns a warning
_CHROMATIC = 0.04  # Oklab chroma from which an intended colour counts as a colour
_TICK_ROWS = 5  # rows under the strip that carry the anchors' ticks
_STEPS = 64  # distinct LUT blends across the strip (neighbouring columns share one)


@dataclass(frozen=True)
class ResponseRamp:
    """The strip (uint8 RGB, (GREY_ROWS + HAIR_ROWS) x RAMP_WIDTH), each column's intensity in [0, 1], the
    chroma kept there (NaN where the intended colour is a grey) and the anchors' intensities."""

    image: np.ndarray
    intensities: np.ndarray
    chroma_kept: np.ndarray
    anchors: tuple[float, ...]

    def column(self, intensity: float) -> int:
        """The strip column of a hair intensity (for a marker)."""
        return int(np.clip(round(intensity * (RAMP_WIDTH - 1)), 0, RAMP_WIDTH - 1))

    def dips(self) -> list[tuple[float, float]]:
        """Intensity ranges, between the outermost anchors, where the chroma kept falls under CHROMA_WARNING."""
        if len(self.anchors) < 2:
            return []
        low, high = self.anchors[0], self.anchors[-1]
        inside = (self.intensities >= low) & (self.intensities <= high)
        dipping = np.concatenate([[False], inside & (self.chroma_kept < CHROMA_WARNING), [False]])
        edges = np.flatnonzero(np.diff(dipping.astype(np.int8)))
        return [(float(self.intensities[a]), float(self.intensities[b - 1])) for a, b in zip(edges[::2], edges[1::2],
                                                                                           strict=True)]

    def warning(self) -> str:
        """A line for the artist when the colour dips between the references, else ''."""
        dips = self.dips()
        if not dips:
            return ""
        worst = min(float(np.nanmin(self.chroma_kept[(self.intensities >= a) & (self.intensities <= b)]))
                    for a, b in dips)
        spans = ", ".join(f"{a:.2f}-{b:.2f}" for a, b in dips)
        return f"The colour fades between the references (intensity {spans}; {worst:.0%} of its chroma at worst)."


def response_ramp(preset: Preset, hair: np.ndarray) -> ResponseRamp:
    """The response of `preset`; `hair` is a uint8 RGB swatch whose lightness detail fills the lower band."""
    intensities = np.linspace(0.0, 1.0, RAMP_WIDTH)
    detail = _hair_detail(hair)
    recolorizer = Recolorizer(preset)
    references = [(a.intensity, a.look) for a in preset.anchors]
    image = np.empty((GREY_ROWS + HAIR_ROWS, RAMP_WIDTH, 3), np.uint8)
    wanted = intended_oklab(references, intensities)
    wanted_chroma = np.hypot(wanted[:, 1], wanted[:, 2])
    for block in np.array_split(np.arange(RAMP_WIDTH), _STEPS):
        intensity = float(intensities[block].mean())
        sampler = recolorizer.sampler_at(recolorizer.position_for(intensity))
        levels = np.round(intensities[block] * 255.0)
        greys = np.repeat(levels[None, :, None], 3, axis=2).astype(np.uint8)
        strands = np.clip(levels[None, :] + detail[:, block], 0, 255).astype(np.uint8)
        image[:GREY_ROWS, block] = np.repeat(sampler.apply(greys), GREY_ROWS, axis=0)
        image[GREY_ROWS:, block] = sampler.apply(np.repeat(strands[..., None], 3, axis=2))
    got = srgb_to_oklab(image[0].astype(np.float64) / 255.0)
    kept = np.where(wanted_chroma >= _CHROMATIC, np.hypot(got[:, 1], got[:, 2]) / np.maximum(wanted_chroma, 1e-9),
                    np.nan)
    return ResponseRamp(image, intensities, kept, tuple(a.intensity for a in preset.anchors))


def with_markers(ramp: ResponseRamp, live_intensity: float | None) -> np.ndarray:
    """The strip with a white tick under each anchor's intensity and a full-height black-and-white line at the
    live frame's hair intensity (None: no line)."""
    image = np.pad(ramp.image, ((0, _TICK_ROWS), (0, 0), (0, 0)), constant_values=40)
    for intensity in ramp.anchors:
        x = ramp.column(intensity)
        image[-_TICK_ROWS:, max(0, x - 1):x + 2] = 255
    if live_intensity is not None:
        x = ramp.column(live_intensity)
        image[:, x] = 255
        image[:, min(x + 1, RAMP_WIDTH - 1)] = 0
    return image


@functools.lru_cache(maxsize=1)
def middle_tone_hair() -> np.ndarray:
    """The project's middle-tone swatch (studio.swatch), rendered small: the hair the strip's lower band shows."""
    from studio.swatch import MIDDLE_BASE, render_swatch

    image, _ = render_swatch(MIDDLE_BASE, (160, 160), seed=3)
    return image


def _hair_detail(hair: np.ndarray) -> np.ndarray:
    """The luma of the swatch's middle (strands only, no backdrop) around its column means, in 8-bit levels,
    stretched to HAIR_ROWS x RAMP_WIDTH."""
    import cv2

    hair = np.asarray(hair)
    height, width = hair.shape[:2]
    middle = hair[int(0.15 * height):int(0.75 * height), int(0.42 * width):int(0.58 * width)]
    small = cv2.resize(middle, (RAMP_WIDTH, HAIR_ROWS), interpolation=cv2.INTER_LINEAR)
    values = luma(small) * 255.0
    return values - values.mean(axis=0, keepdims=True)
