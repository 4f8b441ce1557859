"""`hair-studio recolor IMAGE --preset P --mask MASK -o OUT`: apply a preset to a photo."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.images import read_mask, read_rgb, write_image
from studio.runtime import Recolorizer


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `recolor`."""
    recolor = subparsers.add_parser(
        "recolor",
        help="recolour the hair in a photo with a preset",
        description="Recolour the hair in IMAGE with a preset: the hair's mean intensity picks the blend "
        "of the preset's LUTs, which is applied where the mask says hair.",
    )
    recolor.add_argument("image", type=Path, metavar="IMAGE", help="photo to recolour (PNG, JPEG, ...)")
    recolor.add_argument("--preset", "-p", type=Path, required=True, help="preset YAML file")
    recolor.add_argument("--mask", "-m", type=Path, required=True,
                         help="hair mask image of the same size (255 = hair, soft edges allowed)")
    recolor.add_argument("--output", "-o", type=Path, required=True, metavar="OUT", help="image to write")
    recolor.set_defaults(func=_recolor)


def _recolor(args: argparse.Namespace) -> int:
    recolorizer = Recolorizer.from_file(args.preset)
    image = read_rgb(args.image)
    mask = read_mask(args.mask, image.shape[:2])
    write_image(args.output, recolorizer(image, mask))
    print(f"wrote {args.output} (hair intensity {recolorizer.intensity:.4f}, t = {recolorizer.t:.3f})"
          if recolorizer.intensity is not None else f"wrote {args.output} (no hair in the mask: unchanged)")
    return 0
