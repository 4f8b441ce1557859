"""A NumPy port of studio/shader/hair_lut.frag, statement for statement, in float32 (GLSL highp).

`texture()` is OpenGL's GL_LINEAR / CLAMP_TO_EDGE filter: texel centres at (i + 0.5) / size, weights
from the fractional texel coordinate. Real GPUs hold those weights with 8 fractional bits (1/256 of a
texel); the port uses exact weights. The framebuffer stores round(value * 255).
"""

from __future__ import annotations

import numpy as np

F32 = np.float32


def texture(tex: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinear sample of `tex` (H x W x C float32) at normalised coordinates (u, v) of any shape."""
    height, width = tex.shape[:2]
    x, y = u * F32(width) - F32(0.5), v * F32(height) - F32(0.5)
    x0, y0 = np.floor(x), np.floor(y)
    ax, ay = (x - x0)[..., None], (y - y0)[..., None]
    i0, i1 = (np.clip(x0 + d, 0, width - 1).astype(np.intp) for d in (0, 1))
    j0, j1 = (np.clip(y0 + d, 0, height - 1).astype(np.intp) for d in (0, 1))
    top = mix(tex[j0, i0], tex[j0, i1], ax)
    bottom = mix(tex[j1, i0], tex[j1, i1], ax)
    return mix(top, bottom, ay)


def mix(a: np.ndarray, b: np.ndarray, t: np.ndarray | np.float32) -> np.ndarray:
    """GLSL mix: a * (1 - t) + b * t."""
    return a * (F32(1.0) - t) + b * t


def lookup(lut: np.ndarray, uv_lower: tuple, uv_upper: tuple, blue_fraction: np.ndarray) -> np.ndarray:
    return mix(texture(lut, *uv_lower), texture(lut, *uv_upper), blue_fraction[..., None])  # textureLod(lut, uv, 0.0)


def hair_lut_frag(frame: np.ndarray, mask: np.ndarray, lut_low: np.ndarray, lut_high: np.ndarray,
                  lut_size: int, t: float) -> np.ndarray:
    """Run the fragment shader on every pixel of `frame` (uint8 RGB HxWx3) with `mask` (uint8 HxW,
    255 = hair) and the two strip textures (float32 N x N*N x 3, as uploaded). Returns uint8 RGB."""
    rgb = np.clip(frame.astype(F32) / F32(255.0), F32(0.0), F32(1.0))  # texture(u_frame) at texel centres
    n = F32(lut_size)
    cell = rgb * (n - F32(1.0))
    red, green, blue = cell[..., 0], cell[..., 1], cell[..., 2]
    slice_ = np.minimum(np.floor(blue), n - F32(2.0))
    blue_fraction = blue - slice_
    uv_lower = ((red + F32(0.5) + slice_ * n) / (n * n), (green + F32(0.5)) / n)
    uv_upper = (uv_lower[0] + F32(1.0) / n, uv_lower[1])
    low = lookup(lut_low, uv_lower, uv_upper, blue_fraction)
    high = lookup(lut_high, uv_lower, uv_upper, blue_fraction)
    graded = mix(low, high, F32(t))
    hair = np.clip(mask.astype(F32) / F32(255.0), F32(0.0), F32(1.0))[..., None]
    out = mix(rgb, graded, hair)
    return np.round(np.clip(out, 0.0, 1.0) * F32(255.0)).astype(np.uint8)
