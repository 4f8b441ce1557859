"""LUT3D: the table, blending, the fast apply (checked against colour-science) and file I/O."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import require_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.color import trilinear
from studio.errors import LutError
from studio.look import bake
from studio.lut_files import read_lut, write_lut
from studio.runtime import LUT3D, LUT_SIZES, Look
from studio.runtime.strip import from_strip, to_strip

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import colour
    from colour.algebra import table_interpolation_trilinear


# --- helpers ---------------------------------------------------------------------------------------------


def colour_apply(table: np.ndarray, image: np.ndarray) -> np.ndarray:
    """colour-science's trilinear LUT3D.apply on float64 values in [0, 1]."""
    lut = colour.LUT3D(table=np.asarray(table, np.float64))
    return lut.apply(np.asarray(image, np.float64), interpolator=table_interpolation_trilinear)


def colour_apply_uint8(table: np.ndarray, image: np.ndarray) -> np.ndarray:
    return np.clip(np.round(colour_apply(table, image / 255.0) * 255.0), 0, 255).astype(np.uint8)


def max_level_difference(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max())


def curve_table(size: int) -> np.ndarray:
    """A non-trivial grading table: per-channel gammas and an S-curve plus channel mixing."""
    rgb = LUT3D.identity(size).table.astype(np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    s_curve = 0.5 - 0.5 * np.cos(np.pi * g)
    out = np.stack(
        [0.6 * r**0.5 + 0.4 * g, 0.7 * g**2.2 + 0.3 * s_curve, (0.5 * b + 0.3 * r + 0.2 * g) ** 1.5], axis=-1
    )
    return np.clip(out, 0.0, 1.0)


def random_table(size: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((size, size, size, 3))


def synthetic_image(height: int = 96, width: int = 128, seed: int = 0) -> np.ndarray:
    """Uint8 RGB: smooth gradients, blurred noise, hard random pixels, and the extreme colours."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    gradient = np.stack([x / (width - 1), y / (height - 1), (x + y) / (width + height - 2)], axis=-1)
    noise = cv2.GaussianBlur(rng.random((height, width, 3)).astype(np.float32), (0, 0), 3)
    smooth = np.clip(0.6 * gradient + 0.8 * (noise - noise.mean()) + 0.2, 0, 1)
    image = np.round(smooth * 255).astype(np.uint8)
    image[::3] = rng.integers(0, 256, image[::3].shape, dtype=np.uint8)  # every third row: white noise
    corners = np.array([[r, g, b] for r in (0, 255) for g in (0, 255) for b in (0, 255)], np.uint8)
    image[0, : len(corners)] = corners
    image[1, :256] = np.arange(256, dtype=np.uint8)[:, None] if width >= 256 else image[1, :256]
    return image


def all_level_slices(blue_levels: list[int]) -> np.ndarray:
    """Every (r, g) pair of 8-bit levels, for each of the given blue levels: shape (256 * k, 256, 3)."""
    r, g = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    slices = [np.stack([r, g, np.full_like(r, b)], axis=-1) for b in blue_levels]
    return np.concatenate(slices, axis=0).astype(np.uint8)


def portraits(count: int = 3) -> list[np.ndarray]:
    folder = require_shared("data/portraits/light")
    paths = sorted(folder.glob("*.jpg"))[:count]
    assert paths, f"no .jpg files in {folder}"
    images = []
    for path in paths:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        assert bgr is not None, path
        images.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    return images


def baked_table(size: int) -> np.ndarray:
    return bake(Look(target="#b87333", shine=0.5), 0.35, size=size).table


TABLE_MAKERS = {"baked-copper": baked_table, "curves-and-mixing": curve_table}


# --- identity ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", LUT_SIZES)
def test_identity_apply_for_uint8_is_within_one_level_and_exact_on_green(size):
    # The 8-bit path stores the table in 8 bits: red and blue are interpolated between rounded entries, so an
    # identity LUT may move them by one level; green is laid out at every 8-bit level and comes back exact.
    image = all_level_slices([0, 1, 2, 17, 64, 127, 128, 200, 253, 254, 255])
    out = LUT3D.identity(size).apply(image)
    assert out.dtype == np.uint8
    assert max_level_difference(out, image) <= 1
    np.testing.assert_array_equal(out[..., 1], image[..., 1])
    corners = np.array([[[r, g, b] for r in (0, 255) for g in (0, 255) for b in (0, 255)]], np.uint8)
    np.testing.assert_array_equal(LUT3D.identity(size).apply(corners), corners)


@pytest.mark.parametrize("size", LUT_SIZES)
def test_identity_apply_float32_within_1e_3(size):
    rng = np.random.default_rng(size)
    image = rng.random((64, 64, 3)).astype(np.float32)
    image[0, :8] = np.array([[r, g, b] for r in (0, 1) for g in (0, 1) for b in (0, 1)], np.float32)
    out = LUT3D.identity(size).apply(image)
    assert out.dtype == np.float32
    assert np.abs(out - image).max() <= 1e-3


def test_identity_table_layout():
    table = LUT3D.identity(17).table
    assert table.shape == (17, 17, 17, 3) and table.dtype == np.float32
    assert tuple(table[16, 0, 8]) == (1.0, 0.0, 0.5)


# --- against colour-science ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", LUT_SIZES)
@pytest.mark.parametrize("kind", TABLE_MAKERS)
def test_uint8_apply_matches_colour_science_on_synthetic_image(size, kind):
    table = TABLE_MAKERS[kind](size)
    image = synthetic_image(96, 300)
    ours = LUT3D(table).apply(image)
    assert max_level_difference(ours, colour_apply_uint8(table, image)) <= 1


@pytest.mark.parametrize("size", LUT_SIZES)
def test_apply_error_on_a_random_table_stays_within_the_documented_bound(size):
    # The harshest case: no smoothness at all between neighbouring entries. OpenCV's remap places samples on
    # a 1/32-cell grid along red and blue, so the documented bound is 1.5 levels (8-bit entries, rounding)
    # + (largest jump between neighbours) * 255 / 32; LUTs under 33 points are sampled on a grid twice as fine.
    table = random_table(size, seed=size)
    jump = max(np.abs(np.diff(table, axis=axis)).max() for axis in range(3)) * min(1.0, (size - 1) / 32)
    bound = 1.5 + jump * 255 / 32
    image = synthetic_image(64, 256, seed=1)
    assert max_level_difference(LUT3D(table).apply(image), colour_apply_uint8(table, image)) <= bound
    as_float = (image / 255.0).astype(np.float32)
    assert np.abs(LUT3D(table).apply(as_float) - colour_apply(table, as_float)).max() * 255 <= bound


@pytest.mark.parametrize("size", LUT_SIZES)
@pytest.mark.parametrize("kind", TABLE_MAKERS)
def test_float32_apply_matches_colour_science(size, kind):
    table = TABLE_MAKERS[kind](size)
    rng = np.random.default_rng(7)
    image = np.concatenate([synthetic_image(64, 256) / 255.0, rng.random((64, 256, 3))]).astype(np.float32)
    ours = LUT3D(table).apply(image)
    assert ours.dtype == np.float32
    assert np.abs(ours - colour_apply(table, image)).max() <= 1 / 255


@pytest.mark.shared
@pytest.mark.parametrize("size", LUT_SIZES)
@pytest.mark.parametrize("kind", TABLE_MAKERS)
def test_apply_matches_colour_science_on_real_photos(size, kind):
    table = TABLE_MAKERS[kind](size)
    lut = LUT3D(table)
    for photo in portraits():
        assert max_level_difference(lut.apply(photo), colour_apply_uint8(table, photo)) <= 1
        as_float = (photo / 255.0).astype(np.float32)
        assert np.abs(lut.apply(as_float) - colour_apply(table, as_float)).max() <= 1 / 255


@st.composite
def monotone_mix_tables(draw):
    """Convex mixes of the identity with per-channel random monotone curves and a random channel mix."""
    size = draw(st.sampled_from([17, 33]))
    seed = draw(st.integers(0, 2**32 - 1))
    weight = draw(st.floats(0.0, 1.0))
    rng = np.random.default_rng(seed)
    levels = np.linspace(0.0, 1.0, size)
    curves = [np.concatenate([[0.0], np.cumsum(rng.random(size - 1))]) for _ in range(3)]
    curves = [c / c[-1] for c in curves]
    mixing = rng.dirichlet(np.ones(3), size=3)  # rows sum to 1 so outputs stay in [0, 1]
    r, g, b = np.meshgrid(*[np.interp(levels, levels, c) for c in curves], indexing="ij")
    graded = np.stack([r, g, b], axis=-1) @ mixing.T
    identity = LUT3D.identity(size).table.astype(np.float64)
    return np.clip((1.0 - weight) * identity + weight * graded, 0.0, 1.0)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(table=monotone_mix_tables())
def test_property_uint8_apply_matches_colour_science(table):
    image = synthetic_image(48, 256, seed=3)
    assert max_level_difference(LUT3D(table).apply(image), colour_apply_uint8(table, image)) <= 1


# --- apply: types and shapes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 13, 3), (720, 1280, 3)])
def test_apply_keeps_dtype_and_shape(dtype, shape):
    image = np.zeros(shape, dtype)
    out = LUT3D.identity(17).apply(image)
    assert out.dtype == dtype
    assert out.shape == shape


def test_apply_accepts_non_contiguous_views():
    image = synthetic_image(64, 256)
    lut = LUT3D(curve_table(17))
    view = image[::2, ::3]
    np.testing.assert_array_equal(lut.apply(view), lut.apply(np.ascontiguousarray(view)))
    as_float = (image / 255.0).astype(np.float32)[:, ::2]
    np.testing.assert_array_equal(lut.apply(as_float), lut.apply(np.ascontiguousarray(as_float)))


@pytest.mark.parametrize("shape", [(0, 5, 3), (5, 0, 3)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_apply_to_an_image_without_pixels_gives_one_without_pixels(shape, dtype):
    out = LUT3D.identity(17).apply(np.zeros(shape, dtype))
    assert out.shape == shape and out.dtype == dtype


def test_apply_does_not_modify_its_input():
    image = synthetic_image(32, 64)
    before = image.copy()
    LUT3D(curve_table(17)).apply(image)
    np.testing.assert_array_equal(image, before)


def test_float32_apply_clamps_out_of_range_input():
    lut = LUT3D(curve_table(17))
    image = np.array([[[-0.5, 0.0, 1.5], [2.0, -1.0, 0.5]]], np.float32)
    expected = lut.apply(np.clip(image, 0.0, 1.0))
    np.testing.assert_allclose(lut.apply(image), expected, atol=1e-6)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((4, 4), np.uint8),
        np.zeros((4, 4, 4), np.uint8),
        np.zeros((4, 4, 3), np.float64),
        np.zeros((4, 4, 3), np.uint16),
    ],
    ids=["grey", "rgba", "float64", "uint16"],
)
def test_apply_rejects_unsupported_images(image):
    with pytest.raises(LutError):
        LUT3D.identity(17).apply(image)


# --- blend --------------------------------------------------------------------------------------------------


def test_blend_endpoints_are_the_inputs():
    a, b = LUT3D(curve_table(33)), LUT3D(baked_table(33))
    assert a.blend(b, 0.0) == a
    assert a.blend(b, 1.0) == b


@pytest.mark.parametrize("t", [0.25, 0.5, 0.9])
def test_blend_is_linear(t):
    a_table, b_table = curve_table(33), baked_table(33)
    mixed = LUT3D(a_table).blend(LUT3D(b_table), t)
    np.testing.assert_allclose(mixed.table, (1 - t) * a_table + t * b_table, atol=1e-6)
    image = (synthetic_image(48, 64) / 255.0).astype(np.float32)
    a_out, b_out = LUT3D(a_table).apply(image), LUT3D(b_table).apply(image)
    np.testing.assert_allclose(mixed.apply(image), (1 - t) * a_out + t * b_out, atol=1e-5)


def test_blend_size_mismatch_is_an_error():
    with pytest.raises(LutError, match="size"):
        LUT3D.identity(17).blend(LUT3D.identity(33), 0.5)
    with pytest.raises(LutError, match="size"):
        LUT3D.identity(17).sampler().blend(LUT3D.identity(33).sampler(), 0.5)


@pytest.mark.parametrize("t", [-0.01, 1.01, float("nan"), float("inf")])
def test_blend_weight_out_of_range_is_an_error(t):
    a = LUT3D.identity(17)
    with pytest.raises(LutError):
        a.blend(a, t)
    with pytest.raises(LutError):
        a.sampler().blend(a.sampler(), t)


@pytest.mark.parametrize("t", [0.0, 0.3, 0.5, 1.0])
def test_sampler_blend_equals_sampler_of_blended_lut(t):
    a, b = LUT3D(curve_table(33)), LUT3D(baked_table(33))
    image = synthetic_image(96, 256)
    via_samplers = a.sampler().blend(b.sampler(), t)
    via_table = a.blend(b, t)
    assert max_level_difference(via_samplers.apply(image), via_table.apply(image)) <= 1
    as_float = (image / 255.0).astype(np.float32)
    np.testing.assert_allclose(via_samplers.apply(as_float), via_table.apply(as_float), atol=1e-5)


# --- constructor -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [(33, 33, 33), (33, 33, 17, 3), (33, 33, 33, 4), (33, 33, 33, 3, 1), (33 * 33 * 33, 3)]
)
def test_constructor_rejects_wrong_shape(shape):
    with pytest.raises(LutError, match="shape"):
        LUT3D(np.zeros(shape, np.float32))


@pytest.mark.parametrize("size", [2, 16, 32, 64])
def test_constructor_rejects_unsupported_size(size):
    with pytest.raises(LutError, match="not supported"):
        LUT3D(np.zeros((size, size, size, 3), np.float32))
    with pytest.raises(LutError, match="not supported"):
        LUT3D.identity(size)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), -0.001, 1.001])
def test_constructor_rejects_bad_values(bad):
    table = LUT3D.identity(17).table.copy()
    table[3, 4, 5, 1] = bad
    with pytest.raises(LutError):
        LUT3D(table)


def test_table_is_read_only_float32_copy():
    source = curve_table(17)
    lut = LUT3D(source)
    assert lut.table.dtype == np.float32 and lut.size == 17
    with pytest.raises(ValueError):
        lut.table[0, 0, 0, 0] = 0.5
    source[0, 0, 0, 0] = 0.123  # the LUT keeps its own copy
    assert lut.table[0, 0, 0, 0] != np.float32(0.123)


# --- PNG strip -----------------------------------------------------------------------------------------------


def test_strip_helpers_are_inverse_and_follow_the_layout():
    table = random_table(17, seed=11)
    strip = to_strip(table)
    assert strip.shape == (17, 17 * 17, 3)
    assert np.array_equal(strip[5, 3 + 17 * 9], table[3, 5, 9])
    np.testing.assert_array_equal(from_strip(strip), table)


@pytest.mark.parametrize("size", LUT_SIZES)
def test_png_16_bit_round_trip(tmp_path, size):
    lut = LUT3D(random_table(size, seed=size))
    path = tmp_path / "look.png"
    lut.write(path)
    back = LUT3D.read(path)
    assert back.size == size
    assert np.abs(back.table.astype(np.float64) - lut.table).max() <= 0.5 / 65535 + 1e-6


@pytest.mark.parametrize("size", LUT_SIZES)
def test_png_8_bit_round_trip(tmp_path, size):
    lut = LUT3D(random_table(size, seed=size + 1))
    path = tmp_path / "look8.png"
    lut.write(path, bits=8)
    assert cv2.imread(str(path), cv2.IMREAD_UNCHANGED).dtype == np.uint8
    back = LUT3D.read(path)
    assert np.abs(back.table.astype(np.float64) - lut.table).max() <= 0.5 / 255 + 1e-6


@pytest.mark.parametrize("size", [17, 33])
def test_png_strip_layout_on_disk(tmp_path, size):
    # Entries that are exact 16-bit codes, so the expected pixel values are unambiguous.
    expected = np.random.default_rng(21).integers(0, 65536, (size, size, size, 3)).astype(np.uint16)
    path = tmp_path / "layout.png"
    LUT3D(expected / 65535.0).write(path)
    pixels = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    assert pixels.dtype == np.uint16
    assert pixels.shape == (size, size * size, 3)  # height N, width N*N
    rgb = cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    r, g, b = np.meshgrid(np.arange(size), np.arange(size), np.arange(size), indexing="ij")
    np.testing.assert_array_equal(rgb[g, r + size * b], expected[r, g, b])
    # One entry spelled out, so a transposed layout cannot slip through the vectorised check.
    assert tuple(rgb[2, 1 + size * 3]) == tuple(expected[1, 2, 3])


def test_png_write_rejects_other_bit_depths(tmp_path):
    with pytest.raises(LutError, match="12"):
        LUT3D.identity(17).write(tmp_path / "x.png", bits=12)
    assert list(tmp_path.iterdir()) == []


def test_png_suffix_is_case_insensitive(tmp_path):
    lut = LUT3D(curve_table(17))
    lut.write(tmp_path / "UPPER.PNG")
    assert np.abs(LUT3D.read(tmp_path / "UPPER.PNG").table - lut.table).max() <= 1e-4


# --- .cube ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [17, 33])
def test_cube_round_trip(tmp_path, size):
    lut = LUT3D(random_table(size, seed=31))
    path = tmp_path / "look.cube"
    write_lut(lut, path)
    text = path.read_text()
    assert f"LUT_3D_SIZE {size}" in text
    back = read_lut(path)
    assert back.size == size
    assert np.abs(back.table - lut.table).max() <= 1e-6


def test_cube_file_reads_in_colour_science_with_the_same_table(tmp_path):
    table = curve_table(17)
    path = tmp_path / "look.cube"
    write_lut(LUT3D(table), path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = colour.read_LUT(str(path))
    np.testing.assert_allclose(theirs.table, LUT3D(table).table, atol=1e-6)


# --- read errors name the file -----------------------------------------------------------------------------


def _assert_names_file(error: pytest.ExceptionInfo, path: Path) -> None:
    assert isinstance(error.value, LutError)
    assert str(path) in str(error.value)
    assert error.value.path == path


BAD_FILES: dict[str, tuple[str, str | bytes | np.ndarray | None]] = {
    # case: (file name, content: text, bytes, pixels to write as PNG, or None for no file at all)
    "missing-png": ("missing.png", None),
    "missing-cube": ("missing.cube", None),
    "not-png-bytes": ("fake.png", b"this is not a png\n" * 10),
    "empty-png": ("empty.png", b""),
    "wrong-dimensions": ("wide.png", np.zeros((33, 1000, 3), np.uint16)),
    "unsupported-n": ("n16.png", np.zeros((16, 256, 3), np.uint16)),
    "transposed-strip": ("tall.png", np.zeros((289, 17, 3), np.uint16)),
    "grayscale": ("grey.png", np.zeros((17, 289), np.uint16)),
    "rgba": ("rgba.png", np.zeros((17, 289, 4), np.uint8)),
    "garbage-cube": ("bad.cube", "hello world\nnot a lut\n"),
    "short-cube": ("short.cube", "LUT_3D_SIZE 17\n0 0 0\n1 1 1\n"),
    "infinite-cube": ("inf.cube", "LUT_3D_SIZE 2\n" + "0 0 0\n" * 7 + "inf 1 1\n"),
    "size-1-cube": ("one.cube", "LUT_3D_SIZE 1\n0 0 0\n"),
    "four-number-input-range": ("range.cube", "LUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE 0 1 0 1\n" + "0 0 0\n" * 8),
    "1d-cube": ("oned.cube", "LUT_1D_SIZE 3\n0 0 0\n0.5 0.5 0.5\n1 1 1\n"),
    "unknown-suffix": ("look.jpg", b"\xff\xd8"),
    "no-suffix": ("look", b"x"),
}


def _make_bad_file(folder: Path, case: str) -> Path:
    name, content = BAD_FILES[case]
    path = folder / name
    if isinstance(content, np.ndarray):
        assert cv2.imwrite(str(path), content)
    elif isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("case", BAD_FILES)
def test_read_errors_name_the_file(tmp_path, case):
    path = _make_bad_file(tmp_path, case)
    with pytest.raises(LutError) as error:
        read_lut(path)
    _assert_names_file(error, path)


def test_unknown_suffix_on_write_is_an_error(tmp_path):
    with pytest.raises(LutError, match="unknown"):
        LUT3D.identity(17).write(tmp_path / "look.tiff")
    with pytest.raises(LutError, match="unknown"):
        write_lut(LUT3D.identity(17), tmp_path / "look.tiff")
    assert list(tmp_path.iterdir()) == []


def test_the_runtime_reads_and_writes_png_strips_and_points_to_the_cube_module(tmp_path):
    write_lut(LUT3D.identity(17), tmp_path / "look.cube")
    with pytest.raises(LutError, match="studio.lut_files") as error:
        LUT3D.read(tmp_path / "look.cube")
    _assert_names_file(error, tmp_path / "look.cube")
    with pytest.raises(LutError, match="studio.lut_files"):
        LUT3D.identity(17).write(tmp_path / "other.cube")
    assert sorted(os.listdir(tmp_path)) == ["look.cube"]


# --- atomic writes --------------------------------------------------------------------------------------------


@pytest.fixture
def existing_png(tmp_path) -> tuple[Path, bytes]:
    path = tmp_path / "keep.png"
    LUT3D(curve_table(17)).write(path)
    return path, path.read_bytes()


def test_failed_png_write_keeps_old_file_and_leaves_no_temp(existing_png, monkeypatch):
    path, before = existing_png
    monkeypatch.setattr(cv2, "imwrite", lambda *args, **kwargs: False)
    with pytest.raises(LutError) as error:
        LUT3D(baked_table(17)).write(path)
    _assert_names_file(error, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == ["keep.png"]


def test_crashing_png_write_keeps_old_file_and_leaves_no_temp(existing_png, monkeypatch):
    path, before = existing_png
    real_imwrite = cv2.imwrite

    def half_write(filename, pixels, *args):
        real_imwrite(filename, pixels[: pixels.shape[0] // 2])  # leave a truncated file behind, then fail
        raise OSError("disk full")

    monkeypatch.setattr(cv2, "imwrite", half_write)
    with pytest.raises(LutError, match="could not write: disk full") as error:
        LUT3D(baked_table(17)).write(path)
    _assert_names_file(error, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == ["keep.png"]


def test_crashing_cube_write_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "keep.cube"
    write_lut(LUT3D(curve_table(17)), path)
    before = path.read_bytes()

    def half_write(lut, filename, *args, **kwargs):
        Path(filename).write_text("LUT_3D_SIZE 17\n0 0 0\n")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(colour, "write_LUT", half_write)
    with pytest.raises(RuntimeError, match="interrupted"):
        write_lut(LUT3D(baked_table(17)), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.cube"]


def test_successful_write_replaces_file_and_leaves_no_temp(existing_png):
    path, before = existing_png
    new = LUT3D(baked_table(17))
    new.write(path)
    assert path.read_bytes() != before
    assert sorted(os.listdir(path.parent)) == ["keep.png"]
    assert np.abs(LUT3D.read(path).table - new.table).max() <= 1e-4


@pytest.mark.parametrize("size", [2, 16, 32, 64])
def test_cube_files_of_any_size_are_resampled_onto_a_supported_grid(tmp_path, size):
    """32- and 64-point .cube files (Photoshop, OpenColorIO) read as 33 and 65 points with the same lookup."""
    from studio.colour_science import colour_science

    colour = colour_science()
    rng = np.random.default_rng(size)
    table = np.clip(colour.LUT3D.linear_table(size) ** 1.3 + rng.normal(0, 0.01, (size, size, size, 3)), 0, 1)
    path = tmp_path / f"n{size}.cube"
    colour.write_LUT(colour.LUT3D(table=table), str(path))
    lut = read_lut(path)
    assert lut.size == {2: 17, 16: 17, 32: 33, 64: 65}[size]
    points = rng.random((500, 3))
    np.testing.assert_allclose(trilinear(lut.table, points), trilinear(table, points), atol=0.02)
    corners = LUT3D.identity(lut.size).table.reshape(-1, 3)
    np.testing.assert_allclose(lut.table.reshape(-1, 3), trilinear(table, corners), atol=1e-6)


def test_a_cube_with_a_byte_order_mark_reads(tmp_path):
    write_lut(LUT3D.identity(17), tmp_path / "plain.cube")
    marked = tmp_path / "bom.cube"
    marked.write_bytes(b"\xef\xbb\xbf" + (tmp_path / "plain.cube").read_bytes())
    assert read_lut(marked) == LUT3D.identity(17)


def test_hostile_lut_files_are_refused_before_they_are_decoded_or_read_whole(tmp_path):
    jpeg = tmp_path / "photo.png"
    assert cv2.imwrite(str(tmp_path / "real.jpg"), np.zeros((17, 289, 3), np.uint8))
    jpeg.write_bytes((tmp_path / "real.jpg").read_bytes())
    with pytest.raises(LutError, match="does not start like a PNG"):
        LUT3D.read(jpeg)
    bomb = tmp_path / "bomb.png"  # a header declaring 65535 x 65535 pixels, and nothing else
    side = (65535).to_bytes(4, "big")
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + side * 2 + b"\x08\x02\x00\x00\x00")
    with pytest.raises(LutError, match="65535x65535"):
        LUT3D.read(bomb)
    sparse = tmp_path / "sparse.png"
    with sparse.open("wb") as stream:
        stream.truncate(6 << 30)  # 6 GiB of holes
    with pytest.raises(LutError, match="larger than"):
        LUT3D.read(sparse)
    link = tmp_path / "zero.png"
    link.symlink_to("/dev/zero")
    with pytest.raises(LutError, match="not a regular file"):
        LUT3D.read(link)


def test_a_preset_that_is_a_pipe_or_a_device_is_refused_without_blocking(tmp_path):
    import os

    from studio.runtime.preset import validate

    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert validate(pipe) == ["not a regular file"]
    device = tmp_path / "zero.yaml"
    device.symlink_to("/dev/zero")
    assert validate(device) == ["not a regular file"]


# --- output and input paths the file system refuses (issue 12) -----------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("folder.cube", "is a folder"),
    ("a" * 300 + ".png", "could not write: File name too long"),
], ids=["a-folder", "name-too-long"])
def test_writing_where_no_file_can_be_is_a_lut_error_naming_it(tmp_path, name, message):
    (tmp_path / "folder.cube").mkdir()
    with pytest.raises(LutError, match=message) as error:
        write_lut(LUT3D.identity(17), tmp_path / name)
    _assert_names_file(error, tmp_path / name)
    assert os.listdir(tmp_path) == ["folder.cube"]


def test_full_disk_on_a_cube_write_is_a_lut_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.cube"
    write_lut(LUT3D(curve_table(17)), path)
    before = path.read_bytes()

    def replace(source, target):
        raise OSError(28, "No space left")

    monkeypatch.setattr("studio.atomic.os.replace", replace)
    with pytest.raises(LutError, match="could not write: No space left") as error:
        write_lut(LUT3D(baked_table(17)), path)
    _assert_names_file(error, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["keep.cube"]


def test_reading_a_name_too_long_is_a_lut_error(tmp_path):
    path = tmp_path / ("a" * 300 + ".cube")
    with pytest.raises(LutError, match="cannot read: File name too long") as error:
        read_lut(path)
    _assert_names_file(error, path)
