"""The shipped presets in lut_presets/: valid, complete, tied to reference_images/, and reproducible by
tools/make_presets.py byte for byte."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.images import read_mask, read_rgb
from studio.runtime import hair_intensity, load_preset
from studio.runtime.preset import validate

ROOT = Path(__file__).resolve().parents[1]
PRESETS = ROOT / "lut_presets"
REFERENCES = ROOT / "reference_images"
SHIPPED = sorted(PRESETS.glob("*.yaml"))


def _make_presets():
    spec = importlib.util.spec_from_file_location("make_presets", ROOT / "tools" / "make_presets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_presets"] = module  # dataclasses look their module up in sys.modules
    spec.loader.exec_module(module)
    return module


def _reference_intensity(name: str) -> float:
    image = read_rgb(REFERENCES / f"{name}.png")
    return hair_intensity(image, read_mask(REFERENCES / f"{name}_mask.png", image.shape[:2]))


def test_at_least_eight_presets_ship():
    assert len(SHIPPED) >= 8, [p.name for p in SHIPPED]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_preset_validates_and_loads(path):
    assert validate(path) == []
    preset = load_preset(path)
    assert preset.id == path.stem and len(preset.anchors) == 2 and preset.lut_size == 33


def test_every_lut_file_belongs_to_a_preset():
    referenced = {name for path in SHIPPED for name in load_preset(path).lut_files}
    on_disk = {p.name for p in PRESETS.iterdir() if p.is_file() and p.suffix != ".yaml"}
    assert on_disk == referenced, f"stray: {sorted(on_disk - referenced)}, missing: {sorted(referenced - on_disk)}"
    assert all(name.endswith(".png") for name in referenced)


def test_anchor_intensities_are_those_of_the_reference_images():
    dark, light = _reference_intensity("dark"), _reference_intensity("light")
    assert 0.05 <= dark <= 0.15 and 0.7 <= light <= 0.85
    for path in SHIPPED:
        anchors = load_preset(path).anchors
        assert abs(anchors[0].intensity - dark) <= 1e-6, path.name
        assert abs(anchors[1].intensity - light) <= 1e-6, path.name


def test_reference_readme_states_the_intensities():
    text = (REFERENCES / "README.md").read_text("utf-8")
    for name in ("dark", "middle", "light"):
        assert f"{_reference_intensity(name):.6f}" in text, f"README gives a stale {name} intensity"


def test_regenerating_gives_identical_files(tmp_path):
    result = _make_presets().main(tmp_path / "presets", tmp_path / "references", progress=False)
    assert result["dark"] == pytest.approx(_reference_intensity("dark"), abs=0)
    for fresh, shipped_dir in ((tmp_path / "presets", PRESETS), (tmp_path / "references", REFERENCES)):
        made = {p.name: p.read_bytes() for p in fresh.iterdir()}
        shipped = {p.name: p.read_bytes() for p in shipped_dir.iterdir() if p.name != "README.md"}
        assert sorted(made) == sorted(shipped), "run `python tools/make_presets.py` and commit the result"
        changed = [name for name in made if made[name] != shipped[name]]
        assert not changed, f"differ from a fresh `python tools/make_presets.py`: {changed}"


def _dispatched_cpu_features() -> list[str]:
    """numpy's runtime-dispatched SIMD targets (AVX2, AVX-512, ... by this numpy's own names)."""
    try:
        from numpy._core import _multiarray_umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath
    return list(_multiarray_umath.__cpu_dispatch__)


def test_generation_does_not_depend_on_the_cpu(tmp_path):
    """Regenerate with every SIMD target numpy dispatches to switched off (as on an older CPU) and compare byte
    for byte with this process's run: sorts and maths that differ by SIMD width (numpy orders argsort ties
    differently with AVX2 and AVX-512) would make the shipped files depend on the machine that made them."""
    features = _dispatched_cpu_features()
    assert features, "this numpy dispatches no SIMD targets, so the test cannot switch any off"
    plain = tmp_path / "plain"
    _make_presets().main(plain / "presets", plain / "references", progress=False)
    scalar = tmp_path / "scalar"
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import make_presets; "
              "make_presets.main(*map(__import__('pathlib').Path, sys.argv[2:]), progress=False)")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(features)}
    subprocess.run([sys.executable, "-c", script, str(ROOT / "tools"), str(scalar / "presets"),
                    str(scalar / "references")], env=env, check=True, cwd=ROOT)
    for folder in ("presets", "references"):
        made = {p.name: p.read_bytes() for p in (plain / folder).iterdir()}
        again = {p.name: p.read_bytes() for p in (scalar / folder).iterdir()}
        assert sorted(made) == sorted(again)
        changed = [name for name in made if made[name] != again[name]]
        assert not changed, f"{folder} differ without SIMD ({' '.join(features)} off): {changed}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_preset_keeps_its_colour_along_the_grey_ramp(path):
    """Issue 9's targets, on every shipped preset through the runtime: between the references a grey lands on
    the intended colour (the anchors' targets interpolated in Oklab): chroma kept >= 0.90 and hue within 3
    degrees for chromatic presets, lightness within 0.04 for all."""
    from tests.test_bake import ramp_errors

    preset = load_preset(path)
    kept, hue, lightness = ramp_errors([(a.intensity, a.look) for a in preset.anchors])
    assert kept >= 0.90 and hue <= 3.0 and lightness <= 0.04, (kept, hue, lightness)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_luts_have_no_cliffs(path):
    """No pinned black or white: one grid step moves no output by more than 40 of 255 levels (the first
    presets jumped by up to 145), and trilinear and tetrahedral sampling agree within 8 levels."""
    import numpy as np

    from studio.color import trilinear
    from studio.colour_science import colour_science

    rng = np.random.default_rng(0)
    colours = np.concatenate([rng.random((3000, 3)), rng.random((1500, 3)) * 0.12, 1 - rng.random((1500, 3)) * 0.12])
    for anchor in load_preset(path).anchors:
        table = anchor.lut.table.astype(np.float64)
        assert max(np.abs(np.diff(table, axis=axis)).max() for axis in range(3)) * 255 <= 40.0
        tetrahedral = colour_science().algebra.table_interpolation_tetrahedral(colours, table)
        assert np.abs(trilinear(table, colours) - tetrahedral).max() * 255 <= 8.0
