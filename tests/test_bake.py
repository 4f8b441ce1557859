"""Anchors baked together: the runtime's blend lands on the intended colour at every intensity between the
references (chroma, hue, lightness), each reference still lands on its own target, texture is kept, and
the tables have no cliffs. Frames go through the Recolorizer, the path apps use."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.bake import bake_anchors, intended_oklab
from studio.color import srgb_to_oklab
from studio.look import bake, gamut_mapped_srgb, target_oklab, texture_slope
from studio.runtime import LUT3D, Anchor, Look, Preset, Recolorizer
from studio.runtime.look_settings import to_hex

DARK, LIGHT = 0.07, 0.77
PAIRS = {
    "copper": (Look("#7c3314", texture=0.75), Look("#c0622e", texture=0.7)),
    "cherry": (Look("#620215", shine=0.15), Look("#a80526", shine=0.25)),
    "midnight": (Look("#141c38"), Look("#2b3a6a")),
    "pastel": (Look("#b1818f", texture=0.6), Look("#e7b5c3", texture=0.6)),
    "default-both": (Look(), Look()),  # the studio's starting look on both references
}


def preset_of(references: list[tuple[float, Look]], size: int = 33) -> Preset:
    luts = bake_anchors(references, size)
    return Preset("t", "t", [Anchor(i, look, lut) for (i, look), lut in zip(references, luts, strict=True)])


def grey_through_runtime(preset: Preset, level: int) -> np.ndarray:
    frame = np.full((4, 4, 3), level, np.uint8)
    return srgb_to_oklab(Recolorizer(preset)(frame, np.ones((4, 4), np.float32))[0, 0] / 255.0)


def chroma_hue(lab: np.ndarray) -> tuple[float, float]:
    return float(np.hypot(lab[1], lab[2])), float(np.degrees(np.arctan2(lab[2], lab[1])))


def ramp_errors(references: list[tuple[float, Look]]) -> tuple[float, float, float]:
    """(least chroma kept, largest hue error in degrees, largest Oklab lightness error) over the grey ramp."""
    preset = preset_of(references)
    kept, hues, lightness = [], [], []
    low, high = references[0][0], references[-1][0]
    for level in range(int(np.ceil(low * 255)), int(high * 255) + 1, 3):
        got, wanted = grey_through_runtime(preset, level), intended_oklab(references, level / 255.0)
        (c_got, h_got), (c_want, h_want) = chroma_hue(got), chroma_hue(wanted)
        if c_want >= 0.04:
            kept.append(c_got / c_want)
            hues.append(abs((h_got - h_want + 180.0) % 360.0 - 180.0))
        lightness.append(abs(got[0] - wanted[0]))
    return min(kept, default=1.0), max(hues, default=0.0), max(lightness)


@pytest.mark.parametrize("name", PAIRS)
def test_grey_ramp_keeps_the_intended_colour_between_the_references(name):
    kept, hue, lightness = ramp_errors([(DARK, PAIRS[name][0]), (LIGHT, PAIRS[name][1])])
    assert kept >= 0.90 and hue <= 3.0 and lightness <= 0.01, (kept, hue, lightness)


def test_anchors_baked_on_their_own_lose_colour_between_the_references():
    """The reason for the joint bake: the same looks baked separately leave the mid-tones greyer."""
    dark, light = PAIRS["cherry"]
    separate = Preset("t", "t", [Anchor(DARK, dark, bake(dark, DARK)), Anchor(LIGHT, light, bake(light, LIGHT))])
    middle = int(round(0.3 * 255))
    c_separate = chroma_hue(grey_through_runtime(separate, middle))[0]
    c_joint = chroma_hue(grey_through_runtime(preset_of([(DARK, dark), (LIGHT, light)]), middle))[0]
    c_wanted = chroma_hue(intended_oklab([(DARK, dark), (LIGHT, light)], middle / 255.0))[0]
    assert c_separate < 0.85 * c_wanted <= c_joint


hair_colour = st.tuples(st.floats(0.15, 0.85), st.floats(0.02, 0.12), st.floats(0.0, 360.0))


@settings(max_examples=6, deadline=None, derandomize=True)
@given(dark=hair_colour, light=hair_colour, texture=st.floats(0.0, 1.0), shine=st.floats(0.0, 1.0),
       intensities=st.tuples(st.floats(0.03, 0.3), st.floats(0.55, 0.9)))
def test_grey_ramp_targets_hold_for_hair_like_looks(dark, light, texture, shine, intensities):
    """Any pair of hair-like colours (Oklab lightness, chroma, hue; darker or lighter on either side)."""
    looks = []
    for lightness, chroma, hue in (dark, light):
        lab = np.array([lightness, chroma * np.cos(np.radians(hue)), chroma * np.sin(np.radians(hue))])
        looks.append(Look(to_hex(gamut_mapped_srgb(lab[:1], lab[None, 1:])[0]), texture=texture, shine=shine))
    kept, hue, lightness = ramp_errors(list(zip(intensities, looks, strict=True)))
    assert kept >= 0.90 and hue <= 3.0 and lightness <= 0.04, (kept, hue, lightness)


@pytest.mark.parametrize("size", [17, 33, 65])
@pytest.mark.parametrize("name", PAIRS)
def test_each_reference_lands_on_its_own_target(name, size):
    references = [(DARK, PAIRS[name][0]), (LIGHT, PAIRS[name][1])]
    preset = preset_of(references, size)
    for index, (intensity, look) in enumerate(references):
        frame = np.full((1, 1, 3), intensity, np.float32)
        got = srgb_to_oklab(preset.anchors[index].lut.apply(frame)[0, 0].astype(np.float64))
        assert np.linalg.norm(got - target_oklab(look)) <= 0.02


def test_texture_is_kept_at_the_asked_slope_between_the_references():
    """Lightness detail around the frame's mean survives in proportion to the interpolated texture setting.

    Near the dark reference a dark colour's texture yields a little (the light LUT would have to go below
    black there), so the check starts a quarter of the way up."""
    dark, light = Look("#7c3314", texture=0.9, shine=0.0), Look("#c0622e", texture=0.3, shine=0.0)
    preset = preset_of([(DARK, dark), (LIGHT, light)])
    for level in (80, 120, 160, 190):
        recolorizer = Recolorizer(preset)
        frame = np.full((1, 3, 3), level, np.uint8)
        frame[0, 0], frame[0, 2] = level - 6, level + 6
        mask = np.ones((1, 3), np.float32)
        out = recolorizer(frame, mask)
        lightness_in = srgb_to_oklab(frame[0] / 255.0)[:, 0]
        lightness_out = srgb_to_oklab(out[0] / 255.0)[:, 0]
        slope = (lightness_out[2] - lightness_out[0]) / (lightness_in[2] - lightness_in[0])
        asked = texture_slope((1 - recolorizer.t) * dark.texture + recolorizer.t * light.texture)
        assert slope == pytest.approx(asked, rel=0.15), (level, recolorizer.t)


def test_three_references_keep_the_colour_in_both_segments():
    references = [(0.05, Look("#3a1a10")), (0.35, Look("#8a4b2a")), (0.8, Look("#e0a070"))]
    kept, hue, lightness = ramp_errors(references)
    assert kept >= 0.9 and hue <= 3.0 and lightness <= 0.04
    preset = preset_of(references)
    middle = grey_through_runtime(preset, int(round(0.35 * 255)))
    assert np.linalg.norm(middle - target_oklab(references[1][1])) <= 0.02


def test_references_may_come_in_any_order():
    dark, light = PAIRS["copper"]
    forwards = bake_anchors([(DARK, dark), (LIGHT, light)])
    backwards = bake_anchors([(LIGHT, light), (DARK, dark)])
    assert forwards[0] == backwards[1] and forwards[1] == backwards[0]


def test_one_reference_is_its_look_baked_on_its_own():
    assert bake_anchors([(0.3, Look())])[0] == bake(Look(), 0.3)


def test_strength_zero_everywhere_is_the_identity():
    luts = bake_anchors([(DARK, Look(strength=0.0)), (LIGHT, Look("#ff0000", strength=0.0))], 17)
    assert all(lut == LUT3D.identity(17) for lut in luts)


@pytest.mark.parametrize("name", PAIRS)
def test_no_cliffs_between_neighbouring_entries(name):
    luts = bake_anchors([(DARK, PAIRS[name][0]), (LIGHT, PAIRS[name][1])])
    for lut in luts:
        table = lut.table.astype(np.float64) * 255.0
        assert max(np.abs(np.diff(table, axis=axis)).max() for axis in range(3)) <= 40.0


@pytest.mark.parametrize(("references", "message"), [
    ([], "at least one"),
    ([(0.3, Look()), (0.3, Look())], "must differ"),
    ([(-0.1, Look()), (0.5, Look())], "got -0.1"),
    ([(0.2, Look()), (float("nan"), Look())], "got nan"),
])
def test_bad_references_are_refused(references, message):
    with pytest.raises(ValueError, match=message):
        bake_anchors(references)


def test_intended_colour_interpolates_the_targets_in_oklab_and_clamps_at_the_ends():
    dark, light = PAIRS["copper"]
    references = [(DARK, dark), (LIGHT, light)]
    np.testing.assert_allclose(intended_oklab(references, 0.0), target_oklab(dark), atol=1e-4)
    np.testing.assert_allclose(intended_oklab(references, 1.0), target_oklab(light), atol=1e-4)
    middle = intended_oklab(references, (DARK + LIGHT) / 2)
    np.testing.assert_allclose(middle, (target_oklab(dark) + target_oklab(light)) / 2, atol=1e-4)
