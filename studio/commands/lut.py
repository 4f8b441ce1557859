"""`hair-studio lut convert IN OUT`: between the PNG strip and .cube formats."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.lut_files import read_lut, write_lut


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `lut convert`."""
    lut = subparsers.add_parser("lut", help="convert LUT files", description="Work with 3D LUT files.")
    commands = lut.add_subparsers(dest="lut_command", metavar="ACTION", required=True)
    convert = commands.add_parser(
        "convert",
        help="convert between .png strip and .cube",
        description="Convert a 3D LUT between the PNG strip (width N*N, height N, x = r + N*b, y = g) "
        "and .cube (DaVinci Resolve, Photoshop). The format is chosen by each file's suffix.",
    )
    convert.add_argument("source", type=Path, metavar="IN", help="LUT to read (.png or .cube)")
    convert.add_argument("target", type=Path, metavar="OUT", help="LUT to write (.png or .cube)")
    convert.add_argument("--bits", type=int, choices=(8, 16), default=16, help="PNG bit depth (default 16)")
    convert.set_defaults(func=_convert)


def _convert(args: argparse.Namespace) -> int:
    lut = read_lut(args.source)
    write_lut(lut, args.target, bits=args.bits)
    print(f"wrote {args.target} ({lut.size}-point LUT)")
    return 0
