"""Frame sources for the live preview: a camera (reconnecting), a video file (looping) or a still image,
read by a capture thread that hands frames over through a bounded queue that drops the oldest frame."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import cv2
import numpy as np

from studio.errors import StudioError
from studio.images import read_rgb

__all__ = [
    "CAMERA_PREFIX", "CameraSource", "CaptureThread", "DropQueue", "Frame", "FrameSource", "IMAGE_SUFFIXES",
    "ImageSource", "LoopRange", "SourceError", "VideoSource", "list_cameras", "next_frame", "open_source",
    "stepped_frame",
]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})
"""File suffixes opened as still images; any other file is opened as a video."""

CAMERA_PREFIX = "camera:"
"""A source spec naming a camera: 'camera:0' (a bare index such as '0' works too)."""

T = TypeVar("T")


class SourceError(StudioError):
    """A source that cannot be opened or read."""


@dataclass(frozen=True)
class Frame:
    """One captured frame: uint8 RGB pixels, its running number and how long reading it took (ms)."""

    pixels: np.ndarray
    index: int
    capture_ms: float


class FrameSource(Protocol):
    """What the capture thread reads from."""

    description: str
    frame_interval: float
    """Seconds between frames to pace reading at (0: the source blocks at its own rate)."""

    def read(self) -> np.ndarray | None:
        """The next uint8 RGB frame, or None when none is available right now (e.g. a camera reconnecting)."""

    def close(self) -> None:
        """Release the device or file."""


class ImageSource:
    """A still image, returned on every read."""

    frame_interval = 0.0

    def __init__(self, path: str | Path) -> None:
        self.image = read_rgb(path)
        self.description = f"image {Path(path).name}"

    def read(self) -> np.ndarray | None:
        """The image (the same array every time; callers must not modify it)."""
        return self.image

    def close(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True)
class LoopRange:
    """A video's loop range: frames `first` to `last` (numbered from 0, both played)."""

    first: int
    last: int


def next_frame(shown: int, frame_count: int, loop: LoopRange | None = None) -> int:
    """The frame to play after frame `shown` (-1: none yet) of a video of `frame_count` frames (0: unknown):
    the next one, back to the loop's first (or frame 0) past the loop's last (or the clip's end), and the loop's
    first when `shown` is outside the loop."""
    first, last = (loop.first, loop.last) if loop is not None else (0, frame_count - 1 if frame_count > 0 else None)
    following = shown + 1
    if following < first or (last is not None and following > last):
        return first
    return following


def stepped_frame(shown: int, steps: int, frame_count: int) -> int:
    """The frame `steps` frames from `shown` (back when negative), kept inside the clip (no wrap-around)."""
    target = max(0, shown + steps)
    return min(target, frame_count - 1) if frame_count > 0 else target


