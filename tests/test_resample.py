"""Fast resampling: shrink against OpenCV's area filter, and moving a model-sized mask between crops."""

from __future__ import annotations

import cv2
import numpy as np

from studio.resample import move_crop, shrink
from studio.segmentation.framing import Box, box_rect, crop, crop_span, paste


def photo_like(height: int, width: int) -> np.ndarray:
    """Smooth shapes plus fine noise: something an area filter and a bilinear one treat differently."""
    rng = np.random.default_rng(1)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    base = 127 + 80 * np.sin(xs / 23.0)[..., None] * np.cos(ys / 17.0)[..., None] * np.array([1.0, 0.6, 0.3])
    return np.clip(base + rng.normal(0, 20, (height, width, 3)), 0, 255).astype(np.uint8)


def test_shrink_is_close_to_the_area_filter_where_bilinear_alone_aliases() -> None:
    image = photo_like(720, 1280)
    for size in ((512, 512), (64, 64), (320, 180)):
        area = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
        bilinear = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
        ours = shrink(image, size)
        assert ours.shape == area.shape
        assert np.abs(ours - area).mean() <= 0.6 * np.abs(bilinear - area).mean(), size


def test_shrink_of_a_smooth_picture_is_within_a_level_of_the_area_filter() -> None:
    image = cv2.GaussianBlur(photo_like(720, 1280), (0, 0), 3)
    area = cv2.resize(image, (512, 512), interpolation=cv2.INTER_AREA).astype(np.float32)
    assert np.abs(shrink(image, (512, 512)) - area).mean() < 1.0


def test_shrink_is_the_area_filter_at_whole_factors_and_keeps_images_of_the_size() -> None:
    image = photo_like(96, 128)
    area = cv2.resize(image, (32, 24), interpolation=cv2.INTER_AREA).astype(int)
    assert np.abs(shrink(image, (32, 24)) - area).max() <= 1  # two halvings round once more
    area = cv2.resize(image, (64, 96), interpolation=cv2.INTER_AREA).astype(int)
    assert np.abs(shrink(image, (64, 96)) - area).max() <= 1  # one side halved
    assert shrink(image, (128, 96)) is image
    assert shrink(image, (256, 192)).shape == (192, 256, 3)


def test_move_crop_equals_pasting_into_the_frame_and_cropping_again() -> None:
    frame_shape = (720, 1280)
    rng = np.random.default_rng(2)
    mask = cv2.GaussianBlur(rng.random((512, 512)).astype(np.float32), (0, 0), 6)
    old, new = Box(300, 40, 600, 600), Box(340, 70, 560, 560)
    expected = crop(paste(mask, old, frame_shape), new, (512, 512))
    moved = move_crop(mask, box_rect(old, frame_shape), box_rect(new, frame_shape))
    inner = (slice(8, -8), slice(8, -8))  # bilinear twice against once differs only where it meets the edge
    assert np.abs(moved - expected)[inner].max() < 0.01
    whole = move_crop(mask, box_rect(old, frame_shape), box_rect(None, frame_shape))
    assert whole[:, :100].max() == 0.0  # left of the old crop nothing is known


def test_move_crop_between_crops_reaching_past_the_frame_agrees_inside_it() -> None:
    # A face filling a 250x250 photo: the head crops reach past its edges (track carries the prior between them).
    frame_shape = (250, 250)
    rng = np.random.default_rng(4)
    mask = cv2.GaussianBlur(rng.random((512, 512)).astype(np.float32), (0, 0), 6)
    old, new = Box(-37.5, -37.5, 325, 325), Box(-30, -40, 320, 325)
    moved = move_crop(mask, crop_span(old, frame_shape), crop_span(new, frame_shape))
    expected = crop(paste(mask, old, frame_shape), new, (512, 512))
    # Inside the frame both agree; outside it the crop mirrors the frame while the moved mask keeps what the old
    # crop saw there.
    left, top, right, bottom = crop_span(new, frame_shape)
    columns = slice(round(-left / (right - left) * 512) + 8, round((250 - left) / (right - left) * 512) - 8)
    rows = slice(round(-top / (bottom - top) * 512) + 8, round((250 - top) / (bottom - top) * 512) - 8)
    assert np.abs(moved - expected)[rows, columns].max() < 0.01


def test_move_crop_to_the_same_crop_changes_nothing() -> None:
    mask = np.random.default_rng(3).random((64, 64)).astype(np.float32)
    np.testing.assert_allclose(move_crop(mask, (10, 10, 110, 110), (10, 10, 110, 110)), mask, atol=1e-6)
