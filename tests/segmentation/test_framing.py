"""Head framing: crop geometry, crop/paste, the steady crop over time, and the Haar face finder."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from studio.images import read_rgb
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
from tests.conftest import require_shared

WIDE = (720, 1280, 3)


def test_head_box_is_a_lifted_square_around_a_small_face() -> None:
    face = Box(600, 300, 80, 80)
    box = head_box(face, WIDE, FramingOptions(scale=3.0, lift=0.25))
    assert box is not None
    assert box.w == box.h == 240
    assert box.centre == pytest.approx((640, 340 - 0.25 * 80))


def test_head_box_stays_inside_the_frame_where_it_fits() -> None:
    box = head_box(Box(0, 650, 60, 60), WIDE)
    assert box is not None
    assert box.x == 0 and box.y + box.h == pytest.approx(720)


def test_a_head_box_taller_than_the_frame_reaches_past_it_by_at_most_the_overhang() -> None:
    tall = head_box(Box(600, 200, 300, 300), WIDE, FramingOptions(overhang=0.15))  # a 900 px crop, 720 px frame
    assert tall is not None and tall.w == tall.h == 900
    assert tall.y == pytest.approx(-0.15 * 720)  # lifted over the hair as far as the overhang allows
    assert 0 <= tall.y + tall.h - 720 <= 0.15 * 720 and 0 <= tall.x <= 1280 - 900
    huge = head_box(Box(400, 100, 400, 400), WIDE, FramingOptions(overhang=0.15))  # 1200 px: shortened
    assert huge is not None and huge.h == pytest.approx(1.3 * 720) and huge.y == pytest.approx(-108)
    lfw = head_box(Box(72, 74, 111, 111), (250, 250, 3), FramingOptions(overhang=0.15))  # a face filling a photo
    assert lfw is not None and lfw.w == lfw.h == pytest.approx(325)
    assert lfw.x == pytest.approx(-37.5) and lfw.y == pytest.approx(-37.5)


def test_head_box_is_none_when_the_crop_is_nearly_the_frame() -> None:
    assert head_box(Box(60, 60, 75, 75), (250, 250, 3)) is None  # 225 px: 90% of the frame
    assert head_box(Box(60, 60, 120, 120), (250, 250, 3), FramingOptions(overhang=0.0)) is None


def test_crop_mirrors_the_frame_where_the_box_reaches_past_it() -> None:
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    box = Box(-6, -4, 72, 50)  # 6 px past the left and right, 4 px past the top, 6 px past the bottom
    mirrored = cv2.copyMakeBorder(image, 4, 6, 6, 6, cv2.BORDER_REFLECT)
    np.testing.assert_array_equal(crop(image, box, (72, 50)), mirrored)
    assert box_rect(box, image.shape) == (0, 0, 60, 40) and crop_span(box, image.shape) == (-6, -4, 66, 46)


def test_paste_keeps_the_part_of_an_overhanging_crop_inside_the_frame() -> None:
    shape = (40, 60, 3)
    mask = np.zeros((50, 72), np.float32)
    mask[4:44, 6:66] = np.linspace(0.0, 1.0, 60, dtype=np.float32)  # the frame's part: a left-right ramp
    back = paste(mask, Box(-6, -4, 72, 50), shape)
    assert back.shape == shape[:2]
    np.testing.assert_allclose(back, np.broadcast_to(np.linspace(0.0, 1.0, 60, dtype=np.float32), shape[:2]))


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
