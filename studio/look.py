"""The artist's controls for one reference, and how they bake into a 3D LUT.

The look is worked in Oklab. A pixel's Oklab lightness goes through a smooth, strictly increasing tone
curve that sends the reference hair lightness to the target's lightness (so a grey pixel at the reference
intensity lands on the target colour); its hue and chroma become the target's, tapered towards black
and white so the result stays natural and in gamut. `strength` mixes the result with the original.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, fields

import numpy as np

from studio.color import oklab_to_srgb, parse_hex, srgb_to_oklab, to_hex
from studio.lut import LUT3D, LUT_SIZES

_LIGHTNESS_LIMITS = (1e-3, 1.0 - 1e-3)  # keep the curve's anchor off the ends, where its exponents blow up
_MIN_SLOPE = 0.1  # tone-curve slope at the reference when texture is 0: nearly flat, never flat
_RAMP_SAMPLES = 1025  # lightness samples the look is solved on; LUT entries interpolate between them
_ANCHOR_STEPS = 8  # fixed-point steps aiming the curve so the interpolated reference grey hits the target


@dataclass(frozen=True)
class Look:
    """One target look. Ranges: strength, texture, shine in [0, 1]; saturation in [0, 2]."""

    target: str = "#8a4b2a"
    """Target hair colour as sRGB hex '#rrggbb': what hair at the reference intensity becomes."""
    strength: float = 1.0
    """0 leaves the image as it is, 1 applies the look fully."""
    texture: float = 0.7
    """How much of the original lightness variation survives (0 flat, 1 all of it): keeps strands visible."""
    shine: float = 0.25
    """Extra lift of the highlights above the reference lightness (0 none, 1 strong)."""
    saturation: float = 1.0
    """Chroma multiplier on the target colour (0 grey, 1 as picked, 2 twice as vivid, gamut permitting)."""

    def __post_init__(self) -> None:
        parse_hex(self.target)  # raises ValueError naming the bad colour
        object.__setattr__(self, "target", to_hex(parse_hex(self.target)))
        for name, high in (("strength", 1.0), ("texture", 1.0), ("shine", 1.0), ("saturation", 2.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"look {name} must be a number, got {value!r}")
            if not (0.0 <= float(value) <= high):  # also rejects NaN
                raise ValueError(f"look {name} must lie in [0, {high:g}], got {value!r}")
            object.__setattr__(self, name, float(value))

    def to_dict(self) -> dict[str, object]:
        """Plain dict for YAML: target, strength, texture, shine, saturation."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Look:
        """Build from a dict; missing keys take defaults, unknown keys raise ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"a look must be a mapping, got {type(data).__name__}")
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown look settings: {', '.join(sorted(map(str, unknown)))}")
        return cls(**data)


def reference_lightness(reference_intensity: float) -> float:
    """Oklab lightness of the grey whose Rec.709 luma is `reference_intensity` (in [0, 1])."""
    grey = np.full(3, float(reference_intensity))
    return float(srgb_to_oklab(grey)[0])


def tone_curve(lightness: np.ndarray, reference: float, target: float, texture: float, shine: float) -> np.ndarray:
    """Map Oklab lightness in [0, 1] onto [0, 1], strictly increasing, with 0 -> 0, reference -> target, 1 -> 1.

    Each side of the reference is a rational "bias" curve f(x) = x / (p + (1 - p) x), which has finite slope
    at both ends (so deep shadows are not torn apart) and slope p at x = 1. Below the reference:
    target * f(L / reference); above: 1 - (1 - target) * f((1 - L) / (1 - reference)). The exponents give
    slope 0.1 + 0.9 * texture at the reference from the left; shine steepens the right side, lifting the
    highlights above the reference.
    """
    reference = float(np.clip(reference, *_LIGHTNESS_LIMITS))
    target = float(np.clip(target, *_LIGHTNESS_LIMITS))
    slope = _MIN_SLOPE + (1.0 - _MIN_SLOPE) * texture
    p_low = slope * reference / target
    p_high = slope * (1.0 - reference) / (1.0 - target) * (1.0 + 3.0 * shine)
    lightness = np.clip(lightness, 0.0, 1.0)
    below = target * _bias(lightness / reference, p_low)
    above = 1.0 - (1.0 - target) * _bias((1.0 - lightness) / (1.0 - reference), p_high)
    return np.where(lightness <= reference, below, above)


def bake(look: Look, reference_intensity: float, size: int = 33) -> LUT3D:
    """Bake `look` for hair whose mean intensity (Rec.709 luma, [0, 1]) is `reference_intensity`.

    Every output depends on the input's Oklab lightness alone, so the look is solved (tone curve, chroma,
    gamut) once on a fine lightness ramp and the LUT entries read it off by linear interpolation.
    """
    if not 0.0 <= reference_intensity <= 1.0:
        raise ValueError(f"reference intensity must lie in [0, 1], got {reference_intensity}")
    identity = LUT3D.identity(size).table.astype(np.float64)
    if look.strength == 0.0:
        return LUT3D(identity)
    reference = reference_lightness(reference_intensity)
    anchor = _anchor_for_target(look, reference, reference_intensity, size)
    ramp = np.linspace(0.0, 1.0, _RAMP_SAMPLES)
    ramp_rgb = _recolour(ramp, reference, anchor, look)
    recoloured = np.stack([np.interp(_grid_lightness(size), ramp, ramp_rgb[:, c]) for c in range(3)], axis=-1)
    return LUT3D((1.0 - look.strength) * identity + look.strength * recoloured)


def _recolour(lightness: np.ndarray, reference: float, anchor_lab: np.ndarray, look: Look) -> np.ndarray:
    """sRGB output for input Oklab lightness values (1-D) when the reference lightness maps to `anchor_lab`."""
    out_lightness = tone_curve(lightness, reference, anchor_lab[0], look.texture, look.shine)
    chroma_ab = anchor_lab[1:] * look.saturation * _chroma_taper(out_lightness, anchor_lab[0])[..., None]
    return _to_gamut(out_lightness, chroma_ab)


def _anchor_for_target(look: Look, reference: float, reference_intensity: float, size: int) -> np.ndarray:
    """The Oklab colour the tone curve should send the reference to, so that after the LUT's trilinear
    interpolation a grey pixel at the reference intensity lands on the target.

    Where the curve bends inside the grid cell that holds the reference grey, the interpolated result misses
    the curve's own value by a few hundredths (most on 17-point LUTs). Moving the curve's anchor, not the
    LUT entries, keeps the lightness strictly increasing. A few fixed-point steps on the cell's 8 corners
    suffice; targets at pure black or white cannot move further and keep a small residue.
    """
    picked = srgb_to_oklab(parse_hex(look.target))
    target = srgb_to_oklab(_recolour(np.array([reference]), reference, picked, look)[0])  # saturation, gamut
    position = reference_intensity * (size - 1)
    lower = min(int(position), size - 2)
    fraction = position - lower
    corners = np.array([[(lower + dr) / (size - 1), (lower + dg) / (size - 1), (lower + db) / (size - 1)]
                        for dr in (0, 1) for dg in (0, 1) for db in (0, 1)])
    weights = np.array([np.prod([fraction if d else 1.0 - fraction for d in (dr, dg, db)])
                        for dr in (0, 1) for dg in (0, 1) for db in (0, 1)])
    corner_lightness = srgb_to_oklab(corners)[:, 0]
    anchor = picked.copy()
    for _ in range(_ANCHOR_STEPS):
        landed = srgb_to_oklab(weights @ _recolour(corner_lightness, reference, anchor, look))
        miss = target - landed
        if np.linalg.norm(miss) < 1e-5:
            break
        anchor = anchor + miss
        anchor[0] = np.clip(anchor[0], *_LIGHTNESS_LIMITS)
    return anchor


def _bias(x: np.ndarray, p: float) -> np.ndarray:
    """x / (p + (1 - p) x) on [0, 1]: increasing, 0 -> 0, 1 -> 1, slope 1/p at 0 and p at 1."""
    return x / (p + (1.0 - p) * x)


@functools.lru_cache(maxsize=len(LUT_SIZES))
def _grid_lightness(size: int) -> np.ndarray:
    """Oklab lightness of every LUT grid entry (the input colours), shape (N, N, N)."""
    return srgb_to_oklab(LUT3D.identity(size).table.astype(np.float64))[..., 0]


def _chroma_taper(lightness: np.ndarray, target_lightness: float) -> np.ndarray:
    """1 at the target lightness, falling linearly to 0 at black and at white: hair shadows and
    highlights carry less colour, and the extremes stay reachable in sRGB."""
    target_lightness = float(np.clip(target_lightness, *_LIGHTNESS_LIMITS))
    rising = lightness / target_lightness
    falling = (1.0 - lightness) / (1.0 - target_lightness)
    return np.clip(np.minimum(rising, falling), 0.0, 1.0)


def _to_gamut(lightness: np.ndarray, chroma_ab: np.ndarray, steps: int = 16) -> np.ndarray:
    """sRGB for Oklab (lightness, a, b), reducing chroma (hue and lightness kept) where it is out of gamut."""
    low = np.zeros(lightness.shape)
    high = np.ones(lightness.shape)
    rgb = _srgb(lightness, chroma_ab, high)
    inside = _in_gamut(rgb)
    for _ in range(steps):  # bisect the chroma scale of out-of-gamut entries only
        middle = np.where(inside, high, 0.5 * (low + high))
        fits = _in_gamut(_srgb(lightness, chroma_ab, middle))
        low = np.where(fits, middle, low)
        high = np.where(fits | inside, high, middle)
    scale = np.where(inside, 1.0, low)
    return np.clip(_srgb(lightness, chroma_ab, scale), 0.0, 1.0)


def _srgb(lightness: np.ndarray, chroma_ab: np.ndarray, scale: np.ndarray) -> np.ndarray:
    lab = np.concatenate([lightness[..., None], chroma_ab * scale[..., None]], axis=-1)
    return oklab_to_srgb(lab)


def _in_gamut(rgb: np.ndarray, tolerance: float = 1e-6) -> np.ndarray:
    return np.all((rgb >= -tolerance) & (rgb <= 1.0 + tolerance), axis=-1)
