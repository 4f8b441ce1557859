"""Milliseconds per frame of HairSegmenter.track against OpenCV's DNN running the same .tflite, same process.

OpenCV's `cv2.dnn.readNet(tflite)` is the speed anchor (its masks are less accurate; see ARCHITECTURE.md):
it is timed on the model alone (input blob, forward). `track` is timed whole: face framing, prior, model,
certainty blend and mask at frame size. Frames are decoded before timing. The two run interleaved in
rounds so that load from other processes hits both alike. Run:
python benchmarks/bench_segmenter.py [--video PATH] [--model ONNX] [--tflite PATH] [--frames N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from studio.segmentation.segmenter import HairSegmenter

SHARED = Path(__file__).resolve().parents[2] / "shared"
VIDEO = SHARED / "data" / "videos" / "webcam" / "liveportrait_d10.mp4"
TFLITE = SHARED / "models" / "hair_segmentation.tflite"


def read_frames(path: Path, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while len(frames) < count:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(np.ascontiguousarray(bgr[..., ::-1]))
    capture.release()
    if not frames:
        raise SystemExit(f"cannot read frames from {path}")
    return frames


class OpenCvDnn:
    """The anchor: the .tflite through cv2.dnn, input as MediaPipe feeds it (RGB / 255, empty prior), NCHW."""

    def __init__(self, tflite: Path) -> None:
        self.net = cv2.dnn.readNet(str(tflite))
        self.blob = np.zeros((1, 4, 512, 512), np.float32)

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        rgb = cv2.resize(frame, (512, 512), interpolation=cv2.INTER_AREA) if frame.shape[:2] != (512, 512) else frame
        self.blob[0, :3] = rgb.transpose(2, 0, 1) * np.float32(1 / 255)
        self.net.setInput(self.blob)
        return self.net.forward()


def time_per_frame(run, frames: list[np.ndarray]) -> float:
    """Mean milliseconds per frame of `run` over `frames`."""
    started = time.perf_counter()
    for frame in frames:
        run(frame)
    return 1000 * (time.perf_counter() - started) / len(frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=VIDEO)
    parser.add_argument("--model", type=Path, default=None, help="converted .onnx (default: the fetched model)")
    parser.add_argument("--tflite", type=Path, default=TFLITE, help="the .tflite for OpenCV's DNN")
    parser.add_argument("--frames", type=int, default=150, help="frames to time (default 150)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best round counts")
    args = parser.parse_args(argv)
    frames = read_frames(args.video, args.frames + 10)
    warmup, frames = frames[:10], frames[10:]
    anchor = OpenCvDnn(args.tflite)
    with HairSegmenter.create(args.model) as segmenter:
        for frame in warmup:
            anchor(frame)
            segmenter.track(frame)
        ours, theirs = [], []
        for _ in range(args.rounds):
            segmenter.reset()
            theirs.append(time_per_frame(anchor, frames))
            ours.append(time_per_frame(segmenter.track, frames))
        provider = segmenter.provider
    h, w = frames[0].shape[:2]
    print(f"{args.video.name}: {len(frames)} frames of {w}x{h}, best of {args.rounds} rounds; ours on {provider}")
    print(f"  cv2.dnn (.tflite, model only): {min(theirs):7.2f} ms/frame")
    print(f"  HairSegmenter.track (all):     {min(ours):7.2f} ms/frame")
    print(f"  speed-up: {min(theirs) / min(ours):.2f}x (target >= 1x, aim 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
