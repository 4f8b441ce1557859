"""The preset browser's decisions without a window (studio/app/browser.py): which folder, which files are
presets, their order, error tiles for presets that cannot be loaded, and thumbnails that recolour the hair of
the live frame and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from studio import resources
from studio.app.browser import (
    COMPARE_SIZE,
    ERROR_RGB,
    THUMB_SIZE,
    build_page,
    compare_pair,
    default_folder,
    error_picture,
    live_or_swatches,
    render,
    scan,
)
from studio.app.preview import letterbox
from studio.errors import StudioError
from studio.runtime import load_preset

SHIPPED = resources.shipped("lut_presets")


def _copy_preset(name: str, folder: Path, new_stem: str | None = None) -> Path:
    """A shipped preset and its LUT files copied into `folder` (as `new_stem`.yaml when given)."""
    source = SHIPPED / f"{name}.yaml"
    for lut in SHIPPED.glob(f"{name}.*.png"):
        shutil.copy(lut, folder / lut.name)
    target = folder / f"{new_stem or name}.yaml"
    shutil.copy(source, target)
    return target


def _frame_and_mask(width: int = 1280, height: int = 720) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic frame: a grey-blue background and a mid-brown block of 'hair' with its hard mask."""
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = (70, 90, 120)
    mask = np.zeros((height, width), np.float32)
    top, bottom, left, right = height // 6, height // 2, width // 3, 2 * width // 3
    rng = np.random.default_rng(7)
    hair = rng.normal((110, 80, 55), 12, (bottom - top, right - left, 3))
    frame[top:bottom, left:right] = np.clip(hair, 0, 255).astype(np.uint8)
    mask[top:bottom, left:right] = 1.0
    return frame, mask


def test_the_default_folder_is_the_current_presets_else_the_shipped_ones(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    assert default_folder(mine) == tmp_path
    assert default_folder(None) == SHIPPED
    assert default_folder(tmp_path / "gone" / "mine.yaml") == SHIPPED  # a folder that no longer exists


def test_a_folder_lists_presets_by_name_then_the_broken_ones_and_skips_other_yaml(tmp_path: Path) -> None:
    _copy_preset("copper", tmp_path, "zz_copper")  # file name last, preset name "Copper" first
    _copy_preset("platinum", tmp_path)
    _copy_preset("ash-brown", tmp_path)
    (tmp_path / "settings.yaml").write_text("theme: dark\nrecent: []\n")  # YAML, but not a preset
    (tmp_path / "list.yml").write_text("- a\n- b\n")
    (tmp_path / "copper.workspace.yaml").write_text("schema_version: 1\npreset: zz_copper.yaml\n")
    (tmp_path / "notes.txt").write_text("anchors: not yaml by suffix")
    (tmp_path / "b_broken.yaml").write_text("schema_version: 1\nname: Broken\nanchors: [\n")  # bad YAML
    missing = _copy_preset("lavender", tmp_path, "a_missing_lut")
    for lut in tmp_path.glob("lavender.*.png"):
        lut.unlink()
    (tmp_path / "sub").mkdir()
    _copy_preset("cherry-red", tmp_path / "sub")  # subfolders are not browsed

    entries = scan(tmp_path)
    assert [e.label for e in entries] == ["Ash Brown", "Copper", "Platinum", "a_missing_lut.yaml",
                                          "b_broken.yaml"], [e.label for e in entries]
    assert [e.path.name for e in entries[:3]] == ["ash-brown.yaml", "zz_copper.yaml", "platinum.yaml"]
    broken = {e.path.name: e.error for e in entries if e.preset is None}
    assert set(broken) == {"a_missing_lut.yaml", "b_broken.yaml"}
    assert "lavender.dark" in broken["a_missing_lut.yaml"] and str(missing) in broken["a_missing_lut.yaml"]
    assert all(broken.values())
    assert all(e.error == "" for e in entries[:3])


def test_an_unreadable_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match="gone"):
        scan(tmp_path / "gone")


def test_the_shipped_presets_all_load_in_name_order() -> None:
    entries = scan(SHIPPED)
    names = [e.label for e in entries]
    assert len(entries) == len(list(SHIPPED.glob("*.yaml"))) >= 10
    assert all(e.preset is not None for e in entries)
    assert names == sorted(names, key=str.casefold)


