"""Speed and accuracy of the fast 3D-LUT apply on a 1280x720 frame.

    python benchmarks/bench_lut.py [--repeat N]

Compares, in one run: `LUT3D.apply` (a baked look, N=33) against colour-science's trilinear `LUT3D.apply`
(the accuracy reference) and a `cv2.LUT` 1D pass (the floor: one table lookup per byte), for uint8 and
float32 frames; then a full `Recolorizer` frame with a 20% hair mask. Prints the median and the best of the
repeats, and the ratios for each (the best run is the least disturbed by other work on the machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.look import bake  # noqa: E402
from studio.runtime import Look  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # colour-science's "Matplotlib not installed" notice
    import colour
    from colour.algebra import table_interpolation_trilinear

WIDTH, HEIGHT = 1280, 720
PORTRAITS = ROOT.parent / "shared" / "data" / "portraits"
TARGETS = {"speed-up vs colour": 100.0, "multiple of 1D floor": 10.0, "error vs colour (levels)": 1.0}


@dataclass(frozen=True)
class Timing:
    """Wall time of repeated calls in milliseconds: the median and the best (least disturbed) run."""

    median: float
    best: float

    def __str__(self) -> str:
        return f"{self.median:9.2f} / {self.best:8.2f} ms"


def time_ms(function: Callable[[], object], repeat: int, warmup: int = 2) -> Timing:
    """Wall time of `function` over `repeat` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000.0)
    return Timing(statistics.median(samples), min(samples))


def load_frame() -> tuple[np.ndarray, str]:
    """A real portrait resized to 1280x720 when ../shared has one, else a deterministic synthetic frame."""
    photos = sorted(PORTRAITS.glob("*/*.jpg")) if PORTRAITS.is_dir() else []
    for path in photos:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is not None:
            rgb = cv2.cvtColor(cv2.resize(bgr, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC), cv2.COLOR_BGR2RGB)
            return rgb, f"real photo {path.relative_to(PORTRAITS.parent)} resized to {WIDTH}x{HEIGHT}"
    return synthetic_frame(), f"synthetic {WIDTH}x{HEIGHT} frame (no photos in {PORTRAITS})"


def synthetic_frame(seed: int = 0) -> np.ndarray:
    """Smooth gradients + blurred noise + fine texture, uint8 RGB, deterministic."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    gradient = np.stack([x / WIDTH, y / HEIGHT, 0.5 + 0.5 * np.sin(x / 97.0 + y / 61.0)], axis=-1)
    blobs = cv2.GaussianBlur(rng.random((HEIGHT, WIDTH, 3)).astype(np.float32), (0, 0), 25)
    blobs = (blobs - blobs.mean()) / (blobs.std() + 1e-6) * 0.15
    strands = 0.08 * np.sin(x / 3.0 + 4.0 * np.sin(y / 40.0))[..., None]
    grain = cv2.GaussianBlur(rng.standard_normal((HEIGHT, WIDTH, 3)).astype(np.float32), (0, 0), 0.8) * 0.03
    frame = np.clip(0.7 * gradient + blobs + strands + grain + 0.1, 0.0, 1.0)
    return np.round(frame * 255).astype(np.uint8)


def hair_mask(fraction: float = 0.2) -> np.ndarray:
    """A soft elliptical mask covering about `fraction` of the frame, float32 HxW in [0, 1]."""
    mask = np.zeros((HEIGHT, WIDTH), np.float32)
    # Ellipse area pi*a*b = fraction * W * H with a = 1.6 b.
    b = int(round(np.sqrt(fraction * WIDTH * HEIGHT / (np.pi * 1.6))))
    cv2.ellipse(mask, (WIDTH // 2, HEIGHT // 3), (int(1.6 * b), b), 0, 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), 8)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_ratios(colour_ms: Timing, floor_ms: Timing, ours: Timing, targets: bool = True) -> None:
    """Speed-up over colour-science and multiple of the 1D floor, for the medians and for the best runs, with the
    verdicts against `LUT3D.apply`'s targets (>= 100x, <= 10x) when `targets`."""
    speed_up = [colour_ms.median / ours.median, colour_ms.best / ours.best]
    multiple = [ours.median / floor_ms.median, ours.best / floor_ms.best]
    speed_verdict = f"target >= 100x   {verdict(speed_up[0] >= 100)} / {verdict(speed_up[1] >= 100)}"
    floor_verdict = f"target <= 10x    {verdict(multiple[0] <= 10)} / {verdict(multiple[1] <= 10)}"
    print(f"    speed-up vs colour-science  {speed_up[0]:8.1f}x / {speed_up[1]:6.1f}x   "
          f"{speed_verdict if targets else ''}".rstrip())
    print(f"    multiple of 1D floor        {multiple[0]:8.1f}x / {multiple[1]:6.1f}x   "
          f"{floor_verdict if targets else ''}".rstrip())


