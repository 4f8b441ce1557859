"""The live pipeline, timed: segmentation per 720p frame against two baselines, the whole video path in FPS,
and peak memory on a 1080p video. All in one process, interleaved in rounds, best round counts.

- segmentation: HairSegmenter.track (framing, prior, model, temporal blend, mask at frame size) against
  plain onnxruntime on the whole frame stretched to 512x512 (MediaPipe's own pipeline shape, same ONNX
  model, no prior) and cv2.dnn running the .tflite (model only);
- segmentation with the model on every frame (no flow-carried frames), for the before/after of that route;
- end to end: `hair-studio recolor`'s video path (PyAV decode -> HairPipeline.process -> H.264 encode, sound
  copied) on the whole clip, frames per second;
- memory: peak resident set size of the process after the 1080p pass (60 frames of the clip upscaled).

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
from studio.runtime import HairPipeline  # noqa: E402
from studio.segmentation.segmenter import HairSegmenter, SegmenterOptions  # noqa: E402
from studio.video import VideoWriter, open_output, recolour_video  # noqa: E402

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


def end_to_end_fps(video: Path) -> tuple[float, int]:
    """Frames per second and frame count of `hair-studio recolor`'s video path on `video`: PyAV decode ->
    HairPipeline.process -> H.264 encode, sound copied."""
    with tempfile.TemporaryDirectory() as folder, HairPipeline.create(PRESET, HairSegmenter.create()) as pipeline:
        count = [0]

        def counted() -> None:
            count[0] += 1

        started = time.perf_counter()
        recolour_video(video, Path(folder) / "out.mp4", lambda rgb: pipeline.process(rgb).frame, counted)
        return count[0] / (time.perf_counter() - started), count[0]


def upscaled_clip(frames: list[np.ndarray], size: tuple[int, int], path: Path) -> Path:
    """`frames` (RGB) resized to `size` and written to `path` as H.264 at 30 fps."""
    with open_output(path) as container:
        writer = VideoWriter(container, 30, *size)
        for frame in frames:
            writer.write(cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR))
        writer.finish()
    return path


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
        ours, every, plain, anchor = [], [], [], []
        every_frame = HairSegmenter(segmenter.model, SegmenterOptions(segment_every=1))
        for _ in range(args.rounds):
            segmenter.reset()
            every_frame.reset()
            ours.append(time_per_frame(segmenter.track, frames))
            every.append(time_per_frame(every_frame.track, frames))
            plain.append(time_per_frame(whole, frames))
            anchor.append(time_per_frame(dnn, frames))
        provider = segmenter.provider
    print(f"{args.video.name}: {len(frames)} frames of {width}x{height}, best of {args.rounds} rounds, "
          f"segmenter on {provider}")
    print(f"  segmentation, HairSegmenter.track:           {min(ours):7.2f} ms/frame (target <= 15)")
    print(f"  the same with the model on every frame:      {min(every):7.2f} ms/frame")
    print(f"  baseline: onnxruntime, whole frame at 512:   {min(plain):7.2f} ms/frame "
          f"(track is {min(plain) / min(ours):.2f}x its speed)")
    print(f"  baseline: cv2.dnn on the .tflite (model):    {min(anchor):7.2f} ms/frame "
          f"(track is {min(anchor) / min(ours):.2f}x its speed)")
    fps, count = end_to_end_fps(args.video)
    print(f"  end to end {width}x{height}, {count} frames (PyAV decode, segment, recolour, H.264 encode, sound "
          f"copied): {fps:6.1f} FPS (target >= 30)")
    with tempfile.TemporaryDirectory() as folder:
        clip_1080 = upscaled_clip(frames[:60], (1920, 1080), Path(folder) / "1080p.mp4")
        fps_1080, count = end_to_end_fps(clip_1080)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  end to end 1920x1080, {count} frames: {fps_1080:6.1f} FPS; peak RSS of this process {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
