"""Frame sources: still images, looping videos, cameras (enumeration and reconnecting, with a fake
driver), the capture thread and its dropping queue."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio import sources
from studio.images import write_image
from studio.sources import (
    CameraSource,
    CaptureThread,
    DropQueue,
    Frame,
    ImageSource,
    SourceError,
    VideoSource,
    list_cameras,
    open_source,
)
from tests.conftest import require_shared


def _write_video(path: Path, count: int = 5, size: tuple[int, int] = (32, 24)) -> None:
    """A tiny MJPG video whose frame i is uniformly (40 * i) mod 256 grey."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, size)
    assert writer.isOpened()
    for index in range(count):
        writer.write(np.full((size[1], size[0], 3), (40 * index) % 256, np.uint8))
    writer.release()


def test_still_image_source(tmp_path: Path) -> None:
    write_image(tmp_path / "still.png", np.full((8, 12, 3), 77, np.uint8))
    source = open_source(str(tmp_path / "still.png"))
    assert isinstance(source, ImageSource) and source.description == "image still.png"
    assert source.read().shape == (8, 12, 3) and source.read() is source.read()


def test_video_source_loops(tmp_path: Path) -> None:
    _write_video(tmp_path / "clip.avi")
    source = open_source(str(tmp_path / "clip.avi"))
    assert isinstance(source, VideoSource) and source.frame_interval == pytest.approx(1 / 30)
    levels = [int(round(source.read().mean())) for _ in range(12)]
    source.close()
    assert levels[0] == pytest.approx(0, abs=3) and levels[5] == pytest.approx(0, abs=3)
    assert levels[4] == pytest.approx(160, abs=4) and levels[6] == pytest.approx(40, abs=4)


def test_real_clip_is_rgb_and_720p() -> None:
    clip = require_shared("data/videos/webcam/liveportrait_s32.mp4")
    source = VideoSource(clip)
    frame = source.read()
    source.close()
    assert frame.shape == (720, 1280, 3) and frame.dtype == np.uint8


def test_bad_sources_raise_source_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        open_source(str(tmp_path / "missing.mp4"))
    (tmp_path / "junk.mp4").write_bytes(b"not a video")
    with pytest.raises(SourceError):
        open_source(str(tmp_path / "junk.mp4"))
    with pytest.raises(SourceError, match="camera index"):
        open_source("camera:front")


class _FakeCapture:
    """Stands in for cv2.VideoCapture(index): camera 0 works until `lost` is set; others never open."""

    lost = False
    opened: list[int] = []

    def __init__(self, index: int) -> None:
        self.index = index
        self.open = index == 0 and not _FakeCapture.lost
        _FakeCapture.opened.append(index)

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return self.open

    def read(self) -> tuple[bool, np.ndarray | None]:
        if not self.open or _FakeCapture.lost:
            return False, None
        return True, np.zeros((4, 4, 3), np.uint8)

    def release(self) -> None:
        self.open = False


@pytest.fixture
def fake_cameras(monkeypatch: pytest.MonkeyPatch) -> type[_FakeCapture]:
    _FakeCapture.lost, _FakeCapture.opened = False, []
    monkeypatch.setattr(sources.cv2, "VideoCapture", _FakeCapture)
    return _FakeCapture


def test_cameras_are_listed_by_probing(fake_cameras: type[_FakeCapture]) -> None:
    assert list_cameras(4) == [0]
    fake_cameras.lost = True
    assert list_cameras(4) == []  # none found is an empty list, not an error
    with pytest.raises(SourceError, match="could not be opened"):
        open_source("camera:0")


def test_a_camera_that_disappears_is_retried(fake_cameras: type[_FakeCapture]) -> None:
    camera = open_source("0")
    assert isinstance(camera, CameraSource) and camera.read() is not None
    camera.retry_seconds = 0.0
    fake_cameras.lost = True
    assert camera.read() is None and "lost" in camera.status
    attempts = len(fake_cameras.opened)
    assert camera.read() is None and len(fake_cameras.opened) == attempts + 1  # each read retries
    fake_cameras.lost = False
    assert camera.read() is None  # this retry reopens it
    assert camera.read() is not None and camera.status == ""


def test_capture_thread_drops_old_frames_and_pauses(tmp_path: Path) -> None:
    _write_video(tmp_path / "clip.avi", count=30)
    frames: DropQueue[Frame] = DropQueue(2)
    capture = CaptureThread(VideoSource(tmp_path / "clip.avi"), frames)
    try:
        time.sleep(0.5)  # about 15 frames at 30 fps into a queue of 2
        first = frames.get(timeout=1.0)
        assert first is not None and first.index > 0 and frames.dropped > 0
        assert first.capture_ms >= 0.0 and first.pixels.dtype == np.uint8
        capture.pause(True)
        time.sleep(0.1)
        while frames.get(0) is not None:
            pass
        time.sleep(0.2)
        assert frames.get(0) is None
        capture.pause(False)
        assert frames.get(timeout=1.0) is not None
        assert capture.status == ""
    finally:
        capture.stop()


def test_still_image_is_delivered_once(tmp_path: Path) -> None:
    write_image(tmp_path / "still.png", np.zeros((4, 4, 3), np.uint8))
    frames: DropQueue[Frame] = DropQueue(2)
    capture = CaptureThread(ImageSource(tmp_path / "still.png"), frames)
    try:
        assert frames.get(timeout=1.0).index == 0
        assert frames.get(timeout=0.2) is None
    finally:
        capture.stop()
