"""The PNG-strip layout of a 3D LUT, defined once: the texture layout apps use.

A table `table[r, g, b]` (N x N x N x C) is laid out as an image N pixels high and N*N wide, pixel
(x = r + N*b, y = g): N square slices side by side, one per blue level, red along x and green along y.
"""

from __future__ import annotations

import numpy as np

__all__ = ["from_strip", "to_strip"]


def to_strip(table: np.ndarray) -> np.ndarray:
    """(N, N, N, C) table [r, g, b] -> the N x N*N strip image, pixel (x = r + N*b, y = g)."""
    n = table.shape[0]
    return np.ascontiguousarray(table.transpose(1, 2, 0, 3).reshape(n, n * n, table.shape[3]))


def from_strip(strip: np.ndarray) -> np.ndarray:
    """The inverse of `to_strip`: an N x N*N x C strip image -> (N, N, N, C) table [r, g, b]."""
    n = strip.shape[0]
    return np.ascontiguousarray(strip.reshape(n, n, n, strip.shape[2]).transpose(2, 0, 1, 3))
