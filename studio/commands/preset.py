"""`hair-studio preset validate|new|sheet`."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.atomic import is_temporary
from studio.bake import bake_preset
from studio.errors import PresetError
from studio.preset_writer import save_preset
from studio.runtime import LUT_SIZES, Look
from studio.runtime.preset import validate

_LOOK_CONTROLS = {
    "strength": "0 keeps the original, 1 applies the look fully (default %(default)s)",
    "texture": "how much original lightness variation survives, 0-1 (default %(default)s)",
    "shine": "highlight lift above the reference, 0-1 (default %(default)s)",
    "saturation": "chroma multiplier on the target, 0-2 (default %(default)s)",
}
_ROLES = ("dark", "light")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `preset validate`, `preset new` and `preset sheet`."""
    preset = subparsers.add_parser("preset", help="create, check and preview presets",
                                   description="Create, check and preview hair-colour presets.")
    commands = preset.add_subparsers(dest="preset_command", metavar="ACTION", required=True)

    check = commands.add_parser("validate", help="check preset files or folders",
                                description="Check presets (YAML files, or folders of them). Prints every problem "
                                "with its file; exits 0 only when all are valid.")
    check.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="preset YAML files or folders")
    check.set_defaults(func=_validate)

    new = commands.add_parser("new", help="bake a preset from two intensities and two looks",
                              description="Bake a preset from a dark and a light reference: each reference's mean "
                              "hair intensity (Rec.709 luma in [0, 1], as `hair-studio measure` prints it) and the "
                              "target look for it. Writes the YAML and its PNG LUTs beside it.")
    new.add_argument("name", help="preset name, e.g. 'Copper'")
    new.add_argument("--output", "-o", type=Path, required=True, help="preset YAML to write")
    new.add_argument("--size", type=int, choices=LUT_SIZES, default=33, help="LUT points per axis (default 33)")
    new.add_argument("--bits", type=int, choices=(8, 16), default=16, help="PNG LUT bit depth (default 16)")
    new.add_argument("--description", default="", help="one line shown to artists")
    defaults = Look()
    for role in _ROLES:
        group = new.add_argument_group(f"{role} reference")
        group.add_argument(f"--{role}-intensity", type=float, required=True, metavar="Y",
                           help=f"mean hair intensity of the {role} reference, 0-1")
        group.add_argument(f"--{role}-color", required=True, metavar="#RRGGBB", help="target hair colour")
        for control, text in _LOOK_CONTROLS.items():
            group.add_argument(f"--{role}-{control}", type=float, default=getattr(defaults, control), help=text)
    new.set_defaults(func=_new)

    sheet = commands.add_parser("sheet", help="render a contact sheet of presets on a test image",
                                description="Render every preset in a folder on a test image, one labelled tile "
                                "each. The default test image is the project's own reference swatches.")
    sheet.add_argument("folder", type=Path, nargs="?", default=None, metavar="PRESETS_DIR",
                       help="folder of preset YAML files (default: the shipped lut_presets/)")
    sheet.add_argument("--output", "-o", type=Path, required=True, help="PNG to write")
    sheet.add_argument("--image", type=Path, help="test image (needs --mask)")
    sheet.add_argument("--mask", type=Path, help="hair mask of the test image (255 = hair)")
    sheet.add_argument("--columns", type=int, default=3, help="tiles per row (default 3)")
    sheet.set_defaults(func=_sheet)


def preset_files(paths: list[Path]) -> list[Path]:
    """The preset YAML files named by `paths` (files as given, folders searched recursively), sorted. In folders,
    the project's temporary files and folders (debris of an interrupted save or build) are skipped."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for pattern in ("*.yaml", "*.yml") for p in path.rglob(pattern)
                           if not any(is_temporary(part) for part in p.relative_to(path).parts))
            if not found:
                raise PresetError("no preset files (*.yaml) in this folder", path)
            files += found
        else:
            files.append(path)
    return files


def _validate(args: argparse.Namespace) -> int:
    failures = 0
    for path in preset_files(args.paths):
        problems = validate(path)
        if problems:
            failures += 1
            for problem in problems:
                print(f"{path}: {problem}")
        else:
            print(f"{path}: ok")
    return 1 if failures else 0


def _new(args: argparse.Namespace) -> int:
    references = []
    for role in _ROLES:
        options = {control: getattr(args, f"{role}_{control}") for control in _LOOK_CONTROLS}
        try:
            look = Look(target=getattr(args, f"{role}_color"), **options)
        except ValueError as error:
            raise PresetError(f"{role} look: {error}") from None
        references.append((getattr(args, f"{role}_intensity"), look))
    if not references[0][0] < references[1][0]:
        raise PresetError(f"the dark reference intensity ({references[0][0]}) must be below the light one "
                          f"({references[1][0]})")
    try:
        preset = bake_preset(args.name, references, size=args.size, description=args.description)
    except ValueError as error:
        raise PresetError(str(error)) from None
    save_preset(preset, args.output, bits=args.bits)
    print(f"wrote {args.output} and {', '.join(preset.lut_files)}")
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from studio import sheet  # renders with OpenCV; imported only for this command
    from studio.images import read_mask, read_rgb, write_image

    if (args.image is None) != (args.mask is None):
        raise PresetError("--image and --mask go together")
    if args.image is None:
        image, mask = sheet.default_test_image()
    else:
        image = read_rgb(args.image)
        mask = read_mask(args.mask, image.shape[:2])
    folder = args.folder or sheet.SHIPPED_PRESETS
    contact = sheet.render_sheet(preset_files([folder]), image, mask, columns=args.columns)
    write_image(args.output, contact)
    print(f"wrote {args.output}")
    return 0
