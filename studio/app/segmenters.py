"""The studio's hair segmenter: what it needs of one, a fixed mask standing in for it, and loading the model in
a thread and sharing it between the preview and reference loading. No Dear PyGui here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np

from studio.errors import StudioError


class FrameSegmenter(Protocol):
    """What the studio needs from a hair segmenter (studio.segmentation's HairSegmenter has this shape)."""

    provider: str

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Hair mask (float32 HxW in [0, 1]) of a still image."""

    def track(self, frame: np.ndarray) -> np.ndarray:
        """Hair mask of a video frame, using the previous frame's mask."""

    def reset(self) -> None:
        """Forget the previous frame (a new clip starts)."""


class FixedMask:
    """A 'segmenter' that returns one known mask: a still image previewed with its mask file."""

    provider = "mask file"

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = np.asarray(mask, dtype=np.float32)

    def segment(self, image: np.ndarray) -> np.ndarray:
        """The fixed mask; StudioError when `image` has another size."""
        if image.shape[:2] != self.mask.shape:
            raise StudioError(f"the mask file is {self.mask.shape[1]}x{self.mask.shape[0]} but the frame is "
                              f"{image.shape[1]}x{image.shape[0]}")
        return self.mask

    track = segment

    def reset(self) -> None:
        """Nothing to forget."""


def load_hair_segmenter() -> FrameSegmenter:
    """The project's ONNX hair segmenter (slow: model load); StudioError when it is not installed."""
    try:
        from studio.segmentation.segmenter import HairSegmenter
    except ImportError as error:
        raise StudioError(f"the hair segmenter is not available in this installation ({error})") from None
    return HairSegmenter.create()


class SharedSegmenter:
    """One segmenter used by the preview thread and by reference loading, one call at a time."""

    def __init__(self, segmenter: FrameSegmenter) -> None:
        self._segmenter = segmenter
        self._lock = threading.Lock()
        self.provider = str(getattr(segmenter, "provider", "unknown"))

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Mask of a still image."""
        with self._lock:
            return self._segmenter.segment(image)

    def track(self, frame: np.ndarray) -> np.ndarray:
        """Mask of a video frame."""
        with self._lock:
            return self._segmenter.track(frame)

    def reset(self) -> None:
        """Forget the previous frame."""
        with self._lock:
            self._segmenter.reset()

    def close(self) -> None:
        """Release the model's native resources (when the segmenter has any)."""
        with self._lock:
            getattr(self._segmenter, "close", lambda: None)()


class SegmenterLoader:
    """Creates the segmenter in a thread so the window stays responsive while the model loads."""

    def __init__(self, factory: Callable[[], FrameSegmenter]) -> None:
        self.segmenter: SharedSegmenter | None = None
        self.error = ""
        self._done = threading.Event()
        threading.Thread(target=self._load, args=(factory,), name="segmenter-load", daemon=True).start()

    def _load(self, factory: Callable[[], FrameSegmenter]) -> None:
        try:
            self.segmenter = SharedSegmenter(factory())
        except Exception as error:  # any failure becomes a status message, never a crash
            self.error = str(error) or type(error).__name__
        finally:
            self._done.set()

    @property
    def loading(self) -> bool:
        """Whether the model is still loading."""
        return not self._done.is_set()

    def wait(self, timeout: float | None = None) -> SharedSegmenter | None:
        """The segmenter once loaded (None if loading failed or `timeout` passed)."""
        self._done.wait(timeout)
        return self.segmenter
