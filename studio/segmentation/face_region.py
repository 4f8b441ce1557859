"""Where hair cannot be: the face below the hairline, the ears and the neck, from the face mesh's landmarks.

Grey and white hair looks like skin to the hair model, so masks spill onto cheeks, foreheads, ears and necks.
The face mesh knows where the face is. Inside the face oval (narrowed a little, where side hair may hang; its
forehead stretched up to the hairline), two ellipses where the ears are and a band below the jaw:
- brows, eyes and nose are never head hair: the weight is 1;
- elsewhere (a fringe may cover the forehead, a beard the chin, hair the ears) the weight is how much a pixel
  looks like the face's own skin: its CIELAB distance from the skin colour measured on the cheeks, in robust
  standard deviations, and, where the hair model is sure of some hair, whether the pixel is nearer the skin's
  colour or the hair's.
The weights are feathered so that the mask's edge stays soft; the caller multiplies the mask by 1 - weight.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.resample import Rect, shrink
from studio.segmentation.faces import Face, FaceLandmarker

__all__ = [
    "BROWS", "CHEEKS", "EAR_SIDES", "FACE_OVAL", "FEATHER", "FEATURES", "FOREHEAD_LIFT", "FacePrior", "HAIR_MARGIN",
    "HAIR_STRIDE", "INSET", "JAW", "MIN_HAIR_SAMPLES", "NECK_DROP", "SURE_HAIR", "WORK_HEIGHT", "face_weights",
]

FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
             149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
"""Face-mesh landmarks along the face's outline, in order (MediaPipe's FACEMESH_FACE_OVAL), from the top of the
forehead (10) round by the chin (152)."""
BROWS = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300)
"""The upper edges of both eyebrows."""
FEATURES = (*BROWS, 33, 133, 145, 159, 263, 362, 374, 386, 1, 4, 98, 327)
"""Brows, eyes and nose: never head hair, whatever their colour."""
CHEEKS = (50, 280, 101, 330, 205, 425)
"""Points on both cheeks, below the eyes and beside the nose: the skin colour is read around them."""
FOREHEAD_TOP, CHIN = 10, 152
JAW = FACE_OVAL[FACE_OVAL.index(454) : FACE_OVAL.index(234) + 1]
"""The outline from beside one ear round by the chin to beside the other."""
NECK_DROP = 0.6
"""How far below the jaw line the neck region reaches, in face heights."""
EAR_SIDES = (234, 454)
"""The outline's points beside the ears."""
EAR_OFFSET, EAR_SIZE = 0.06, (0.09, 0.16)
"""Each ear is taken as an ellipse EAR_OFFSET face heights outwards from its EAR_SIDES point, with half-axes
EAR_SIZE (across, up) in face heights; skin-coloured pixels there are not hair (hair models take ears for hair)."""

INSET = 0.95
"""The oval is narrowed about its centre by this factor: its sides (temples, jaw line) are where hair hangs."""
FOREHEAD_LIFT = 1.8
"""The oval's part above the brows is stretched up by this factor: the mesh's forehead stops short of the
hairline, and grey hair spills onto the skin in between. Against 1.4 (`eval_segmentation.py --limit 300`): light
hair IoU +0.55 points and spill 2.85% -> 2.63%; tight faces -0.1 points, spill 2.91% -> 2.86%; wide -0.2; hair
colour keeps a fringe or a low hairline (2.0 and 2.3 lost more on tight faces for no more on light hair)."""
FEATHER = 0.03
"""Standard deviation of the weights' blur, in face heights (forehead to chin)."""
SKIN_NEAR, SKIN_FAR = 2.5, 5.0
"""Pixels within SKIN_NEAR robust standard deviations of the skin colour get weight 1, beyond SKIN_FAR weight 0,
linearly in between."""
LENIENCY = 1.8
"""When the hair's own colour is known (see HAIR_MARGIN), the skin distances are LENIENCY times more lenient:
shading spreads the skin's colours, and hair is told apart by its colour anyway. In `eval_segmentation.py
--limit 300`, against none: spill 3.40% -> 3.34% on tight faces and 3.35% -> 3.15% on light hair, light-hair
IoU +0.3 points; tight -0.07, dark hair -0.3."""
WORK_HEIGHT = 64
"""Face height, in pixels, at which the weights are worked out (larger faces are shrunk to it first)."""
SURE_HAIR = 0.8
"""Mask values from which the hair model is taken at its word: the hair's own colour is read there (outside the
face region)."""
HAIR_STRIDE = 4
"""Every HAIR_STRIDE-th sure hair pixel is enough for the hair colour's median and spread."""
MIN_HAIR_SAMPLES = 50
"""Fewer sampled hair pixels than this (a bald head, a hood) and the hair's colour is not used."""
HAIR_MARGIN = 2.0
"""A pixel as near the hair's colour as the skin's gets weight 0.5; HAIR_MARGIN / 2 robust standard deviations
nearer the hair's, weight 0 (on the development portraits this kept fringes and beards: +0.3 IoU points on
tight faces, +0.9 on light hair, against a little more spill)."""
_SIGMA_FLOOR = np.array([10.0, 3.0, 3.0], dtype=np.float32)
"""Smallest standard deviation of L*, a*, b* assumed for skin (a flat-lit face would otherwise make every
pixel 'not skin')."""


