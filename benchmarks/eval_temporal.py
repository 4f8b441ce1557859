"""Flicker, accuracy and recovery of HairSegmenter.track on the lfw_motion clips, against independent frames.

Each clip (../shared/data/videos/lfw_motion_N: 150 frames, 512x512) shows a face moved by a smooth camera path;
frames 70-89 are empty background (the person leaves), frame 90 cuts to another person. Modes:
- independent: every frame segmented alone (`segment`: empty prior, no blend), the baseline;
- mediapipe:   MediaPipe's scheme: previous mask as prior at full weight + certainty blend (ratio 0.9),
               no cut detection;
- every frame: `track` running the model on every frame (prior at half weight + blend + cut detection);
- track:       `track` as shipped: the same, with the model on every second frame and the mask carried along
               the optical flow in between.
Metrics: mean IoU over all frames (threshold 0.5; an empty mask on an empty frame scores 1), flicker = mean
absolute change of the soft mask between consecutive frames (event frames excluded; the ground truth's own
change is shown for reference), and frames to recover after each event: the first frame from the event on
whose IoU is within 0.05 of the independent mode's. Run: python benchmarks/eval_temporal.py [--model PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from studio.segmentation.face_region import FacePrior
from studio.segmentation.faces import FaceLandmarker
from studio.segmentation.hair_model import OnnxHairModel
from studio.segmentation.segmenter import HairSegmenter, SegmenterOptions

VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "videos"
RECOVERED_WITHIN = 0.05  # IoU points below the independent mode that still count as recovered


def load_clip(folder: Path) -> tuple[list[np.ndarray], np.ndarray, list[int]]:
    """RGB frames, ground-truth masks (bool, frames x 512 x 512) and event frame indices of one clip."""
    capture = cv2.VideoCapture(str(folder / "clip.mp4"))
    frames = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(np.ascontiguousarray(bgr[..., ::-1]))
    capture.release()
    truth = np.unpackbits(np.load(folder / "masks.npz")["masks"], axis=-1)[..., :512].astype(bool)
    events = [int(frame) for frame, _ in json.loads((folder / "events.json").read_text())["events"]]
    return frames, truth[: len(frames)], events


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    hair = mask >= 0.5
    union = np.logical_or(hair, truth).sum()
    return float(np.logical_and(hair, truth).sum() / union) if union else 1.0


def flicker(masks: np.ndarray, events: list[int]) -> float:
    """Mean absolute change between consecutive masks (values in [0, 1]), skipping changes into event frames."""
    changes = np.abs(np.diff(masks.astype(np.float32), axis=0)).mean(axis=(1, 2))
    keep = np.ones(len(changes), bool)
    keep[[e - 1 for e in events if 0 < e <= len(changes)]] = False
    return float(changes[keep].mean())


def recovery(scores: np.ndarray, reference: np.ndarray, event: int) -> int:
    """Frames from `event` until `scores` first come within RECOVERED_WITHIN of `reference` (-1: never)."""
    ok = np.flatnonzero(scores[event:] >= reference[event:] - RECOVERED_WITHIN)
    return int(ok[0]) if ok.size else -1


def run_mode(model: OnnxHairModel, face_prior: FacePrior, mode: str, frames: list[np.ndarray]) -> np.ndarray:
    """Masks of `frames` by one mode: independent stills, MediaPipe's live graph, our tracking with the model on
    every frame, our tracking as shipped, and as shipped but without the face prior."""
    face_prior.reset()
    if mode == "independent":
        segmenter = HairSegmenter(model, face_prior=face_prior)
        return np.stack([segmenter.segment(frame) for frame in frames])
    options = {
        "mediapipe": SegmenterOptions(scene_change=1.0, prior_weight=1.0, segment_every=1, refine=False),
        "every frame": SegmenterOptions(segment_every=1),
        "track": SegmenterOptions(),
        "no face": SegmenterOptions(),
    }[mode]
    segmenter = HairSegmenter(model, options, None if mode in ("mediapipe", "no face") else face_prior)
    return np.stack([segmenter.track(frame) for frame in frames])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="converted .onnx (default: the fetched model)")
    parser.add_argument("--clips", type=int, default=4, help="how many lfw_motion clips to use (default 4)")
    args = parser.parse_args(argv)
    if args.model is None:
        from studio.segmentation.manifest import onnx_path

        args.model = onnx_path()
    model = OnnxHairModel.load(args.model)
    face_prior = FacePrior(FaceLandmarker.create(args.model.parent))
    modes = ("independent", "mediapipe", "every frame", "no face", "track")
    print(f"provider: {model.provider}")
    print(f"{'clip':<15} {'mode':<12} {'IoU':>6} {'flicker':>8} {'truth fl.':>9} {'rec. leave':>10} {'rec. cut':>8}")
    totals: dict[str, list[tuple[float, float, int, int]]] = {mode: [] for mode in modes}
    for folder in sorted(VIDEOS.glob("lfw_motion_*"))[: args.clips]:
        frames, truth, events = load_clip(folder)
        truth_flicker = flicker(truth, events)
        reference = None
        for mode in modes:
            masks = run_mode(model, face_prior, mode, frames)
            scores = np.array([iou(m, t) for m, t in zip(masks, truth, strict=True)])
            reference = scores if reference is None else reference
            leave, cut = (recovery(scores, reference, event) for event in events[:2])
            row = (float(scores.mean()), flicker(masks, events), leave, cut)
            totals[mode].append(row)
            print(
                f"{folder.name:<15} {mode:<12} {row[0]:>6.4f} {row[1]:>8.5f} {truth_flicker:>9.5f} {leave:>10} {cut:>8}"
            )
    print("mean over clips (recovery: worst clip, in frames):")
    for mode in modes:
        rows = np.array(totals[mode])
        base = np.array(totals["independent"])
        print(
            f"  {mode:<12} IoU {rows[:, 0].mean():.4f}  flicker {rows[:, 1].mean():.5f} "
            f"({rows[:, 1].mean() / base[:, 1].mean():.2f}x independent)  "
            f"recover after leave {int(rows[:, 2].max())}, after cut {int(rows[:, 3].max())}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
