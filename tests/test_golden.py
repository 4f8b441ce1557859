"""Golden previews: every shipped preset, rendered on the project's test image, still looks as stored in
tests/golden/. A change in look maths or the runtime shows up here; if it is intended, regenerate with
`python -m tests.golden.regenerate` and commit the PNGs."""

from __future__ import annotations

import numpy as np
import pytest

from studio.images import read_rgb
from tests.golden.regenerate import GOLDEN_DIR, render, shipped_presets

MAX_LEVELS = 2  # per channel: room for OpenCV / NumPy rounding differences between platforms
MAX_MEAN_LEVELS = 0.1


def test_every_shipped_preset_has_a_golden_preview():
    presets = shipped_presets()
    assert presets, "no shipped presets in lut_presets/"
    ids = {render_id for render_id, _ in map(render, presets)}
    assert ids == {p.stem for p in GOLDEN_DIR.glob("*.png")}, "run `python -m tests.golden.regenerate`"


@pytest.mark.parametrize("preset_path", shipped_presets(), ids=lambda p: p.stem)
def test_preview_matches_its_golden(preset_path):
    preset_id, preview = render(preset_path)
    golden = read_rgb(GOLDEN_DIR / f"{preset_id}.png")
    assert preview.shape == golden.shape
    difference = np.abs(preview.astype(int) - golden)
    assert difference.max() <= MAX_LEVELS and difference.mean() <= MAX_MEAN_LEVELS, (
        f"{preset_id}: preview differs from its golden by up to {difference.max()} levels "
        f"(mean {difference.mean():.3f}); if intended, run `python -m tests.golden.regenerate`"
    )
