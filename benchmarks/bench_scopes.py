"""What the studio's hair scopes cost per frame: `studio.app.scopes.measure_hair` on real 720p frames, their
segmenter masks and their copper recolour (the preview worker measures once every 0.2 s while a clip plays).

Run: python benchmarks/bench_scopes.py [--video PATH] [--frames N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_segmenter import read_frames  # noqa: E402
from studio.app.scopes import measure_hair  # noqa: E402
from studio.runtime import HairPipeline  # noqa: E402
from studio.segmentation.segmenter import HairSegmenter  # noqa: E402

VIDEO = ROOT.parent / "shared" / "data" / "videos" / "webcam" / "liveportrait_s32.mp4"
PRESET = ROOT / "lut_presets" / "copper.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=VIDEO, help="a clip (default: liveportrait_s32, 720p)")
    parser.add_argument("--frames", type=int, default=40, help="frames to measure (default 40)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per frame (default 5)")
    args = parser.parse_args(argv)
    frames = read_frames(args.video, args.frames)
    with HairPipeline.create(PRESET, HairSegmenter.create()) as pipeline:
        results = [(frame, pipeline.process(frame)) for frame in frames]
    shares = []
    for scopes in (False, True):
        times = []
        for frame, result in results:
            for _ in range(args.repeats):
                start = time.perf_counter()
                measured = measure_hair(frame, result.frame, result.mask, scopes)
                times.append((time.perf_counter() - start) * 1e3)
            shares.append(measured.hair_share)
        what = "colour + scopes" if scopes else "colour only    "
        print(f"{args.video.name} {frames[0].shape[1]}x{frames[0].shape[0]}, {what}: median "
              f"{np.median(times):.2f} ms, 90th percentile {np.percentile(times, 90):.2f} ms")
    print(f"  hair: {100 * np.mean(shares):.0f}% of the frame on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
