"""The certainty blend and scene-change detection of studio.segmentation.temporal (pure numpy, no model)."""

from __future__ import annotations

import numpy as np
import pytest

from studio.segmentation.temporal import SceneChange, certainty, certainty_blend


def reference_blend(p: float, prev: float, ratio: float) -> float:
    """MediaPipe's formula written out for one pixel (eps 1e-3 as in its shader)."""
    eps = 1e-3
    unc = 1 + (p * np.log(p + eps) + (1 - p) * np.log(1 - p + eps)) / np.log(2)
    unc = min(max(unc, 0.0), 1.0)
    unc *= 2 - unc
    mixed = p * unc + prev * (1 - unc)
    return ratio * mixed + (1 - ratio) * p


@pytest.mark.parametrize("p", [0.0, 0.05, 0.3, 0.5, 0.7, 0.99, 1.0])
@pytest.mark.parametrize("prev", [0.0, 0.4, 1.0])
def test_blend_matches_mediapipe_formula(p: float, prev: float) -> None:
    out = certainty_blend(np.array([[p]]), np.array([[prev]]), ratio=0.9)
    assert out.dtype == np.float32
    assert out[0, 0] == pytest.approx(reference_blend(p, prev, 0.9), abs=1e-5)


def test_sure_pixels_ignore_the_previous_mask_and_unsure_ones_keep_it() -> None:
    previous = np.array([1.0, 1.0, 0.0])
    out = certainty_blend(np.array([0.0, 0.5, 1.0]), previous, ratio=0.9)
    assert out[0] == pytest.approx(0.0, abs=0.01)  # certain background overrides a previous hair pixel
    assert out[2] == pytest.approx(1.0, abs=0.01)
    assert out[1] == pytest.approx(0.9 * 1.0 + 0.1 * 0.5, abs=0.01)  # p = 0.5: no certainty, previous wins


def test_certainty_range_and_shape() -> None:
    p = np.linspace(0, 1, 101, dtype=np.float32)
    sure = certainty(p)
    assert sure.min() >= 0 and sure.max() <= 1
    assert sure[50] == pytest.approx(0.0, abs=0.01)
    assert sure[0] == pytest.approx(1.0, abs=1e-2) and sure[-1] == pytest.approx(1.0, abs=1e-2)


def test_no_previous_or_zero_ratio_returns_the_probability() -> None:
    p = np.random.default_rng(0).random((4, 5)).astype(np.float32)
    np.testing.assert_array_equal(certainty_blend(p, None), p)
    np.testing.assert_array_equal(certainty_blend(p, np.ones_like(p), ratio=0.0), p)


def test_blend_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="shape"):
        certainty_blend(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="ratio"):
        certainty_blend(np.zeros((2, 2)), np.zeros((2, 2)), ratio=1.5)


def test_scene_change_flags_a_cut_but_not_noise() -> None:
    rng = np.random.default_rng(1)
    scene = rng.integers(0, 256, (96, 128, 3)).astype(np.uint8)
    detector = SceneChange(threshold=0.06)
    assert not detector(scene)  # first frame: nothing to compare with
    noisy = np.clip(scene.astype(int) + rng.integers(-6, 7, scene.shape), 0, 255).astype(np.uint8)
    assert not detector(noisy)
    assert detector(255 - noisy)
    detector.reset()
    assert not detector(scene)
    assert detector.last_change == 0.0


def test_scene_change_on_a_new_frame_size_is_a_cut() -> None:
    detector = SceneChange()
    detector(np.zeros((64, 64, 3), np.uint8))
    assert detector(np.zeros((32, 48, 3), np.uint8))
