"""Fast resampling for the per-frame path: shrinking frames (to the model, to the preview), moving masks
between crops.

OpenCV's INTER_AREA is the right filter for shrinking, but at a non-integer ratio it takes 3-4 ms for a 720p
frame on this 2-core machine (8 ms of every tracked frame went there). Area averaging by whole factors is
OpenCV's fast path (halving: 0.3 ms at 720p), so `shrink` halves while it can, averages by a whole factor along
a side still twice too long, and bilinear sampling does the remaining ratio, which is below 2 and so needs no
low-pass.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["Rect", "move_crop", "shrink"]

Rect = tuple[int, int, int, int]
"""A crop in frame pixels: (left, top, right, bottom), right and bottom exclusive."""


def shrink(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`image` (HxW or HxWxC, uint8 or float32) resampled to `size` (width, height) pixels.

    Shrinking averages areas (whole-factor box averages, then bilinear for the rest; within about a level
    of INTER_AREA on photos); enlarging is bilinear. An image already of that size is returned as it is.
    """
    width, height = size
    if image.shape[1] == width and image.shape[0] == height:
        return image
    while image.shape[1] >= 2 * width and image.shape[0] >= 2 * height:  # halving is OpenCV's fastest case
        half_x, half_y = image.shape[1] // 2, image.shape[0] // 2
        image = cv2.resize(image[: 2 * half_y, : 2 * half_x], (half_x, half_y), interpolation=cv2.INTER_AREA)
    factor_x, factor_y = max(image.shape[1] // width, 1), max(image.shape[0] // height, 1)
    if factor_x >= 2 or factor_y >= 2:  # one side still twice too long (a wide frame)
        whole_x, whole_y = image.shape[1] // factor_x, image.shape[0] // factor_y
        trimmed = image[: whole_y * factor_y, : whole_x * factor_x]
        # Halving one side bilinearly samples midway between pixel pairs: their exact average, 6x faster
        # than OpenCV's area filter with unequal factors.
        halving = max(factor_x, factor_y) == 2
        image = cv2.resize(trimmed, (whole_x, whole_y), interpolation=cv2.INTER_LINEAR if halving else cv2.INTER_AREA)
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)


def move_crop(mask: np.ndarray, source: Rect, target: Rect) -> np.ndarray:
    """`mask` (float32 HxW, the model-sized mask of the `source` crop) as seen by the `target` crop at the same
    model size: the part of the frame both crops cover is resampled bilinearly, the rest is 0.

    Equals pasting the mask into the frame and cropping it again, without the round trip through the frame's
    full resolution (0.3 ms instead of 2-4 ms at 720p).
    """
    height, width = mask.shape
    (s_left, s_top, s_right, s_bottom), (t_left, t_top, t_right, t_bottom) = source, target
    # Pixel centres: frame x = left + (u + 0.5) * span / size - 0.5, for both crops; solve for source u.
    scale_x = (t_right - t_left) / (s_right - s_left)
    scale_y = (t_bottom - t_top) / (s_bottom - s_top)
    shift_x = (t_left - s_left) * width / (s_right - s_left) + 0.5 * scale_x - 0.5
    shift_y = (t_top - s_top) * height / (s_bottom - s_top) + 0.5 * scale_y - 0.5
    matrix = np.array([[scale_x, 0.0, shift_x], [0.0, scale_y, shift_y]], dtype=np.float64)
    return cv2.warpAffine(
        mask, matrix, (width, height), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT, borderValue=0.0,
    )
