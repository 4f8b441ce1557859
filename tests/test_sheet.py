"""Contact sheets: tiles, labels, the original first, recolouring only inside the hair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.bake import bake_preset
from studio.errors import StudioError
from studio.images import write_image
from studio.preset_writer import save_preset
from studio.runtime import Look
from studio.sheet import default_test_image, load_test_image, panels, render_sheet
from studio.swatch import DARK_BASE, LIGHT_BASE, render_swatch

W, H = 96, 64


@pytest.fixture(scope="module")
def scene():
    """Two small swatches side by side, each with a band of hair-free columns around its lock."""
    (dark, dark_mask), (light, light_mask) = (render_swatch(b, (W // 2, H), seed=4) for b in (DARK_BASE, LIGHT_BASE))
    return np.hstack([dark, light]), np.hstack([dark_mask, light_mask])


@pytest.fixture(scope="module")
def presets(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("presets")
    paths = []
    colours = (("Red", "#5a1010", "#b02020"), ("Blue", "#101a40", "#2a3c80"), ("Green", "#1a3a1a", "#3a8040"))
    for name, dark, light in colours:
        path = folder / f"{name.lower()}.yaml"
        save_preset(bake_preset(name, [(0.1, Look(dark)), (0.8, Look(light))], size=17), path)
        paths.append(path)
    return paths


def tiles(sheet: np.ndarray, count: int, columns: int, tile_h: int, tile_w: int = W) -> list[np.ndarray]:
    gutter = max(4, tile_w // 64)
    out = []
    for index in range(count):
        row, column = divmod(index, columns)
        y, x = gutter + row * (tile_h + gutter), gutter + column * (tile_w + gutter)
        out.append(sheet[y : y + H, x : x + tile_w])
    return out


def test_sheet_layout_and_tiles(scene, presets):
    image, mask = scene
    sheet = render_sheet(presets, image, mask, columns=2, progress=False)
    assert sheet.dtype == np.uint8 and sheet.ndim == 3 and sheet.shape[2] == 3
    gutter = max(4, W // 64)
    assert sheet.shape[1] == 2 * (W + gutter) + gutter
    tile_h = (sheet.shape[0] - gutter) // 2 - gutter  # 4 tiles in 2 rows
    assert tile_h > H, "each tile has a label band below the image"
    original, *recoloured = tiles(sheet, 4, 2, tile_h)
    assert np.array_equal(original, image)
    outside, inside = mask == 0.0, mask >= 0.5
    for tile in recoloured:
        assert np.array_equal(tile[outside], image[outside]), "pixels outside the hair are untouched"
        assert np.abs(tile[inside].astype(int) - image[inside]).mean() > 10, "hair is recoloured"
    assert not np.array_equal(recoloured[0], recoloured[1])


def test_label_band_holds_text(scene, presets):
    sheet = render_sheet(presets[:1], *scene, columns=1, progress=False)
    band = sheet[max(4, W // 64) + H :, :]
    assert (band.min(axis=-1) < 100).any(), "the label is drawn in dark ink"


def test_tile_width_scales_tiles(scene, presets):
    sheet = render_sheet(presets[:1], *scene, columns=2, tile_width=48, progress=False)
    assert sheet.shape[1] == 2 * (48 + 4) + 4


def test_side_by_side_swatches_are_separate_panels(scene):
    regions = panels(scene[1])
    assert len(regions) == 2 and regions[0].stop <= W // 2 <= regions[1].start


def test_errors_are_studio_errors(scene, presets, tmp_path):
    image, mask = scene
    with pytest.raises(StudioError, match="no presets"):
        render_sheet([], image, mask, progress=False)
    with pytest.raises(StudioError, match="mask"):
        render_sheet(presets, image, mask[:, :-1], progress=False)
    with pytest.raises(StudioError, match="missing.yaml"):
        render_sheet([tmp_path / "missing.yaml"], image, mask, progress=False)
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(StudioError, match="broken.png"):
        load_test_image(tmp_path / "broken.png", tmp_path / "broken.png")
    write_image(tmp_path / "ok.png", image)
    write_image(tmp_path / "small_mask.png", np.zeros((H, W - 1, 3), np.uint8))
    with pytest.raises(StudioError, match="small_mask.png"):
        load_test_image(tmp_path / "ok.png", tmp_path / "small_mask.png")


def test_default_test_image_is_the_references_with_the_middle_tone_between():
    image, mask = default_test_image()
    assert image.shape == (512, 1536, 3) and mask.shape == (512, 1536) and mask.dtype == np.float32
    assert len(panels(mask)) == 3
