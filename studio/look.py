"""What a look does to colours: the response that the artist's settings for one reference
(studio.runtime.look_settings.Look, which presets record) ask for.

The look is worked in Oklab and depends on the input pixel's Oklab lightness alone. A tone curve sends
the reference hair lightness to the target's lightness with slope set by `texture` (so lightness detail
survives in that proportion), lifts the highlights above the reference by `shine`, and rolls off
smoothly towards black and white without ever pinning them (no steep cells, no magnified shadows).
Hue and chroma are the target's at every lightness, held by the sRGB gamut alone (chroma is reduced only
where the colour would leave the gamut). `strength` mixes the result with the original.

How several looks are baked into LUTs that blend right between their references is `studio.bake`.
"""

from __future__ import annotations

import functools

import numpy as np

from studio.color import oklab_to_srgb, srgb_to_oklab
from studio.runtime.look_settings import Look, parse_hex
from studio.runtime.lut import LUT3D, LUT_SIZES

__all__ = ["MIN_SLOPE", "bake", "gamut_mapped_srgb", "grey_intensity", "grid_lightness", "lightness_ramp",
           "look_response", "mix_with_identity", "read_off_ramp", "reference_lightness", "target_oklab",
           "texture_slope", "tone_curve"]

MIN_SLOPE = 0.1
"""Tone-curve slope at the reference when texture is 0: nearly flat, never flat."""
_SHINE_GAIN = 1.0  # shine 1 doubles the tone curve's slope above the reference
_SHINE_WIDTH = 0.08  # Oklab lightness over which the shine's extra slope fades in (keeps the curve smooth)
_KNEE = 0.6  # share of the room to black (white) the curve keeps linear before it rolls off towards it


def reference_lightness(reference_intensity: float | np.ndarray) -> float | np.ndarray:
    """Oklab lightness of the grey whose Rec.709 luma is `reference_intensity` (in [0, 1])."""
    grey = np.repeat(np.asarray(reference_intensity, dtype=np.float64)[..., None], 3, axis=-1)
    lightness = srgb_to_oklab(grey)[..., 0]
    return float(lightness) if lightness.ndim == 0 else lightness


def grey_intensity(lightness: np.ndarray) -> np.ndarray:
    """The inverse of reference_lightness: the luma (= sRGB value) of the grey with Oklab lightness `lightness`."""
    lab = np.stack([np.asarray(lightness, np.float64), *np.zeros((2, *np.shape(lightness)))], axis=-1)
    return np.clip(oklab_to_srgb(lab).mean(axis=-1), 0.0, 1.0)


def texture_slope(texture: float | np.ndarray) -> float | np.ndarray:
    """The tone curve's slope at the reference (Oklab lightness out per lightness in) for `texture` in [0, 1]."""
    return MIN_SLOPE + (1.0 - MIN_SLOPE) * texture


def target_oklab(look: Look) -> np.ndarray:
    """The colour the look sends reference hair to, in Oklab: the picked target with its chroma scaled by
    `saturation` and brought into the sRGB gamut (hue and lightness kept)."""
    lab = srgb_to_oklab(parse_hex(look.target))
    srgb = gamut_mapped_srgb(lab[:1], lab[None, 1:] * look.saturation)[0]
    return srgb_to_oklab(srgb)


def tone_curve(lightness: np.ndarray, reference: float | np.ndarray, target: float | np.ndarray,
               texture: float | np.ndarray, shine: float | np.ndarray) -> np.ndarray:
    """Map Oklab lightness in [0, 1] into (0, 1): reference -> target, strictly increasing while the target
    lies strictly inside (0, 1).

    Around the reference the curve is a straight line of slope texture_slope(texture); above the reference
    shine adds up to _SHINE_GAIN times that slope, fading in over _SHINE_WIDTH. The line rolls off smoothly
    (C1, exponentially) into the room left to black and to white, so black and white are approached, never
    pinned, and the slope never exceeds that of the line. Every argument broadcasts against `lightness`.
    """
    offset = np.asarray(lightness, np.float64) - reference
    lifted = offset + _SHINE_GAIN * np.asarray(shine) * _ease_in(offset, _SHINE_WIDTH)
    deviation = texture_slope(np.asarray(texture)) * lifted
    target = np.clip(np.asarray(target, np.float64), 0.0, 1.0)
    return target + np.where(deviation >= 0.0, _roll_off(deviation, 1.0 - target), -_roll_off(-deviation, target))


def look_response(lightness: np.ndarray, reference: float | np.ndarray, target_lab: np.ndarray,
                  texture: float | np.ndarray, shine: float | np.ndarray) -> np.ndarray:
    """sRGB output (..., 3) of the look for input Oklab lightness values, before strength: the tone curve's
    lightness with the target's hue and chroma (`target_lab`, Oklab, broadcasting as (..., 3)), in gamut."""
    target_lab = np.asarray(target_lab, np.float64)
    out_lightness = tone_curve(lightness, reference, target_lab[..., 0], texture, shine)
    chroma_ab = np.broadcast_to(target_lab[..., 1:], (*out_lightness.shape, 2))
    return gamut_mapped_srgb(out_lightness, chroma_ab)


