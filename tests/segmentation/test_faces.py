"""MediaPipe's face models as the segmenter uses them: BlazeFace's anchors and decoding, the landmark crop, the
mesh on real portraits (upright, turned, tracked), and the face region that keeps hair off skin."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.images import read_rgb
from studio.segmentation.convert import convert_tflite_to_onnx
from studio.segmentation.face_region import BROWS, CHEEKS, FacePrior, face_weights
from studio.segmentation.faces import (
    Face,
    FaceLandmarker,
    best_face,
    blazeface_anchors,
    decode_detections,
    roi_transform,
)
from studio.segmentation.framing import FaceFinder
from tests.conftest import require_shared

PORTRAIT = "data/portraits/light/Bill_Clinton_0004.jpg"
NOSE_TIP, CHIN, FOREHEAD = 1, 152, 10


def test_anchors_follow_mediapipes_layout() -> None:
    anchors = blazeface_anchors()
    assert anchors.shape == (896, 2)
    # Stride 8: a 16x16 grid, two anchors per cell, row by row; then stride 16: 8x8, six per cell.
    np.testing.assert_allclose(anchors[0], anchors[1])
    np.testing.assert_allclose(anchors[0], [0.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(anchors[2], [1.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(anchors[32], [0.5 / 16, 1.5 / 16])
    np.testing.assert_allclose(anchors[512:518], np.tile([0.5 / 8, 0.5 / 8], (6, 1)))
    np.testing.assert_allclose(anchors[-1], [7.5 / 8, 7.5 / 8])


def test_decoding_offsets_boxes_and_keypoints_from_their_anchor() -> None:
    anchors = blazeface_anchors()
    regressors = np.zeros((896, 16), np.float32)
    logits = np.full(896, -10.0, np.float32)
    regressors[600] = [12.8, -6.4, 64, 32, *([6.4, 0.0] * 6)]  # input pixels: 0.1 right, 0.05 up; half by a quarter
    logits[600] = 3.0
    (detection,) = decode_detections(regressors, logits, anchors)
    x, y = anchors[600]
    np.testing.assert_allclose(detection[:4], [x + 0.1, y - 0.05, 0.5, 0.25], atol=1e-6)
    np.testing.assert_allclose(detection[4:16], np.tile([x + 0.05, y], 6), atol=1e-6)
    assert detection[16] == pytest.approx(1 / (1 + math.exp(-3)))
    assert len(decode_detections(regressors, np.full(896, -1.0, np.float32), anchors)) == 0  # below 0.5


def test_overlapping_detections_are_averaged_by_score() -> None:
    a = np.array([0.5, 0.5, 0.2, 0.2, *([0.4] * 12), 0.9])
    b = np.array([0.52, 0.5, 0.2, 0.2, *([0.5] * 12), 0.6])
    far = np.array([0.1, 0.1, 0.1, 0.1, *([0.0] * 12), 0.95])
    merged = best_face(np.stack([a, b, far]))
    np.testing.assert_allclose(merged, far)  # the best one overlaps nothing
    merged = best_face(np.stack([a, b]))
    assert merged[0] == pytest.approx((0.5 * 0.9 + 0.52 * 0.6) / 1.5)
    assert merged[16] == pytest.approx(0.9)
    assert best_face(np.zeros((0, 17))) is None


def test_roi_transform_centres_and_turns_the_crop() -> None:
    transform = roi_transform((100.0, 50.0), side=40.0, angle=math.pi / 2, size=192)
    centre = transform @ [96, 96, 1]
    np.testing.assert_allclose(centre, [100, 50])
    step = transform[:, :2] @ [192, 0]  # the crop's x axis, its full width, points down the frame
    np.testing.assert_allclose(step, [0, 40], atol=1e-9)


@pytest.fixture(scope="module")
def landmarker(face_landmarker: FaceLandmarker) -> FaceLandmarker:
    return face_landmarker


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    return read_rgb(require_shared(PORTRAIT))


@pytest.mark.shared
def test_mesh_lands_on_the_face(landmarker: FaceLandmarker, portrait: np.ndarray) -> None:
    face = landmarker(portrait)
    assert face is not None and face.presence > 0.9
    assert face.landmarks.shape == (468, 2)
    haar = FaceFinder()(portrait)
    assert haar is not None
    nose = face.landmarks[NOSE_TIP]
    assert haar.x < nose[0] < haar.x + haar.w and haar.y < nose[1] < haar.y + haar.h
    assert face.landmarks[CHIN][1] > nose[1] > face.landmarks[FOREHEAD][1]


@pytest.mark.shared
def test_mesh_follows_a_turned_face_and_tracks_it(landmarker: FaceLandmarker, portrait: np.ndarray) -> None:
    upright = landmarker(portrait)
    assert upright is not None
    height, width = portrait.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), 30, 1.0)
    turned = cv2.warpAffine(portrait, turn, (width, height), borderMode=cv2.BORDER_REPLICATE)
    face = landmarker(turned)
    assert face is not None
    expected = upright.landmarks @ turn[:, :2].T + turn[:, 2]
    scale = float(np.linalg.norm(upright.landmarks[FOREHEAD] - upright.landmarks[CHIN]))
    assert np.median(np.linalg.norm(face.landmarks - expected, axis=1)) < 0.04 * scale
    # Tracked from the last face: the same landmarks without a detection, and a lost face is found again.
    tracked = landmarker(turned, previous=face)
    assert tracked is not None
    assert np.median(np.linalg.norm(tracked.landmarks - face.landmarks, axis=1)) < 0.03 * scale
    blank = np.full_like(portrait, 128)
    assert landmarker(blank) is None
    assert landmarker(blank, previous=face) is None


@pytest.mark.shared
def test_face_weights_take_skin_not_a_fringe(landmarker: FaceLandmarker, portrait: np.ndarray) -> None:
    face = landmarker(portrait)
    assert face is not None
    points = face.landmarks
    # A dark fringe painted across the middle of the forehead, above the brows.
    up = points[FOREHEAD] - points[CHIN]
    brow = points[list(BROWS)].mean(axis=0)
    fringe_centre = brow + 0.12 * up
    image = portrait.copy()
    fx, fy = (int(round(v)) for v in fringe_centre)
    image[fy - 8 : fy + 8, fx - 16 : fx + 16] = (60, 45, 35)
    (left, top, right, bottom), weights = face_weights(image, points)
    assert weights.shape == (bottom - top, right - left) and weights.dtype == np.float32

    def weight(x: float, y: float) -> float:
        return float(weights[int(round(y)) - top, int(round(x)) - left])

    assert weight(*points[NOSE_TIP]) > 0.9
    assert np.mean([weight(*points[index]) for index in CHEEKS]) > 0.8
    _, unpainted = face_weights(portrait, points)
    patch = np.s_[fy - 3 - top : fy + 3 - top, fx - 10 - left : fx + 10 - left]  # inside it, clear of the feather
    fringe, bare = float(weights[patch].mean()), float(unpainted[patch].mean())
    assert fringe < 0.25 and bare > fringe + 0.3, (fringe, bare)  # the fringe stays hair, bare skin there does not
    assert weights[0].max() < 0.05 and weights[:, 0].max() < 0.05  # feathered to nothing at the rim


@pytest.mark.shared
def test_face_prior_updates_applies_and_forgets(landmarker: FaceLandmarker, portrait: np.ndarray) -> None:
    prior = FacePrior(landmarker)
    mask = np.ones(portrait.shape[:2], np.float32)
    prior.apply(mask)
    assert mask.min() == 1.0  # no face yet: unchanged
    still = prior.take_out(portrait, None, np.ones_like(mask))
    assert prior.face is None  # a still leaves no trace
    assert still.min() < 0.1
    prior.update(portrait, None)
    assert prior.face is not None
    nose = prior.face.landmarks[NOSE_TIP]
    prior.apply(mask)
    assert mask[int(nose[1]), int(nose[0])] < 0.1
    assert mask[0, 0] == 1.0
    prior.reset()
    assert prior.face is None
    fresh = np.ones_like(mask)
    assert prior.apply(fresh).min() == 1.0


def test_missing_face_models_name_the_file(tmp_path: Path) -> None:
    from studio.segmentation.errors import ModelError

    with pytest.raises(ModelError, match="face model is missing") as raised:
        FaceLandmarker.create(tmp_path)
    assert str(tmp_path) in str(raised.value)


@pytest.mark.shared
def test_a_fringe_of_the_hairs_colour_stays_hair_even_near_skin(
    landmarker: FaceLandmarker, portrait: np.ndarray
) -> None:
    """Light-brown hair close to the skin's colour: alone, the skin rule takes it for skin; given the hair model's
    mask, where hair of that colour is sure outside the face, the fringe keeps most of its hair."""
    face = landmarker(portrait)
    assert face is not None
    points = face.landmarks
    lab = cv2.cvtColor(portrait.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    cheeks = np.array([lab[int(y), int(x)] for x, y in points[list(CHEEKS)]])
    hair_lab = np.median(cheeks, axis=0) - (14, 0, 0)  # the skin's hue, a little darker
    hair_rgb = np.clip(cv2.cvtColor(hair_lab.reshape(1, 1, 3).astype(np.float32), cv2.COLOR_Lab2RGB) * 255, 0, 255)
    image = portrait.copy()
    brow = points[list(BROWS)].mean(axis=0) + 0.12 * (points[FOREHEAD] - points[CHIN])
    fx, fy = (int(round(v)) for v in brow)
    image[fy - 8 : fy + 8, fx - 16 : fx + 16] = hair_rgb.astype(np.uint8)
    (left, top, _, bottom), alone = face_weights(image, points)
    image[top:bottom, left : left + 6] = hair_rgb.astype(np.uint8)  # sure hair of that colour, beside the face
    mask = np.zeros(image.shape[:2], np.float32)
    mask[top:bottom, left : left + 6] = 1.0
    _, guided = face_weights(image, points, mask)
    patch = np.s_[fy - 3 - top : fy + 3 - top, fx - 10 - left : fx + 10 - left]
    assert float(alone[patch].mean()) > float(guided[patch].mean()) + 0.3
    cheeks = [guided[int(y) - top, int(x) - left] for x, y in points[list(CHEEKS)]]
    assert np.mean(cheeks) > 0.7, cheeks  # the face itself stays face


@pytest.mark.shared
def test_a_tracked_face_outside_the_region_is_looked_for_again(landmarker: FaceLandmarker,
                                                              portrait: np.ndarray) -> None:
    face = landmarker(portrait)
    assert face is not None
    height, width = portrait.shape[:2]
    moved = Face(face.landmarks + np.float32([width, 0]), face.presence)  # a face from another, wider picture
    wide = np.concatenate([portrait, portrait], axis=1)
    found = landmarker(wide, (0, 0, width, height), previous=moved)
    assert found is not None and found.landmarks[NOSE_TIP][0] < width  # the one in the region, not the old one


@pytest.mark.shared
def test_a_closed_landmarker_says_so(tmp_path: Path, portrait: np.ndarray) -> None:
    from studio.segmentation.errors import ModelError

    for model in ("face_detection_short_range", "face_landmark"):
        convert_tflite_to_onnx(require_shared(f"models/{model}.tflite"), tmp_path / f"{model}.onnx")
    landmarker = FaceLandmarker.create(tmp_path, providers=["CPUExecutionProvider"])
    assert landmarker(portrait) is not None
    landmarker.close()
    with pytest.raises(ModelError, match="closed"):
        landmarker(portrait)


@pytest.mark.shared
def test_the_feathering_stops_at_pixels_of_the_hairs_colour(landmarker: FaceLandmarker, portrait: np.ndarray) -> None:
    """A dark fringe on the forehead, with sure hair of its colour beside the face: the weights are feathered
    at the region's rim, but not into the fringe, up to its edge (a dark hairline keeps its hair); the weights
    are worked out at 64 px a face, so the fringe's outermost pixels blend a little."""
    face = landmarker(portrait)
    assert face is not None
    points = face.landmarks
    image = portrait.copy()
    brow = points[list(BROWS)].mean(axis=0) + 0.12 * (points[FOREHEAD] - points[CHIN])
    fx, fy = (int(round(v)) for v in brow)
    image[fy - 8 : fy + 8, fx - 16 : fx + 16] = (60, 45, 35)
    (left, top, _, bottom), _ = face_weights(image, points)
    image[top:bottom, left : left + 6] = (60, 45, 35)
    mask = np.zeros(image.shape[:2], np.float32)
    mask[top:bottom, left : left + 6] = 1.0
    _, weights = face_weights(image, points, mask)
    fringe = weights[fy - 8 - top : fy + 8 - top, fx - 16 - left : fx + 16 - left]
    skin_below = weights[fy + 12 - top : fy + 16 - top, fx - 16 - left : fx + 16 - left]
    # Feathered into the fringe, as before this rule, its pixels weighed 0.26 on average, 0.51 at the 90th percentile.
    assert np.percentile(fringe, 90) < 0.2 and fringe.mean() < 0.1, (np.percentile(fringe, 90), fringe.mean())
    assert skin_below.mean() > 0.5


