"""The procedural hair swatches the reference images are rendered from."""

from __future__ import annotations

import numpy as np
import pytest

from studio.runtime import hair_intensity
from studio.swatch import DARK_BASE, LIGHT_BASE, render_swatch, write_references


@pytest.fixture(scope="module")
def swatches():
    bases = {"dark": DARK_BASE, "light": LIGHT_BASE}
    return {name: render_swatch(base, (160, 128), seed=3) for name, base in bases.items()}


def test_shapes_dtypes_and_ranges(swatches):
    image, mask = swatches["light"]
    assert image.shape == (128, 160, 3) and image.dtype == np.uint8
    assert mask.shape == (128, 160) and mask.dtype == np.float32
    assert 0.0 <= mask.min() and mask.max() <= 1.0


def test_mask_covers_a_lock_with_soft_edges(swatches):
    _, mask = swatches["dark"]
    hair = (mask >= 0.5).mean()
    assert 0.2 < hair < 0.8, f"hair covers {hair:.0%} of the swatch"
    assert (mask == 1.0).any() and (mask == 0.0).any()
    assert ((mask > 0.0) & (mask < 1.0)).mean() > 0.01, "anti-aliased strand edges give a soft mask"


def test_deterministic_for_a_seed():
    first, second = render_swatch(DARK_BASE, (96, 96), seed=5), render_swatch(DARK_BASE, (96, 96), seed=5)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    other = render_swatch(DARK_BASE, (96, 96), seed=6)
    assert not np.array_equal(first[1], other[1])


def test_background_is_untouched_by_the_hair_colour(swatches):
    """Outside the mask the two swatches share the same backdrop pixels (shadows aside, same geometry)."""
    (dark, dark_mask), (light, light_mask) = swatches["dark"], swatches["light"]
    assert np.array_equal(dark_mask, light_mask)
    outside = dark_mask == 0.0
    assert np.abs(dark[outside].astype(int) - light[outside]).max() == 0
    assert np.ptp(dark[outside], axis=-1).max() == 0, "the backdrop is neutral grey"


def test_light_swatch_is_lighter_than_dark(swatches):
    light, dark = hair_intensity(*swatches["light"]), hair_intensity(*swatches["dark"])
    assert 0.6 < light < 0.9 and 0.03 < dark < 0.2 and light > dark


def test_rejects_bad_arguments():
    with pytest.raises(ValueError):
        render_swatch((0.5, 0.5), (64, 64))
    with pytest.raises(ValueError):
        render_swatch((0.5, 0.5, 0.5), (8, 64))


def test_write_references_measures_the_written_files(tmp_path):
    from studio.images import read_mask, read_rgb

    references = write_references(tmp_path, size=(96, 80))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dark.png", "dark_mask.png", "light.png", "light_mask.png",
                                                         "middle.png", "middle_mask.png"]
    for reference in references.values():
        image = read_rgb(reference.image)
        assert image.shape == (80, 96, 3)
        assert hair_intensity(image, read_mask(reference.mask, image.shape[:2])) == reference.intensity
    assert references["light"].intensity > references["middle"].intensity > references["dark"].intensity
