"""The live pipeline, timed: segmentation per 720p frame against two baselines, the whole video path in FPS,
and peak memory on a 1080p video. All in one process, interleaved in rounds, best round counts.

- segmentation: HairSegmenter.track (framing, prior, model, temporal blend, mask at frame size) against
  plain onnxruntime on the whole frame stretched to 512x512 (MediaPipe's own pipeline shape, same ONNX
  model, no prior) and cv2.dnn running the .tflite (model only);
- end to end: decode (OpenCV) -> HairPipeline.process -> encode (OpenCV, mp4v), frames per second;
- memory: peak resident set size of the process after running the 1080p pass (the clip upscaled to 1080p).

Reports the execution provider; on a machine with a CUDA GPU and onnxruntime-gpu the segmenter uses it.
Run: python benchmarks/bench_pipeline.py [--video PATH] [--frames N] [--rounds R]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_segmenter import OpenCvDnn, read_frames, time_per_frame  # noqa: E402
from studio.pipeline import HairPipeline  # noqa: E402
from studio.segmentation.segmenter import HairSegmenter  # noqa: E402

SHARED = ROOT.parent / "shared"
VIDEO = SHARED / "data" / "videos" / "webcam" / "liveportrait_s32.mp4"  # 1280x720
TFLITE = SHARED / "models" / "hair_segmentation.tflite"
PRESET = ROOT / "lut_presets" / "copper.yaml"


class WholeFrameOnnx:
    """Baseline: the frame stretched to 512x512, no prior, the ONNX model through onnxruntime."""

    def __init__(self, segmenter: HairSegmenter) -> None:
        self.model = segmenter.model

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        small = cv2.resize(frame, (512, 512), interpolation=cv2.INTER_AREA)
        return cv2.resize(self.model(small, None), frame.shape[1::-1], interpolation=cv2.INTER_LINEAR)


def end_to_end_fps(video: Path, frames: int, size: tuple[int, int] | None) -> float:
    """Frames per second of decode -> pipeline -> encode over the first `frames` frames (resized to `size`)."""
    capture = cv2.VideoCapture(str(video))
    with tempfile.TemporaryDirectory() as folder, HairPipeline.create(PRESET, HairSegmenter.create()) as pipeline:
        writer = None
        done = 0
        started = time.perf_counter()
        while done < frames:
            ok, bgr = capture.read()
            if not ok:
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            if size is not None:
                bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR)
            if writer is None:
                writer = cv2.VideoWriter(str(Path(folder) / "out.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 30.0,
                                         bgr.shape[1::-1])
            result = pipeline.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            writer.write(cv2.cvtColor(result.frame, cv2.COLOR_RGB2BGR))
            done += 1
        elapsed = time.perf_counter() - started
        writer.release()
    capture.release()
    return done / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=VIDEO, help="a 720p clip (default: liveportrait_s32)")
    parser.add_argument("--frames", type=int, default=120, help="frames to time (default 120)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best counts")
    args = parser.parse_args(argv)
    frames = read_frames(args.video, args.frames + 10)
    warmup, frames = frames[:10], frames[10:]
    height, width = frames[0].shape[:2]
    dnn = OpenCvDnn(TFLITE)
    with HairSegmenter.create() as segmenter:
        whole = WholeFrameOnnx(segmenter)
        for frame in warmup:
            dnn(frame), whole(frame), segmenter.track(frame)
        ours, plain, anchor = [], [], []
        for _ in range(args.rounds):
            segmenter.reset()
            ours.append(time_per_frame(segmenter.track, frames))
            plain.append(time_per_frame(whole, frames))
            anchor.append(time_per_frame(dnn, frames))
        provider = segmenter.provider
    print(f"{args.video.name}: {len(frames)} frames of {width}x{height}, best of {args.rounds} rounds, "
          f"segmenter on {provider}")
    print(f"  segmentation, HairSegmenter.track:           {min(ours):7.2f} ms/frame (target <= 15)")
    print(f"  baseline: onnxruntime, whole frame at 512:   {min(plain):7.2f} ms/frame "
          f"(track is {min(plain) / min(ours):.2f}x its speed)")
    print(f"  baseline: cv2.dnn on the .tflite (model):    {min(anchor):7.2f} ms/frame "
          f"(track is {min(anchor) / min(ours):.2f}x its speed)")
    fps = end_to_end_fps(args.video, len(frames), None)
    print(f"  end to end {width}x{height} (decode, segment, recolour, encode): {fps:6.1f} FPS (target >= 30)")
    fps_1080 = end_to_end_fps(args.video, max(30, len(frames) // 2), (1920, 1080))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  end to end 1920x1080: {fps_1080:6.1f} FPS; peak RSS of this process {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
