"""Contact sheets: every preset applied by the runtime to one test image, a labelled tile each.

The default test image is the project's own swatches (reference_images/: the dark reference, a middle-tone
swatch and the light reference side by side), so each tile shows a preset on both references it was
authored from and on the hair tone between them.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from studio import resources
from studio.errors import PresetError
from studio.images import ImageError, read_mask, read_rgb
from studio.runtime import Preset, Recolorizer, load_preset

__all__ = ["REFERENCE_IMAGES", "SHIPPED_PRESETS", "default_test_image", "load_test_image", "panels", "recolor_panels",
           "render_sheet"]

SHIPPED_PRESETS = resources.shipped("lut_presets")
"""The shipped presets (lut_presets/ of the checkout, or its copy in the installed package)."""
REFERENCE_IMAGES = resources.shipped("reference_images")
"""The reference swatches the shipped presets were authored from (reference_images/, likewise)."""

_PAPER = (246, 246, 246)  # sheet background
_INK = (34, 34, 34)  # label text
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def default_test_image(folder: Path = REFERENCE_IMAGES) -> tuple[np.ndarray, np.ndarray]:
    """The dark, middle and light swatches side by side: (uint8 RGB HxWx3, float32 mask HxW in [0, 1]).

    ImageError (a StudioError) names any file that is missing, unreadable or of the wrong size.
    """
    images, masks = [], []
    for name in ("dark", "middle", "light"):
        image, mask = load_test_image(Path(folder) / f"{name}.png", Path(folder) / f"{name}_mask.png")
        if images and image.shape != images[0].shape:
            raise ImageError(f"is {image.shape[1]}x{image.shape[0]}, unlike dark.png", Path(folder) / f"{name}.png")
        images.append(image)
        masks.append(mask)
    return np.hstack(images), np.hstack(masks)


def load_test_image(image_path: Path, mask_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A test image (uint8 RGB) and its hair mask (float32 in [0, 1], 255 = hair in the file), same size.

    ImageError (a StudioError) names the file that is missing, unreadable or whose size does not match."""
    image = read_rgb(image_path)
    return image, read_mask(mask_path, image.shape[:2])


def render_sheet(
    preset_paths: list[Path],
    image: np.ndarray,
    mask: np.ndarray,
    columns: int = 3,
    tile_width: int | None = None,
    progress: bool = True,
) -> np.ndarray:
    """A contact sheet (uint8 RGB): the original `image` first, then one tile per preset, each labelled.

    `image` is uint8 RGB HxWx3 and `mask` float HxW in [0, 1]. Each preset is applied by the runtime
    (studio.runtime.Recolorizer) at the measured hair intensity. Hair regions separated by a full-height
    band of hair-free columns (such as the side-by-side reference swatches) are measured and recoloured
    independently, as a runtime would treat two people. Tiles are `tile_width` pixels wide (default: the
    image's own width, so tiles are pixel-exact), laid out `columns` to a row.
    Raises PresetError naming the file for a preset that is missing or invalid, or when there are none.
    """
    image, mask = _check_test_image(image, mask)
    if not preset_paths:
        raise PresetError("no presets to render on the contact sheet")
    if columns < 1:
        raise PresetError(f"a contact sheet needs at least 1 column, got {columns}")
    tiles = [_tile(image, "Original", tile_width)]
    for path in tqdm(preset_paths, desc="contact sheet", unit="preset", disable=not progress):
        preset = load_preset(path)
        tiles.append(_tile(recolor_panels(preset, image, mask), preset.name, tile_width))
    return _layout(tiles, columns)


def recolor_panels(preset: Preset, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`preset` applied by the runtime to `image` (uint8 RGB) with `mask` (float [0, 1]), each hair region
    separated by a full-height band of hair-free columns measured and recoloured on its own, as a runtime
    treats two people: side-by-side reference swatches each show their own reference's look."""
    recoloured = image.copy()
    for columns in panels(mask):
        recoloured[:, columns] = Recolorizer(preset)(image[:, columns], mask[:, columns])
    return recoloured


def _check_test_image(image: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    image, mask = np.asarray(image), np.asarray(mask)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ImageError(f"the test image must be uint8 RGB (H, W, 3), got {image.dtype} {image.shape}")
    if mask.shape != image.shape[:2]:
        raise ImageError(f"the mask is {mask.shape[::-1]} pixels but the image is {image.shape[1::-1]}")
    if not np.any(mask >= 0.5):
        raise ImageError("the test image's mask holds no hair (no pixel reaches 0.5)")
    return image, np.clip(mask.astype(np.float32), 0.0, 1.0)


def panels(mask: np.ndarray) -> list[slice]:
    """Column ranges holding hair, split wherever a full-height band of columns holds none."""
    has_hair = np.concatenate([[False], (mask > 0).any(axis=0), [False]])
    edges = np.flatnonzero(np.diff(has_hair.astype(np.int8)))
    return [slice(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2], strict=True)]


def _tile(image: np.ndarray, label: str, width: int | None) -> np.ndarray:
    """`image` scaled to `width` with a label band below it."""
    if width is not None and width != image.shape[1]:
        height = max(1, round(image.shape[0] * width / image.shape[1]))
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    tile_w = image.shape[1]
    scale = max(0.45, tile_w / 900)
    thickness = max(1, round(scale * 1.6))
    (text_w, text_h), baseline = cv2.getTextSize(label, _FONT, scale, thickness)
    band = np.full((text_h + baseline + 2 * max(6, text_h // 2), tile_w, 3), _PAPER, np.uint8)
    origin = (max(4, (tile_w - text_w) // 2), band.shape[0] - baseline - max(6, text_h // 2) + 2)
    cv2.putText(band, label, origin, _FONT, scale, _INK, thickness, cv2.LINE_AA)
    return np.vstack([image, band])


def _layout(tiles: list[np.ndarray], columns: int) -> np.ndarray:
    """Tiles on a grid, `columns` to a row, with a gutter around each."""
    gutter = max(4, tiles[0].shape[1] // 64)
    tile_h, tile_w = tiles[0].shape[:2]
    columns = min(columns, len(tiles))
    rows = -(-len(tiles) // columns)
    sheet = np.full((rows * (tile_h + gutter) + gutter, columns * (tile_w + gutter) + gutter, 3), _PAPER, np.uint8)
    for index, tile in enumerate(tiles):
        row, column = divmod(index, columns)
        y, x = gutter + row * (tile_h + gutter), gutter + column * (tile_w + gutter)
        sheet[y : y + tile_h, x : x + tile_w] = tile
    return sheet
