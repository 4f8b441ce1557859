"""The studio's live preview, timed: frames shown per second on a 720p clip in the real window, against the
same pipeline run without the window in the same process.

Opens the studio (needs a display: run under `xvfb-run -a -s "-screen 0 1600x1000x24"`) with the shipped
copper preset and the project's reference swatches, previews the clip, and counts the preview frames shown
over `--seconds` once the preview runs; reports the average FPS, the preview worker's stage times and the
share of the main thread spent drawing the window. The baseline is HairPipeline on the same frames, alone.
Run: xvfb-run -a -s "-screen 0 1600x1000x24" python benchmarks/bench_studio.py [--video PATH] [--seconds S]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_segmenter import read_frames  # noqa: E402
from studio.runtime import HairPipeline  # noqa: E402
from studio.segmentation.segmenter import HairSegmenter  # noqa: E402

VIDEO = ROOT.parent / "shared" / "data" / "videos" / "webcam" / "liveportrait_s32.mp4"
PRESET = ROOT / "lut_presets" / "copper.yaml"
REFERENCES = ROOT / "reference_images"


def studio_fps(video: Path, seconds: float, scopes: bool = False) -> tuple[float, str, float]:
    """Average preview FPS in the studio over `seconds` (with the scopes shown when `scopes`), its stats line,
    and the main thread's drawing share."""
    import dearpygui.dearpygui as dpg

    from studio.app.view import LaunchOptions, StudioView

    view = StudioView()
    try:
        view.start(LaunchOptions(source=str(video), preset=PRESET, dark=REFERENCES / "dark.png",
                                 light=REFERENCES / "light.png", scopes=scopes))
        view.wait_until(view.settled, 60)
        view.wait_until(view.preview_in_sync, 60)
        drawing = drawing_cpu = 0.0
        draws = 0
        original = dpg.render_dearpygui_frame

        def timed_render() -> None:
            nonlocal drawing, drawing_cpu, draws
            start, cpu = time.perf_counter(), time.thread_time()
            original()
            drawing += time.perf_counter() - start
            drawing_cpu += time.thread_time() - cpu
            draws += 1

        dpg.render_dearpygui_frame = timed_render
        try:
            shown, started, cpu_before = view.preview.stats.frames_shown, time.perf_counter(), thread_cpu()
            view.wait_until(lambda: False, seconds)
            elapsed = time.perf_counter() - started
            fps = (view.preview.stats.frames_shown - shown) / elapsed
            cpu = {name: (used - cpu_before.get(name, 0.0)) / elapsed for name, used in thread_cpu().items()}
        finally:
            dpg.render_dearpygui_frame = original
        latency = edit_latency(view, repeats=5)
        print(f"  an edit to the screen (light target colour changed while the clip plays): median "
              f"{1e3 * float(np.median(latency)):.0f} ms, worst {1e3 * max(latency):.0f} ms")
        busiest = sorted(cpu.items(), key=lambda item: -item[1])[:6]
        print("  CPU by thread (cores): " + ", ".join(f"{name} {share:.2f}" for name, share in busiest)
              + f"; all {sum(cpu.values()):.2f} of {os.cpu_count()}")
        print(f"  window redraws: {draws / elapsed:.1f} a second, {1e3 * drawing / max(draws, 1):.1f} ms each "
              f"({1e3 * drawing_cpu / max(draws, 1):.1f} ms of it on the main thread's CPU)")
        return fps, view.preview.stats.summary(), drawing / elapsed
    finally:
        view.close()


def edit_latency(view: object, repeats: int) -> list[float]:
    """Seconds from changing the light target colour through its widget's callback until a preview frame
    rendered with the new look is on screen, `repeats` times with different colours."""
    import dearpygui.dearpygui as dpg

    colour = view.panels["light"].colour
    seconds = []
    for index in range(repeats):
        value = [200.0, 60.0 + 30 * index, 40.0, 255.0]
        started = time.perf_counter()
        dpg.set_value(colour, value)
        dpg.get_item_callback(colour)(colour, [v / 255.0 for v in value], dpg.get_item_user_data(colour))
        view.wait_until(view.preview_in_sync, 30)
        seconds.append(time.perf_counter() - started)
        view.wait_until(lambda: False, 0.3)
    return seconds


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by this process's threads, summed by thread name (Linux /proc; else empty)."""
    used: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for task in Path("/proc/self/task").glob("*"):
        try:
            name = (task / "comm").read_text().strip().rstrip("0123456789:-_ ") or "?"
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def pipeline_fps(video: Path, frames: int) -> float:
    """Frames per second of HairPipeline.process alone on the clip's first `frames` frames."""
    clip = read_frames(video, frames)
    with HairPipeline.create(PRESET, HairSegmenter.create()) as pipeline:
        for frame in clip[:10]:
            pipeline.process(frame)
        pipeline.reset()
        started = time.perf_counter()
        for frame in clip:
            pipeline.process(frame)
        return len(clip) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=VIDEO, help="a 720p clip (default: liveportrait_s32)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to count frames (default 10)")
    parser.add_argument("--scopes", action="store_true", help="show the scopes (hair histogram, vectorscope)")
    args = parser.parse_args(argv)
    alone = pipeline_fps(args.video, 120)
    fps, summary, drawing = studio_fps(args.video, args.seconds, args.scopes)
    print(f"{args.video.name}, {args.seconds:g} s of preview{' with the scopes shown' if args.scopes else ''}")
    print(f"  studio preview:          {fps:6.1f} FPS (target >= 25); {summary}")
    print(f"  main thread drawing:     {100 * drawing:5.1f}% of the time")
    print(f"  pipeline alone:          {alone:6.1f} FPS (the studio runs at {fps / alone:.2f}x of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
