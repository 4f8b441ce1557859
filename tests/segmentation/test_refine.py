"""Guided-filter refinement: a mask's soft, misplaced edge moves onto the picture's edge."""

from __future__ import annotations

import cv2
import numpy as np

from studio.segmentation.refine import refine_mask


def test_a_blurred_shifted_mask_snaps_to_the_pictures_edge() -> None:
    image = np.full((200, 300, 3), 200, np.uint8)
    image[:, :140] = 40  # dark hair on the left, a bright wall on the right: the edge is at x = 140
    truth = np.zeros((200, 300), bool)
    truth[:, :140] = True
    mask = np.zeros((200, 300), np.float32)
    mask[:, :143] = 1.0  # the model's edge 3 px too far right (within the window), and soft
    mask = cv2.GaussianBlur(mask, (0, 0), 3)
    refined = refine_mask(image, mask)
    assert refined.dtype == np.float32 and refined.shape == mask.shape
    assert 0.0 <= refined.min() and refined.max() <= 1.0
    error_before = np.mean((mask >= 0.5) != truth)
    error_after = np.mean((refined >= 0.5) != truth)
    assert error_after < 0.5 * error_before


def test_a_flat_picture_leaves_a_flat_mask_as_it_is() -> None:
    image = np.full((64, 64, 3), 120, np.uint8)
    mask = np.full((64, 64), 0.7, np.float32)
    np.testing.assert_allclose(refine_mask(image, mask), 0.7, atol=1e-5)
