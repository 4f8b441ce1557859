"""Head framing: crop geometry, crop/paste, the steady crop over time, and the Haar face finder."""

from __future__ import annotations

import numpy as np
import pytest

from studio.images import read_rgb
from studio.segmentation.framing import Box, FaceFinder, FramingOptions, SteadyBox, crop, head_box, paste
from tests.conftest import require_shared

WIDE = (720, 1280, 3)


def test_head_box_is_a_lifted_square_around_a_small_face() -> None:
    face = Box(600, 300, 80, 80)
    box = head_box(face, WIDE, FramingOptions(scale=3.0, lift=0.25))
    assert box is not None
    assert box.w == box.h == 240
    assert box.centre == pytest.approx((640, 340 - 0.25 * 80))


def test_head_box_stays_inside_the_frame() -> None:
    box = head_box(Box(0, 650, 60, 60), WIDE)
    assert box is not None
    assert box.x == 0 and box.y + box.h == pytest.approx(720)
    tall = head_box(Box(600, 200, 300, 300), WIDE)  # crop taller than the frame: shrunk to its height
    assert tall is not None and tall.h == 720 and tall.w == 900


def test_head_box_is_none_when_the_face_fills_the_frame() -> None:
    assert head_box(Box(60, 60, 120, 120), (250, 250, 3)) is None


def test_crop_then_paste_restores_the_box_and_zeros_outside() -> None:
    mask = np.zeros(WIDE[:2], np.float32)
    mask[200:400, 500:700] = 1.0
    box = Box(450, 150, 300, 300)
    back = paste(crop(mask, box, (512, 512)), box, WIDE)
    assert back.shape == WIDE[:2] and back.dtype == np.float32
    assert np.abs(back - mask).mean() < 0.01
    assert back[:150].max() == 0 and back[:, :450].max() == 0


def test_crop_and_paste_without_a_box_use_the_whole_frame() -> None:
    image = np.zeros((90, 160, 3), np.uint8)
    assert crop(image, None, (512, 512)).shape == (512, 512, 3)
    assert paste(np.ones((512, 512), np.float32), None, image.shape).shape == (90, 160)


def face_at(x: float, y: float, side: float = 80) -> Box:
    return Box(x, y, side, side)


def test_steady_box_ignores_jitter_and_follows_real_motion() -> None:
    steady = SteadyBox(smoothing=0.5, deadband=0.08)
    first = steady.update(face_at(600, 300), WIDE)
    assert first is not None
    for dx in (3, -4, 2, -1):  # a few pixels of detector jitter: the crop must not move
        assert steady.update(face_at(600 + dx, 300), WIDE) == first
    boxes = [steady.update(face_at(800, 300), WIDE) for _ in range(12)]
    xs = [b.x for b in boxes if b is not None]
    assert xs == sorted(xs) and xs[0] < xs[-1]  # eased, monotonic, no overshoot
    target = head_box(face_at(800, 300), WIDE)
    assert target is not None and abs(xs[-1] - target.x) < 0.08 * target.w / 4 + 1


def test_steady_box_holds_through_missed_detections_then_gives_up() -> None:
    steady = SteadyBox(hold=3)
    box = steady.update(face_at(600, 300), WIDE)
    assert [steady.update(None, WIDE) for _ in range(3)] == [box] * 3
    assert steady.update(None, WIDE) is None
    steady.update(face_at(600, 300), WIDE)
    steady.reset()
    assert steady.box is None


def test_face_finder_finds_nothing_on_a_plain_frame() -> None:
    assert FaceFinder()(np.full((240, 320, 3), 128, np.uint8)) is None


@pytest.mark.shared
def test_face_finder_finds_an_lfw_face_pasted_small() -> None:
    face = read_rgb(require_shared("data/hairseg/lfw/images/Aaron_Peirsol_0001.jpg"))
    frame = np.full(WIDE, 128, np.uint8)
    frame[200:450, 700:950] = face
    found = FaceFinder()(frame)
    assert found is not None
    assert 700 < found.centre[0] < 950 and 200 < found.centre[1] < 450
    assert 0.2 * 250 < found.w < 0.8 * 250
