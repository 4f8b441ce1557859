"""Head framing: find the face, segment a generous crop around the head, paste the mask back.

MediaPipe's hair model is trained on selfies: on a wide shot, where the head is small, it misses most of the
hair (mean IoU 0.13 against 0.60 on the same LFW faces). Segmenting a head-centred crop restores selfie
framing. Faces come from OpenCV's Haar cascade (shipped with opencv-python). All boxes are in frame pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from studio.resample import Rect, shrink
from studio.segmentation.errors import ModelError

__all__ = [
    "Box", "CASCADE_FILE", "FaceFinder", "FramingOptions", "NEAR_FACE_PIXELS", "SteadyBox", "box_rect", "crop",
    "crop_span", "head_box", "paste",
]

CASCADE_FILE = "haarcascade_frontalface_alt2.xml"
"""Of OpenCV's frontal cascades, alt2 fires least on hair-only photos (at full size: 6% of Figaro1k against
25% for `default`) while finding 99% of LFW faces."""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in frame pixels: left `x`, top `y`, width `w`, height `h` (floats)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def pixels(self) -> tuple[int, int, int, int]:
        """Integer (left, top, right, bottom) for slicing, at least one pixel wide and tall."""
        left, top = int(round(self.x)), int(round(self.y))
        return left, top, max(left + 1, int(round(self.x + self.w))), max(top + 1, int(round(self.y + self.h)))


@dataclass(frozen=True)
class FramingOptions:
    """How the head crop is chosen. Sizes relative to the frame refer to its shorter side.

    - `scale`: crop side / face width (the Haar box spans brows to mouth; 3x takes in the hair and shoulders).
    - `lift`: how far the crop centre sits above the face centre, in face widths (hair lies mostly above).
    - `min_face`: smallest face to trust, relative to the frame; smaller detections on hair texture are the
      typical false faces on hair-only photos.
    - `whole_frame_above`: when the crop would span at least this fraction of both frame sides, and no more
      than the frame, the frame is already a selfie and the whole frame is used.
    - `overhang`: how far, as a fraction of the frame's side, a crop larger than the frame may reach past
      each of its edges; the part outside is the frame mirrored at its edge. A face that fills the frame
      (a passport photo, a close selfie) is then seen with the margin of a selfie around it, as the model
      was trained: on 150 development LFW faces this raised IoU by 1.7 points, and by 1.0 on the darkest-haired
      portraits, where the crop was the whole frame before (0.08, 0.15 and 0.25 were tried; 0.15 did best on
      faces; photos framed on the hair never reach this crop).
    - `detect_size`: the shorter side, in pixels, of the grey image the cascade searches (speed).
    - `hair_framed`: for stills, when the whole-frame mask already has at least this fraction of the frame
      as hair, the photo is framed on the hair (a selfie, a hair close-up) and a face crop is not used. On
      Figaro1k hair photos the false faces the cascade finds in hair texture come with 20-50% hair coverage,
      real faces in wide shots with under 6%, or up to 12% where the whole-frame pass takes hair-coloured
      background for hair (the brown wall behind liveportrait_s32's blonde).
    """

    scale: float = 3.0
    lift: float = 0.25
    min_face: float = 0.08
    whole_frame_above: float = 0.85
    overhang: float = 0.15
    detect_size: int = 320
    hair_framed: float = 0.15


NEAR_FACE_PIXELS = 24
"""Width in pixels of the smallest face looked for when searching near a known face (the cascade's window is
20 pixels)."""


class FaceFinder:
    """The largest frontal face in an RGB frame, by OpenCV's Haar cascade."""

    def __init__(self, options: FramingOptions | None = None) -> None:
        self.options = options or FramingOptions()
        path = cv2.data.haarcascades + CASCADE_FILE
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise ModelError("cannot load OpenCV's face cascade (is opencv-python 4.x installed?)", path)

    def __call__(self, frame: np.ndarray, expected: Box | None = None) -> Box | None:
        """The largest face in `frame` (uint8 HxWx3 RGB) at least `min_face` of its shorter side, else None.

        With `expected` (the face of a recent video frame), faces of 0.7x to 1.4x its width are looked for
        near it first, which is ten times faster; the full search follows only when none is found there.
        """
        if expected is not None:
            near = self._near(frame, expected)
            if near is not None:
                return near
        grey = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
        factor = min(1.0, self.options.detect_size / min(grey.shape))
        if factor < 1.0:  # the cascade was tuned on INTER_AREA thumbnails
            grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        # No histogram equalisation: on a wide shot the background dominates the histogram and equalising
        # flattens the face (it cost 15% of the faces in the wide LFW case).
        smallest = max(20, int(self.options.min_face * min(grey.shape)))
        faces = self._detect(grey, smallest, 0)
        if len(faces) == 0:
            return None
        x, y, w, h = max(faces, key=lambda face: face[2] * face[3])
        return Box(x / factor, y / factor, w / factor, h / factor)

    def _near(self, frame: np.ndarray, expected: Box) -> Box | None:
        """The largest face of 0.7x to 1.4x the `expected` face's width within one face width of it, searched
        at the scale where the smallest such face is NEAR_FACE_PIXELS wide (1-3 ms at 720p against 29 ms
        for the whole frame; on the project's clips it finds the face wherever the full search does)."""
        margin = expected.w
        left, top = max(0, int(expected.x - margin)), max(0, int(expected.y - margin))
        right = min(frame.shape[1], int(expected.x + expected.w + margin) + 1)
        bottom = min(frame.shape[0], int(expected.y + expected.h + margin) + 1)
        smallest = 0.7 * expected.w
        if smallest < self.options.min_face * min(frame.shape[:2]) or min(right - left, bottom - top) < smallest:
            return None
        scale = min(1.0, NEAR_FACE_PIXELS / smallest)
        grey = cv2.cvtColor(np.ascontiguousarray(frame[top:bottom, left:right]), cv2.COLOR_RGB2GRAY)
        grey = shrink(grey, (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale))))
        low, high = int(smallest * scale), int(1.4 * expected.w * scale) + 1
        faces = self._detect(grey, low, high)
        if len(faces) == 0:
            return None
        x, y, w, h = max(faces, key=lambda face: face[2] * face[3])
        return Box(left + x / scale, top + y / scale, w / scale, h / scale)

    def _detect(self, grey: np.ndarray, smallest: int, largest: int) -> Sequence[Sequence[int]]:
        """Haar detections (x, y, w, h) between `smallest` and `largest` pixels wide (0: no upper limit)."""
        return self._cascade.detectMultiScale(
            grey, scaleFactor=1.1, minNeighbors=4, minSize=(smallest, smallest), maxSize=(largest, largest)
        )


