"""Colour maths: the one definition of hair intensity, sRGB <-> Oklab, hex parsing."""

from __future__ import annotations

import numpy as np
import pytest

from studio.color import oklab_to_srgb, srgb_to_oklab
from studio.runtime.intensity import hair_intensity, luma
from studio.runtime.look_settings import parse_hex, to_hex

# A 2x3 image with a mask that has values on both sides of the 0.5 threshold.
PIXELS_U8 = np.array(
    [
        [[255, 255, 255], [200, 100, 50], [10, 20, 30]],
        [[0, 255, 0], [90, 90, 250], [255, 0, 0]],
    ],
    dtype=np.uint8,
)
MASK = np.array([[0.49, 0.5, 1.0], [0.2, 0.8, 0.0]], dtype=np.float32)


def _hand_luma(rgb8: tuple[int, int, int]) -> float:
    r, g, b = (v / 255.0 for v in rgb8)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_hair_intensity_matches_hand_computed_weighted_mean():
    # Counted: (0,1) weight 0.5, (0,2) weight 1.0, (1,1) weight 0.8. The 0.49 white pixel and the
    # 0.2 green pixel are below the threshold and must not contribute at all.
    weights = [0.5, 1.0, 0.8]
    lumas = [_hand_luma((200, 100, 50)), _hand_luma((10, 20, 30)), _hand_luma((90, 90, 250))]
    expected = sum(w * y for w, y in zip(weights, lumas, strict=True)) / sum(weights)
    assert hair_intensity(PIXELS_U8, MASK) == pytest.approx(expected, abs=1e-6)


def test_hair_intensity_uses_mask_values_as_weights_not_a_plain_mean():
    plain_mean = np.mean([_hand_luma((200, 100, 50)), _hand_luma((10, 20, 30)), _hand_luma((90, 90, 250))])
    assert abs(hair_intensity(PIXELS_U8, MASK) - plain_mean) > 1e-3


def test_hair_intensity_binary_mask_is_plain_mean_of_luma():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    mask = (rng.random((40, 50)) > 0.7).astype(np.float64)
    expected = luma(image)[mask >= 0.5].mean()
    assert hair_intensity(image, mask) == pytest.approx(expected, abs=1e-12)


def test_hair_intensity_full_mask_of_constant_grey_is_that_grey():
    image = np.full((8, 8, 3), 0.3)
    assert hair_intensity(image, np.ones((8, 8))) == pytest.approx(0.3, abs=1e-12)


def test_hair_intensity_agrees_across_uint8_uint16_and_float():
    rng = np.random.default_rng(2)
    image8 = rng.integers(0, 256, (30, 20, 3), dtype=np.uint8)
    mask = rng.random((30, 20))
    as_u8 = hair_intensity(image8, mask)
    as_u16 = hair_intensity(image8.astype(np.uint16) * 257, mask)  # 257 * v / 65535 == v / 255
    as_f64 = hair_intensity(image8 / 255.0, mask)
    as_f32 = hair_intensity((image8 / 255.0).astype(np.float32), mask)
    assert as_u16 == pytest.approx(as_u8, abs=1e-12)
    assert as_f64 == pytest.approx(as_u8, abs=1e-12)
    assert as_f32 == pytest.approx(as_u8, abs=1e-6)
    assert 0.0 <= as_u8 <= 1.0


def test_hair_intensity_ignores_an_alpha_channel():
    rgba = np.concatenate([PIXELS_U8, np.zeros((2, 3, 1), np.uint8)], axis=2)
    assert hair_intensity(rgba, MASK) == pytest.approx(hair_intensity(PIXELS_U8, MASK), abs=1e-12)


@pytest.mark.parametrize("mask_value", [0.0, 0.49, 0.4999])
def test_hair_intensity_empty_mask_is_a_clear_error(mask_value):
    with pytest.raises(ValueError, match="empty"):
        hair_intensity(PIXELS_U8, np.full((2, 3), mask_value))


