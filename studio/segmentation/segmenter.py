"""HairSegmenter: MediaPipe's hair model on ONNX Runtime, for stills (`segment`) and video (`track`).

Video follows the paper's temporal scheme: the previous frame's mask is fed to the model as a fourth input
channel, and the new mask is blended with it by the model's certainty (`temporal.certainty_blend`). A cut or
a sudden large change of the picture drops the previous mask, so no ghost of the old scene survives.
Head framing (`framing`) segments a crop around the head when a face is found; with MediaPipe's face models
installed, the face itself is kept out of the mask (`face_region`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from studio.resample import Rect, move_crop
from studio.runtime.intensity import MASK_THRESHOLD
from studio.segmentation.errors import ModelError
from studio.segmentation.face_region import FacePrior
from studio.segmentation.framing import (
    Box,
    FaceFinder,
    FramingOptions,
    SteadyBox,
    box_rect,
    crop,
    crop_span,
    head_box,
    paste,
)
from studio.segmentation.hair_model import OnnxHairModel
from studio.segmentation.motion import MaskCarrier
from studio.segmentation.refine import refine_mask
from studio.segmentation.temporal import DEFAULT_RATIO, SceneChange, certainty_blend

__all__ = ["HairModel", "HairSegmenter", "SegmenterOptions"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class SegmenterOptions:
    """Settings of a HairSegmenter.

    - `model_path`: the converted .onnx (None: `manifest.onnx_path()`, where `hair-studio models fetch` puts it).
    - `providers`: ONNX Runtime execution providers in order of preference (None: CUDA when usable, then CPU).
    - `temporal_ratio`: weight in [0, 1] of the certainty blend with the previous mask in `track`
      (MediaPipe's 0.9; 0 turns the blend off but still feeds the previous mask to the model).
    - `prior_weight`: scale in [0, 1] of the previous mask fed to the model as its fourth channel in `track`
      (MediaPipe: 1), and of the first mask in `segment`'s second look (`refeed_stills`; 0.35, 0.7 and 1 did
      worse there). At full strength the model over-trusts it and feeds its own errors back: on the
      lfw_motion clips hair grew on empty background and IoU fell 15 points on one clip; at 0.5 every clip
      scores at least as well as independent frames, with half their flicker.
    - `framing`: segment a crop around the head when a face is found (see `framing`).
    - `detect_every`: in `track`, look for the face on every n-th frame (and after every cut); the crop is
      held steady in between.
    - `scene_change`: mean absolute change of a frame's grey thumbnail, in [0, 1], above which `track`
      treats the frame as a new scene and drops the previous mask.
    - `segment_every`: in `track`, run the model on every n-th frame only; in between, while the head crop
      stays put, the last mask is carried along the optical flow (`motion.MaskCarrier`, ~1 ms instead of a
      model run). Cuts and crop moves always run the model. 1 runs it on every frame.
    - `refine`: snap the mask's edges to the picture's (`refine.refine_mask`, a guided filter over the region
      the model saw, its window sized to that region) in what `segment` and `track` return; the prior fed
      back to the model stays unrefined.
    - `face_prior`: keep hair off the face (`face_region.FacePrior`: MediaPipe's face detector and face mesh
      on the region the model saw; in `track` on every `face_every`-th frame and after cuts, following the last
      face, its region held in between: about 6.5 ms a time at 720p on this machine's CPU).
      `create` uses it when the face models are installed and logs a warning when they are not.
    - `mirror_stills`: `segment` averages the model's masks of the picture and of its mirror image (one more
      model run per still; video does without). The model is not quite symmetric, and its two guesses err
      differently: alone, on 120 development photos a case, IoU +0.6 points on LFW faces, +1.4 on light hair,
      -0.9 on dark hair, under 0.1 on hair-only photos; with the overhanging head crop (`FramingOptions.overhang`)
      the two raised every case of `eval_segmentation.py --limit 300`.
    - `refeed_stills`: when `segment` gives the model the whole picture (no head crop: a photo framed on the hair,
      or no face), the model looks again with its first mask as the previous frame's, at `prior_weight`, as in
      `track` (one more model run, per mirror image). The model was made to be given its last mask; on the whole
      picture its second look is surer (`eval_segmentation.py --limit 300`: hair-only IoU 0.8455 -> 0.8511, dark
      hair +0.4 points, light hair +0.2; on head crops it fed its own errors back: wide -0.4, so they do without).
      A Figaro1k photo took about 200 -> 300 ms on this project's 2-core machine.
    - `average_views`: a still whose head crop reaches past the frame (a face filling the photo: LFW, passports,
      selfies) is segmented both as a whole picture (with the second look) and as the head crop, and the two masks
      averaged (`eval_segmentation.py --limit 300`: tight faces IoU 0.640 -> 0.649, light hair 0.703 -> 0.710,
      dark hair -0.1 points; three more model runs for those photos with the other defaults: an LFW photo took
      about 125 -> 190 ms on this project's 2-core machine). Other photos are segmented as one of
      the two, as `FramingOptions.hair_framed` decides: where the crop lies inside the frame the whole picture is
      the worse view (a wide shot), or the crop is (a false face in a photo of hair).
    - `threads`: ONNX Runtime intra-op threads on the CPU (0: its default, one per physical core).
    """

    model_path: Path | None = None
    providers: list[str] | None = None
    temporal_ratio: float = DEFAULT_RATIO
    prior_weight: float = 0.5
    framing: bool = True
    detect_every: int = 4
    segment_every: int = 2
    refine: bool = True
    face_prior: bool = True
    face_every: int = 8
    scene_change: float = 0.06
    mirror_stills: bool = True
    refeed_stills: bool = True
    average_views: bool = True
    threads: int = 0
    framing_options: FramingOptions = field(default_factory=FramingOptions)

    def __post_init__(self) -> None:
        for name in ("temporal_ratio", "prior_weight"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        for name in ("detect_every", "segment_every", "face_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")


class HairModel(Protocol):
    """What HairSegmenter needs from a model: hair probability for one model-sized input."""

    input_size: tuple[int, int]
    """(width, height) in pixels of the images the model takes."""
    provider: str
    """The execution provider it runs on, for logs and the UI."""

    def __call__(self, rgb: np.ndarray, prior: np.ndarray | None) -> np.ndarray:
        """Hair probability (float32 HxW in [0, 1]) of `rgb` (uint8 HxWx3 at `input_size`), given the previous
        mask `prior` (float32 HxW in [0, 1] at `input_size`; None: no previous frame). The result may be a
        buffer the next call overwrites."""
        ...

    def close(self) -> None: ...


class HairSegmenter:
    """Segments hair in RGB images. Use `HairSegmenter.create(...)`, ideally as a context manager.

    Not thread-safe: `track` keeps per-clip state; use one segmenter per video stream.
    """

    def __init__(
        self, model: HairModel, options: SegmenterOptions | None = None, face_prior: FacePrior | None = None
    ) -> None:
        """A segmenter on `model` (with `face_prior` to keep hair off faces); most callers want `create`, which
        opens the ONNX models."""
        self.model = model
        self.options = options or SegmenterOptions()
        self.face_prior = face_prior
        self._faces = FaceFinder(self.options.framing_options) if self.options.framing else None
        self._steady = SteadyBox(self.options.framing_options)
        self._scene = SceneChange(self.options.scene_change)
        self._carrier = MaskCarrier() if self.options.segment_every > 1 else None
        self._previous: np.ndarray | None = None  # the last mask at model size, of the crop `_previous_span`
        self._previous_span: Rect = (0, 0, 0, 0)
        self._last_face: Box | None = None
        self._frame_index = 0
        self._scene_framed: bool | None = None  # the scene's first mask (no prior) showed the hair framed

    @classmethod
    def create(
        cls, model_path: str | Path | None = None, providers: list[str] | None = None, **options: Any
    ) -> HairSegmenter:
        """A segmenter on the ONNX model at `model_path` (default: the fetched model), with SegmenterOptions.

        Raises ModelError naming the file when the model is missing or cannot be loaded.
        """
        settings = SegmenterOptions(model_path=Path(model_path) if model_path else None, providers=providers, **options)
        model = OnnxHairModel.load(settings.model_path or _default_model_path(), settings.providers, settings.threads)
        logger.info("hair segmentation runs on %s", model.provider)
        return cls(model, settings, _face_prior(settings))

    @property
    def provider(self) -> str:
        """The ONNX Runtime execution provider in use, e.g. 'CPUExecutionProvider'."""
        return self.model.provider

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Hair mask of a still image: uint8 RGB HxWx3 -> float32 HxW in [0, 1] (hair probability)."""
        image = _check_rgb(image)
        size = self.model.input_size
        whole_input = crop(image, None, size)
        first = self.model(whole_input, None).copy()  # the model reuses its output buffer
        box = self._head_box(image) if self._faces is not None else None
        reaches_past = box is not None and crop_span(box, image.shape) != box_rect(box, image.shape)
        both = self.options.average_views and reaches_past  # the face fills the photo: both views see it all
        if box is not None and not both and self._hair_framed(first):
            box = None
        mask = None
        if box is None or both:
            mask = paste(self._still_probability(whole_input, first, self.options.refeed_stills), None, image.shape)
        if box is not None:
            head = paste(self._still_probability(crop(image, box, size)), box, image.shape)
            if mask is None:
                mask = head
            else:  # inside the frame the head crop covers; the whole picture's mask elsewhere
                left, top, right, bottom = box_rect(box, image.shape)
                mask[top:bottom, left:right] += head[top:bottom, left:right]
                mask[top:bottom, left:right] *= 0.5
        region = None if both else box
        if self.face_prior is not None:  # a still: the face tracked in video stays as it was
            self.face_prior.take_out(image, box_rect(region, image.shape), mask)
        return self._refined(image, mask, region)

    def _still_probability(
        self, model_input: np.ndarray, first: np.ndarray | None = None, refeed: bool = False
    ) -> np.ndarray:
        """The model's mask of a still's `model_input` (at model size): its `first` look at it (None: looked at
        now; returned as it is when nothing follows), a second look with `refeed`, each averaged with the mirror
        image's with `mirror_stills`."""
        probability = self.model(model_input, None).copy() if first is None else first
        if refeed:
            probability = self._second_look(model_input, probability)
        if self.options.mirror_stills:
            flipped = np.ascontiguousarray(model_input[:, ::-1])
            mirrored = self.model(flipped, None)
            if refeed:
                mirrored = self._second_look(flipped, mirrored)
            probability = cv2.addWeighted(probability, 0.5, mirrored[:, ::-1], 0.5, 0.0)
        return probability

    def track(self, frame: np.ndarray) -> np.ndarray:
        """Hair mask of the next video frame (uint8 RGB HxWx3 -> float32 HxW in [0, 1]), using the previous
        frame's mask as the model's prior and blending with it by certainty. Call `reset()` between clips."""
        frame = _check_rgb(frame)
        if self._scene(frame):  # a cut, or a new frame size
            self._start_scene()
        box = self._tracked_box(frame)
        span = crop_span(box, frame.shape)
        carried = self._carry(frame, box, span)
        if carried is not None:
            self._previous = carried
        else:
            self._previous = self._segment_with_prior(frame, box, span)
        self._previous_span = span
        mask = paste(self._previous, box, frame.shape)  # new: the caller may change it
        if self.face_prior is not None:
            if self._frame_index % self.options.face_every == 0:
                self.face_prior.update(frame, box_rect(box, frame.shape), mask)
            self.face_prior.apply(mask)
        mask = self._refined(frame, mask, box)
        if self._scene_framed is None:  # the scene's first frame: whole frame, no prior
            self._scene_framed = self._hair_framed(mask)
        self._frame_index += 1
        return mask

    def _second_look(self, model_input: np.ndarray, first: np.ndarray) -> np.ndarray:
        """The model's mask of `model_input` given its `first` mask of it as the previous frame's (a new array)."""
        return self.model(model_input, first * np.float32(self.options.prior_weight)).copy()

    def _refined(self, image: np.ndarray, mask: np.ndarray, box: Box | None) -> np.ndarray:
        """`mask` (the frame's, changed in place) refined inside the crop `box` the model saw (None: all)."""
        if not self.options.refine:
            return mask
        left, top, right, bottom = box_rect(box, image.shape)
        mask[top:bottom, left:right] = refine_mask(image[top:bottom, left:right], mask[top:bottom, left:right])
        return mask

    def _segment_with_prior(self, frame: np.ndarray, box: Box | None, span: Rect) -> np.ndarray:
        """The model's mask of the crop `span` (`crop_span`), at model size, given the previous mask and blended
        with it."""
        prior = self._previous
        if prior is not None and span != self._previous_span:  # the crop moved: the prior moves with it
            prior = move_crop(prior, self._previous_span, span)
        model_input = crop(frame, box, self.model.input_size)
        if self._carrier is not None:
            self._carrier.remember(model_input, span)
        weight = np.float32(self.options.prior_weight)
        probability = self.model(model_input, None if prior is None else prior * weight)
        blended = certainty_blend(probability, prior, self.options.temporal_ratio)
        # The prior stays at model size: no round trip through the frame's resolution (2-4 ms at 720p).
        return blended.copy() if blended is probability else blended  # the model reuses its output buffer

    def _carry(self, frame: np.ndarray, box: Box | None, span: Rect) -> np.ndarray | None:
        """The previous mask carried along the motion to this frame, when this frame skips the model."""
        if self._carrier is None or self._previous is None or self._frame_index % self.options.segment_every == 0:
            return None
        if span != self._previous_span:
            return None
        side = self._carrier.flow_side
        return self._carrier.carry(self._previous, crop(frame, box, (side, side)), span)

    def reset(self) -> None:
        """Forget the previous frames (call between clips); the next `track` starts from an empty prior."""
        self._scene.reset()
        self._start_scene()

    def close(self) -> None:
        """Release the models' native resources; the segmenter cannot be used afterwards."""
        self.model.close()
        if self.face_prior is not None:
            self.face_prior.close()

    def __enter__(self) -> HairSegmenter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start_scene(self) -> None:
        self._previous = self._last_face = self._scene_framed = None
        self._steady.reset()
        if self.face_prior is not None:
            self.face_prior.reset()
        if self._carrier is not None:
            self._carrier.reset()
        self._frame_index = 0

    def _head_box(self, image: np.ndarray) -> Box | None:
        assert self._faces is not None
        face = self._faces(image)
        return head_box(face, image.shape, self.options.framing_options) if face is not None else None

    def _tracked_box(self, frame: np.ndarray) -> Box | None:
        if self._faces is None:
            return None
        if self._frame_index % self.options.detect_every:
            return self._steady.box
        self._last_face = face = self._faces(frame, self._last_face)
        if self._steady.box is None and self._scene_framed is not False:
            # Switch from the whole frame to a crop only once the scene's first mask, made from the whole frame
            # with no prior, shows the hair is small. Later masks are no guide: on a wide shot the whole-frame
            # model marks hair-coloured background, and feeding each mask back as the next prior grows it.
            face = None
        return self._steady.update(face, frame.shape)

    def _hair_framed(self, whole_frame_mask: np.ndarray) -> bool:
        """Whether the hair covers `hair_framed` of the frame in `whole_frame_mask` (the whole frame's mask at
        any size: the frame's or the model's, which stretches it uniformly)."""
        # A face crop helps only when the hair is small in the frame; on photos already framed on the hair,
        # a "face" is more likely a false detection in hair texture, which would crop most of the hair away.
        return bool(np.mean(whole_frame_mask >= MASK_THRESHOLD) >= self.options.framing_options.hair_framed)


def _face_prior(options: SegmenterOptions) -> FacePrior | None:
    """The face prior `options` ask for, on the face models beside the hair model; None (with a warning) when
    they are not installed."""
    if not options.face_prior:
        return None
    from studio.segmentation.faces import FaceLandmarker

    folder = options.model_path.parent if options.model_path is not None else None
    try:
        return FacePrior(FaceLandmarker.create(folder, options.providers, options.threads))
    except ModelError as error:
        logger.warning("hair may spill onto faces: %s", error)
        return None


def _default_model_path() -> Path:
    from studio.segmentation.manifest import onnx_path

    return onnx_path()


def _check_rgb(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a uint8 RGB image (HxWx3), got {image.dtype} with shape {image.shape}")
    return image
