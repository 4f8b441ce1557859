"""Hair masks of HairSegmenter.segment against MediaPipe's own pipeline: IoU, boundary F-score and spill onto
the face, on five kinds of photo.

Cases (ground truth: ../shared/data/hairseg):
- tight:     LFW faces as they are (the face fills the frame, as in a selfie).
- wide:      the same faces scaled to 270-330 px and pasted at a random spot of a plain grey 1280x720 frame.
- hair-only: Figaro1k hair photos, often the back of a head (no face to frame: false faces must not hurt).
- light-hair, dark-hair: the portraits with the lightest and the darkest hair (../shared/data/portraits: LFW and
  CelebA-HQ faces; grey and white hair is where masks spill onto the face).

The baseline is MediaPipe's pipeline with the same weights: the whole frame stretched to 512x512, an empty
prior, softmax channel 1, one look (HairSegmenter with framing, mirroring, the second look and refinement off);
"unrefined" is ours without the guided-filter edge refinement. IoU uses mask >= 0.5 on both sides; an image
where both masks are empty counts 1. Run: python benchmarks/eval_segmentation.py [--limit N] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from tqdm import tqdm

from studio.images import read_mask, read_rgb
from studio.segmentation.face_region import FacePrior
from studio.segmentation.faces import FaceLandmarker
from studio.segmentation.framing import FaceFinder
from studio.segmentation.hair_model import OnnxHairModel
from studio.segmentation.segmenter import HairSegmenter, SegmenterOptions

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DATA = SHARED_DATA / "hairseg"
PORTRAITS = SHARED_DATA / "portraits"
WIDE_FRAME = (720, 1280)  # height, width
WIDE_SIDES = (270, 330)  # pixels, the pasted face photo's side
GREY = 128

Pair = tuple[np.ndarray, np.ndarray]  # uint8 RGB image, bool hair mask


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of `mask` >= 0.5 and the boolean `truth`; 1 when both are empty."""
    hair = mask >= 0.5
    union = np.logical_or(hair, truth).sum()
    return float(np.logical_and(hair, truth).sum() / union) if union else 1.0


def boundary_f(mask: np.ndarray, truth: np.ndarray) -> float:
    """Boundary F-score (DAVIS' F measure): how well the edge of `mask` >= 0.5 follows the edge of `truth`.
    Precision is the share of predicted edge pixels within a band of the true edge (0.8% of the image diagonal,
    at least 2 px), recall the converse; F is their harmonic mean, 1 when both masks have no edge."""
    import cv2

    band = max(2.0, 0.008 * float(np.hypot(*truth.shape)))
    edges = [_edge(mask >= 0.5), _edge(truth)]
    if not edges[0].any() and not edges[1].any():
        return 1.0
    if not edges[0].any() or not edges[1].any():
        return 0.0
    near = [cv2.distanceTransform((~edge).astype(np.uint8), cv2.DIST_L2, 3) <= band for edge in edges]
    precision = float(near[1][edges[0]].mean())
    recall = float(near[0][edges[1]].mean())
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _edge(hair: np.ndarray) -> np.ndarray:
    """The pixels of `hair` (bool) that touch a non-hair pixel."""
    import cv2

    eroded = cv2.erode(hair.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)
    return hair & (eroded == 0)


def face_spill(mask: np.ndarray, truth: np.ndarray, face: tuple[int, int, int, int] | None) -> float | None:
    """Share of the face box (left, top, right, bottom; the Haar box spans brows to mouth: skin, eyes) that
    `mask` >= 0.5 calls hair where `truth` does not; None without a face."""
    if face is None:
        return None
    left, top, right, bottom = face
    wrong = (mask[top:bottom, left:right] >= 0.5) & ~truth[top:bottom, left:right]
    return float(wrong.mean()) if wrong.size else None


def pairs(folder: Path, limit: int | None, rng: np.random.Generator) -> list[Path]:
    """Image paths of `folder`/images (or `folder` itself) that have a mask in `folder`/masks, a seeded random
    sample of `limit` (None: all)."""
    images_folder = folder / "images" if (folder / "images").is_dir() else folder
    images = sorted(p for p in images_folder.iterdir() if (folder / "masks" / f"{p.stem}.png").is_file())
    if limit is not None and limit < len(images):
        images = [images[i] for i in sorted(rng.choice(len(images), limit, replace=False))]
    return images


def load(path: Path) -> Pair:
    image = read_rgb(path)
    folder = path.parent.parent if path.parent.name == "images" else path.parent
    return image, read_mask(folder / "masks" / f"{path.stem}.png", image.shape[:2]) >= 0.5