def test_a_thumbnail_recolours_the_hair_and_leaves_the_rest(tmp_path: Path) -> None:
    frame, mask = _frame_and_mask()
    preset = load_preset(SHIPPED / "midnight-blue.yaml")
    thumb = render(preset, frame, mask)
    assert thumb.shape == (THUMB_SIZE[1], THUMB_SIZE[0], 3) and thumb.dtype == np.uint8
    plain = letterbox(frame, *THUMB_SIZE)
    small_mask = letterbox(mask, *THUMB_SIZE)
    change = np.abs(thumb.astype(int) - plain.astype(int)).sum(axis=-1)
    hair, outside = small_mask > 0.999, small_mask == 0.0
    assert hair.sum() > 500 and outside.sum() > 5000
    assert np.median(change[hair]) > 40, "the hair did not change colour"
    assert change[outside].max() == 0, "pixels outside the hair changed"
    blue = thumb[hair].mean(axis=0)
    assert blue[2] > blue[0], blue  # midnight blue: bluer than red, where the brown hair was redder
    other = render(load_preset(SHIPPED / "honey-blonde.yaml"), frame, mask)
    assert np.abs(other[hair].astype(int) - thumb[hair].astype(int)).mean() > 20  # presets differ


def test_a_frame_without_hair_is_shown_unchanged() -> None:
    frame, _ = _frame_and_mask(320, 180)
    thumb = render(load_preset(SHIPPED / "copper.yaml"), frame, np.zeros(frame.shape[:2], np.float32))
    assert np.array_equal(thumb, letterbox(frame, *THUMB_SIZE))


def test_a_page_has_a_tile_per_preset_and_error_tiles_for_the_broken(tmp_path: Path) -> None:
    _copy_preset("copper", tmp_path)
    (tmp_path / "broken.yaml").write_text("schema_version: 1\nname: Broken\nanchors: []\n")
    frame, mask = _frame_and_mask(640, 360)
    page = build_page(tmp_path, frame, mask)
    assert page.folder == tmp_path and page.rendered_on == "the live frame"
    assert [t.entry.label for t in page.tiles] == ["Copper", "broken.yaml"]
    assert np.array_equal(page.tiles[1].picture, error_picture())
    assert (page.tiles[1].picture == ERROR_RGB).all(axis=-1).mean() > 0.5
    assert not np.array_equal(page.tiles[0].picture, letterbox(frame, *THUMB_SIZE))


def test_without_a_live_frame_the_thumbnails_use_the_projects_swatches() -> None:
    image, mask, where = live_or_swatches(None, None)
    assert "swatches" in where and image.shape[:2] == mask.shape and mask.max() == 1.0
    frame, _ = _frame_and_mask(64, 36)
    assert "swatches" in live_or_swatches(frame, None)[2]  # a frame the segmenter has not masked yet


def test_two_presets_side_by_side_differ_in_the_hair_only() -> None:
    frame, mask = _frame_and_mask(640, 360)
    copper, blue = (load_preset(SHIPPED / f"{name}.yaml") for name in ("copper", "midnight-blue"))
    pair = compare_pair(copper, blue, frame, mask)
    assert pair.shape == (COMPARE_SIZE[1], 2 * COMPARE_SIZE[0], 3)
    line = COMPARE_SIZE[0]
    left, right = render(copper, frame, mask, COMPARE_SIZE), render(blue, frame, mask, COMPARE_SIZE)
    assert np.array_equal(pair[:, : line - 1], left[:, :-1])  # the current preset on the left
    assert np.array_equal(pair[:, line + 1:], right[:, 1:])
    assert (pair[:, line - 1: line + 1] == 255).all()  # the line between them
    hair, outside = letterbox(mask, *COMPARE_SIZE) > 0.999, letterbox(mask, *COMPARE_SIZE) == 0.0
    assert np.abs(left[hair].astype(int) - right[hair].astype(int)).mean() > 30
    assert np.array_equal(left[outside], right[outside])


def test_every_shipped_preset_gets_a_thumbnail_at_720p() -> None:
    frame, mask = _frame_and_mask()
    page = build_page(SHIPPED, frame, mask)
    assert len(page.tiles) >= 10 and not any(tile.entry.error for tile in page.tiles)
