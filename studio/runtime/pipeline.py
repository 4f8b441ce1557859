"""The application step of the paper as one object: frames in, recoloured frames out.

Per frame: segment the hair (or take a given mask), measure its mean intensity, interpolate the preset's
LUTs by where it falls between the references, recolour the hair and blend by the soft mask. In the
style of MediaPipe Tasks: an options dataclass, `HairPipeline.create_from_options` / `create`, a context
manager that releases the segmenter, and a result object per frame.

Part of studio.runtime (numpy, OpenCV, PyYAML and jsonschema only); the segmenter is whatever object the app
passes (anything with `segment(image)` for stills and `track(frame)` for video, e.g.
studio.segmentation.HairSegmenter). Without one, every call must bring its own mask.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from studio.errors import StudioError
from studio.runtime.intensity import MASK_THRESHOLD, hair_intensity
from studio.runtime.preset import Preset, load_preset
from studio.runtime.recolorizer import Recolorizer

__all__ = ["HairPipeline", "PipelineOptions", "PipelineResult", "Segmenter"]


class Segmenter(Protocol):
    """What the pipeline needs of a hair segmenter: uint8 RGB HxWx3 -> float32 HxW hair mask in [0, 1]."""

    def segment(self, image: np.ndarray) -> np.ndarray: ...

    def track(self, frame: np.ndarray) -> np.ndarray: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class PipelineOptions:
    """How a HairPipeline runs.

    `preset` is a loaded Preset or the path of a preset YAML (None: frames pass unchanged, masks and intensity
    are still measured; `HairPipeline.use` sets one later). `segmenter` makes the masks (None: each call
    passes one). `video` tracks masks and intensity across frames (the previous mask is the model's prior,
    the intensity is smoothed by `smoothing` in [0, 1)); False treats every frame as an unrelated still.
    """

    preset: Preset | str | Path | None
    segmenter: Segmenter | None = None
    video: bool = True
    smoothing: float = 0.5


@dataclass(frozen=True)
class PipelineResult:
    """One processed frame: the recoloured frame (uint8 RGB), the hair mask used (float32 in [0, 1]), the
    hair intensity (Rec.709 luma in [0, 1]; None when no pixel reaches 0.5), the light LUT's weight t (None
    with no hair) and per-stage times in milliseconds ('segment', 'recolour', 'total')."""

    frame: np.ndarray
    mask: np.ndarray
    intensity: float | None
    t: float | None
    timings: dict[str, float] = field(default_factory=dict)


class HairPipeline:
    """Segment, measure, interpolate, recolour. Create with `create_from_options` or `create`; use as a
    context manager (or call `close`) to release the segmenter."""

    def __init__(self, options: PipelineOptions) -> None:
        self.options = options
        self.recolorizer: Recolorizer | None = None
        self.use(options.preset)

    @classmethod
    def create_from_options(cls, options: PipelineOptions) -> HairPipeline:
        """A pipeline as `options` say (PresetError names the preset file when it is invalid)."""
        return cls(options)

    @classmethod
    def create(cls, preset: Preset | str | Path | None, segmenter: Segmenter | None = None, video: bool = True,
               smoothing: float = 0.5) -> HairPipeline:
        """Shorthand for create_from_options(PipelineOptions(...))."""
        return cls(PipelineOptions(preset, segmenter, video, smoothing))

    def use(self, look: Preset | Recolorizer | str | Path | None) -> None:
        """Switch the look between frames: a Preset or preset path (a new Recolorizer with this pipeline's
        smoothing), a ready Recolorizer (used as it is, e.g. one baked in another thread), or None (frames pass
        unchanged). PresetError names a preset file that is invalid."""
        if look is None or isinstance(look, Recolorizer):
            self.recolorizer = look
            return
        preset = look if isinstance(look, Preset) else load_preset(look)
        self.recolorizer = Recolorizer(preset, smoothing=self.options.smoothing if self.options.video else 0.0)

    def process(self, frame: np.ndarray, mask: np.ndarray | None = None,
                position: float | None = None) -> PipelineResult:
        """Recolour the hair of `frame` (uint8 RGB HxWx3). `mask` (float HxW in [0, 1]) replaces the
        segmenter; without a segmenter it is required. `position` forces the fractional anchor index (0: the
        darkest anchor's LUT) instead of the one the hair's intensity picks."""
        start = time.perf_counter()
        if mask is None:
            segmenter = self.options.segmenter
            if segmenter is None:
                raise StudioError("this pipeline has no segmenter: pass a hair mask with each frame")
            mask = segmenter.track(frame) if self.options.video else segmenter.segment(frame)
        mask = np.asarray(mask, dtype=np.float32)
        segmented = time.perf_counter()
        recolorizer = self.recolorizer
        if recolorizer is None:
            out, intensity, t = frame, _intensity_or_none(frame, mask), None
        else:
            if not self.options.video:
                recolorizer.reset()
            out = recolorizer(frame, mask, position)
            # The runtime keeps the last intensity through frames without hair; the result reports this frame.
            found = recolorizer.intensity is not None and bool(np.any(mask >= MASK_THRESHOLD))
            intensity, t = (recolorizer.intensity, recolorizer.t) if found else (None, None)
        done = time.perf_counter()
        return PipelineResult(out, mask, intensity, t,
                              {"segment": (segmented - start) * 1e3, "recolour": (done - segmented) * 1e3,
                               "total": (done - start) * 1e3})

    def reset(self) -> None:
        """Forget the previous frames (call between clips)."""
        if self.recolorizer is not None:
            self.recolorizer.reset()
        if self.options.segmenter is not None:
            self.options.segmenter.reset()

    def close(self) -> None:
        """Release the segmenter's native resources."""
        if self.options.segmenter is not None:
            self.options.segmenter.close()

    def __enter__(self) -> HairPipeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _intensity_or_none(frame: np.ndarray, mask: np.ndarray) -> float | None:
    try:
        return hair_intensity(frame, mask)
    except ValueError:  # no pixel reaches the mask threshold
        return None
