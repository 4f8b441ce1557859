"""Mean hair IoU of HairSegmenter.segment against MediaPipe's own pipeline, on three kinds of photo.

Cases (ground truth: ../shared/data/hairseg):
- tight:     LFW faces as they are (the face fills the frame, as in a selfie).
- wide:      the same faces scaled to 270-330 px and pasted at a random spot of a plain grey 1280x720 frame.
- hair-only: Figaro1k hair photos, often the back of a head (no face to frame: false faces must not hurt).

The baseline is MediaPipe's pipeline with the same weights: the whole frame stretched to 512x512, an empty
prior, softmax channel 1 (HairSegmenter with framing off). IoU uses mask >= 0.5 on both sides; an image
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
from studio.segmentation.segmenter import HairSegmenter, OnnxHairModel, SegmenterOptions

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "hairseg"
WIDE_FRAME = (720, 1280)  # height, width
WIDE_SIDES = (270, 330)  # pixels, the pasted face photo's side
GREY = 128

Pair = tuple[np.ndarray, np.ndarray]  # uint8 RGB image, bool hair mask


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of `mask` >= 0.5 and the boolean `truth`; 1 when both are empty."""
    hair = mask >= 0.5
    union = np.logical_or(hair, truth).sum()
    return float(np.logical_and(hair, truth).sum() / union) if union else 1.0


def pairs(folder: Path, limit: int | None, rng: np.random.Generator) -> list[Path]:
    """Image paths of `folder`/images that have a mask, a seeded random sample of `limit` (None: all)."""
    images = sorted(p for p in (folder / "images").iterdir() if (folder / "masks" / f"{p.stem}.png").is_file())
    if limit is not None and limit < len(images):
        images = [images[i] for i in sorted(rng.choice(len(images), limit, replace=False))]
    return images


def load(path: Path) -> Pair:
    image = read_rgb(path)
    return image, read_mask(path.parent.parent / "masks" / f"{path.stem}.png", image.shape[:2]) >= 0.5


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

    def wide() -> Iterator[Pair]:
        placement = np.random.default_rng(seed + 1)
        return (widen(load(p), placement) for p in lfw)

    return {
        "tight": lambda: (load(p) for p in lfw),
        "wide": wide,
        "hair-only": lambda: (load(p) for p in figaro),
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
    baseline = HairSegmenter(model, SegmenterOptions(framing=False))
    ours = HairSegmenter(model, SegmenterOptions(framing=True))
    rows = []
    for name, make in cases(args.limit, args.seed).items():
        scores: dict[str, list[float]] = {"baseline": [], "ours": []}
        started = time.perf_counter()
        for image, truth in tqdm(make(), desc=name, unit="img", leave=False):
            scores["baseline"].append(iou(baseline.segment(image), truth))
            scores["ours"].append(iou(ours.segment(image), truth))
        base, mine = np.mean(scores["baseline"]), np.mean(scores["ours"])
        rows.append((name, len(scores["ours"]), base, mine, time.perf_counter() - started))
    print(f"provider: {model.provider}; IoU at threshold 0.5; seed {args.seed}")
    print(f"{'case':<10} {'n':>5} {'baseline':>9} {'ours':>7} {'diff':>7} {'ours/base':>9} {'ms/img (both)':>13}")
    for name, count, base, mine, seconds in rows:
        print(
            f"{name:<10} {count:>5} {base:>9.4f} {mine:>7.4f} {100 * (mine - base):>+6.2f}p {mine / base:>9.2f} "
            f"{1000 * seconds / count:>13.0f}"
        )
    ours_by_case = {name: mine for name, _, _, mine, _ in rows}
    print(f"wide / tight (ours): {ours_by_case['wide'] / ours_by_case['tight']:.3f} (target >= 0.90)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
