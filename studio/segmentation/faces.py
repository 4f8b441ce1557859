"""MediaPipe's face models on ONNX Runtime: BlazeFace finds the face and its eyes, the face mesh places 468
landmarks on it (`FaceLandmarker`).

The steps follow MediaPipe's face_detection_short_range and face_landmark graphs:
- BlazeFace (short range, 128x128, RGB in [-1, 1]) sees the region the hair model sees (a head crop is selfie
  framing, its range), letterboxed. Its 896 SSD anchors (SsdAnchorsCalculator: strides 8, 16, 16, 16, two
  anchors per cell and layer, fixed size) each regress a box and six keypoints in input pixels around the
  anchor's centre; the score is a clipped logit. The best face and the detections overlapping it are averaged,
  weighted by score (MediaPipe's weighted non-maximum suppression, for the one face kept).
- The landmark crop (face_detection_front_detection_to_roi): a square 1.5 times the box's longer side, turned so
  that the eyes are level (the rotation from the right eye to the left eye keypoint), stretched to 192x192,
  RGB in [0, 1]. The mesh returns x, y, z per landmark in crop pixels and a face-presence logit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from studio.resample import Rect
from studio.segmentation.errors import ModelError

__all__ = [
    "DETECTOR_SIZE", "Face", "FaceLandmarker", "MESH_SIZE", "MIN_DETECTION_SCORE", "MIN_PRESENCE", "ROI_SCALE",
    "best_face", "blazeface_anchors", "decode_detections", "roi_transform",
]

DETECTOR_SIZE = 128
MESH_SIZE = 192
MIN_DETECTION_SCORE = 0.5
"""BlazeFace's min_score_thresh in MediaPipe's graph."""
MIN_PRESENCE = 0.5
"""The face mesh's face-presence probability below which the landmarks are not trusted (MediaPipe's
min_tracking_confidence default)."""
ROI_SCALE = 1.5
"""The landmark crop's side over the detection box's longer side (MediaPipe's RectTransformationCalculator)."""
_OVERLAP = 0.3
"""Intersection over union above which detections are the same face (MediaPipe's min_suppression_threshold)."""
_SCORE_CLIP = 100.0


@dataclass(frozen=True)
class Face:
    """A face in frame pixels: the 468 face-mesh landmarks (x, y; float32 468x2) and the mesh's presence
    probability in [0, 1]."""

    landmarks: np.ndarray
    presence: float


def blazeface_anchors() -> np.ndarray:
    """The 896 anchor centres (x, y in [0, 1]) of the short-range BlazeFace, in its output order."""
    centres = []
    for stride, per_cell in ((8, 2), (16, 6)):  # stride 16 merges three layers of two anchors each
        cells = DETECTOR_SIZE // stride
        ys, xs = np.meshgrid((np.arange(cells) + 0.5) / cells, (np.arange(cells) + 0.5) / cells, indexing="ij")
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


def decode_detections(regressors: np.ndarray, logits: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """BlazeFace's raw outputs (896x16, 896 logits) -> Nx17 detections: box centre x, y, width, height, six
    keypoints (x, y), all in [0, 1] of its input, then the score; only those scoring MIN_DETECTION_SCORE."""
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits.reshape(-1).astype(np.float64), -_SCORE_CLIP, _SCORE_CLIP)))
    keep = scores >= MIN_DETECTION_SCORE
    raw = regressors.reshape(-1, 16)[keep] / DETECTOR_SIZE
    centres = anchors[keep]
    decoded = raw.copy()
    decoded[:, 0:2] += centres
    decoded[:, 4:16] += np.tile(centres, 6)
    return np.concatenate([decoded, scores[keep, np.newaxis]], axis=1)


def best_face(detections: np.ndarray) -> np.ndarray | None:
    """The best-scoring detection averaged (by score) with those overlapping it by IoU > 0.3; None if none."""
    if len(detections) == 0:
        return None
    best = detections[np.argmax(detections[:, 16])]
    same = detections[_iou(best, detections) > _OVERLAP]
    weights = same[:, 16:17]
    merged = (same[:, :16] * weights).sum(axis=0) / weights.sum()
    return np.append(merged, best[16])


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    def corners(b: np.ndarray) -> tuple[np.ndarray, ...]:
        half_w, half_h = b[..., 2] / 2, b[..., 3] / 2
        return b[..., 0] - half_w, b[..., 1] - half_h, b[..., 0] + half_w, b[..., 1] + half_h

    (l1, t1, r1, b1), (l2, t2, r2, b2) = corners(box), corners(boxes)
    overlap_w = np.clip(np.minimum(r1, r2) - np.maximum(l1, l2), 0, None)
    inter = overlap_w * np.clip(np.minimum(b1, b2) - np.maximum(t1, t2), 0, None)
    union = box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - inter
    return inter / np.maximum(union, 1e-12)


def roi_transform(centre: tuple[float, float], side: float, angle: float, size: int) -> np.ndarray:
    """The 2x3 affine map from a `size`x`size` crop's pixels to frame pixels, for a square of `side` frame pixels
    around `centre`, its x axis turned by `angle` radians (clockwise on screen, as the image's y points down)."""
    cos, sin = math.cos(angle) * side / size, math.sin(angle) * side / size
    cx, cy = centre
    half = size / 2
    return np.array([[cos, -sin, cx - cos * half + sin * half], [sin, cos, cy - sin * half - cos * half]])


RIGHT_EYE_CORNER, LEFT_EYE_CORNER, NOSE_TIP = 33, 263, 1


