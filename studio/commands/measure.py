"""`hair-studio measure IMAGE... [--overlay OUT] [--model PATH]`: hair intensity and hair fraction of photos."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from studio.errors import StudioError

OVERLAY_COLOUR = np.array([255, 0, 200], dtype=np.float32)
"""Magenta: stands out against every natural hair and skin colour."""

OVERLAY_OPACITY = 0.55
"""Opacity of the colour where the mask is 1 (it scales with the soft mask)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `measure`."""
    measure = subparsers.add_parser(
        "measure",
        help="segment the hair in photos and print its intensity and coverage",
        description="Segment the hair in each IMAGE and print its hair intensity (mask-weighted mean Rec.709 "
        "luma of the pixels whose mask is >= 0.5, in [0, 1]; the value presets record for their references) "
        "and its hair fraction (share of pixels whose mask is >= 0.5).",
    )
    measure.add_argument("images", type=Path, nargs="+", metavar="IMAGE", help="photos (PNG, JPEG, ...)")
    measure.add_argument(
        "--overlay",
        "-o",
        type=Path,
        metavar="OUT",
        help="write the mask over the photo in magenta: with one IMAGE, OUT is the PNG file to write; with "
        "several (or when OUT is an existing folder), OUT is a folder, created if needed, that receives "
        "STEM_overlay.png for each IMAGE",
    )
    measure.add_argument(
        "--model",
        type=Path,
        metavar="PATH",
        help="converted hair model .onnx (default: the one `hair-studio models fetch` installed)",
    )
    measure.set_defaults(func=_measure)


def _measure(args: argparse.Namespace) -> int:
    from studio.images import read_rgb, write_image
    from studio.runtime import hair_intensity
    from studio.segmentation.segmenter import HairSegmenter

    targets = overlay_paths(args.images, args.overlay)
    images = [read_rgb(path) for path in args.images]  # every input is checked before the model loads
    with HairSegmenter.create(args.model) as segmenter:
        for path, image, target in zip(args.images, images, targets, strict=True):
            mask = segmenter.segment(image)
            fraction = float(np.mean(mask >= 0.5))
            intensity = f"{hair_intensity(image, mask):.4f}" if fraction > 0 else "n/a (no hair found)"
            line = f"{path}: hair intensity {intensity}, hair fraction {fraction:.4f}"
            if target is not None:
                write_image(target, overlay(image, mask))
                line += f", overlay {target}"
            print(line)
    return 0


def overlay_paths(images: list[Path], out: Path | None) -> list[Path | None]:
    """Where each image's overlay goes (see --overlay); StudioError when two inputs would share one, or when
    OUT cannot be one (no image suffix for a file, a folder that cannot be made)."""
    if out is None:
        return [None] * len(images)
    try:
        if len(images) == 1 and not out.is_dir():
            if not out.suffix:
                raise StudioError("the overlay needs an image suffix such as .png, or give an existing folder", out)
            return [out]
        if out.exists() and not out.is_dir():
            raise StudioError("--overlay must be a folder when measuring several images", out)
        stems = [path.stem for path in images]
        clashing = sorted({stem for stem in stems if stems.count(stem) > 1})
        if clashing:
            raise StudioError(f"several images named {', '.join(clashing)}: their overlays would overwrite each "
                              "other", out)
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a name too long, a read-only folder
        raise StudioError(f"cannot use as the overlay output: {error.strerror or error}", out) from None
    return [out / f"{stem}_overlay.png" for stem in stems]


def overlay(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`image` (uint8 RGB HxWx3) tinted with OVERLAY_COLOUR in proportion to `mask` (HxW in [0, 1])."""
    alpha = (OVERLAY_OPACITY * np.clip(mask, 0.0, 1.0))[..., None]
    tinted = image.astype(np.float32) * (1.0 - alpha) + OVERLAY_COLOUR * alpha
    return np.clip(np.rint(tinted), 0, 255).astype(np.uint8)