def bake(look: Look, reference_intensity: float, size: int = 33) -> LUT3D:
    """Bake one `look` on its own for hair whose mean intensity (Rec.709 luma, [0, 1]) is `reference_intensity`.

    A preset's anchors are baked together by studio.bake.bake_anchors, so that their blend keeps the colour
    between the references; this is the look of a single anchor, e.g. a one-reference preview.
    """
    if not 0.0 <= reference_intensity <= 1.0:
        raise ValueError(f"reference intensity must lie in [0, 1], got {reference_intensity}")
    identity = LUT3D.identity(size).table.astype(np.float64)
    if look.strength == 0.0:
        return LUT3D(identity)
    ramp = lightness_ramp()
    response = look_response(ramp, reference_lightness(reference_intensity), target_oklab(look), look.texture,
                             look.shine)
    return LUT3D(mix_with_identity(read_off_ramp(ramp, response, size), look.strength, size))


def lightness_ramp() -> np.ndarray:
    """The Oklab lightness samples in [0, 1] on which looks are solved; LUT entries interpolate between them."""
    return np.linspace(0.0, 1.0, 2049)


def read_off_ramp(ramp: np.ndarray, ramp_rgb: np.ndarray, size: int) -> np.ndarray:
    """An (N, N, N, 3) table whose every entry takes the ramp's colour at that entry's Oklab lightness."""
    lightness = grid_lightness(size)
    return np.stack([np.interp(lightness, ramp, ramp_rgb[:, c]) for c in range(3)], axis=-1)


def mix_with_identity(recoloured: np.ndarray, strength: float, size: int) -> np.ndarray:
    """(1 - strength) * identity + strength * recoloured, clipped to [0, 1]: a table for LUT3D."""
    identity = LUT3D.identity(size).table.astype(np.float64)
    return np.clip((1.0 - strength) * identity + strength * recoloured, 0.0, 1.0)


@functools.lru_cache(maxsize=len(LUT_SIZES))
def grid_lightness(size: int) -> np.ndarray:
    """Oklab lightness of every LUT grid entry (the input colours), shape (N, N, N)."""
    return srgb_to_oklab(LUT3D.identity(size).table.astype(np.float64))[..., 0]


def gamut_mapped_srgb(lightness: np.ndarray, chroma_ab: np.ndarray, steps: int = 20) -> np.ndarray:
    """sRGB (..., 3) for Oklab (lightness, a, b), reducing chroma (hue and lightness kept) where it is out of
    gamut; the result is clipped to [0, 1] against the bisection's last rounding."""
    lightness = np.asarray(lightness, np.float64)
    low = np.zeros(lightness.shape)
    high = np.ones(lightness.shape)
    inside = _in_gamut(_srgb(lightness, chroma_ab, high))
    for _ in range(steps):  # bisect the chroma scale of out-of-gamut entries only
        middle = np.where(inside, high, 0.5 * (low + high))
        fits = _in_gamut(_srgb(lightness, chroma_ab, middle))
        low = np.where(fits, middle, low)
        high = np.where(fits | inside, high, middle)
    scale = np.where(inside, 1.0, low)
    return np.clip(_srgb(lightness, chroma_ab, scale), 0.0, 1.0)


def _ease_in(offset: np.ndarray, width: float) -> np.ndarray:
    """0 below 0, then a parabola that turns into the line offset - width/2 at `width`: C1, slope 0 -> 1."""
    positive = np.maximum(offset, 0.0)
    return np.where(positive < width, positive**2 / (2.0 * width), positive - 0.5 * width)


def _roll_off(deviation: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Map deviation >= 0 into [0, room): itself up to _KNEE * room, then exponentially towards room (C1)."""
    room = np.maximum(room, 0.0)
    knee = _KNEE * room
    tail = np.maximum(room - knee, 1e-12)
    rolled = knee + tail * -np.expm1(-np.maximum(deviation - knee, 0.0) / tail)
    return np.where(deviation <= knee, np.minimum(deviation, room), rolled)


def _srgb(lightness: np.ndarray, chroma_ab: np.ndarray, scale: np.ndarray) -> np.ndarray:
    lab = np.concatenate([lightness[..., None], chroma_ab * scale[..., None]], axis=-1)
    return oklab_to_srgb(lab)


def _in_gamut(rgb: np.ndarray, tolerance: float = 1e-6) -> np.ndarray:
    return np.all((rgb >= -tolerance) & (rgb <= 1.0 + tolerance), axis=-1)