def face_weights(
    image: np.ndarray, landmarks: np.ndarray, mask: np.ndarray | None = None
) -> tuple[Rect, np.ndarray]:
    """How surely each pixel near the face is not hair, from the face mesh's `landmarks` (468x2 frame pixels) on
    uint8 RGB `image`: the rectangle (left, top, right, bottom) of the frame it covers and float32 weights in
    [0, 1] over it (1: face, no hair). With the hair model's `mask` (float32 HxW of the frame), a pixel is
    weighed against the hair's own colour too (where the model is sure of the hair, outside the face)."""
    height, width = image.shape[:2]
    points = landmarks.astype(np.float32)
    up = points[FOREHEAD_TOP] - points[CHIN]
    face_height = float(np.linalg.norm(up))
    up /= max(face_height, 1e-6)
    brow_level = float((points[list(BROWS)] @ up).mean())
    regions = [_skin_outline(points[list(FACE_OVAL)], up, brow_level), *_ears(points, up, face_height)]
    regions.append(_neck(points, up, face_height))
    corners = np.concatenate(regions)
    sigma = max(1.0, FEATHER * face_height)
    margin = int(3 * sigma) + 2
    left, top = np.floor(corners.min(axis=0)).astype(int) - margin
    right, bottom = np.ceil(corners.max(axis=0)).astype(int) + margin
    rect = (max(0, int(left)), max(0, int(top)), min(width, int(right)), min(height, int(bottom)))
    left, top, right, bottom = rect
    if right - left < 2 or bottom - top < 2:
        return rect, np.zeros((max(0, bottom - top), max(0, right - left)), np.float32)

    # The weights are smooth: work where the face is WORK_HEIGHT pixels tall (7.7 -> 1.3 ms for a 720p webcam face).
    scale = min(1.0, WORK_HEIGHT / max(face_height, 1.0))
    size = (max(2, round((right - left) * scale)), max(2, round((bottom - top) * scale)))
    stretch = np.float32([size[0] / (right - left), size[1] / (bottom - top)])
    origin = np.float32([left, top])

    def local(frame_points: np.ndarray) -> np.ndarray:
        return (frame_points - origin) * stretch

    inside = np.zeros(size[::-1], np.uint8)
    for region in regions:  # one by one: as one polygon list, their overlaps would cancel out
        cv2.fillPoly(inside, [np.round(local(region)).astype(np.int32)], 1)
    features = np.zeros_like(inside)
    cv2.fillConvexPoly(features, np.round(cv2.convexHull(local(points[list(FEATURES)]))).astype(np.int32), 1)
    patch = shrink(image[top:bottom, left:right], size)
    lab = _lab(patch)
    small_mask = None if mask is None else shrink(mask[top:bottom, left:right], size)
    # Skin is read where the hair model sees none: hair hanging over a cheek would pass for skin (of 300 Figaro1k
    # photos 9 changed, the best by +0.12 IoU, the worst by -0.007; +0.07 points on the whole).
    skin = _skin_distance(lab, _cheek_samples(lab, local(points[list(CHEEKS)]), face_height * scale, small_mask))
    hair = None
    if small_mask is not None:
        hair = lab[(small_mask >= SURE_HAIR) & (inside == 0)][::HAIR_STRIDE]
        hair = hair if len(hair) >= MIN_HAIR_SAMPLES else None
    leniency = 1.0 if hair is None else LENIENCY
    weights = np.clip((leniency * SKIN_FAR - skin) / (leniency * (SKIN_FAR - SKIN_NEAR)), 0.0, 1.0)
    weights = weights.astype(np.float32)
    closer = None
    if hair is not None:
        # Nearer the hair's colour than the skin's: hair (a fringe, a beard), whatever its distance from skin.
        closer = np.clip((_skin_distance(lab, hair) - skin) / HAIR_MARGIN + 0.5, 0.0, 1.0).astype(np.float32)
        np.minimum(weights, closer, out=weights)
    weights *= inside
    np.maximum(weights, features, out=weights)
    weights = cv2.GaussianBlur(weights, (0, 0), sigma * scale)
    if closer is not None:
        # The feathering must not reach into pixels of the hair's own colour: it cut a band off dark hairlines
        # and sideburns (eval_segmentation.py --limit 300: dark hair IoU +0.6 points, boundary F 0.630 -> 0.655;
        # tight +0.3, light hair +0.2; spill 2.7% -> 2.9% on tight faces, still a third under MediaPipe's).
        np.minimum(weights, np.maximum(closer, features, dtype=np.float32), out=weights)
    return rect, cv2.resize(weights, (right - left, bottom - top), interpolation=cv2.INTER_LINEAR)


