"""Golden previews: each shipped preset rendered on the project's own test image (the reference swatches of
studio.sheet.default_test_image) by the runtime, as the pack thumbnail does, 256 px wide.

After an intended change in the look maths or the runtime, regenerate them and commit the new PNGs:

    python -m tests.golden.regenerate
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

GOLDEN_DIR = Path(__file__).resolve().parent
SHIPPED_PRESETS = GOLDEN_DIR.parents[1] / "lut_presets"


def shipped_presets() -> list[Path]:
    """The shipped preset YAML files, sorted."""
    return sorted(SHIPPED_PRESETS.glob("*.yaml"))


def render(preset_path: Path) -> tuple[str, np.ndarray]:
    """(preset id, its preview: uint8 RGB, 256 px wide)."""
    from studio.pack import thumbnail
    from studio.runtime import load_preset
    from studio.sheet import default_test_image

    preset = load_preset(preset_path)
    return preset.id, thumbnail(preset, *default_test_image())


def main() -> None:
    from studio.images import write_image

    written = set()
    for path in shipped_presets():
        preset_id, preview = render(path)
        write_image(GOLDEN_DIR / f"{preset_id}.png", preview)
        written.add(f"{preset_id}.png")
        print(f"wrote {GOLDEN_DIR / preset_id}.png")
    for stale in sorted(p for p in GOLDEN_DIR.glob("*.png") if p.name not in written):
        stale.unlink()
        print(f"removed {stale} (no such shipped preset)")


if __name__ == "__main__":
    main()