def head_box(face: Box, frame_shape: tuple[int, ...], options: FramingOptions | None = None) -> Box | None:
    """The crop around the head of `face` in a frame of `frame_shape` (H, W, ...).

    The crop is a square `scale` face widths wide. Along a side where it fits in the frame, it is moved inside
    the frame; along a side where it does not, it reaches past both edges by at most `overhang` of that side
    (`crop` mirrors the frame there) and is shortened to that if need be (the model stretches its input to a
    square anyway, as MediaPipe stretches whole frames). None when the crop would be nearly the whole frame
    and no larger: then the whole frame is the better input.
    """
    options = options or FramingOptions()
    height, width = frame_shape[:2]
    side = options.scale * face.w
    cx, cy = face.centre
    cy -= options.lift * face.w
    reach = 1.0 + 2.0 * options.overhang
    w, h = min(side, reach * width), min(side, reach * height)
    if options.whole_frame_above * width <= w <= width and options.whole_frame_above * height <= h <= height:
        return None
    x, y = _place(cx - w / 2, w, width, options.overhang), _place(cy - h / 2, h, height, options.overhang)
    return Box(x, y, w, h)


def _place(start: float, length: float, frame_length: int, overhang: float) -> float:
    """Where a crop of `length` that would start at `start` starts: inside the frame when it fits, else
    covering the frame and reaching past each edge by at most `overhang` of the frame's length."""
    if length <= frame_length:
        return float(np.clip(start, 0.0, frame_length - length))
    low = max(-overhang * frame_length, frame_length - length)
    high = min(0.0, (1.0 + overhang) * frame_length - length)
    return float(np.clip(start, low, high))