@pytest.mark.shared
def test_skin_is_read_where_the_model_sees_no_hair(landmarker: FaceLandmarker, portrait: np.ndarray) -> None:
    """Dark hair hanging over one side of the face, cheek samples and all: with the hair model's mask the skin
    colour is read from the other cheek only, so the hanging hair is not taken for skin."""
    face = landmarker(portrait)
    assert face is not None
    points = face.landmarks
    image = portrait.copy()
    side = points[[50, 101, 205]]  # one cheek's sample points (CHEEKS)
    left, top = (side.min(axis=0) - 12).astype(int)
    right, bottom = (side.max(axis=0) + 12).astype(int)
    image[top:bottom, left:right] = (60, 45, 35)
    mask = np.zeros(image.shape[:2], np.float32)
    mask[top:bottom, left:right] = 1.0
    (r_left, r_top, _, _), alone = face_weights(image, points)
    _, guided = face_weights(image, points, mask)
    covered = np.s_[top + 4 - r_top : bottom - 4 - r_top, left + 4 - r_left : right - 4 - r_left]
    other = [guided[int(y) - r_top, int(x) - r_left] for x, y in points[[280, 330, 425]]]
    assert float(guided[covered].mean()) < 0.35 and float(alone[covered].mean()) > 0.8
    assert np.mean(other) > 0.7, other
