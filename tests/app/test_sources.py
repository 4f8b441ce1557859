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
    LoopRange,
    SourceError,
    VideoSource,
    list_cameras,
    next_frame,
    open_source,
    stepped_frame,
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


def _level(pixels: np.ndarray) -> int:
    """The frame number of a `_write_video` frame (uniformly 40 * i grey, i < 7)."""
    return int(round(pixels.mean() / 40.0))


def test_next_and_stepped_frames_follow_the_loop_and_stay_in_the_clip() -> None:
    assert [next_frame(i, 5) for i in (-1, 0, 3, 4)] == [0, 1, 4, 0]
    loop = LoopRange(2, 3)
    assert [next_frame(i, 5, loop) for i in (-1, 1, 2, 3, 4)] == [2, 2, 3, 2, 2]
    assert next_frame(99, 0) == 100  # unknown length: read on until the file ends
    assert [stepped_frame(2, s, 5) for s in (-5, -1, 1, 9)] == [0, 1, 3, 4]
    assert stepped_frame(2, 9, 0) == 11


def test_a_video_seeks_steps_and_loops_inside_its_range(tmp_path: Path) -> None:
    _write_video(tmp_path / "clip.avi", count=6)
    source = VideoSource(tmp_path / "clip.avi")
    try:
        assert source.frame_count == 6 and source.fps == pytest.approx(30.0) and source.shown == -1
        assert _level(source.frame_at(4)) == 4 and source.shown == 4
        assert _level(source.read()) == 5 and _level(source.read()) == 0  # read on from there, then wrap
        assert _level(source.frame_at(1)) == 1 and source.frame_at(6) is None
        source.loop = LoopRange(2, 4)
        assert [_level(source.read()) for _ in range(7)] == [2, 3, 4, 2, 3, 4, 2]
        source.loop = None
        assert [_level(source.read()) for _ in range(5)] == [3, 4, 5, 0, 1]
    finally:
        source.close()


def test_a_clip_whose_container_overstates_its_length_still_wraps(tmp_path: Path) -> None:
    _write_video(tmp_path / "clip.avi", count=4)
    source = VideoSource(tmp_path / "clip.avi")
    source.frame_count = 9  # as some containers say
    try:
        assert [_level(source.read()) for _ in range(6)] == [0, 1, 2, 3, 0, 1] and source.frame_count == 4
    finally:
        source.close()


def test_seeking_a_real_clip_gives_the_frames_read_in_order() -> None:
    clip = require_shared("data/videos/lfw_motion_0/clip.mp4")
    source = VideoSource(clip)
    try:
        in_order = [source.read() for _ in range(60)]
        for index in (45, 3, 59, 0, 30):
            assert np.array_equal(source.frame_at(index), in_order[index]), index
        source.loop = LoopRange(20, 22)
        looped = [source.read() for _ in range(4)]
        assert all(np.array_equal(a, in_order[i]) for a, i in zip(looped, (20, 21, 22, 20), strict=True))
    finally:
        source.close()


def test_the_capture_thread_steps_a_paused_video_and_loops_it(tmp_path: Path) -> None:
    _write_video(tmp_path / "clip.avi", count=6)
    frames: DropQueue[Frame] = DropQueue(8)
    capture = CaptureThread(VideoSource(tmp_path / "clip.avi"), frames)
    try:
        capture.pause(True)
        time.sleep(0.2)
        while frames.get(0) is not None:
            pass
        shown = capture.video.shown
        capture.step(1)
        assert _level(frames.get(timeout=1.0).pixels) == min(shown + 1, 5)
        capture.step(-2)
        assert _level(frames.get(timeout=1.0).pixels) == max(0, min(shown + 1, 5) - 2)
        capture.step(-99)
        assert _level(frames.get(timeout=1.0).pixels) == 0 and frames.get(timeout=0.2) is None
        capture.set_loop(LoopRange(3, 4))
        capture.pause(False)
        levels = [_level(frames.get(timeout=1.0).pixels) for _ in range(6)]
        assert levels == [3, 4, 3, 4, 3, 4], levels
    finally:
        capture.stop()


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