def _roi_from_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """The landmark crop's transform around a face's landmarks (MediaPipe's face_landmark_landmarks_to_roi: the
    landmarks' bounding box in the frame of the eye line, squared to its longer side, times ROI_SCALE)."""
    right, left = landmarks[RIGHT_EYE_CORNER], landmarks[LEFT_EYE_CORNER]
    angle = math.atan2(left[1] - right[1], left[0] - right[0])
    axes = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    local = landmarks.astype(np.float64) @ axes.T
    low, high = local.min(axis=0), local.max(axis=0)
    centre = ((low + high) / 2) @ axes
    return roi_transform((centre[0], centre[1]), ROI_SCALE * float(max(high - low)), angle, MESH_SIZE)


class _Session:
    """One of the face models on an ONNX Runtime session: `run(nhwc_float32) -> outputs`."""

    def __init__(self, path: Path, providers: list[str] | None, threads: int) -> None:
        import onnxruntime

        from studio.segmentation.providers import preferred_providers

        if not path.is_file():
            raise ModelError("the face model is missing; run `hair-studio models fetch` or `models install --from`",
                             path)
        settings = onnxruntime.SessionOptions()
        settings.intra_op_num_threads = threads
        settings.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session: Any = onnxruntime.InferenceSession(str(path), settings,
                                                             providers=preferred_providers(providers))
        except Exception as error:  # onnxruntime raises its own untyped errors for unusable models
            raise ModelError(f"cannot load the face model ({error})", path) from None
        self.input_name = self.session.get_inputs()[0].name

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        if self.session is None:
            raise ModelError("the face models are closed")
        return self.session.run(None, {self.input_name: tensor})

    def close(self) -> None:
        self.session = None


class FaceLandmarker:
    """The face mesh of the main face in a region of a frame. Use `FaceLandmarker.create()`."""

    def __init__(self, detector: _Session, mesh: _Session) -> None:
        self._detector, self._mesh = detector, mesh
        self._anchors = blazeface_anchors()

    @classmethod
    def create(cls, folder: str | Path | None = None, providers: list[str] | None = None,
               threads: int = 0) -> FaceLandmarker:
        """The converted face models in `folder` (default: `manifest.models_dir()`); ModelError naming the
        file when one is missing or unusable."""
        from studio.segmentation.manifest import FACE_DETECTOR, FACE_LANDMARKS, onnx_path

        return cls(_Session(onnx_path(folder, FACE_DETECTOR), providers, threads),
                   _Session(onnx_path(folder, FACE_LANDMARKS), providers, threads))

    def __call__(self, frame: np.ndarray, region: Rect | None = None, previous: Face | None = None) -> Face | None:
        """The main face in `region` (left, top, right, bottom; None: the whole frame) of uint8 RGB `frame`,
        with its landmarks in frame pixels; None when no face is found or the mesh doubts it.

        With `previous` (the face of a recent video frame) the mesh is placed where that face was, as MediaPipe's
        graph tracks faces, and BlazeFace runs only when the mesh loses it or the face has left `region`."""
        height, width = frame.shape[:2]
        left, top, right, bottom = region or (0, 0, width, height)
        if previous is not None:
            tracked = self._landmarks(frame, _roi_from_landmarks(previous.landmarks))
            if tracked is not None:
                nose_x, nose_y = tracked.landmarks[NOSE_TIP]
                if left <= nose_x < right and top <= nose_y < bottom:
                    return tracked
        detection = self._detect(frame[top:bottom, left:right])
        if detection is None:
            return None
        # The region was letterboxed into a square of its longer side, centred.
        side = max(right - left, bottom - top)
        origin_x = left - (side - (right - left)) / 2
        origin_y = top - (side - (bottom - top)) / 2
        points = detection[:16].reshape(8, 2) * side + (origin_x, origin_y)
        box_w, box_h = detection[2] * side, detection[3] * side
        right_eye, left_eye = points[2], points[3]
        angle = math.atan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0])
        transform = roi_transform((points[0][0], points[0][1]), ROI_SCALE * max(box_w, box_h), angle, MESH_SIZE)
        return self._landmarks(frame, transform)

    def _detect(self, region: np.ndarray) -> np.ndarray | None:
        height, width = region.shape[:2]
        side = max(height, width)
        square = cv2.copyMakeBorder(region, (side - height) // 2, side - height - (side - height) // 2,
                                    (side - width) // 2, side - width - (side - width) // 2, cv2.BORDER_CONSTANT,
                                    value=(0, 0, 0))
        small = cv2.resize(square, (DETECTOR_SIZE, DETECTOR_SIZE), interpolation=cv2.INTER_AREA)
        tensor = (small.astype(np.float32) * np.float32(1 / 127.5) - np.float32(1.0))[np.newaxis]
        regressors, logits = self._detector.run(tensor)
        return best_face(decode_detections(regressors[0], logits[0], self._anchors))

    def _landmarks(self, frame: np.ndarray, transform: np.ndarray) -> Face | None:
        patch = cv2.warpAffine(frame, transform, (MESH_SIZE, MESH_SIZE), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)
        coordinates, presence_logit = self._mesh.run((patch.astype(np.float32) * np.float32(1 / 255))[np.newaxis])
        presence = 1.0 / (1.0 + math.exp(-min(max(float(presence_logit.ravel()[0]), -_SCORE_CLIP), _SCORE_CLIP)))
        if presence < MIN_PRESENCE:
            return None
        local = coordinates.reshape(-1, 3)[:, :2].astype(np.float64)
        landmarks = local @ transform[:, :2].T + transform[:, 2]
        return Face(landmarks.astype(np.float32), presence)

    def close(self) -> None:
        """Drop the sessions (ONNX Runtime frees them); later calls raise ModelError."""
        self._detector.close()
        self._mesh.close()
