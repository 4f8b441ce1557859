"""A reference photo and its hair mask: where the mask comes from (`MaskChoice`), making it, and measuring
the photo's hair intensity. Plain Python, safe in worker threads; `state.py` keeps the references it is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.errors import StudioError
from studio.images import read_mask, read_rgb
from studio.runtime import MASK_THRESHOLD, hair_intensity

ROLES = ("dark", "middle", "light")
"""The references, in anchor order. Dark and light are required; the middle one is optional."""

PREVIEW_MODES = ("auto", *ROLES)
"""Preview modes: interpolate by the frame's hair intensity, or force one reference's LUT."""

MASK_KINDS = ("segmenter", "whole", "rectangle", "file")
"""Where a reference's hair mask comes from."""

Segment = Callable[[np.ndarray], np.ndarray]
"""A segmenter: uint8 RGB HxWx3 -> float32 HxW hair mask in [0, 1]."""


class StudioStateError(StudioError):
    """An action the studio cannot do in its current state (shown to the artist, never a crash)."""


@dataclass(frozen=True)
class MaskChoice:
    """How a reference's mask is made: `kind` in MASK_KINDS; `box` (x0, y0, x1, y1 in image pixels) for
    'rectangle'; `path` of a mask image (255 = hair) for 'file'."""

    kind: str = "whole"
    box: tuple[int, int, int, int] | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        if self.kind not in MASK_KINDS:
            raise ValueError(f"unknown mask kind {self.kind!r} (use one of {', '.join(MASK_KINDS)})")
        if self.kind == "rectangle" and self.box is None:
            raise ValueError("a rectangle mask needs a box")
        if self.kind == "file" and self.path is None:
            raise ValueError("a mask file choice needs a path")

    def describe(self) -> str:
        """A short label for the reference panel."""
        if self.kind == "file":
            return f"mask file {self.path.name}"
        if self.kind == "rectangle":
            return "rectangle {}x{} at ({}, {})".format(self.box[2] - self.box[0], self.box[3] - self.box[1],
                                                         *self.box[:2])
        return {"segmenter": "segmenter", "whole": "whole image"}[self.kind]


@dataclass(frozen=True, eq=False)
class Reference:
    """A loaded reference photo with its hair mask; `intensity` (6 decimals, as presets store it) and
    `hair_fraction` (share of pixels with mask >= 0.5) are measured from them."""

    path: Path
    image: np.ndarray
    mask: np.ndarray
    mask_choice: MaskChoice
    intensity: float
    hair_fraction: float


def find_mask_file(image_path: Path) -> Path | None:
    """A mask shipped beside an image: `masks/<stem>.png` or `<stem>_mask.png` in its folder."""
    for candidate in (image_path.parent / "masks" / f"{image_path.stem}.png",
                      image_path.parent / f"{image_path.stem}_mask.png"):
        if candidate.is_file():
            return candidate
    return None


def default_mask_choice(image_path: Path, segmenter_ready: bool) -> MaskChoice:
    """A mask file beside the image if there is one, else the segmenter if it is ready, else the whole image."""
    found = find_mask_file(image_path)
    if found is not None:
        return MaskChoice("file", path=found)
    return MaskChoice("segmenter" if segmenter_ready else "whole")


def make_mask(image: np.ndarray, choice: MaskChoice, segment: Segment | None = None) -> np.ndarray:
    """The float32 HxW hair mask of `image` made as `choice` says."""
    height, width = image.shape[:2]
    if choice.kind == "whole":
        return np.ones((height, width), dtype=np.float32)
    if choice.kind == "rectangle":
        x0, y0, x1, y1 = choice.box
        x0, x1 = sorted((int(np.clip(x0, 0, width)), int(np.clip(x1, 0, width))))
        y0, y1 = sorted((int(np.clip(y0, 0, height)), int(np.clip(y1, 0, height))))
        if x1 - x0 < 2 or y1 - y0 < 2:
            raise StudioStateError("the rectangle is empty: drag a box over the hair")
        mask = np.zeros((height, width), dtype=np.float32)
        mask[y0:y1, x0:x1] = 1.0
        return mask
    if choice.kind == "file":
        return read_mask(choice.path, (height, width))
    if segment is None:
        raise StudioStateError("the hair segmenter is not available (see the status bar); use a mask file, "
                               "the whole image or a rectangle")
    return np.asarray(segment(image), dtype=np.float32)


def read_reference(path: str | Path, choice: MaskChoice, segment: Segment | None = None) -> Reference:
    """Load a reference photo and measure its hair (safe to call from a worker thread)."""
    path = Path(path)
    return measure_reference(path, read_rgb(path), choice, segment)


def measure_reference(path: Path, image: np.ndarray, choice: MaskChoice, segment: Segment | None = None) -> Reference:
    """A reference from an image already in memory (e.g. after the artist draws a new rectangle)."""
    mask = make_mask(image, choice, segment)
    try:
        intensity = hair_intensity(image, mask)
    except ValueError:
        raise StudioStateError("no hair in the mask (no pixel reaches 0.5); pick another mask", path) from None
    fraction = float(np.mean(mask >= MASK_THRESHOLD))
    return Reference(path, image, mask, choice, round(intensity, 6), fraction)
