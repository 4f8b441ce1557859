"""Bake a preset's anchors together, so that the runtime's linear blend of their LUTs keeps the colour.

The runtime recolours a frame whose hair intensity lies at weight t between two anchors with
(1 - t) * LUT_a + t * LUT_b. The *intended* look at t is the anchors' looks interpolated: the targets
in Oklab, texture, shine and strength linearly, around the reference lightness of hair at that intensity.
Baking each anchor on its own (its look's tone curve everywhere) makes the blend miss it badly between
the references: the dark LUT bleaches mid-tones, the light LUT darkens them, and their mix is greyish.

Along the grey ramp between two anchors, each input lightness L is met by exactly one weight t(L) (hair
whose mean is that grey). Asking the blend there to give both the intended colour W(L) and the intended
slope S(L) (how the look's colour changes with the pixel's lightness at fixed t, which keeps texture)
fixes both LUTs on the segment in closed form, per sRGB channel. With D = (W' - S) / t':

    LUT_a(L) = W(L) - t(L) D(L),    LUT_b(L) = W(L) + (1 - t(L)) D(L)

At each reference this is the anchor's own look (t = 0 gives LUT_a = W, with slope S); in between the
blend hits W exactly and the texture to first order. Where keeping both would leave [0, 1], D is limited
and texture yields before colour does. Beyond a segment the two LUTs stay parallel (D held), and beyond
the outermost references each end anchor keeps its own look.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.color import oklab_to_srgb, srgb_to_oklab
from studio.look import (
    bake,
    grey_intensity,
    lightness_ramp,
    look_response,
    read_off_ramp,
    reference_lightness,
    target_oklab,
)
from studio.preset_writer import slugify
from studio.runtime.look_settings import Look
from studio.runtime.lut import LUT3D
from studio.runtime.preset import Anchor, Preset

__all__ = ["bake_anchors", "bake_preset", "intended_oklab"]

_SEGMENT_SAMPLES = 1025  # lightness samples per segment between two references
_SLOPE_STEP = 1e-4  # Oklab lightness step of the central difference that measures the intended slope
_MAX_GAP_SLOPE = 2.5  # most change of D per unit Oklab lightness (sRGB per unit t, per unit lightness)


def bake_preset(name: str, references: Sequence[tuple[float, Look]], size: int = 33, description: str = "") -> Preset:
    """A preset whose anchors are the (intensity, look) references, in intensity order, baked together
    (`bake_anchors`) so that the runtime's blend keeps the colour between them; its id is the name's slug."""
    ordered = sorted(references, key=lambda pair: pair[0])
    luts = bake_anchors(ordered, size)
    anchors = [Anchor(intensity, look, lut) for (intensity, look), lut in zip(ordered, luts, strict=True)]
    return Preset(name=name, id=slugify(name), anchors=anchors, description=description)


def bake_anchors(references: Sequence[tuple[float, Look]], size: int = 33) -> list[LUT3D]:
    """The LUTs of a preset's anchors, baked together: one per (intensity, look), in the order given.

    Intensities are Rec.709 luma hair intensities in [0, 1] and must differ. One reference gives its look
    baked on its own (studio.look.bake).
    """
    if len(references) == 0:
        raise ValueError("a preset needs at least one reference")
    for intensity, _ in references:
        if not 0.0 <= float(intensity) <= 1.0:  # also refuses NaN
            raise ValueError(f"reference intensity must lie in [0, 1], got {intensity}")
    intensities = np.array([float(i) for i, _ in references])
    if len(references) == 1:
        return [bake(references[0][1], float(intensities[0]), size)]
    order = np.argsort(intensities, kind="stable")
    if np.any(np.diff(intensities[order]) <= 0.0):
        raise ValueError(f"reference intensities must differ, got {intensities.tolist()}")
    looks = [references[i][1] for i in order]
    ramps = _premultiplied_ramps(intensities[order], looks)
    identity = LUT3D.identity(size).table.astype(np.float64)
    luts = [LUT3D(np.clip((1.0 - look.strength) * identity + read_off_ramp(lightness_ramp(), ramp, size), 0.0, 1.0))
            for ramp, look in zip(ramps, looks, strict=True)]
    return [luts[int(np.flatnonzero(order == i)[0])] for i in range(len(references))]


def intended_oklab(references: Sequence[tuple[float, Look]], intensity: float | np.ndarray) -> np.ndarray:
    """The colour (Oklab, shape (..., 3)) a grey at hair intensity `intensity` (Rec.709 luma in [0, 1], a number
    or an array) is meant to become: the neighbouring anchors' targets interpolated in Oklab by the runtime's
    weight (clamped at the outermost anchors), mixed with the grey itself by the interpolated strength."""
    ordered = sorted(references, key=lambda pair: pair[0])
    intensities = np.array([i for i, _ in ordered], dtype=np.float64)
    grey = np.clip(np.asarray(intensity, dtype=np.float64), 0.0, 1.0)
    targets = np.array([target_oklab(look) for _, look in ordered])
    strengths = np.array([look.strength for _, look in ordered])
    if len(ordered) == 1:
        target, strength = np.broadcast_to(targets[0], (*grey.shape, 3)), np.full(grey.shape, strengths[0])
    else:
        position = np.interp(grey, intensities, np.arange(len(ordered)))
        lower = np.minimum(position.astype(int), len(ordered) - 2)
        weight = (position - lower)[..., None]
        target = (1.0 - weight) * targets[lower] + weight * targets[lower + 1]
        strength = (1.0 - weight[..., 0]) * strengths[lower] + weight[..., 0] * strengths[lower + 1]
    srgb = np.clip(oklab_to_srgb(target), 0.0, 1.0)
    mixed = (1.0 - strength)[..., None] * grey[..., None] + strength[..., None] * srgb
    return srgb_to_oklab(mixed)


def _premultiplied_ramps(intensities: np.ndarray, looks: list[Look]) -> list[np.ndarray]:
    """Per anchor, strength * its recolour as sRGB (R, 3) on lightness_ramp(), solved jointly as above."""
    ramp = lightness_ramp()
    references = np.asarray(reference_lightness(intensities))
    targets = np.array([target_oklab(look) for look in looks])
    segments = [_solve_segment(intensities[k:k + 2], references[k:k + 2], targets[k:k + 2], looks[k:k + 2])
                for k in range(len(looks) - 1)]
    ramps = [np.full((ramp.size, 3), np.nan) for _ in looks]
    # Beyond the outermost references the end anchors keep their own looks.
    for end, region in ((0, ramp < references[0]), (-1, ramp > references[-1])):
        look = looks[end]
        ramps[end][region] = look.strength * look_response(ramp[region], references[end], targets[end], look.texture,
                                                           look.shine)
    for k, (lightness, lower, upper, _) in enumerate(segments):
        inside = (ramp >= references[k]) & (ramp <= references[k + 1])
        ramps[k][inside] = _interp_rows(ramp[inside], lightness, lower)
        ramps[k + 1][inside] = _interp_rows(ramp[inside], lightness, upper)
    # Outside its own segments an anchor runs parallel to its neighbour: the segment's D held at its end.
    for anchor in range(len(looks) - 2, -1, -1):  # above: from the top anchor down
        gap = segments[anchor][3][-1]
        region = ramp > references[anchor + 1]
        ramps[anchor][region] = ramps[anchor + 1][region] - gap
    for anchor in range(1, len(looks)):  # below: from the bottom anchor up
        gap = segments[anchor - 1][3][0]
        region = ramp < references[anchor - 1]
        ramps[anchor][region] = ramps[anchor - 1][region] + gap
    return ramps


def _solve_segment(intensities: np.ndarray, references: np.ndarray, targets: np.ndarray,
                   looks: list[Look]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(lightness samples, lower anchor's ramp, upper anchor's ramp, D) on the segment between two references."""
    lightness = np.linspace(references[0], references[1], _SEGMENT_SAMPLES)
    t = np.clip((grey_intensity(lightness) - intensities[0]) / (intensities[1] - intensities[0]), 0.0, 1.0)
    t[0], t[-1] = 0.0, 1.0

    def lerp(low: float, high: float) -> np.ndarray:
        return (1.0 - t) * low + t * high

    reference = np.asarray(reference_lightness(lerp(*intensities)))
    target = (1.0 - t)[:, None] * targets[0] + t[:, None] * targets[1]
    texture, shine = lerp(looks[0].texture, looks[1].texture), lerp(looks[0].shine, looks[1].shine)
    strength = lerp(looks[0].strength, looks[1].strength)[:, None]

    def intended(at: np.ndarray) -> np.ndarray:
        return strength * look_response(at, reference, target, texture, shine)

    wanted = intended(lightness)
    slope = (intended(lightness + _SLOPE_STEP) - intended(lightness - _SLOPE_STEP)) / (2.0 * _SLOPE_STEP)
    along = np.gradient(wanted, lightness, axis=0)
    t_slope = np.gradient(t, lightness)[:, None]
    t = t[:, None]
    gap = (along - slope) / t_slope
    gap, low, high = _keep_in_range(gap, wanted, t, looks[0].strength, looks[1].strength)
    gap = _rate_limited(gap, low, high, lightness[1] - lightness[0])
    return lightness, wanted - t * gap, wanted + (1.0 - t) * gap, gap