def _ears(points: np.ndarray, up: np.ndarray, face_height: float) -> list[np.ndarray]:
    """Polygons (ellipses) where the ears are, beside the face's sides at eye level (EAR_SIDES), in frame pixels."""
    across = np.float32([up[1], -up[0]])
    centre = points[list(EAR_SIDES)].mean(axis=0)
    ears = []
    for index in EAR_SIDES:
        outward = across if float((points[index] - centre) @ across) > 0 else -across
        middle = points[index] + outward * EAR_OFFSET * face_height
        angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)[:, np.newaxis]
        ears.append((middle + np.cos(angles) * outward * EAR_SIZE[0] * face_height
                     + np.sin(angles) * up * EAR_SIZE[1] * face_height).astype(np.float32))
    return ears


def _neck(points: np.ndarray, up: np.ndarray, face_height: float) -> np.ndarray:
    """The neck: the jaw line from ear to ear (JAW) and the same line NECK_DROP face heights lower, narrowed by
    INSET about its middle, as one polygon in frame pixels."""
    jaw = points[list(JAW)]
    across = np.float32([up[1], -up[0]])
    middle = jaw.mean(axis=0)
    jaw = jaw - np.outer(((jaw - middle) @ across) * (1.0 - INSET), across)
    return np.concatenate([jaw, (jaw - up * NECK_DROP * face_height)[::-1]]).astype(np.float32)


def _skin_outline(oval: np.ndarray, up: np.ndarray, brow_level: float) -> np.ndarray:
    """The face oval with its part above the brows stretched up by FOREHEAD_LIFT (the mesh stops below the
    hairline) and the whole shrunk sideways by INSET about its centre (its rim is where side hair hangs)."""
    height_above = np.maximum(oval @ up - brow_level, 0.0)
    lifted = oval + np.outer(height_above * (FOREHEAD_LIFT - 1.0), up)
    across = np.float32([up[1], -up[0]])
    centre = lifted.mean(axis=0)
    offset = (lifted - centre) @ across
    return lifted - np.outer(offset * (1.0 - INSET), across)


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (L* in [0, 100], a*, b* about [-128, 127]; float32 HxWx3) of uint8 sRGB `rgb`, by OpenCV's 8-bit
    conversion (a third of the float one's cost; its rounding, under half a unit, is far below the skin's spread)."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)
    lab -= np.float32([0.0, 128.0, 128.0])
    lab[..., 0] *= np.float32(100 / 255)
    return lab


