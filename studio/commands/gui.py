"""`hair-studio gui`: the studio window (also what `hair-studio` with no command opens)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from studio.errors import StudioError
from studio.resources import preset_path
from studio.sources import CAMERA_PREFIX

SETTLE_SECONDS = 120.0
"""How long an automated run waits for references, the model and the first bake."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `gui`."""
    gui = subparsers.add_parser(
        "gui", help="open the studio window",
        description="Open the studio: load a light and a dark reference photo, tune a target look for each on a "
        "live preview, save the preset. With --screenshot, render --frames preview frames, save a screenshot "
        "and exit (for automated runs).")
    gui.add_argument("--source", metavar="PATH_OR_CAMERA",
                     help="preview source: a video file (loops), a still image, or camera:N (default: first camera)")
    gui.add_argument("--source-mask", type=Path, metavar="MASK",
                     help="hair mask for a still-image source (default: masks/<stem>.png or <stem>_mask.png beside it, "
                     "else the segmenter)")
    for role in ("light", "dark", "middle"):
        optional = " (optional: a third anchor between dark and light)" if role == "middle" else ""
        gui.add_argument(f"--{role}", type=Path, metavar="IMG", help=f"{role} reference photo{optional}")
        gui.add_argument(f"--{role}-mask", type=Path, metavar="MASK",
                         help=f"hair mask of the {role} reference (default: a mask file beside it, else the segmenter)")
    gui.add_argument("--preset", type=preset_path, metavar="P",
                     help="preset YAML to open, or the name of a shipped preset (e.g. copper)")
    gui.add_argument("--scopes", action="store_true",
                     help="open with the scopes shown (lightness histogram and vectorscope of the hair; Ctrl+K)")
    gui.add_argument("--screenshot", type=Path, metavar="OUT.png", help="save a screenshot after --frames and exit")
    gui.add_argument("--frames", type=int, default=30, metavar="N",
                     help="preview frames to render before the screenshot (default %(default)s)")
    gui.set_defaults(func=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    """Open the window with the command line's files; returns the exit status."""
    from studio.app.view import LaunchOptions

    options = LaunchOptions(**{name: getattr(args, name, None) for name in (
        "source", "source_mask", "light", "light_mask", "dark", "dark_mask", "middle", "middle_mask", "preset")},
        scopes=bool(getattr(args, "scopes", False)))
    for path in (options.source_mask, options.light, options.light_mask, options.dark, options.dark_mask,
                 options.middle, options.middle_mask, options.preset):
        if path is not None and not path.is_file():
            raise StudioError("file not found", path)
    source = options.source
    if source is not None and not (source.startswith(CAMERA_PREFIX) or source.isdigit() or Path(source).is_file()):
        raise StudioError("file not found (a source is a video, a still image or camera:N)", source)
    if getattr(args, "frames", 30) < 1:
        raise StudioError("--frames must be at least 1")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise StudioError("no display: run the studio on a desktop, or under xvfb-run (apt-get install xvfb "
                          "libgl1-mesa-dri libglx-mesa0)")
    from studio.app.view import StudioView

    view = StudioView()
    try:
        view.start(options)
        if getattr(args, "screenshot", None) is None:
            view.run()
            return 0
        return _screenshot_run(view, args.screenshot, args.frames, options.source is not None)
    finally:
        view.close()


def _screenshot_run(view: object, path: Path, frames: int, has_source: bool) -> int:
    """Wait for the setup to settle, render `frames` preview frames, save the screenshot, print the stats."""
    view.wait_until(view.settled, SETTLE_SECONDS)
    if has_source:  # until the first preview is on screen, or the source failed to open
        view.wait_until(lambda: view.preview_in_sync() or view.preview.worker is None, SETTLE_SECONDS)
    if view.preview.is_live:
        target = view.preview.stats.frames_shown + frames
        view.wait_until(lambda: view.preview.stats.frames_shown >= target and view.preview_in_sync(), SETTLE_SECONDS)
    else:  # no source, or a still image shown once: render window frames
        for _ in range(frames):
            view.step(draw=True)
    view.screenshot(path)
    print(f"wrote {path} | {view.preview.description} | {view.preview.stats.summary()} | "
          f"provider: {view.provider_text(None)}")
    return 0
