"""`hair-studio pack build|validate`: LUT packs for apps."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.errors import StudioError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `pack build` and `pack validate`."""
    from studio.layouts import EXPORT_LAYOUTS, LAYOUTS  # needed for the choices and their help

    pack = subparsers.add_parser("pack", help="build and check LUT packs for apps",
                                 description="Build and check LUT packs: presets, their LUTs in the texture layouts "
                                 "apps expect, .cube files, thumbnails, the GLSL shader and JSON Schemas.")
    commands = pack.add_subparsers(dest="pack_command", metavar="ACTION", required=True)

    layouts = "; ".join(f"{name}: {LAYOUTS[name].platforms}" for name in EXPORT_LAYOUTS)
    build = commands.add_parser("build", help="build a pack from a folder of presets",
                                description="Build a pack (a .zip, or a new folder) from the presets in PRESETS_DIR. "
                                "Each preset's YAML and PNG strips go in as they are, plus a .cube file and the "
                                f"requested texture layouts per anchor, and a thumbnail. Layouts: {layouts}.")
    build.add_argument("folder", type=Path, metavar="PRESETS_DIR", help="folder of preset YAML files")
    build.add_argument("--output", "-o", type=Path, required=True, help="PACK.zip, or a folder that does not exist")
    build.add_argument("--name", help="pack name (default: the folder's name)")
    build.add_argument("--version", dest="pack_version", default="1.0.0", help="pack version (default 1.0.0)")
    build.add_argument("--layout", action="append", default=[], choices=[*EXPORT_LAYOUTS, "all"],
                       help="extra texture layout per anchor (Unity: strip32-flipped); repeat for more, 'all' for "
                       "every one")
    build.add_argument("--bits", type=int, action="append", choices=(8, 16),
                       help="PNG depth; repeat for both (default 16)")
    build.add_argument("--image", type=Path, help="test image for the thumbnails (needs --mask; default: the "
                       "project's reference swatches)")
    build.add_argument("--mask", type=Path, help="hair mask of the test image (255 = hair)")
    build.set_defaults(func=_build)

    check = commands.add_parser("validate", help="check packs",
                                description="Check packs (zips or folders): manifest schema, checksums, every preset, "
                                "every LUT file, safe member names, size limits. Prints each problem; exits 0 only "
                                "when all packs are valid.")
    check.add_argument("packs", type=Path, nargs="+", metavar="PACK", help="pack .zip files or folders")
    check.set_defaults(func=_validate)


def _build(args: argparse.Namespace) -> int:
    from studio.commands.preset import preset_files
    from studio.images import read_mask, read_rgb
    from studio.layouts import EXPORT_LAYOUTS
    from studio.pack import build_pack
    from studio.pack_archive import PackError

    if (args.image is None) != (args.mask is None):
        raise PackError("--image and --mask go together")
    if args.image is None:
        from studio.sheet import default_test_image

        image, mask = default_test_image()
    else:
        image = read_rgb(args.image)
        mask = read_mask(args.mask, image.shape[:2])
    layouts = EXPORT_LAYOUTS if "all" in args.layout else args.layout
    manifest = build_pack(preset_files([args.folder]), args.output, image, mask,
                          name=args.name or args.folder.resolve().name, version=args.pack_version,
                          layouts=layouts, bits=args.bits or [16], progress=True)
    print(f"wrote {args.output}: {len(manifest['presets'])} presets, {len(manifest['files'])} files")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from studio.pack import validate_pack

    failures = 0
    for path in args.packs:
        try:
            problems = validate_pack(path)
        except StudioError as error:  # e.g. an unreadable image inside: report it against this pack
            problems = [str(error)]
        for problem in problems:
            print(f"{path}: {problem}")
        if problems:
            failures += 1
        else:
            print(f"{path}: ok")
    return 1 if failures else 0