def bench_apply(frame: np.ndarray, repeat: int) -> tuple[Timing, Timing]:
    """Time and check `LUT3D.apply`; returns the baselines (colour-science ms, 1D floor ms)."""
    lut = bake(Look(target="#b87333", shine=0.5), 0.35, size=33)
    reference = colour.LUT3D(table=lut.table.astype(np.float64))
    frame_f32 = (frame / np.float32(255.0)).astype(np.float32)
    frame_f64 = frame.astype(np.float64) / 255.0

    colour_repeat = max(1, min(repeat, 5))  # about half a second per call
    colour_ms = time_ms(
        lambda: reference.apply(frame_f64, interpolator=table_interpolation_trilinear), colour_repeat, warmup=1
    )
    theirs = reference.apply(frame_f64, interpolator=table_interpolation_trilinear)
    theirs_u8 = np.clip(np.round(theirs * 255.0), 0, 255).astype(np.uint8)

    curve = np.round(255.0 * np.linspace(0.0, 1.0, 256) ** 0.8).astype(np.uint8)
    table_1d = np.ascontiguousarray(np.repeat(curve[:, None], 3, axis=1).reshape(256, 1, 3))
    floor_ms = time_ms(lambda: cv2.LUT(frame, table_1d), repeat)

    lut.apply(frame)  # builds and caches the sampler, outside the timing
    ours_ms = time_ms(lambda: lut.apply(frame), repeat)
    ours_f32_ms = time_ms(lambda: lut.apply(frame_f32), repeat)
    error_u8 = int(np.abs(lut.apply(frame).astype(np.int32) - theirs_u8).max())
    error_f32 = float(np.abs(lut.apply(frame_f32) - theirs).max() * 255.0)

    print(f"LUT: baked look N=33; repeats: {repeat} (colour-science: {colour_repeat}); median / best of the repeats")
    print(f"  colour-science LUT3D.apply trilinear (float64) {colour_ms}")
    print(f"  cv2.LUT 1D pass (uint8, the floor)             {floor_ms}")
    print(f"  LUT3D.apply uint8                              {ours_ms}")
    print_ratios(colour_ms, floor_ms, ours_ms)
    print(f"    max error vs colour         {error_u8:8d} levels  target <= 1   {verdict(error_u8 <= 1)}")
    print(f"  LUT3D.apply float32                            {ours_f32_ms}")
    print_ratios(colour_ms, floor_ms, ours_f32_ms)
    print(f"    max error vs colour         {error_f32:8.3f} levels  target <= 1   {verdict(error_f32 <= 1)}")
    return colour_ms, floor_ms


def bench_runtime(frame: np.ndarray, repeat: int, colour_ms: Timing, floor_ms: Timing) -> None:
    """Time a full Recolorizer frame: hair intensity, blended LUT, bounding-box apply and soft composite."""
    from studio.bake import bake_preset
    from studio.runtime import Recolorizer

    preset = bake_preset("Bench", [(0.25, Look(target="#5a2412")), (0.7, Look(target="#e0a070", shine=0.5))], size=33)
    recolorizer = Recolorizer(preset)
    mask = hair_mask(0.2)
    coverage = float((mask >= 0.5).mean())
    out = recolorizer(frame, mask)
    assert out.shape == frame.shape and out.dtype == np.uint8
    steady_ms = time_ms(lambda: recolorizer(frame, mask), repeat)
    positions = iter(np.linspace(0.05, 0.95, 10 * (repeat + 2)))  # a new blend of the two LUTs every frame
    moving_ms = time_ms(lambda: recolorizer(frame, mask, position=next(positions)), repeat)
    print(f"Recolorizer full frame {WIDTH}x{HEIGHT}, hair mask {coverage:.0%} of the frame (>= 0.5), N=33:")
    for label, ms in (("same intensity each frame", steady_ms), ("new LUT blend every frame", moving_ms)):
        print(f"  {label:27s} {ms} ({1000.0 / ms.median:4.0f} fps at the median)")
        print_ratios(colour_ms, floor_ms, ms, targets=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per measurement")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    frame, source = load_frame()
    print(f"frame: {source}")
    print(f"OpenCV {cv2.__version__}, threads {cv2.getNumThreads()}; colour-science {colour.__version__}")
    colour_ms, floor_ms = bench_apply(frame, args.repeat)
    bench_runtime(frame, args.repeat, colour_ms, floor_ms)


if __name__ == "__main__":
    main()
