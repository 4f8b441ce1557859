"""Information only: how cv2.dnn's reading of the .tflite, our ONNX conversion and the NumPy reference
interpreter agree on real photos (hair mask IoU at 0.5), and how each scores against ground-truth masks.

    python benchmarks/compare_cv2_dnn.py [--tflite ../shared/models/hair_segmentation.tflite] [--count 4]

Reads photos from ../shared/data; converts the .tflite into a temporary folder (never into models/).
The reference follows ONNX's pooling choices at ties (see tests/segmentation/tflite_reference.py), and
is also run on its own ("ref alone") to show how far tie-breaking alone moves the mask.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.images import read_mask, read_rgb  # noqa: E402 - after the sys.path line above
from studio.segmentation.convert import convert_tflite_to_onnx  # noqa: E402
from tests.segmentation.pool_guide import OnnxWithPoolChoices  # noqa: E402
from tests.segmentation.tflite_reference import TfliteReference  # noqa: E402

SHARED = ROOT.parent / "shared"
FOLDERS = ("portraits/light", "portraits/dark", "portraits/other", "hairseg/figaro1k/images", "hairseg/lfw/images")


def _photos(count: int) -> list[tuple[str, Path, Path | None]]:
    """Up to `count` photos from each folder, with their ground-truth mask when there is one."""
    chosen = []
    for folder in FOLDERS:
        images = sorted((SHARED / "data" / folder).glob("*.jpg"))[:count]
        for image in images:
            masks = image.parent / "masks" if "portraits" in folder else image.parent.parent / "masks"
            mask = masks / f"{image.stem}.png"
            chosen.append((f"{folder.split('/')[-1]}/{image.name}", image, mask if mask.exists() else None))
    return chosen


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tflite", type=Path, default=SHARED / "models" / "hair_segmentation.tflite")
    parser.add_argument("--count", type=int, default=3, help="photos per folder (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        onnx_file = Path(folder) / "hair_segmentation.onnx"
        convert_tflite_to_onnx(args.tflite, onnx_file)
        onnx_model = OnnxWithPoolChoices(onnx_file)
    reference = TfliteReference(args.tflite)
    net = cv2.dnn.readNet(str(args.tflite))

    header = (
        f"{'photo':34} {'cv2~onnx':>8} {'onnx~ref':>8} {'cv2~ref':>8} {'ref alone':>9} "
        f"{'max|dlogit|':>11} {'GT cv2':>7} {'GT onnx':>7}"
    )
    print(header)
    print("-" * len(header))
    times: dict[str, list[float]] = {"cv2.dnn": [], "onnx": [], "reference": []}
    rows = []
    for label, image_path, mask_path in _photos(args.count):
        rgb = read_rgb(image_path)
        small = cv2.resize(rgb, (512, 512), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
        x = np.concatenate([small, np.zeros((512, 512, 1), np.float32)], axis=-1)[None]

        start = time.perf_counter()
        net.setInput(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # cv2.dnn takes NCHW, answers NCHW
        cv2_logits = net.forward().transpose(0, 2, 3, 1)
        times["cv2.dnn"].append(time.perf_counter() - start)
        start = time.perf_counter()
        onnx_logits, choices = onnx_model.run(x)
        times["onnx"].append(time.perf_counter() - start)
        start = time.perf_counter()
        ref_logits = reference.run(x, pool_choices=choices)
        times["reference"].append(time.perf_counter() - start)
        alone = reference.run(x)

        masks = {
            name: (logits[0, ..., 1] > logits[0, ..., 0])
            for name, logits in (("cv2", cv2_logits), ("onnx", onnx_logits), ("ref", ref_logits), ("alone", alone))
        }
        truth = {}
        if mask_path is not None:
            gt = read_mask(mask_path)
            gt = cv2.resize(gt, (512, 512), interpolation=cv2.INTER_LINEAR) >= 0.5
            truth = {name: _iou(masks[name], gt) for name in ("cv2", "onnx")}
        row = (
            _iou(masks["cv2"], masks["onnx"]),
            _iou(masks["onnx"], masks["ref"]),
            _iou(masks["cv2"], masks["ref"]),
            _iou(masks["alone"], masks["ref"]),
            float(np.abs(onnx_logits - ref_logits).max()),
        )
        rows.append((row, truth))
        gt_text = f"{truth['cv2']:7.3f} {truth['onnx']:7.3f}" if truth else f"{'-':>7} {'-':>7}"
        print(f"{label[:34]:34} {row[0]:8.3f} {row[1]:8.3f} {row[2]:8.3f} {row[3]:9.4f} {row[4]:11.2e} {gt_text}")

    print("-" * len(header))
    mean = np.mean([row for row, _ in rows], axis=0)
    with_truth = [truth for _, truth in rows if truth]
    gt_cv2 = np.mean([t["cv2"] for t in with_truth]) if with_truth else float("nan")
    gt_onnx = np.mean([t["onnx"] for t in with_truth]) if with_truth else float("nan")
    print(
        f"{'mean':34} {mean[0]:8.3f} {mean[1]:8.3f} {mean[2]:8.3f} {mean[3]:9.4f} {mean[4]:11.2e} "
        f"{gt_cv2:7.3f} {gt_onnx:7.3f}"
    )
    print()
    for name, values in times.items():
        # The first call of each includes warm-up; the median is the steady state.
        print(f"{name:10} median {1000 * np.median(values):7.1f} ms per 512x512 frame over {len(values)} photos")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