@pytest.mark.parametrize("mask_shape", [(3, 2), (2, 4), (2, 3, 1), (6,)])
def test_hair_intensity_shape_mismatch_is_an_error(mask_shape):
    with pytest.raises(ValueError, match="shape"):
        hair_intensity(PIXELS_U8, np.ones(mask_shape))


def test_hair_intensity_rejects_unsupported_dtype():
    with pytest.raises(TypeError):
        hair_intensity(PIXELS_U8.astype(np.int32), MASK)


# colour-science's sRGB pairs the primaries-derived RGB->XYZ matrix with the 4-decimal XYZ->RGB matrix
# of IEC 61966-2-1, which are not exact inverses: the round trip is good to about 3e-4 (0.07 of an 8-bit level).
ROUND_TRIP_TOLERANCE = 5e-4


def test_oklab_round_trip():
    rng = np.random.default_rng(3)
    rgb = np.concatenate([rng.random((500, 3)), np.eye(3), np.zeros((1, 3)), np.ones((1, 3))])
    back = oklab_to_srgb(srgb_to_oklab(rgb))
    np.testing.assert_allclose(back, rgb, atol=ROUND_TRIP_TOLERANCE)


def test_oklab_round_trip_keeps_image_shape():
    image = np.random.default_rng(4).random((4, 5, 3))
    lab = srgb_to_oklab(image)
    assert lab.shape == image.shape
    np.testing.assert_allclose(oklab_to_srgb(lab), image, atol=ROUND_TRIP_TOLERANCE)


def test_oklab_of_white_and_black():
    np.testing.assert_allclose(srgb_to_oklab(np.ones(3)), [1.0, 0.0, 0.0], atol=1e-3)
    np.testing.assert_allclose(srgb_to_oklab(np.zeros(3)), [0.0, 0.0, 0.0], atol=1e-9)


def test_oklab_of_srgb_red_matches_published_value():
    # Björn Ottosson's reference value for sRGB #ff0000.
    np.testing.assert_allclose(srgb_to_oklab(np.array([1.0, 0.0, 0.0])), [0.627955, 0.224863, 0.125846], atol=1e-3)


def test_oklab_lightness_of_greys_is_monotonic_and_achromatic():
    greys = np.repeat(np.linspace(0, 1, 101)[:, None], 3, axis=1)
    lab = srgb_to_oklab(greys)
    assert np.all(np.diff(lab[:, 0]) > 0)
    assert np.abs(lab[:, 1:]).max() < 1e-3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#ff8000", [1.0, 128 / 255, 0.0]),
        ("FF8000", [1.0, 128 / 255, 0.0]),
        ("  #00Ff7f  ", [0.0, 1.0, 127 / 255]),
        ("#000000", [0.0, 0.0, 0.0]),
        ("#ffffff", [1.0, 1.0, 1.0]),
    ],
)
def test_parse_hex(text, expected):
    value = parse_hex(text)
    assert value.dtype == np.float64
    np.testing.assert_allclose(value, expected, atol=1e-12)


@pytest.mark.parametrize(
    "text", ["", "#", "#fff", "#ff800", "#ff80000", "##ff8000", "#gg0000", "ff 800", "red", None, 0xFF8000, b"#ff8000"]
)
def test_parse_hex_rejects_bad_input(text):
    with pytest.raises(ValueError):
        parse_hex(text)


def test_to_hex_formats_lower_case_and_round_trips():
    rng = np.random.default_rng(5)
    for value in rng.integers(0, 256, (200, 3)):
        text = "#{:02x}{:02x}{:02x}".format(*value)
        assert to_hex(parse_hex(text)) == text
    assert to_hex(parse_hex("#ABCDEF")) == "#abcdef"


def test_to_hex_rounds_and_clips():
    assert to_hex(np.array([1.2, -0.1, 0.5])) == "#ff0080"
    assert to_hex([0.0, 1.0 / 255 * 0.49, 1.0 / 255 * 0.51]) == "#000001"
