"""Still images and masks: what read_rgb / read_mask return for common PNG kinds, and errors that name the file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import cv2
import imageio.v3 as iio
import numpy as np
import pytest

from studio.errors import StudioError
from studio.images import ImageError, read_mask, read_rgb, write_image

RNG = np.random.default_rng(7)
RGB8 = RNG.integers(0, 256, (6, 9, 3), dtype=np.uint8)
GREY8 = RNG.integers(0, 256, (6, 9), dtype=np.uint8)
RGB16 = RNG.integers(0, 65536, (6, 9, 3), dtype=np.uint16)
GREY16 = RNG.integers(0, 65536, (6, 9), dtype=np.uint16)


def to8(values16: np.ndarray) -> np.ndarray:
    """16-bit levels scaled to the nearest 8-bit level."""
    return np.round(values16.astype(np.float64) * 255 / 65535).astype(np.uint8)


def write_cv2(path: Path, pixels: np.ndarray) -> Path:
    """Write with OpenCV (which can write 16-bit PNG); colour pixels are given in RGB order."""
    if pixels.ndim == 3:
        code = cv2.COLOR_RGBA2BGRA if pixels.shape[2] == 4 else cv2.COLOR_RGB2BGR
        pixels = cv2.cvtColor(pixels, code)
    assert cv2.imwrite(str(path), pixels)
    return path


def test_read_rgb_of_rgb_png(tmp_path: Path):
    write_image(tmp_path / "rgb.png", RGB8)
    pixels = read_rgb(tmp_path / "rgb.png")
    assert pixels.dtype == np.uint8 and pixels.shape == (6, 9, 3)
    assert np.array_equal(pixels, RGB8)


def test_read_rgb_of_grey_png_repeats_the_channel(tmp_path: Path):
    write_image(tmp_path / "grey.png", GREY8)
    pixels = read_rgb(tmp_path / "grey.png")
    assert pixels.shape == (6, 9, 3) and pixels.dtype == np.uint8
    for channel in range(3):
        assert np.array_equal(pixels[..., channel], GREY8)


def test_read_rgb_of_rgba_png_drops_alpha(tmp_path: Path):
    rgba = np.dstack([RGB8, np.full((6, 9), 17, np.uint8)])
    write_image(tmp_path / "rgba.png", rgba)
    pixels = read_rgb(tmp_path / "rgba.png")
    assert pixels.shape == (6, 9, 3)
    assert np.array_equal(pixels, RGB8)
    assert pixels.flags.c_contiguous


def test_read_rgb_of_16_bit_rgb_png(tmp_path: Path):
    pixels = read_rgb(write_cv2(tmp_path / "rgb16.png", RGB16))
    assert pixels.dtype == np.uint8 and pixels.shape == (6, 9, 3)
    # Pillow hands imageio 16-bit RGB already cut to 8 bits (high byte), so allow one level against rounding.
    assert np.abs(pixels.astype(int) - to8(RGB16)).max() <= 1


def test_read_rgb_of_16_bit_grey_png(tmp_path: Path):
    pixels = read_rgb(write_cv2(tmp_path / "grey16.png", GREY16))
    assert pixels.dtype == np.uint8 and pixels.shape == (6, 9, 3)
    assert np.array_equal(pixels[..., 0], to8(GREY16))


def test_read_mask_scales_8_bit_to_unit_range(tmp_path: Path):
    mask = np.array([[0, 64, 128, 255]], np.uint8)
    write_image(tmp_path / "mask.png", mask)
    values = read_mask(tmp_path / "mask.png")
    assert values.dtype == np.float32 and values.shape == (1, 4)
    np.testing.assert_allclose(values, mask / 255.0, rtol=0, atol=1e-7)
    assert values[0, 0] == 0.0 and values[0, 3] == 1.0


def test_read_mask_scales_16_bit_to_unit_range(tmp_path: Path):
    mask = np.array([[0, 1000, 32768, 65535]], np.uint16)
    values = read_mask(write_cv2(tmp_path / "mask16.png", mask))
    assert values.dtype == np.float32
    np.testing.assert_allclose(values, mask / 65535.0, rtol=0, atol=1e-7)
    assert values[0, 3] == 1.0


def test_read_mask_of_colour_image_uses_the_first_channel(tmp_path: Path):
    write_image(tmp_path / "mask.png", RGB8)
    np.testing.assert_allclose(read_mask(tmp_path / "mask.png"), RGB8[..., 0] / 255.0, rtol=0, atol=1e-7)


def test_read_mask_accepts_the_matching_shape(tmp_path: Path):
    write_image(tmp_path / "mask.png", GREY8)
    assert read_mask(tmp_path / "mask.png", (6, 9)).shape == (6, 9)


@pytest.mark.parametrize("shape", [(9, 6), (6, 10), (5, 9)])
def test_read_mask_size_mismatch_names_the_file(tmp_path: Path, shape: tuple[int, int]):
    path = tmp_path / "mask.png"
    write_image(path, GREY8)
    with pytest.raises(ImageError) as caught:
        read_mask(path, shape)
    assert caught.value.path == path
    assert str(caught.value) == f"{path}: mask is 9x6 but the image is {shape[1]}x{shape[0]}"


@pytest.mark.parametrize("reader", [read_rgb, read_mask])
@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("missing.png", None, "file not found"),
        ("junk.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not a readable image"),
        ("empty.png", b"", "not a readable image"),
        ("text.jpg", b"hello", "not a readable image"),
    ],
)
def test_unreadable_files_name_the_file(tmp_path: Path, reader, name: str, data: bytes | None, problem: str):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(ImageError) as caught:
        reader(path)
    assert isinstance(caught.value, StudioError)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: {problem}")


def test_a_folder_is_not_an_image(tmp_path: Path):
    with pytest.raises(ImageError, match="file not found"):
        read_rgb(tmp_path)


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".bmp"])
def test_write_image_leaves_only_the_target(tmp_path: Path, suffix: str):
    path = tmp_path / f"out{suffix}"
    write_image(path, RGB8)
    assert os.listdir(tmp_path) == [path.name]
    assert iio.imread(path).shape == RGB8.shape
    if suffix != ".jpg":
        assert np.array_equal(read_rgb(path), RGB8)


def test_write_image_replaces_an_existing_file(tmp_path: Path):
    path = tmp_path / "out.png"
    path.write_bytes(b"old")
    write_image(path, GREY8)
    assert np.array_equal(read_rgb(path)[..., 0], GREY8)
    assert os.listdir(tmp_path) == ["out.png"]


@pytest.mark.parametrize(
    ("name", "pixels"),
    [("out.xyz", RGB8), ("float.png", RGB8.astype(np.float64) / 255.0), ("empty.png", np.zeros((0, 4, 3), np.uint8))],
    ids=["unknown-suffix", "float-pixels", "empty-image"],
)
def test_failed_write_keeps_the_old_file_and_leaves_no_temp_files(tmp_path: Path, name: str, pixels: np.ndarray):
    path = tmp_path / name
    path.write_bytes(b"previous")
    with pytest.raises(ImageError) as caught:
        write_image(path, pixels)
    assert caught.value.path == path
    assert "could not write image" in str(caught.value)
    assert os.listdir(tmp_path) == [name]
    assert path.read_bytes() == b"previous"


def test_write_image_into_missing_folder(tmp_path: Path):
    folder = tmp_path / "missing"
    with pytest.raises(ImageError) as caught:
        write_image(folder / "out.png", RGB8)
    assert caught.value.path == folder
    assert str(caught.value) == f"{folder}: the folder does not exist"
    assert os.listdir(tmp_path) == []


# --- hostile output names and CMYK photos (issue 12) ---------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("overlay", "the file name needs an image suffix such as .png or .jpg"),
    ("folder.png", "is a folder; give a file name"),
    ("a" * 300 + ".png", "File name too long"),
], ids=["no-suffix", "a-folder", "name-too-long"])
def test_write_image_refuses_outputs_it_cannot_write(tmp_path: Path, name: str, message: str):
    (tmp_path / "folder.png").mkdir()
    with pytest.raises(ImageError, match=message) as caught:
        write_image(tmp_path / name, RGB8)
    assert caught.value.path == tmp_path / name
    assert os.listdir(tmp_path) == ["folder.png"]


SKIN = np.array([221, 168, 139], np.uint8)  # a light skin tone


def _cmyk_by_pillow(path: Path) -> None:
    from PIL import Image

    Image.fromarray(np.tile(SKIN, (16, 16, 1))).convert("CMYK").save(path, quality=95)


def _ycck_by_imagemagick(path: Path) -> None:
    """ImageMagick writes CMYK JPEGs as YCCK (Adobe transform 2) with inverted inks."""
    convert = shutil.which("convert") or shutil.which("magick")
    if convert is None:
        pytest.skip("ImageMagick is not installed")
    png = path.with_suffix(".png")
    write_image(png, np.tile(SKIN, (16, 16, 1)))
    subprocess.run([convert, str(png), "-colorspace", "CMYK", "-quality", "95", str(path)], check=True)


@pytest.mark.parametrize("make", [_cmyk_by_pillow, _ycck_by_imagemagick], ids=["cmyk", "ycck"])
def test_cmyk_jpegs_read_as_their_rgb_colours(tmp_path: Path, make):
    path = tmp_path / "print.jpg"
    make(path)
    assert iio.immeta(path)["mode"] == "CMYK"
    pixels = read_rgb(path)
    assert pixels.shape == (16, 16, 3) and pixels.dtype == np.uint8
    assert np.abs(pixels.astype(int) - SKIN).max() <= 4, pixels[0, 0]  # not inks read as RGB (a blue face)
