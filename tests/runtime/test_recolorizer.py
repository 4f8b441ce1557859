"""The runtime interpolator: the properties apps rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.bake import bake_preset
from studio.preset_writer import save_preset
from studio.runtime import LUT3D, VISIBLE_MASK, Anchor, Look, Preset, Recolorizer, hair_intensity
from tests.light_install import run_light

DARK_LOOK = Look(target="#5a2412")
LIGHT_LOOK = Look(target="#e0a070", shine=0.5)

ROOT = Path(__file__).resolve().parents[2]


def make_frame(seed: int = 0, size: tuple[int, int] = (90, 120)) -> np.ndarray:
    """A smooth, photo-like uint8 RGB frame."""
    noise = np.random.default_rng(seed).random((*size, 3)) * 255
    return cv2.GaussianBlur(noise.astype(np.uint8), (0, 0), 2)


def soft_blob_mask(size: tuple[int, int] = (90, 120)) -> np.ndarray:
    mask = np.zeros(size, np.float32)
    cv2.ellipse(mask, (60, 40), (30, 20), 0, 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), 3)


def preset_at(intensities: list[float], looks: list[Look] | None = None) -> Preset:
    looks = looks or [DARK_LOOK, LIGHT_LOOK, Look(target="#c0c0ff")][: len(intensities)]
    return bake_preset("Test", list(zip(intensities, looks, strict=True)), size=17)


def test_all_zero_mask_returns_frame_bit_for_bit():
    frame = make_frame()
    out = Recolorizer(preset_at([0.2, 0.8]))(frame, np.zeros(frame.shape[:2], np.float32))
    assert out is not frame
    assert np.array_equal(out, frame)


def test_pixels_outside_the_mask_are_unchanged():
    frame, mask = make_frame(), soft_blob_mask()
    out = Recolorizer(preset_at([0.2, 0.8]))(frame, mask)
    assert np.array_equal(out[mask == 0], frame[mask == 0])
    assert np.abs(out[mask > 0.9].astype(int) - frame[mask > 0.9]).max() > 10


@pytest.mark.parametrize("anchor", [0, 1])
def test_intensity_at_an_anchor_uses_exactly_that_anchors_lut(anchor):
    frame, mask = make_frame(), np.ones((90, 120), np.float32)
    measured = hair_intensity(frame, mask)
    intensities = [measured, measured + 0.3] if anchor == 0 else [measured - 0.3, measured]
    preset = preset_at(intensities)
    recolorizer = Recolorizer(preset)
    out = recolorizer(frame, mask)
    assert recolorizer.position == anchor and recolorizer.t == anchor
    assert np.array_equal(out, preset.anchors[anchor].lut.apply(frame))


def test_between_anchors_the_weight_is_linear_in_intensity():
    recolorizer = Recolorizer(preset_at([0.2, 0.6, 0.8]))
    assert recolorizer.position_for(0.3) == pytest.approx(0.25)
    assert recolorizer.position_for(0.4) == pytest.approx(0.5)
    assert recolorizer.position_for(0.7) == pytest.approx(1.5)
    assert recolorizer.position_for(0.0) == 0.0 and recolorizer.position_for(1.0) == 2.0  # clamped


def test_between_anchors_the_blended_lut_is_applied():
    frame, mask = make_frame(), np.ones((90, 120), np.float32)
    measured = hair_intensity(frame, mask)
    preset = preset_at([measured - 0.1, measured + 0.3])
    recolorizer = Recolorizer(preset)
    out = recolorizer(frame, mask)
    assert recolorizer.t == pytest.approx(0.25)
    expected = preset.anchors[0].lut.blend(preset.anchors[1].lut, 0.25).apply(frame)
    assert np.abs(out.astype(int) - expected).max() <= 1


def test_full_mask_gives_the_lut_output_within_one_level():
    frame = make_frame(3)
    preset = preset_at([0.05, 0.95])
    recolorizer = Recolorizer(preset)
    out = recolorizer(frame, np.ones(frame.shape[:2], np.float32))
    lut = preset.anchors[0].lut.blend(preset.anchors[1].lut, recolorizer.t)
    assert np.abs(out.astype(int) - lut.apply(frame)).max() <= 1


def test_soft_mask_composites_linearly():
    frame, mask = make_frame(4), soft_blob_mask()
    recolorizer = Recolorizer(preset_at([0.05, 0.95]))
    out = recolorizer(frame, mask)
    full = recolorizer(frame, np.ones_like(mask), position=recolorizer.position).astype(np.float64)
    expected = frame + mask[..., None] * (full - frame)
    assert np.abs(out - expected).max() <= 1.0


def test_a_faint_mask_everywhere_gives_the_same_pixels_as_blending_the_whole_frame():
    """Only the box where the mask reaches VISIBLE_MASK is recoloured; the faint rest would round away."""
    frame = make_frame(5)
    for background in (1e-4, 0.99 * VISIBLE_MASK):
        mask = np.maximum(soft_blob_mask(), np.float32(background))
        recolorizer = Recolorizer(preset_at([0.2, 0.7]))
        out = recolorizer(frame, mask)
        lut = recolorizer.sampler_at(recolorizer.position).apply(frame)
        whole = cv2.blendLinear(lut, frame, mask, 1.0 - mask)
        np.testing.assert_array_equal(out, whole)


def test_smoothing_is_an_exponential_average_of_frame_intensities():
    mask = np.ones((40, 40), np.float32)
    recolorizer = Recolorizer(preset_at([0.1, 0.9]), smoothing=0.75)
    grey = [np.full((40, 40, 3), value, np.uint8) for value in (51, 204, 204)]
    recolorizer(grey[0], mask)
    assert recolorizer.intensity == pytest.approx(0.2)
    recolorizer(grey[1], mask)
    assert recolorizer.intensity == pytest.approx(0.75 * 0.2 + 0.25 * 0.8)
    recolorizer(grey[2], mask)
    assert recolorizer.intensity == pytest.approx(0.75 * 0.35 + 0.25 * 0.8)
    recolorizer.reset()
    assert recolorizer.intensity is None and recolorizer.t is None


def test_forced_position_overrides_the_measured_intensity():
    frame, mask = make_frame(), np.ones((90, 120), np.float32)
    preset = preset_at([0.1, 0.9])
    out = Recolorizer(preset)(frame, mask, position=1.0)
    assert np.array_equal(out, preset.anchors[1].lut.apply(frame))


def test_soft_mask_without_confident_hair_and_no_history_leaves_the_frame():
    frame = make_frame()
    out = Recolorizer(preset_at([0.1, 0.9]))(frame, np.full(frame.shape[:2], 0.3, np.float32))
    assert np.array_equal(out, frame)


def test_bad_inputs_are_rejected():
    recolorizer = Recolorizer(preset_at([0.1, 0.9]))
    frame = make_frame()
    with pytest.raises(ValueError, match="mask shape"):
        recolorizer(frame, np.ones((10, 10), np.float32))
    with pytest.raises(ValueError, match="uint8 RGB"):
        recolorizer(frame.astype(np.float32), np.ones(frame.shape[:2], np.float32))
    with pytest.raises(ValueError, match="smoothing"):
        Recolorizer(preset_at([0.1, 0.9]), smoothing=1.0)


def test_from_file_loads_a_saved_preset(tmp_path):
    preset = preset_at([0.1, 0.9])
    save_preset(preset, tmp_path / "p.yaml")
    recolorizer = Recolorizer.from_file(tmp_path / "p.yaml")
    frame, mask = make_frame(), soft_blob_mask()
    assert np.abs(recolorizer(frame, mask).astype(int) - Recolorizer(preset)(frame, mask)).max() <= 1


def test_identity_anchors_move_hair_by_at_most_a_level_and_nothing_else():
    identity = LUT3D.identity(17)
    preset = Preset("Id", "id", [Anchor(0.2, Look(), identity), Anchor(0.8, Look(), identity)])
    frame, mask = make_frame(), soft_blob_mask()
    out = Recolorizer(preset)(frame, mask)
    assert np.abs(out.astype(int) - frame).max() <= 1  # the 8-bit table rounds red and blue entries
    np.testing.assert_array_equal(out[mask == 0], frame[mask == 0])


def test_the_light_install_plays_a_shipped_preset(tmp_path):
    """numpy, OpenCV, PyYAML and jsonschema are all an app needs: with the `studio` extra's packages unimportable
    (the GUI, the model runtime, colour-science, ...), the runtime and the pipeline recolour a photo with a shipped
    preset and its mask, to the same pixels as with everything installed."""
    code = (
        "import sys\n"
        "import cv2, numpy as np\n"
        "import studio.runtime.lut\n"
        "from studio.runtime.pipeline import HairPipeline\n"
        "from studio.runtime.preset import load_preset\n"
        "from studio.runtime.recolorizer import Recolorizer\n"
        "frame = cv2.cvtColor(cv2.imread('reference_images/middle.png'), cv2.COLOR_BGR2RGB)\n"
        "mask = cv2.imread('reference_images/middle_mask.png', cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255\n"
        "out = Recolorizer(load_preset('lut_presets/copper.yaml'))(frame, mask)\n"
        "with HairPipeline.create('lut_presets/copper.yaml') as pipeline:\n"
        "    assert np.array_equal(pipeline.process(frame, mask).frame, out)\n"
        "np.save(sys.argv[1], out)\n"
    )
    result = run_light(code, str(tmp_path / "out.npy"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    frame = cv2.cvtColor(cv2.imread(str(ROOT / "reference_images/middle.png")), cv2.COLOR_BGR2RGB)
    mask = cv2.imread(str(ROOT / "reference_images/middle_mask.png"), cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255
    expected = Recolorizer.from_file(ROOT / "lut_presets/copper.yaml")(frame, mask)
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), expected)
    assert np.abs(expected.astype(int) - frame).max() > 10  # the preset did recolour the hair


def test_the_package_facade_names_what_apps_need_and_loads_it_lazily():
    code = ("import sys, studio; assert 'studio.runtime' not in sys.modules; "
            "from studio import HairPipeline, LUT3D, Recolorizer, hair_intensity, load_preset; "
            "import studio.runtime.pipeline, studio.runtime.recolorizer; "
            "assert HairPipeline is studio.runtime.pipeline.HairPipeline; "
            "assert Recolorizer is studio.runtime.recolorizer.Recolorizer; "
            "assert sorted(dir(studio)) == sorted(studio.__all__)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    import studio

    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        studio.nothing  # noqa: B018
