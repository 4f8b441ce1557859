"""HairPipeline: frames in, a result out (frame, mask, intensity, t, timings); the segmenter is pluggable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.errors import StudioError
from studio.runtime import HairPipeline, PipelineOptions, Recolorizer

PRESET = Path(__file__).resolve().parents[2] / "lut_presets" / "copper.yaml"


class SquareSegmenter:
    """A stand-in segmenter: hair is a fixed square; counts how it was called."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.closed = False

    def mask(self, image: np.ndarray) -> np.ndarray:
        mask = np.zeros(image.shape[:2], np.float32)
        mask[8:24, 8:24] = 1.0
        return mask

    def segment(self, image: np.ndarray) -> np.ndarray:
        self.calls.append("segment")
        return self.mask(image)

    def track(self, frame: np.ndarray) -> np.ndarray:
        self.calls.append("track")
        return self.mask(frame)

    def reset(self) -> None:
        self.calls.append("reset")

    def close(self) -> None:
        self.closed = True


def frame(level: int = 60) -> np.ndarray:
    image = np.full((32, 32, 3), 200, np.uint8)
    image[8:24, 8:24] = level
    return image


def test_a_frame_goes_through_segment_measure_interpolate_recolour():
    segmenter = SquareSegmenter()
    with HairPipeline.create(PRESET, segmenter) as pipeline:
        result = pipeline.process(frame())
    expected = Recolorizer.from_file(PRESET)(frame(), segmenter.mask(frame()))
    np.testing.assert_array_equal(result.frame, expected)
    assert result.intensity == pytest.approx(60 / 255) and 0.0 <= result.t <= 1.0
    assert set(result.timings) == {"segment", "recolour", "total"} and result.mask.dtype == np.float32
    assert segmenter.calls == ["track"] and segmenter.closed


def test_stills_are_segmented_one_by_one_without_smoothing():
    segmenter = SquareSegmenter()
    pipeline = HairPipeline.create_from_options(PipelineOptions(PRESET, segmenter, video=False, smoothing=0.9))
    first, second = pipeline.process(frame(30)), pipeline.process(frame(150))
    assert segmenter.calls == ["segment", "segment"]
    assert first.intensity == pytest.approx(30 / 255) and second.intensity == pytest.approx(150 / 255)


def test_video_smooths_the_intensity_across_frames_and_reset_forgets_it():
    segmenter = SquareSegmenter()
    pipeline = HairPipeline.create(PRESET, segmenter, smoothing=0.5)
    pipeline.process(frame(30))
    assert pipeline.process(frame(150)).intensity == pytest.approx(0.5 * (30 + 150) / 255)
    pipeline.reset()
    assert pipeline.process(frame(150)).intensity == pytest.approx(150 / 255) and "reset" in segmenter.calls


def test_a_given_mask_replaces_the_segmenter_and_without_either_it_is_an_error():
    pipeline = HairPipeline.create(PRESET)
    mask = np.zeros((32, 32), np.float32)
    mask[8:24, 8:24] = 1.0
    assert pipeline.process(frame(), mask).intensity == pytest.approx(60 / 255)
    with pytest.raises(StudioError, match="no segmenter"):
        pipeline.process(frame())


def test_a_frame_without_hair_is_unchanged_and_says_so():
    pipeline = HairPipeline.create(PRESET)
    mask = np.zeros((32, 32), np.float32)
    mask[8:24, 8:24] = 1.0
    pipeline.process(frame(), mask)
    empty = pipeline.process(frame(), np.zeros((32, 32), np.float32))
    assert empty.intensity is None and empty.t is None
    np.testing.assert_array_equal(empty.frame, frame())
