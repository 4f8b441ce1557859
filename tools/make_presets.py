"""Regenerate the shipped presets (lut_presets/) and the reference swatches they are authored from
(reference_images/). Deterministic: running it twice gives byte-identical files.

    python tools/make_presets.py [--presets DIR] [--references DIR] [--sheet PNG]

Each preset has one look for the dark reference and one for the light reference. A dye lands deeper on
dark hair than on light hair, so the dark look's target is usually a deeper shade of the light one's.
Targets are the colours the hair lands on (saturation 1.0), so what an artist reads is what they get.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(ROOT))

from studio.bake import bake_preset  # noqa: E402
from studio.preset_writer import save_preset, slugify  # noqa: E402
from studio.runtime import Look  # noqa: E402
from studio.swatch import write_references  # noqa: E402

PRESETS_DIR = ROOT / "lut_presets"
REFERENCES_DIR = ROOT / "reference_images"
LUT_SIZE = 33


@dataclass(frozen=True)
class Design:
    """One shipped preset: its name, a line for artists, and its looks on the dark and light references."""

    name: str
    description: str
    dark: Look
    light: Look


DESIGNS = (
    Design("Copper", "Warm copper: deep copper on dark hair, bright copper on light hair.",
           Look("#7c3314", 1.0, 0.75, 0.15, 1.0), Look("#c0622e", 1.0, 0.70, 0.25, 1.0)),
    Design("Platinum", "Cool, barely tinted platinum blonde.",
           Look("#bcb6a9", 1.0, 0.60, 0.10, 1.0), Look("#ddd8cc", 1.0, 0.60, 0.20, 1.0)),
    Design("Rose Gold", "Soft pink-gold with a warm shine.",
           Look("#9a5e52", 1.0, 0.70, 0.15, 1.0), Look("#d9a08e", 1.0, 0.65, 0.25, 1.0)),
    Design("Cherry Red", "Vivid cherry red, deep on dark hair.",
           Look("#620215", 1.0, 0.75, 0.15, 1.0), Look("#a80526", 1.0, 0.70, 0.25, 1.0)),
    Design("Ash Brown", "Cool, smoky medium brown.",
           Look("#3d3632", 1.0, 0.75, 0.10, 1.0), Look("#756b62", 1.0, 0.70, 0.20, 1.0)),
    Design("Midnight Blue", "Blue-black that shows its blue in the light.",
           Look("#141c38", 1.0, 0.75, 0.15, 1.0), Look("#2b3a6a", 1.0, 0.70, 0.25, 1.0)),
    Design("Pastel Pink", "Light, chalky pastel pink.",
           Look("#b1818f", 1.0, 0.60, 0.10, 1.0), Look("#e7b5c3", 1.0, 0.60, 0.20, 1.0)),
    Design("Jet Black", "Dense, low-shine jet black on any hair.",
           Look("#111114", 1.0, 0.55, 0.05, 1.0), Look("#17171b", 1.0, 0.25, 0.00, 1.0)),
    Design("Honey Blonde", "Golden honey blonde.",
           Look("#8a6236", 1.0, 0.70, 0.15, 1.0), Look("#cf9f60", 1.0, 0.65, 0.25, 1.0)),
    Design("Chestnut", "Rich reddish-brown chestnut.",
           Look("#4d2a1a", 1.0, 0.75, 0.15, 1.0), Look("#7f4a2e", 1.0, 0.70, 0.25, 1.0)),
    Design("Lavender", "Pastel lavender with a cool shine.",
           Look("#84749c", 1.0, 0.60, 0.10, 1.0), Look("#b2a1d2", 1.0, 0.60, 0.20, 1.0)),
)


def main(presets_dir: Path = PRESETS_DIR, references_dir: Path = REFERENCES_DIR, progress: bool = True) -> dict:
    """Write the reference swatches into `references_dir` and bake every design into `presets_dir`.

    Files in `presets_dir` that no design wrote (renamed presets, old LUTs) are removed, so the folder holds
    exactly the shipped presets. Returns {"dark": intensity, "light": intensity, "presets": [yaml paths]}.
    """
    presets_dir, references_dir = Path(presets_dir), Path(references_dir)
    references = write_references(references_dir)
    dark, light = references["dark"].intensity, references["light"].intensity
    presets_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for design in tqdm(DESIGNS, desc="baking presets", unit="preset", disable=not progress):
        preset = bake_preset(design.name, [(dark, design.dark), (light, design.light)], size=LUT_SIZE,
                             description=design.description)
        path = presets_dir / f"{slugify(design.name)}.yaml"
        save_preset(preset, path)
        written += [path, *(presets_dir / name for name in preset.lut_files)]
    for stale in sorted(p for suffix in ("*.yaml", "*.yml", "*.png") for p in presets_dir.glob(suffix)):
        if stale not in written:
            stale.unlink()
    return {"dark": dark, "light": light, "presets": [p for p in written if p.suffix == ".yaml"]}


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", type=Path, default=PRESETS_DIR, help="preset folder (default lut_presets/)")
    parser.add_argument("--references", type=Path, default=REFERENCES_DIR,
                        help="reference image folder (default reference_images/)")
    parser.add_argument("--sheet", type=Path, help="also render a contact sheet of the presets to this PNG")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse(None)
    result = main(args.presets, args.references)
    print(f"dark reference intensity:  {result['dark']:.6f}")
    print(f"light reference intensity: {result['light']:.6f}")
    print(f"wrote {len(result['presets'])} presets to {args.presets}")
    if args.sheet is not None:
        from studio.sheet import default_test_image, render_sheet, write_sheet

        write_sheet(args.sheet, render_sheet(result["presets"], *default_test_image(args.references),
                                             columns=4, tile_width=512))
        print(f"wrote {args.sheet}")
