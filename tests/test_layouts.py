"""Texture layouts: each reproduces its platform's neutral LUT, round-trips, and samples by its own levels."""

from __future__ import annotations

import json
from importlib import resources

import cv2
import numpy as np
import pytest

from studio.color import trilinear
from studio.errors import LutError
from studio.layouts import EXPORT_LAYOUTS, LAYOUTS, Layout, quantise, resample
from studio.look import bake
from studio.runtime import LUT3D, Look
from studio.runtime.png import write_png
from tests.conftest import require_shared

IDENTITY = LUT3D.identity(33)
COPPER = bake(Look(target="#b5532a", shine=0.6, saturation=1.5), 0.3, size=33)


def full_range_strip(n: int, bits: int = 8) -> np.ndarray:
    """The neutral strip with green 0 on the top row (Unreal's RGBTable16x1), written out from its definition."""
    top = 255 if bits == 8 else 65535
    y, x = np.mgrid[0:n, 0 : n * n]
    level = lambda i: np.round(i * top / (n - 1))  # noqa: E731 - the platform's definition, verbatim
    return np.stack([level(x % n), level(y), level(x // n)], axis=-1)


def test_strip_neutrals_match_the_engines_definition_exactly():
    for name, n in (("strip16", 16), ("strip32", 32), ("strip17", 17), ("strip33", 33), ("strip65", 65)):
        for bits in (8, 16):
            assert np.array_equal(LAYOUTS[name].encode(IDENTITY, bits), full_range_strip(n, bits)), (name, bits)
    assert LAYOUTS["strip16"].image_shape == (16, 256) and LAYOUTS["strip32"].image_shape == (32, 1024)


@pytest.mark.parametrize("n", [16, 32])
def test_flipped_strip_is_the_neutral_upside_down(n):
    flipped = LAYOUTS[f"strip{n}-flipped"].encode(IDENTITY, 8)
    assert np.array_equal(flipped, full_range_strip(n)[::-1])
    assert flipped[-1, 0].tolist() == [0, 0, 0] and flipped[0, -1].tolist() == [255, 255, 255]


def unity_apply_lut_2d(image: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Unity's ApplyLut2D (Unity-Technologies/PostProcessing, PostProcessing/Shaders/Colors.hlsl; the same in the
    render pipelines' Color.hlsl) on a strip PNG's pixels `image` (rows top first, as stored), for colours `rgb`
    (K, 3) in [0, 1], with bilinear clamped sampling. Unity's texture row 0 is the image's bottom row: "Texture
    coordinates start at lower left corner" (Texture2D.GetPixel)."""
    texture = image[::-1]
    height, width = texture.shape[:2]
    scale_offset = (1.0 / width, 1.0 / height, height - 1.0)
    z = rgb[:, 2] * scale_offset[2]
    shift = np.floor(z)
    u = rgb[:, 0] * scale_offset[2] * scale_offset[0] + scale_offset[0] * 0.5 + shift * scale_offset[1]
    v = rgb[:, 1] * scale_offset[2] * scale_offset[1] + scale_offset[1] * 0.5

    def sample(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        x, y = np.clip(u * width - 0.5, 0, width - 1), np.clip(v * height - 0.5, 0, height - 1)
        x0, y0 = np.minimum(np.floor(x).astype(int), width - 2), np.minimum(np.floor(y).astype(int), height - 2)
        fx, fy = (x - x0)[:, None], (y - y0)[:, None]
        top = texture[y0, x0] * (1 - fx) + texture[y0, x0 + 1] * fx
        bottom = texture[y0 + 1, x0] * (1 - fx) + texture[y0 + 1, x0 + 1] * fx
        return top * (1 - fy) + bottom * fy

    return sample(u, v) * (1 - (z - shift))[:, None] + sample(u + scale_offset[1], v) * (z - shift)[:, None]


@pytest.mark.parametrize("n", [16, 32])
def test_unity_reads_the_flipped_strips_and_not_the_plain_ones(n):
    colours = np.concatenate([np.random.default_rng(n).random((400, 3)), [[0, 0, 0], [1, 1, 1], [0, 1, 0]]])
    expected = trilinear(resample(COPPER, LAYOUTS[f"strip{n}"].grid_levels), colours)
    flipped = unity_apply_lut_2d(LAYOUTS[f"strip{n}-flipped"].render(COPPER), colours)
    plain = unity_apply_lut_2d(LAYOUTS[f"strip{n}"].render(COPPER), colours)
    assert np.abs(flipped - expected).max() < 1e-9
    assert np.abs(plain - expected).max() > 0.2  # green upside down


def test_square64_neutral_is_gpuimage_lookup():
    y, x = np.mgrid[0:512, 0:512]
    blue = (y // 64) * 8 + x // 64
    level = lambda i: np.round(i * 255 / 63)  # noqa: E731
    expected = np.stack([level(x % 64), level(y % 64), level(blue)], axis=-1)
    assert np.array_equal(LAYOUTS["square64"].encode(IDENTITY, 8), expected)


def test_hald8_neutral_runs_red_fastest_then_green_then_blue():
    index = np.arange(512 * 512).reshape(512, 512)
    level = lambda i: np.round(i * 255 / 63)  # noqa: E731
    expected = np.stack([level(index % 64), level(index // 64 % 64), level(index // 4096)], axis=-1)
    assert np.array_equal(LAYOUTS["hald8"].encode(IDENTITY, 8), expected)


def test_spark64_reproduces_spark_ar_neutral_png():
    path = require_shared("data/luts/spark-lut-patch/neutral.png")
    spark = cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).astype(int)
    ours = LAYOUTS["spark64"].encode(IDENTITY, 8).astype(int)
    grid = LAYOUTS["spark64"].from_image(np.abs(ours - spark))  # [r, g, b, channel] differences
    assert grid[2:, 2:, 2:].max() == 0, "exact at every level from i = 2"
    assert grid.max() <= 3, "Spark's own file writes 3 and 5 for levels 0 and 1; ours 0 and 4"
    assert np.array_equal(LAYOUTS["spark64"].grid_levels[:4] * 255, [0, 4, 8, 12])


def test_spark64_samples_by_its_own_levels():
    path = require_shared("data/luts/spark-lut-patch/neutral.png")
    spark = LAYOUTS["spark64"].read(path)
    colours = np.random.default_rng(1).uniform(8 / 255, 252 / 255, (2000, 3))
    assert np.abs(spark.apply(colours) - colours).max() < 0.5 / 255
    assert np.allclose(spark.apply(np.ones(3)), 252 / 255), "inputs above the last level clamp to it"


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_image_and_table_round_trip(name):
    layout = LAYOUTS[name]
    table = np.random.default_rng(0).random((layout.size,) * 3 + (3,))
    image = layout.to_image(table)
    assert image.shape == (*layout.image_shape, 3)
    assert np.array_equal(layout.from_image(image), table)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_decoded_export_samples_like_the_source_lut(name):
    layout = LAYOUTS[name]
    decoded = layout.decode(layout.encode(COPPER, 16))
    grid = np.stack(np.meshgrid(*[layout.grid_levels] * 3, indexing="ij"), axis=-1)
    assert np.abs(decoded.apply(grid) - resample(COPPER, layout.grid_levels)).max() <= 0.5 / 65535 + 1e-9
    colours = np.random.default_rng(2).uniform(0, layout.grid_levels[-1], (3000, 3)).astype(np.float32)
    error = np.abs(decoded.apply(colours) - COPPER.apply(colours[None])[0])
    # Between grid points a coarser grid cannot follow the look's steep shadows (16 points: up to ~19
    # levels there); on average every layout stays well within a level, and grids at least as fine as the
    # preset's within one level everywhere.
    assert error.mean() < 0.5 / 255
    if layout.geometry == "strip" and layout.size >= COPPER.size:
        assert error.max() < 1.0 / 255


def test_resample_on_the_lut_grid_returns_the_table():
    assert np.allclose(resample(COPPER, np.linspace(0, 1, 33)), COPPER.table, atol=1e-6)


def test_sixteen_bit_png_round_trip(tmp_path):
    layout = LAYOUTS["spark64"]
    pixels = layout.encode(COPPER, 16)
    write_png(tmp_path / "copper.png", pixels)
    decoded = layout.read(tmp_path / "copper.png")
    assert np.array_equal(decoded.table, layout.from_image(pixels / 65535.0))


def test_decode_rejects_wrong_shapes_and_types(tmp_path):
    with pytest.raises(LutError, match="expected a 256x16 RGB image"):
        LAYOUTS["strip16"].decode(np.zeros((16, 255, 3), np.uint8))
    with pytest.raises(LutError, match="8- or 16-bit"):
        LAYOUTS["strip16"].decode(np.zeros((16, 256, 3), np.float32))
    (tmp_path / "junk.png").write_bytes(b"not a png")
    with pytest.raises(LutError, match="junk.png"):
        LAYOUTS["hald8"].read(tmp_path / "junk.png")
    with pytest.raises(LutError, match="8- or 16-bit"):
        quantise(np.zeros((2, 2, 3)), 12)


def test_bad_layout_definitions_are_refused():
    with pytest.raises(ValueError, match="square"):
        Layout("bad", "tiles", 33)
    with pytest.raises(ValueError, match="unknown geometry"):
        Layout("bad", "cube", 33)


def test_pack_schema_lists_exactly_the_layouts():
    schema = json.loads(resources.files("studio.schemas").joinpath("pack.schema.json").read_text("utf-8"))
    assert set(schema["$defs"]["texture"]["properties"]["layout"]["enum"]) == set(LAYOUTS)
    assert set(EXPORT_LAYOUTS) <= set(LAYOUTS)