def _cheek_samples(
    lab: np.ndarray, cheeks: np.ndarray, face_height: float, mask: np.ndarray | None = None
) -> np.ndarray:
    """CIELAB pixels (Nx3) of `lab` in small squares around the `cheeks` (Nx2 pixels of `lab`); with the hair
    model's `mask` (same size as `lab`), only those it does not call hair, unless that leaves too few."""
    half = max(1, int(0.04 * face_height))
    samples, bare = [], []
    for x, y in cheeks:
        x0, y0 = int(round(x)) - half, int(round(y)) - half
        rows = slice(max(0, y0), max(0, y0 + 2 * half + 1))
        columns = slice(max(0, x0), max(0, x0 + 2 * half + 1))
        samples.append(lab[rows, columns].reshape(-1, 3))
        if mask is not None:
            bare.append(samples[-1][mask[rows, columns].reshape(-1) < 0.5])
    everything = np.concatenate(samples)
    uncovered = np.concatenate(bare) if bare else everything
    return uncovered if len(uncovered) >= len(everything) // 3 else everything


def _skin_distance(lab: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """Each pixel's distance from the skin samples' median in robust standard deviations (1.4826 MAD per
    channel, at least _SIGMA_FLOOR); infinite when there are no samples."""
    if len(samples) == 0:
        return np.full(lab.shape[:2], np.inf, np.float32)
    median = np.median(samples, axis=0)
    spread = np.maximum(1.4826 * np.median(np.abs(samples - median), axis=0), _SIGMA_FLOOR)
    return np.sqrt((((lab - median) / spread) ** 2).sum(axis=2))


class FacePrior:
    """Keeps hair off the face in a segmenter's masks: finds the face with a FaceLandmarker, turns it into
    `face_weights`, and multiplies masks by 1 - weight. A still (`take_out`) leaves no trace. For video the
    face is tracked: `update` on a frame places the mesh where the last face was (BlazeFace only when it is
    lost), and `apply` reuses the weights until the next update."""

    def __init__(self, landmarker: FaceLandmarker) -> None:
        self.landmarker = landmarker
        self.face: Face | None = None
        self._weights: tuple[Rect, np.ndarray] | None = None

    def take_out(self, image: np.ndarray, region: Rect | None, mask: np.ndarray) -> np.ndarray:
        """`mask` (float32 HxW, the hair model's mask of uint8 RGB `image`, changed in place) with the face found
        in `region` (None: the whole image) taken out; the tracked face is left as it was."""
        face = self.landmarker(image, region)
        return mask if face is None else _multiply(mask, face_weights(image, face.landmarks, mask))

    def update(self, frame: np.ndarray, region: Rect | None, mask: np.ndarray | None = None) -> None:
        """Find the face in `region` (None: whole frame) of the video frame `frame` (uint8 RGB), starting from
        the last face; `mask` is the hair model's mask of the frame (see `face_weights`)."""
        self.face = self.landmarker(frame, region, self.face)
        self._weights = None if self.face is None else face_weights(frame, self.face.landmarks, mask)

    def apply(self, mask: np.ndarray) -> np.ndarray:
        """`mask` (float32 HxW of the frame last updated on) with the face taken out, changed in place."""
        return mask if self._weights is None else _multiply(mask, self._weights)

    def reset(self) -> None:
        """Forget the face (a cut, a new clip)."""
        self.face, self._weights = None, None

    def close(self) -> None:
        self.landmarker.close()


def _multiply(mask: np.ndarray, weighted: tuple[Rect, np.ndarray]) -> np.ndarray:
    """`mask` times 1 - the weights over their rectangle, in place."""
    (left, top, right, bottom), weights = weighted
    region = mask[top:bottom, left:right]
    region *= 1.0 - weights[: region.shape[0], : region.shape[1]]
    return mask
