"""The hair scopes' maths on tiny synthetic frames (studio.app.scopes), and the preview worker that measures them."""

from __future__ import annotations

import numpy as np
import pytest

from studio.app.preview_worker import PreviewSettings, PreviewWorker
from studio.app.scopes import (
    CHROMA_RANGE,
    LIGHTNESS_BINS,
    MAX_SAMPLES,
    SCOPE_SIZE,
    describe,
    hue_degrees,
    measure_hair,
    oklab,
    scope_position,
    srgb_from_oklab,
)
from studio.app.segmenters import FixedMask
from studio.sources import DropQueue, Frame
from tests.app.preview_results import next_result

RED_OKLAB = (0.627955, 0.224863, 0.125846)  # Ottosson's reference values for sRGB red
BLUE_OKLAB = (0.452014, -0.032457, -0.311528)


def _patch_frame(colour: tuple[int, int, int], size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """A grey frame with a square of `colour` in the middle, and the square's mask."""
    frame = np.full((size, size, 3), 128, np.uint8)
    mask = np.zeros((size, size), np.float32)
    frame[8:24, 8:24] = colour
    mask[8:24, 8:24] = 1.0
    return frame, mask


def _centroid(density: np.ndarray) -> tuple[float, float]:
    """The density-weighted centre of a vectorscope plane, as Oklab (a, b) directions from the neutral axis."""
    half = (SCOPE_SIZE - 1) / 2.0
    y, x = np.mgrid[0:SCOPE_SIZE, 0:SCOPE_SIZE]
    total = density.sum()
    return float((density * (x - half)).sum() / total), float((density * (half - y)).sum() / total)


def test_oklab_matches_the_reference_values_and_inverts() -> None:
    assert np.allclose(oklab(np.array([255, 0, 0], np.uint8)), RED_OKLAB, atol=2e-4)
    assert np.allclose(oklab(np.array([0.0, 0.0, 1.0])), BLUE_OKLAB, atol=2e-4)
    assert np.allclose(oklab(np.array([255, 255, 255], np.uint8)), (1.0, 0.0, 0.0), atol=2e-4)
    colours = np.random.default_rng(1).random((200, 3))
    assert np.abs(srgb_from_oklab(oklab(colours)) - colours).max() < 5e-3


def test_a_red_hair_patch_lands_at_reds_hue_on_the_rim() -> None:
    frame, mask = _patch_frame((255, 0, 0))
    scopes = measure_hair(frame, None, mask)
    a, b = _centroid(scopes.vectorscope[0])
    assert np.degrees(np.arctan2(b, a)) == pytest.approx(np.degrees(np.arctan2(RED_OKLAB[2], RED_OKLAB[1])), abs=2)
    assert np.hypot(a, b) == pytest.approx((SCOPE_SIZE - 1) / 2.0, abs=1.5)  # chroma 0.26 > CHROMA_RANGE: the rim
    assert hue_degrees(scopes.mean_lab[0]) == pytest.approx(29.2, abs=0.5)
    assert scopes.vectorscope[0].sum() == pytest.approx(1.0)
    # The grey around the patch is not hair: nothing at the neutral centre.
    centre = SCOPE_SIZE // 2
    assert scopes.vectorscope[0][centre - 3:centre + 4, centre - 3:centre + 4].sum() == 0.0
    # Drawn: the picture is reddish there, and dark on the far side.
    x, y = (int(round(float(v))) for v in scope_position(RED_OKLAB[1], RED_OKLAB[2]))
    red = scopes.picture[y - 1:y + 2, x - 1:x + 2].astype(int).mean(axis=(0, 1))
    assert red[0] > red[1] + 60 and red[0] > red[2] + 40
    far = scopes.picture[SCOPE_SIZE - 1 - y, SCOPE_SIZE - 1 - x]
    assert far.max() < 60


def test_before_and_after_are_measured_at_the_same_pixels() -> None:
    frame, mask = _patch_frame((120, 120, 120))  # grey hair ...
    recoloured = frame.copy()
    recoloured[mask > 0] = (0, 0, 255)  # ... recoloured blue
    scopes = measure_hair(frame, recoloured, mask)
    before, after = scopes.vectorscope
    centre = SCOPE_SIZE // 2
    assert before[centre - 1:centre + 2, centre - 1:centre + 2].sum() == pytest.approx(1.0)
    a, b = _centroid(after)
    assert np.degrees(np.arctan2(b, a)) == pytest.approx(np.degrees(np.arctan2(BLUE_OKLAB[2], BLUE_OKLAB[1])),
                                                         abs=2)
    assert scopes.mean_lab[1] == pytest.approx(BLUE_OKLAB, abs=1e-3)
    assert np.allclose(scopes.colour, 120 / 255)  # the live hair's colour is the frame's, before the recolour
    assert "chroma 0.000 -> 0.313" in describe(scopes)


def test_histograms_and_colour_are_weighted_by_the_mask() -> None:
    frame = np.zeros((10, 20, 3), np.uint8)
    mask = np.zeros((10, 20), np.float32)
    frame[:, :5], mask[:, :5] = 40, 1.0  # dark hair, fully hair
    frame[:, 5:10], mask[:, 5:10] = 220, 0.6  # light hair, softer
    frame[:, 10:15], mask[:, 10:15] = 255, 0.4  # under the hair threshold: not hair
    scopes = measure_hair(frame, None, mask)
    dark, light = (int(oklab(np.array([v] * 3, np.uint8))[0] * LIGHTNESS_BINS) for v in (40, 220))
    assert scopes.lightness[0][dark] == pytest.approx(1.0 / 1.6)
    assert scopes.lightness[0][light] == pytest.approx(0.6 / 1.6)
    assert scopes.lightness[0].sum() == pytest.approx(1.0) and np.array_equal(scopes.lightness[0], scopes.lightness[1])
    assert scopes.colour == pytest.approx(np.full(3, (40 * 1.0 + 220 * 0.6) / 1.6 / 255))
    assert scopes.hair_share == pytest.approx(0.5)


def test_no_hair_measures_nothing() -> None:
    frame, _ = _patch_frame((200, 100, 50))
    for mask in (None, np.zeros(frame.shape[:2], np.float32), np.full(frame.shape[:2], 0.3, np.float32)):
        scopes = measure_hair(frame, frame, mask)
        assert scopes.colour is None and scopes.lightness is None and scopes.picture is None
        assert scopes.hair_share == 0.0
        assert describe(scopes) == "No hair in this frame: nothing to measure."


def test_a_720p_frame_is_subsampled_and_the_colour_alone_skips_the_scopes() -> None:
    frame = np.full((720, 1280, 3), (90, 60, 40), np.uint8)
    mask = np.zeros((720, 1280), np.float32)
    mask[:, :640] = 1.0
    frame[:, 640:] = 250  # not hair: must not leak into the colour
    scopes = measure_hair(frame, frame, mask)
    assert scopes.hair_share == pytest.approx(0.5, abs=0.01)
    assert np.allclose(scopes.colour * 255, (90, 60, 40))
    weights = scopes.vectorscope[0]
    assert weights.sum() == pytest.approx(1.0) and np.count_nonzero(weights) >= 1
    assert scopes.picture.shape == (SCOPE_SIZE, SCOPE_SIZE, 3) and scopes.picture.dtype == np.uint8
    colour_only = measure_hair(frame, frame, mask, scopes=False)
    assert colour_only.lightness is None and colour_only.picture is None
    assert np.allclose(colour_only.colour, scopes.colour)
    assert MAX_SAMPLES < 640 * 720 / 16  # the sample is thinned on this frame
    assert CHROMA_RANGE > 0.15


def test_the_preview_worker_measures_the_hair_and_the_scopes_only_when_asked() -> None:
    frame, mask = _patch_frame((150, 90, 40))
    frames: DropQueue[Frame] = DropQueue(2)
    worker = PreviewWorker(frames, lambda: FixedMask(mask), PreviewSettings(size=(32, 32)))
    try:
        frames.put(Frame(frame, 0, 1.0))
        first = next_result(worker)
        assert first.frame is frame  # what an eyedropper on the preview picks from: the frame before the recolour
        assert first.hair is not None and first.hair.lightness is None
        assert np.allclose(first.hair.colour * 255, (150, 90, 40))
        version = worker.configure(scopes=True)  # the scopes come up: the last frame is measured again
        second = next_result(worker)
        assert second.settings_version == version and second.hair.lightness is not None
    finally:
        worker.stop()
