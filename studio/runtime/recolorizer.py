"""The runtime interpolator apps embed: per frame, blend the preset's LUTs by the hair's mean intensity
and recolour the hair. Part of studio.runtime: numpy and OpenCV (and PyYAML and jsonschema, to read presets)
only, no GUI, no model runtime."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from studio.runtime.intensity import hair_intensity
from studio.runtime.lut_sampler import LutSampler
from studio.runtime.preset import Preset, load_preset

__all__ = ["VISIBLE_MASK", "Recolorizer"]

VISIBLE_MASK = 1.0 / 520.0
"""Mask values below this change no pixel: a change of at most 255 levels times the mask (plus blendLinear's
1e-5 relative error) stays under half a level and rounds away. The recolour is confined to the box where the
mask reaches it (a segmenter's soft mask is a tiny positive number over all of its crop: recolouring only the
hair's box halves the cost)."""


class Recolorizer:
    """Apply a preset to video frames: `recolorizer(frame, mask) -> frame`.

    Per frame: hair intensity (studio.runtime.intensity.hair_intensity) -> optional exponential smoothing across frames
    -> position between the anchors' intensities (clamped at the ends) -> blended LUT -> applied inside the
    mask's bounding box only -> composited by the soft mask. After a call, `intensity` holds the (smoothed)
    intensity used, `position` the fractional anchor index in [0, K - 1] and `t` = position / (K - 1), which
    for the paper's two anchors is the light LUT's weight.
    """

    def __init__(self, preset: Preset, smoothing: float = 0.0) -> None:
        """`smoothing` in [0, 1): weight of the previous frames' intensity (0 = none, 0.9 = heavy)."""
        if not 0.0 <= smoothing < 1.0:
            raise ValueError(f"smoothing must lie in [0, 1), got {smoothing}")
        self.preset = preset
        self.smoothing = smoothing
        self._intensities = np.array([a.intensity for a in preset.anchors], dtype=np.float64)
        self._samplers = [a.lut.sampler() for a in preset.anchors]
        self._blended: tuple[float, LutSampler] | None = None
        self.intensity: float | None = None
        self.position: float | None = None

    @classmethod
    def from_file(cls, path: str | Path, smoothing: float = 0.0) -> Recolorizer:
        """Load and check the preset YAML at `path` (PresetError on any problem)."""
        return cls(load_preset(path), smoothing=smoothing)

    @property
    def t(self) -> float | None:
        """Interpolation weight in [0, 1] of the last frame (None before the first frame with hair)."""
        if self.position is None:
            return None
        return self.position / (len(self._samplers) - 1)

    def reset(self) -> None:
        """Forget the smoothed intensity (call between clips)."""
        self.intensity = None
        self.position = None

    def position_for(self, intensity: float) -> float:
        """Fractional anchor index for a hair intensity: linear between anchors, clamped at the ends."""
        return float(np.interp(intensity, self._intensities, np.arange(len(self._intensities))))

    def sampler_at(self, position: float) -> LutSampler:
        """The blended LUT sampler at a fractional anchor index (an anchor's own LUT at whole numbers)."""
        last = len(self._samplers) - 1
        position = min(max(float(position), 0.0), float(last))
        lower = min(int(position), last - 1)
        weight = position - lower
        if weight == 0.0:
            return self._samplers[lower]
        if weight == 1.0:
            return self._samplers[lower + 1]
        if self._blended is None or self._blended[0] != position:
            self._blended = (position, self._samplers[lower].blend(self._samplers[lower + 1], weight))
        return self._blended[1]

    def __call__(self, frame: np.ndarray, mask: np.ndarray, position: float | None = None) -> np.ndarray:
        """Recolour the hair in `frame` (uint8 RGB HxWx3) where `mask` (float32 HxW in [0, 1]) says hair.

        `position` forces a fractional anchor index (e.g. 0 for the darkest LUT) instead of the measured one.
        Returns a new uint8 frame; pixels where the mask is below VISIBLE_MASK (their change would round
        away) are bit-for-bit unchanged.
        """
        frame, mask = _check_inputs(frame, mask)
        box = _visible_box(mask)
        if box is None:
            return frame.copy()
        region, weights = frame[box], np.clip(mask[box], 0.0, 1.0)  # outside the box the mask is <= 0
        self._update_intensity(region, weights)
        if position is None:
            if self.intensity is None:  # soft mask with no confident hair, and no history to fall back on
                return frame.copy()
            position = self.position_for(self.intensity)
        self.position = float(position)
        out = frame.copy()
        recoloured = self.sampler_at(self.position).apply(region)
        # blendLinear divides by (w1 + w2 + 1e-5): at most 0.003 of a level off, so mask 0 and 1 stay exact.
        out[box] = cv2.blendLinear(recoloured, region, weights, 1.0 - weights)
        return out

    def _update_intensity(self, frame: np.ndarray, mask: np.ndarray) -> None:
        try:
            measured = hair_intensity(frame, mask)
        except ValueError:  # no pixel reaches 0.5: keep the previous frame's intensity
            return
        if self.intensity is None or self.smoothing == 0.0:
            self.intensity = measured
        else:
            self.intensity = self.smoothing * self.intensity + (1.0 - self.smoothing) * measured


def _check_inputs(frame: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    frame = np.asarray(frame)
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"frame must be uint8 RGB of shape (H, W, 3), got {frame.dtype} {frame.shape}")
    mask = np.asarray(mask)
    if mask.shape != frame.shape[:2]:
        raise ValueError(f"mask shape {mask.shape} does not match frame shape {frame.shape[:2]}")
    return frame, mask.astype(np.float32, copy=False)


def _visible_box(mask: np.ndarray) -> tuple[slice, slice] | None:
    """The bounding box of the pixels where the mask reaches VISIBLE_MASK, or None when there are none."""
    x, y, width, height = cv2.boundingRect((mask >= VISIBLE_MASK).view(np.uint8))
    if width == 0:
        return None
    return slice(y, y + height), slice(x, x + width)