def widen(pair: Pair, rng: np.random.Generator) -> Pair:
    """The photo and its mask scaled to a random side in WIDE_SIDES and pasted at a random spot of a grey frame."""
    import cv2

    image, truth = pair
    side = int(rng.integers(WIDE_SIDES[0], WIDE_SIDES[1] + 1))
    top = int(rng.integers(0, WIDE_FRAME[0] - side + 1))
    left = int(rng.integers(0, WIDE_FRAME[1] - side + 1))
    frame = np.full((*WIDE_FRAME, 3), GREY, dtype=np.uint8)
    wide_truth = np.zeros(WIDE_FRAME, dtype=bool)
    frame[top : top + side, left : left + side] = cv2.resize(image, (side, side), interpolation=cv2.INTER_LINEAR)
    small_truth = cv2.resize(truth.astype(np.uint8), (side, side), interpolation=cv2.INTER_NEAREST)
    wide_truth[top : top + side, left : left + side] = small_truth > 0
    return frame, wide_truth


def cases(limit: int | None, seed: int) -> dict[str, Callable[[], Iterator[Pair]]]:
    """Each case's name and a generator of its (image, truth) pairs, deterministic for `seed`."""
    rng = np.random.default_rng(seed)
    lfw, figaro = pairs(DATA / "lfw", limit, rng), pairs(DATA / "figaro1k", limit, rng)
    light, dark = pairs(PORTRAITS / "light", None, rng), pairs(PORTRAITS / "dark", None, rng)

    def wide() -> Iterator[Pair]:
        placement = np.random.default_rng(seed + 1)
        return (widen(load(p), placement) for p in lfw)

    return {
        "tight": lambda: (load(p) for p in lfw),
        "wide": wide,
        "hair-only": lambda: (load(p) for p in figaro),
        "light-hair": lambda: (load(p) for p in light),
        "dark-hair": lambda: (load(p) for p in dark),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="images per case (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample and of the wide placements")
    parser.add_argument("--model", type=Path, default=None, help="converted .onnx (default: the fetched model)")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"missing {DATA}", file=sys.stderr)
        return 1
    model_path = args.model
    if model_path is None:
        from studio.segmentation.manifest import onnx_path

        model_path = onnx_path()
    model = OnnxHairModel.load(model_path)
    face_prior = FacePrior(FaceLandmarker.create(model_path.parent))
    methods = {"baseline": HairSegmenter(model, SegmenterOptions(framing=False, refine=False, mirror_stills=False,
                                                                     refeed_stills=False)),
               "unrefined": HairSegmenter(model, SegmenterOptions(framing=True, refine=False)),
               "no face": HairSegmenter(model, SegmenterOptions(framing=True)),
               "ours": HairSegmenter(model, SegmenterOptions(framing=True), face_prior)}
    faces = FaceFinder()
    rows = []
    for name, make in cases(args.limit, args.seed).items():
        scores = {method: {"iou": [], "boundary": [], "spill": []} for method in methods}
        started = time.perf_counter()
        for image, truth in tqdm(make(), desc=name, unit="img", leave=False):
            found = faces(image)
            face = None if found is None else tuple(int(round(v)) for v in (found.x, found.y, found.x + found.w,
                                                                             found.y + found.h))
            for method, segmenter in methods.items():
                mask = segmenter.segment(image)
                scores[method]["iou"].append(iou(mask, truth))
                scores[method]["boundary"].append(boundary_f(mask, truth))
                spill = face_spill(mask, truth, face)
                if spill is not None:
                    scores[method]["spill"].append(spill)
        rows.append((name, len(scores["ours"]["iou"]), scores, time.perf_counter() - started))
    print(f"provider: {model.provider}; IoU and boundary F at threshold 0.5; spill = share of the face box called "
          f"hair against the truth (faces found by the Haar cascade); seed {args.seed}")
    print("columns: MediaPipe's pipeline (base), ours without the edge refinement (unref), ours without the face "
          "prior (noface), ours as shipped (ours)")
    print(f"{'case':<11} {'n':>5} {'IoU base':>9} {'unref':>7} {'noface':>7} {'ours':>7} {'diff':>7} "
          f"{'bndF base':>10} {'unref':>7} {'noface':>7} {'ours':>7} {'spill base':>11} {'noface':>7} {'ours':>7} "
          f"{'faces':>6} {'ms/img':>7}")
    for name, count, scores, seconds in rows:
        mean = {m: {k: float(np.mean(v)) if v else float("nan") for k, v in s.items()} for m, s in scores.items()}
        base, plain, noface, mine = mean["baseline"], mean["unrefined"], mean["no face"], mean["ours"]
        gain = 100 * (mine["iou"] - base["iou"])
        print(f"{name:<11} {count:>5} {base['iou']:>9.4f} {plain['iou']:>7.4f} {noface['iou']:>7.4f} "
              f"{mine['iou']:>7.4f} {gain:>+6.2f}p {base['boundary']:>10.4f} {plain['boundary']:>7.4f} "
              f"{noface['boundary']:>7.4f} {mine['boundary']:>7.4f} {100 * base['spill']:>10.2f}% "
              f"{100 * noface['spill']:>6.2f}% {100 * mine['spill']:>6.2f}% "
              f"{len(scores['ours']['spill']):>6} {1000 * seconds / count:>7.0f}")
    ours_iou = {name: float(np.mean(scores["ours"]["iou"])) for name, _, scores, _ in rows}
    print(f"wide / tight (ours): {ours_iou['wide'] / ours_iou['tight']:.3f} (target >= 0.90)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
