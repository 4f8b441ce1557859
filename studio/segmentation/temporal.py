"""Temporal smoothing of hair masks over video frames.

`certainty_blend` is the blend of MediaPipe's live hair graph (TfLiteTensorsToSegmentationCalculator with
`combine_with_previous_ratio`): where the model is sure of a pixel the new value wins, where it hesitates the
previous mask carries over, which removes most flicker. `SceneChange` spots cuts and sudden large changes, so
the caller can drop the previous mask instead of letting it ghost over a new scene. Plain numpy, except for
OpenCV's logarithm and a fast thumbnail (`studio.resample.shrink`), chosen for speed.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.resample import shrink

__all__ = ["DEFAULT_RATIO", "SceneChange", "certainty", "certainty_blend"]

DEFAULT_RATIO = 0.9
"""MediaPipe's `combine_with_previous_ratio` for its live hair graph."""

_EPS = 1e-3
"""MediaPipe's epsilon inside the logarithms (keeps log(0) finite)."""


def certainty(probability: np.ndarray) -> np.ndarray:
    """How sure the model is of each pixel, in [0, 1]: 1 at p = 0 or 1, 0 at p = 0.5.

    One minus the binary entropy (in bits) of `probability` (values in [0, 1]), clamped to [0, 1] and then
    bent up by u(2 - u) as MediaPipe does, so fairly sure pixels count almost as sure ones.
    """
    p = np.asarray(probability, dtype=np.float32)
    # This runs on every video frame: in-place float32 steps, and OpenCV's SIMD log (4x numpy's here,
    # within 5e-7 of it).
    sure = _log(np.subtract(np.float32(1.0 + _EPS), p))
    sure *= np.float32(1.0) - p
    plogp = _log(p + np.float32(_EPS))
    plogp *= p
    sure += plogp
    sure *= np.float32(1.0 / np.log(2.0))
    sure += np.float32(1.0)
    np.clip(sure, 0.0, 1.0, out=sure)
    sure *= np.float32(2.0) - sure
    return sure


def _log(values: np.ndarray) -> np.ndarray:
    """Natural logarithm of a float32 array of any shape, through OpenCV (which wants a 2-D matrix)."""
    return cv2.log(values.reshape(1, -1)).reshape(values.shape)


def certainty_blend(probability: np.ndarray, previous: np.ndarray | None, ratio: float = DEFAULT_RATIO) -> np.ndarray:
    """Blend a new hair probability map with the previous frame's mask, weighted by the model's certainty.

    `probability` and `previous` are float arrays of the same shape with values in [0, 1]; `ratio` in [0, 1]
    is how much of the certainty-weighted mix is kept (0 returns `probability` unchanged). With no previous
    mask (`None`, a first frame) the probability is returned as float32. The result is in [0, 1].
    """
    p = np.asarray(probability, dtype=np.float32)
    if previous is None or ratio == 0.0:
        return p
    previous = np.asarray(previous, dtype=np.float32)
    if previous.shape != p.shape:
        raise ValueError(f"previous mask shape {previous.shape} does not match {p.shape}")
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"ratio must be in [0, 1], got {ratio}")
    # ratio * (p * sure + previous * (1 - sure)) + (1 - ratio) * p = p + ratio * (1 - sure) * (previous - p)
    weight = certainty(p)
    np.subtract(np.float32(1.0), weight, out=weight)
    weight *= np.float32(ratio)
    weight *= previous - p
    weight += p
    return weight


class SceneChange:
    """Flags frames that differ sharply from the one before (a cut, a person leaving, the camera switched).

    Frames are compared as small grey thumbnails; a change is the mean absolute difference in [0, 1] of
    8-bit levels. `threshold` is the change above which a frame counts as a new scene.
    """

    def __init__(self, threshold: float = 0.06, thumbnail: int = 64) -> None:
        self.threshold = threshold
        self.thumbnail = thumbnail
        self._previous: np.ndarray | None = None
        self._shape: tuple[int, ...] = ()
        self.last_change = 0.0
        """The change measured for the latest frame (0 for the first), in [0, 1]."""

    def reset(self) -> None:
        """Forget the previous frame: the next one starts a new scene without being flagged."""
        self._previous = None
        self.last_change = 0.0

    def __call__(self, frame: np.ndarray) -> bool:
        """Whether `frame` (uint8 HxWx3 or HxW) starts a new scene; the first frame after a reset does not."""
        thumb = self._thumbnail(frame)
        previous, self._previous = self._previous, thumb
        shape, self._shape = self._shape, np.shape(frame)
        if previous is None or shape != self._shape:
            self.last_change = 0.0
            return previous is not None
        self.last_change = float(np.abs(thumb - previous).mean())
        return self.last_change > self.threshold

    def _thumbnail(self, frame: np.ndarray) -> np.ndarray:
        # Area averaging keeps sensor noise out of the change.
        small = shrink(np.asarray(frame), (self.thumbnail, self.thumbnail))
        grey = small.mean(axis=2, dtype=np.float32) if small.ndim == 3 else small.astype(np.float32)
        return grey / np.float32(255.0)