class VideoSource:
    """A video file that loops: at its end (or past its loop range's last frame) it starts again from the first
    frame (or the loop's first). Frames are numbered from 0; `shown` is the one last read."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.is_file():
            raise SourceError("video file not found", path)
        self._path = path
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise SourceError("not a readable video", path)
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.frame_interval = 1.0 / fps if 1.0 <= fps <= 240.0 else 1.0 / 30.0
        self.fps = 1.0 / self.frame_interval
        self.frame_count = max(0, int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT)))
        """Frames in the file as the container says (0: unknown)."""
        self.loop: LoopRange | None = None
        self.description = f"video {path.name}"
        if self._read_once() is None:
            raise SourceError("the video has no readable frames", path)
        self.seek(0)

    def read(self) -> np.ndarray | None:
        """The next frame (see `next_frame`): wrapping around to the first at the end of the file, and kept
        inside the loop range when one is set."""
        target = next_frame(self.shown, self.frame_count, self.loop)
        if target != self.shown + 1:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, target)  # `shown` changes only once the frame is read
        frame = self._read_once()
        if frame is None:  # the container's frame count was too high (or unknown): this is the real end
            if target > 0:
                self.frame_count = target
            target = self.loop.first if self.loop is not None and self.loop.first < target else 0
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, target)
            frame = self._read_once()
        self.shown = target
        return frame

    def seek(self, index: int) -> None:
        """Make frame `index` the next one read (OpenCV seeks to the key frame before it and decodes on)."""
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, int(index))
        self.shown = int(index) - 1

    def frame_at(self, index: int) -> np.ndarray | None:
        """Frame `index`, read now (None when the file has no such frame); later reads go on from it."""
        self._capture.set(cv2.CAP_PROP_POS_FRAMES, int(index))
        frame = self._read_once()
        self.shown = int(index) if frame is not None else int(index) - 1
        return frame

    def _read_once(self) -> np.ndarray | None:
        ok, bgr = self._capture.read()
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if ok else None

    def close(self) -> None:
        """Release the file."""
        self._capture.release()


class CameraSource:
    """A camera by index. A camera that stops delivering frames is released and reopened every
    `retry_seconds` until it comes back; meanwhile `read` returns None and `status` says so."""

    frame_interval = 0.0

    def __init__(self, index: int, retry_seconds: float = 1.0) -> None:
        self.index = index
        self.description = f"camera {index}"
        self.retry_seconds = retry_seconds
        self.status = ""
        self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(f"camera {index} could not be opened")
        self._next_retry = 0.0

    def read(self) -> np.ndarray | None:
        """The next frame, or None while the camera is lost (it is retried in the background of reads)."""
        if self._capture.isOpened():
            ok, bgr = self._capture.read()
            if ok:
                self.status = ""
                return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            self._capture.release()
            self.status = f"camera {self.index} lost; retrying"
        if time.monotonic() >= self._next_retry:
            self._next_retry = time.monotonic() + self.retry_seconds
            self._capture = cv2.VideoCapture(self.index)
        else:
            time.sleep(min(0.05, self.retry_seconds))
        return None

    def close(self) -> None:
        """Release the camera."""
        self._capture.release()


def list_cameras(max_index: int = 4) -> list[int]:
    """Indices of the cameras that open and deliver a frame, probing 0 .. max_index - 1."""
    found = []
    for index in range(max_index):
        capture = cv2.VideoCapture(index)
        try:
            if capture.isOpened() and capture.read()[0]:
                found.append(index)
        finally:
            capture.release()
    return found


def open_source(spec: str) -> FrameSource:
    """Open 'camera:N' (or a bare camera index), a still image (by suffix) or a video file."""
    text = spec.strip()
    if text.startswith(CAMERA_PREFIX) or text.isdigit():
        number = text.removeprefix(CAMERA_PREFIX)
        if not number.isdigit():
            raise SourceError(f"not a camera index: {spec!r} (expected camera:N)")
        return CameraSource(int(number))
    path = Path(text)
    if not path.is_file():
        raise SourceError("file not found", path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource(path)
    return VideoSource(path)


class DropQueue(Generic[T]):
    """A bounded, thread-safe queue: `put` never blocks; when full it drops the oldest item."""

    def __init__(self, maxsize: int = 1) -> None:
        self._items: collections.deque[T] = collections.deque(maxlen=maxsize)
        self._ready = threading.Condition()
        self.dropped = 0

    def put(self, item: T) -> None:
        """Add `item`, dropping the oldest one when the queue is full."""
        with self._ready:
            if len(self._items) == self._items.maxlen:
                self.dropped += 1
            self._items.append(item)
            self._ready.notify()

    def get(self, timeout: float | None = None) -> T | None:
        """The oldest item, waiting up to `timeout` seconds (None: forever; 0: not at all); None if empty."""
        with self._ready:
            if not self._items and timeout != 0:
                self._ready.wait_for(lambda: bool(self._items), timeout)
            return self._items.popleft() if self._items else None


class CaptureThread:
    """Reads a source in a daemon thread into `frames` (a DropQueue), paced at the source's frame rate.

    A still image is delivered once (the preview re-renders its last frame when settings change).
    """

    def __init__(self, source: FrameSource, frames: DropQueue[Frame]) -> None:
        self.source = source
        self.frames = frames
        self.error = ""
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._lock = threading.Lock()  # the source is read here and re-seeked or re-looped from the UI thread
        self._steps = 0  # frames to step while paused, asked for by `step` and done by the thread
        self._thread = threading.Thread(target=self._run, name="capture", daemon=True)
        self._thread.start()

    @property
    def status(self) -> str:
        """A problem to show the user ('' when all is well)."""
        return self.error or getattr(self.source, "status", "")

    def pause(self, paused: bool) -> None:
        """Stop (True) or resume (False) reading; a paused video keeps its place."""
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    @property
    def video(self) -> VideoSource | None:
        """The source when it is a video file (it can step and loop), else None."""
        return self.source if isinstance(self.source, VideoSource) else None

    def step(self, steps: int) -> None:
        """Show the frame `steps` frames on (back when negative) of a paused video; the thread reads it."""
        with self._lock:
            self._steps += int(steps)

    def set_loop(self, loop: LoopRange | None) -> None:
        """Play a video inside `loop` (None: the whole clip); the next frame read jumps into it."""
        if self.video is not None:
            with self._lock:
                self.video.loop = loop

    def stop(self) -> None:
        """Stop the thread and release the source."""
        self._stop.set()
        self._thread.join(timeout=2.0)
        self.source.close()

    def _run(self) -> None:
        index = 0
        next_due = time.monotonic()
        while not self._stop.is_set():
            if self._paused.is_set() and self._steps and self.video is not None:
                index = self._deliver_step(index)
                continue
            if self._paused.is_set() or (isinstance(self.source, ImageSource) and index > 0):
                self._stop.wait(0.05)
                next_due = time.monotonic()
                continue
            start = time.perf_counter()
            try:
                with self._lock:
                    pixels = self.source.read()
            except Exception as error:  # a driver or decoder failure must not kill the thread silently
                self.error = f"{self.source.description}: {error}"
                return
            if pixels is None:
                continue
            self.frames.put(Frame(pixels, index, (time.perf_counter() - start) * 1000.0))
            index += 1
            next_due += self.source.frame_interval
            self._stop.wait(max(0.0, next_due - time.monotonic()))
            next_due = max(next_due, time.monotonic() - self.source.frame_interval)

    def _deliver_step(self, index: int) -> int:
        """Read and hand over the frame the pending steps ask for; the next running frame number."""
        start = time.perf_counter()
        with self._lock:
            video, steps, self._steps = self.video, self._steps, 0
            try:
                pixels = video.frame_at(stepped_frame(video.shown, steps, video.frame_count))
            except Exception as error:  # as in _run: say what failed rather than die silently
                self.error = f"{video.description}: {error}"
                return index
        if pixels is None:
            return index
        self.frames.put(Frame(pixels, index, (time.perf_counter() - start) * 1000.0))
        return index + 1
