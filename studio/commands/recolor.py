"""`hair-studio recolor INPUT... --preset P [-o OUT]`: photos, folders, videos or a camera through the pipeline.

Masks come from the hair segmenter unless `--mask` gives one (a single photo only). Videos keep their size,
timestamps and sound (PyAV). Every output is written
atomically (a temporary file renamed into place), so a failure never leaves half a file, and an output
never overwrites its own input.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

import cv2
from tqdm import tqdm

from studio.atomic import atomic_path
from studio.errors import StudioError
from studio.images import read_mask, read_rgb, write_image
from studio.resources import preset_path
from studio.runtime import HairPipeline, Segmenter
from studio.sources import CAMERA_PREFIX, IMAGE_SUFFIXES
from studio.video import CONTAINERS, VideoWriter, open_output, probe, recolour_video

VIDEO_SUFFIXES = frozenset(CONTAINERS)
"""Video files recolor reads and writes (by suffix); outputs are H.264 with the input's sound."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `recolor`."""
    recolor = subparsers.add_parser(
        "recolor",
        help="recolour hair in photos, folders of photos, videos or a camera with a preset",
        description="Recolour the hair with a preset: per photo or frame the segmenter finds the hair (or "
        "--mask gives it), its mean intensity picks the blend of the preset's LUTs, which is applied through "
        "the soft mask. INPUT is a photo, several photos, a folder of photos, a video file or camera:N.",
    )
    recolor.add_argument("inputs", type=str, nargs="+", metavar="INPUT",
                         help="photo(s), a folder of photos, a video file, or camera:N")
    recolor.add_argument("--preset", "-p", type=preset_path, required=True,
                         help="preset YAML file, or the name of a shipped preset (e.g. copper)")
    recolor.add_argument("--mask", "-m", type=Path,
                         help="hair mask of a single photo (255 = hair) instead of the segmenter")
    recolor.add_argument("--output", "-o", type=Path, metavar="OUT",
                         help="a photo or video file for one input; an existing folder for several photos or a "
                         "folder (default for those: beside each input as NAME.recoloured.EXT); a video file "
                         "to record a camera")
    recolor.add_argument("--show", action="store_true", help="camera: show the result in a window (q quits)")
    recolor.add_argument("--frames", type=int, default=0, metavar="N", help="camera: stop after N frames")
    recolor.add_argument("--model", type=Path, help="ONNX hair model (default: the one `models fetch` installed)")
    recolor.set_defaults(func=_recolor)


def _recolor(args: argparse.Namespace) -> int:
    inputs = list(args.inputs)
    camera = len(inputs) == 1 and (inputs[0].startswith(CAMERA_PREFIX) or inputs[0].isdigit())
    if camera:
        return _camera(args, inputs[0])
    paths = [Path(text) for text in inputs]
    for path in paths:
        if not path.exists():
            raise StudioError("file not found", path)
    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() in VIDEO_SUFFIXES:
        return _video(args, paths[0])
    photos = _photos(paths)
    if args.mask is not None and len(photos) != 1:
        raise StudioError("--mask goes with a single photo; several photos or a folder use the segmenter")
    outputs = _photo_outputs(photos, args.output, single=len(paths) == 1 and paths[0].is_file())
    segmenter = None if args.mask is not None else _segmenter(args)
    with HairPipeline.create(args.preset, segmenter, video=False) as pipeline:
        for photo, output in tqdm(list(zip(photos, outputs, strict=True)), desc="recolouring", unit="photo",
                                  disable=len(photos) == 1):
            image = read_rgb(photo)
            mask = read_mask(args.mask, image.shape[:2]) if args.mask is not None else None
            result = pipeline.process(image, mask)
            write_image(output, result.frame)
            found = (f"hair intensity {result.intensity:.4f}, t = {result.t:.3f}" if result.intensity is not None
                     else "no hair found: unchanged")
            tqdm.write(f"wrote {output} ({found})")
    return 0


def _photos(paths: list[Path]) -> list[Path]:
    """The photos named, folders expanded to the photos directly inside them (sorted)."""
    photos: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                           and not p.name.startswith(".") and not p.stem.endswith(".recoloured"))
            if not found:
                raise StudioError(f"no photos in the folder ({', '.join(sorted(IMAGE_SUFFIXES))})", path)
            photos += found
        elif path.suffix.lower() in VIDEO_SUFFIXES:
            raise StudioError("a video is recoloured on its own: give it as the only input", path)
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            photos.append(path)
        else:
            raise StudioError(f"not a photo ({', '.join(sorted(IMAGE_SUFFIXES))}), a folder or a video", path)
    return photos


