"""Colour maths through colour-science (loaded on first use): sRGB <-> Oklab, and the exact trilinear LUT
lookup the fast sampler and the texture layouts are measured against. Hair intensity, the one colour measure
the runtime needs, is studio.runtime.intensity."""

from __future__ import annotations

import numpy as np

from studio.colour_science import colour_science

__all__ = ["oklab_to_srgb", "srgb_to_oklab", "trilinear"]


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


def trilinear(table: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Exact float64 trilinear lookup (colour-science) of `rgb` (..., 3) in [0, 1] in a (N, N, N, 3) table
    indexed [r, g, b].

    The reference the fast sampler is measured against; slow (about 1 s per 720p frame), for a few points or
    for resampling tables.
    """
    lut = colour_science().LUT3D(table=np.asarray(table, dtype=np.float64))
    return lut.apply(np.asarray(rgb, dtype=np.float64))