def _keep_in_range(gap: np.ndarray, wanted: np.ndarray, t: np.ndarray, low_strength: float,
                   high_strength: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(D clipped, its lower bound, its upper bound) so that both anchors' values stay within [0, strength]:
    colour is kept exactly, texture yields (near the dark reference a dark colour's light LUT would have to
    go below black)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lows = [np.where(t > 0, (wanted - low_strength) / t, -np.inf),
                np.where(t < 1, -wanted / (1.0 - t), -np.inf)]
        highs = [np.where(t > 0, wanted / t, np.inf),
                 np.where(t < 1, (high_strength - wanted) / (1.0 - t), np.inf)]
    low, high = np.maximum(*lows), np.minimum(*highs)
    crossed = low > high  # no D keeps both in range (strengths far apart): split the difference
    middle = np.where(crossed, 0.5 * (np.where(crossed, low, 0.0) + np.where(crossed, high, 0.0)), 0.0)
    low, high = np.where(crossed, middle, low), np.where(crossed, middle, high)
    return np.clip(gap, low, high), low, high


def _rate_limited(gap: np.ndarray, low: np.ndarray, high: np.ndarray, step: float) -> np.ndarray:
    """D changed by at most _MAX_GAP_SLOPE per unit lightness (forwards, then backwards), within its bounds.

    Where a bound bites (a channel near 0 or 1 with much texture asked of it) the clamped D can turn within a
    few samples; following it would put a cliff into one of the LUTs. A lagging D gives up some texture there
    instead, and the blend still lands on the intended colour (any D does)."""
    limited = gap.copy()
    most = _MAX_GAP_SLOPE * step
    for order in (range(1, len(gap)), range(len(gap) - 2, -1, -1)):
        for i in order:
            previous = limited[i - 1] if order.step == 1 else limited[i + 1]
            limited[i] = np.clip(np.clip(limited[i], previous - most, previous + most), low[i], high[i])
    return limited


def _interp_rows(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    return np.stack([np.interp(x, xp, fp[:, c]) for c in range(fp.shape[1])], axis=-1)