def crop_span(box: Box | None, frame_shape: tuple[int, ...]) -> Rect:
    """The pixels of the crop `box` in a frame of `frame_shape` (H, W, ...), reaching past the frame where the
    box does: (left, top, right, bottom). None: the whole frame."""
    return box.pixels() if box is not None else (0, 0, frame_shape[1], frame_shape[0])


def box_rect(box: Box | None, frame_shape: tuple[int, ...]) -> Rect:
    """The part of the frame (H, W, ...) the crop `box` covers, in frame pixels: (left, top, right, bottom)."""
    left, top, right, bottom = crop_span(box, frame_shape)
    height, width = frame_shape[:2]
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def crop(image: np.ndarray, box: Box | None, size: tuple[int, int]) -> np.ndarray:
    """The part of `image` (HxW or HxWxC) inside `box` (None: all of it), stretched to `size` (width, height);
    where the box reaches past the frame, the frame is mirrored at its edge (BORDER_REFLECT).

    An image already of that size is returned as it is, not copied."""
    left, top, right, bottom = box_rect(box, image.shape)
    inside = image[top:bottom, left:right]
    margins = _margins(box, image.shape)
    if any(margins):
        inside = cv2.copyMakeBorder(inside, *margins, cv2.BORDER_REFLECT)
    return shrink(inside, size)


def paste(mask: np.ndarray, box: Box | None, frame_shape: tuple[int, ...]) -> np.ndarray:
    """A new float32 HxW frame mask with `mask` (the crop's) stretched back into `box` and zeros outside it."""
    height, width = frame_shape[:2]
    if box is None:
        same = mask.shape == (height, width)
        return mask.astype(np.float32) if same else shrink(mask, (width, height))
    span_left, span_top, span_right, span_bottom = box.pixels()
    inside = cv2.resize(mask.astype(np.float32, copy=False), (span_right - span_left, span_bottom - span_top),
                        interpolation=cv2.INTER_LINEAR)
    above, below, before, after = _margins(box, frame_shape)
    inside = inside[above : inside.shape[0] - below, before : inside.shape[1] - after]
    left, top, right, bottom = box_rect(box, frame_shape)
    return cv2.copyMakeBorder(inside, top, height - bottom, left, width - right, cv2.BORDER_CONSTANT, value=0.0)


def _margins(box: Box | None, frame_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """How many pixels the crop `box` reaches past the frame: (top, bottom, left, right)."""
    left, top, right, bottom = crop_span(box, frame_shape)
    height, width = frame_shape[:2]
    return max(0, -top), max(0, bottom - height), max(0, -left), max(0, right - width)


class SteadyBox:
    """Keeps the head crop steady over video frames.

    The crop follows the detected head through an exponential moving average, but only once the target has
    moved or grown by more than `deadband` of the crop size, and then until it is within a quarter of that
    (hysteresis: a still head gives a still crop, so the mask does not shimmer). When detection drops, the
    last crop is held for `hold` updates (detection attempts) before falling back to the whole frame.
    """

    def __init__(
        self, options: FramingOptions | None = None, smoothing: float = 0.5, deadband: float = 0.08, hold: int = 6
    ) -> None:
        self.options = options or FramingOptions()
        self.smoothing, self.deadband, self.hold = smoothing, deadband, hold
        self.box: Box | None = None
        self._missed = 0
        self._following = False

    def reset(self) -> None:
        """Forget the crop (a new clip or a cut): the next detection is taken as it is."""
        self.box, self._missed, self._following = None, 0, False

    def update(self, face: Box | None, frame_shape: tuple[int, ...]) -> Box | None:
        """The crop for this frame given its detection (None: no face found this frame)."""
        target = head_box(face, frame_shape, self.options) if face is not None else None
        if face is None:
            self._missed += 1
            if self._missed > self.hold:
                self.box = None
            return self.box
        self._missed = 0
        if target is None or self.box is None:
            self.box = target
        elif self._follow(target):
            a = self.smoothing
            self.box = replace(target, **{k: a * getattr(target, k) + (1 - a) * getattr(self.box, k) for k in "xywh"})
        return self.box

    def _follow(self, target: Box) -> bool:
        assert self.box is not None
        distance = max(abs(getattr(target, k) - getattr(self.box, k)) for k in "xywh")
        limit = self.deadband * max(self.box.w, self.box.h)
        self._following = distance > (limit / 4 if self._following else limit)
        return self._following
