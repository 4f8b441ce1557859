"""MaskCarrier: a mask follows the picture's motion to the next frame."""

from __future__ import annotations

import numpy as np

from studio.segmentation.motion import MaskCarrier


def scene(shift: int) -> tuple[np.ndarray, np.ndarray]:
    """A 128x128 textured frame whose content is moved `shift` pixels right and down, and the mask of a disc."""
    rng = np.random.default_rng(4)
    texture = rng.integers(0, 255, (160, 160), dtype=np.uint8)
    texture = np.repeat(np.repeat(texture[::4, ::4], 4, 0), 4, 1)  # blobs of 4 pixels: trackable structure
    ys, xs = np.mgrid[0:160, 0:160]
    disc = ((xs - 70) ** 2 + (ys - 70) ** 2 < 30**2).astype(np.float32)
    view = (slice(16 - shift, 144 - shift), slice(16 - shift, 144 - shift))
    return np.dstack([texture[view]] * 3), disc[view]


def test_a_carried_mask_follows_the_motion() -> None:
    carrier = MaskCarrier(flow_side=128)
    first, mask = scene(0)
    second, truth = scene(6)
    carrier.remember(first, (0, 0, 128, 128))
    carried = carrier.carry(mask, second, (0, 0, 128, 128))
    assert carried is not None and carried.shape == mask.shape
    error_carried = np.abs((carried >= 0.5) != (truth >= 0.5)).mean()
    error_kept = np.abs((mask >= 0.5) != (truth >= 0.5)).mean()
    assert error_carried < 0.25 * error_kept


def test_nothing_is_carried_without_a_remembered_frame_or_across_crops() -> None:
    carrier = MaskCarrier(flow_side=64)
    frame, mask = scene(0)
    assert carrier.carry(mask, frame, (0, 0, 128, 128)) is None  # the frame is now remembered
    assert carrier.carry(mask, frame, (1, 0, 129, 128)) is None  # another crop
    carrier.reset()
    assert carrier.carry(mask, frame, (1, 0, 129, 128)) is None