def _photo_outputs(photos: list[Path], output: Path | None, single: bool) -> list[Path]:
    if single and output is not None and not output.is_dir():
        if output.suffix.lower() not in IMAGE_SUFFIXES:
            raise StudioError(f"the output needs a photo suffix ({', '.join(sorted(IMAGE_SUFFIXES))})", output)
        targets = [output]
    elif output is not None:
        if not output.is_dir():
            raise StudioError("for several photos or a folder, -o must be an existing folder", output)
        targets = [output / p.name for p in photos]
    else:
        targets = [p.with_name(f"{p.stem}.recoloured{p.suffix}") for p in photos]
    if len(set(targets)) != len(targets):
        raise StudioError("two inputs would write the same output (same file name in different folders)")
    for photo, target in zip(photos, targets, strict=True):
        if target.resolve() == photo.resolve():
            raise StudioError("the output would overwrite its input", target)
        if not target.parent.is_dir():
            raise StudioError("the folder does not exist", target.parent)
    return targets


def _video(args: argparse.Namespace, source: Path) -> int:
    if args.mask is not None:
        raise StudioError("--mask goes with a single photo; a video uses the segmenter", args.mask)
    output = args.output or source.with_name(f"{source.stem}.recoloured.mp4")
    _check_video_output(output)
    if output.resolve() == source.resolve():
        raise StudioError("the output would overwrite its input", output)
    info = probe(source)
    with HairPipeline.create(args.preset, _segmenter(args)) as pipeline, atomic_path(output) as temp, \
            tqdm(total=info.frames, desc="recolouring", unit="frame") as progress:
        recolour_video(source, temp, lambda rgb: pipeline.process(rgb).frame, progress.update)
        frames = progress.n
    sound = f"; sound copied ({', '.join(info.audio)})" if info.audio else ""
    print(f"wrote {output} ({frames} frames, {info.width}x{info.height} at {info.fps:g} fps{sound})")
    return 0


def _check_video_output(output: Path) -> None:
    if output.suffix.lower() not in CONTAINERS:
        raise StudioError(f"the output needs a video suffix ({', '.join(sorted(CONTAINERS))})", output)
    if output.is_dir():
        raise StudioError("the output is a folder; give a video file name", output)
    if not output.parent.is_dir():
        raise StudioError("the folder does not exist", output.parent)


def _camera(args: argparse.Namespace, spec: str) -> int:
    if args.mask is not None:
        raise StudioError("--mask goes with a single photo; a camera uses the segmenter", args.mask)
    number = int(spec.removeprefix(CAMERA_PREFIX)) if spec.removeprefix(CAMERA_PREFIX).isdigit() else -1
    if number < 0:
        raise StudioError(f"a camera is camera:N with N a number, got {spec!r}")
    if args.output is None and not args.show:
        raise StudioError("a camera needs --show (a window) or -o OUT.mp4 (a recording), or both")
    capture = cv2.VideoCapture(number)
    ok, frame = capture.read() if capture.isOpened() else (False, None)
    if not ok:
        capture.release()
        raise StudioError(f"camera {number} does not open or gives no picture")
    height, width = frame.shape[:2]
    recording = None
    if args.output is not None:
        try:
            _check_video_output(args.output)
        except StudioError:
            capture.release()
            raise
        recording = atomic_path(args.output)
    try:
        with HairPipeline.create(args.preset, _segmenter(args)) as pipeline, \
                (recording if recording is not None else contextlib.nullcontext()) as temp, \
                (open_output(temp) if temp is not None else contextlib.nullcontext()) as container:
            fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
            writer = VideoWriter(container, fps, width, height) if container is not None else None
            with tqdm(total=args.frames or None, desc="camera", unit="frame") as progress:
                while ok:
                    result = pipeline.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
                    if writer is not None:
                        writer.write(result.frame)
                    progress.update()
                    if args.show:
                        cv2.imshow("hair-studio recolor (q quits)", cv2.cvtColor(result.frame, cv2.COLOR_RGB2BGR))
                        if cv2.waitKey(1) & 0xFF == ord("q"):
                            break
                    if args.frames and progress.n >= args.frames:
                        break
                    ok, frame = capture.read()
            if writer is not None:
                writer.finish()
    finally:
        capture.release()
        if args.show:
            cv2.destroyAllWindows()
    return 0


def _segmenter(args: argparse.Namespace) -> Segmenter:
    from studio.segmentation.segmenter import HairSegmenter  # loads ONNX Runtime: only when masks are needed

    return HairSegmenter.create(args.model)
