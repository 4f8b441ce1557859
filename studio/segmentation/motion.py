"""Carrying a hair mask from one video frame to the next along the optical flow, so the model can skip frames.

On a steady scene the hair moves little between frames: warping the last mask by the motion between the two
frames (OpenCV's DIS optical flow on small grey crops, ~1 ms) stands in for a model run (~16-20 ms on two
cores). HairSegmenter.track uses it on every `segment_every`-th frame only while the head crop stays put;
cuts and crop moves always run the model.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.resample import Rect, shrink

__all__ = ["MaskCarrier"]


class MaskCarrier:
    """Moves a model-sized mask to the next frame of the same crop.

    `remember` the crop the mask was made from, then `carry` the mask to a later frame of the same crop.
    The flow is measured on `flow_side` x `flow_side` grey thumbnails of the crop (backward: where each
    pixel of the new frame was in the old one) and applied to the mask with bilinear sampling.
    """

    def __init__(self, flow_side: int = 256) -> None:
        self.flow_side = flow_side
        self._flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)
        self._grey: np.ndarray | None = None
        self._rect: Rect | None = None
        self._grid: tuple[np.ndarray, np.ndarray] | None = None

    def reset(self) -> None:
        """Forget the remembered frame (a cut, a new clip)."""
        self._grey = self._rect = None

    def remember(self, crop_rgb: np.ndarray, rect: Rect) -> None:
        """Keep `crop_rgb` (uint8 HxWx3, the crop `rect` of a frame, any size) as the frame to carry from."""
        self._grey = self._thumbnail(crop_rgb)
        self._rect = rect

    def carry(self, mask: np.ndarray, crop_rgb: np.ndarray, rect: Rect) -> np.ndarray | None:
        """`mask` (float32 HxW in [0, 1], made for the remembered frame) moved onto `crop_rgb` (uint8, the same
        crop `rect` of the new frame); the new frame becomes the remembered one. None when there is nothing
        to carry from: no remembered frame, or a different crop."""
        grey = self._thumbnail(crop_rgb)
        previous, known_rect = self._grey, self._rect
        self._grey, self._rect = grey, rect
        if previous is None or known_rect != rect:
            return None
        flow = self._flow.calc(grey, previous, None)  # new pixel -> where it was, in thumbnail pixels
        height, width = mask.shape
        scale = np.float32(width / self.flow_side), np.float32(height / self.flow_side)
        flow = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
        grid_x, grid_y = self._sample_grid(width, height)
        map_x = cv2.scaleAdd(flow[..., 0], float(scale[0]), grid_x)
        map_y = cv2.scaleAdd(flow[..., 1], float(scale[1]), grid_y)
        return cv2.remap(mask, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def _thumbnail(self, crop_rgb: np.ndarray) -> np.ndarray:
        return cv2.cvtColor(shrink(crop_rgb, (self.flow_side, self.flow_side)), cv2.COLOR_RGB2GRAY)

    def _sample_grid(self, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
        if self._grid is None or self._grid[0].shape != (height, width):
            xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
            self._grid = xs, ys
        return self._grid
