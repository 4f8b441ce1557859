"""The response strip: what the runtime makes of every hair intensity, and the warning where colour fades."""

from __future__ import annotations

import numpy as np

from studio.app.baker import bake_recipe
from studio.app.recipe import Recipe
from studio.app.response import GREY_ROWS, RAMP_WIDTH, middle_tone_hair, response_ramp, with_markers
from studio.bake import bake_preset
from studio.look import bake
from studio.runtime import Anchor, Look, Preset

DARK, LIGHT = (0.07, Look("#620215")), (0.77, Look("#a80526"))


def test_a_jointly_baked_preset_keeps_its_colour_and_raises_no_warning():
    ramp = response_ramp(bake_preset("Cherry", [DARK, LIGHT]), middle_tone_hair())
    assert ramp.image.shape == (48, RAMP_WIDTH, 3) and ramp.image.dtype == np.uint8
    between = (ramp.intensities >= 0.07) & (ramp.intensities <= 0.77)
    assert np.nanmin(ramp.chroma_kept[between]) >= 0.9
    assert ramp.dips() == [] and ramp.warning() == ""


def test_anchors_baked_on_their_own_fade_and_the_strip_says_where():
    separate = Preset("Cherry", "cherry", [Anchor(i, look, bake(look, i)) for i, look in (DARK, LIGHT)])
    ramp = response_ramp(separate, middle_tone_hair())
    dips = ramp.dips()
    assert dips and all(0.07 <= low <= high <= 0.77 for low, high in dips)
    assert "fades between the references" in ramp.warning()


def test_greys_on_top_follow_the_runtime_and_hair_below_shows_texture():
    ramp = response_ramp(bake_preset("Cherry", [DARK, LIGHT]), middle_tone_hair())
    greys, hair = ramp.image[:GREY_ROWS].astype(float), ramp.image[GREY_ROWS:].astype(float)
    assert np.all(greys.std(axis=0) == 0)  # one colour per column
    assert hair.std(axis=0).mean() > 1.0  # strands vary along a column


def test_markers_tick_the_references_and_draw_the_live_line():
    ramp = response_ramp(bake_preset("Cherry", [DARK, LIGHT]), middle_tone_hair())
    plain, marked = with_markers(ramp, None), with_markers(ramp, 0.5)
    for intensity in (0.07, 0.77):
        assert np.all(plain[-1, ramp.column(intensity)] == 255)
    x = ramp.column(0.5)
    assert np.all(marked[:, x] == 255) and not np.all(plain[:, x] == 255)


def test_the_baker_makes_a_strip_only_for_an_ordered_recipe():
    assert bake_recipe(Recipe(17, DARK, LIGHT)).ramp is not None
    assert bake_recipe(Recipe(17, DARK, None)).ramp is None
