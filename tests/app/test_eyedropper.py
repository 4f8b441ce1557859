"""The eyedroppers driven headless through studio.app.eyedropper and the Studio state: picking averages a 5x5
neighbourhood and clamps at the edges, which look a pick or the live hair's colour sets, undo, and no hair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.app.eyedropper import (
    NO_HAIR_SWATCH,
    PICK_SIZE,
    Eyedropper,
    live_hair_text,
    pick_colour,
    swatch_rgba,
)
from studio.app.references import default_mask_choice, read_reference
from studio.app.state import Studio, StudioStateError
from studio.images import write_image
from studio.runtime.look_settings import to_hex


def _noise(height: int = 20, width: int = 30, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3)).astype(np.uint8)


def _swatch(folder: Path, name: str, hair_level: int) -> Path:
    """A 64x64 test photo, grey with a square of hair at `hair_level`, and its mask in masks/."""
    image = np.full((64, 64, 3), 128, np.uint8)
    image[16:48, 16:48] = (hair_level, int(hair_level * 0.9), int(hair_level * 0.8))
    mask = np.zeros((64, 64), np.uint8)
    mask[16:48, 16:48] = 255
    (folder / "masks").mkdir(exist_ok=True)
    write_image(folder / f"{name}.png", image)
    write_image(folder / "masks" / f"{name}.png", mask)
    return folder / f"{name}.png"


@pytest.fixture
def studio(tmp_path: Path) -> Studio:
    """A studio with a dark (hair 30) and a light (hair 220) reference."""
    studio = Studio()
    for role, level in (("dark", 30), ("light", 220)):
        path = _swatch(tmp_path, role, level)
        studio.set_reference(role, read_reference(path, default_mask_choice(path, segmenter_ready=False)))
    return studio


def test_a_pick_averages_the_5x5_neighbourhood() -> None:
    image = _noise()
    colour = pick_colour(image, 10, 7)
    assert PICK_SIZE == 5
    assert colour == pytest.approx(image[5:10, 8:13].reshape(-1, 3).mean(axis=0) / 255.0)
    assert not np.allclose(colour, image[7, 10] / 255.0)  # not the one pixel under the click


def test_a_pick_at_the_edge_averages_only_pixels_inside_the_image() -> None:
    image = _noise()
    assert pick_colour(image, 0, 0) == pytest.approx(image[:3, :3].reshape(-1, 3).mean(axis=0) / 255.0)
    corner = image[-3:, -3:].reshape(-1, 3).mean(axis=0) / 255.0
    assert pick_colour(image, 29, 19) == pytest.approx(corner)
    assert pick_colour(image, 500, 90) == pytest.approx(corner)  # outside: the nearest pixel first
    assert pick_colour(image, -4, 10) == pytest.approx(image[8:13, :3].reshape(-1, 3).mean(axis=0) / 255.0)


def test_a_pick_reads_every_image_type_in_unit_range() -> None:
    image = _noise()
    expected = pick_colour(image, 4, 4)
    assert pick_colour(image.astype(np.uint16) * 257, 4, 4) == pytest.approx(expected)
    assert pick_colour(image.astype(np.float32) / 255.0, 4, 4) == pytest.approx(expected, abs=1e-6)
    with_alpha = np.dstack([image, np.full(image.shape[:2], 7, np.uint8)])
    assert pick_colour(with_alpha, 4, 4) == pytest.approx(expected)


def test_picking_sets_the_armed_look_in_one_undo_step(studio: Studio) -> None:
    eyedropper = Eyedropper(studio)
    image = _noise()
    with pytest.raises(StudioStateError, match="arm an eyedropper"):
        eyedropper.pick(image, 3, 3)
    dark_before, light_before = studio.document.dark.look.target, studio.document.light.look.target
    studio.set_look("light", target="#112233")  # a colour drag just before the pick ...
    assert "light target" in eyedropper.toggle("light")
    assert eyedropper.armed == "light"
    message = eyedropper.pick(image, 12, 9, where="the preview frame")
    picked = to_hex(image[7:12, 10:15].reshape(-1, 3).mean(axis=0) / 255.0)
    assert studio.document.light.look.target == picked and picked in message and "preview frame" in message
    assert studio.document.dark.look.target == dark_before
    assert eyedropper.armed is None  # one pick, then the eyedropper is put down
    studio.undo()  # ... is not merged with it: undo goes back to the dragged colour
    assert studio.document.light.look.target == "#112233"
    studio.undo()
    assert studio.document.light.look.target == light_before


def test_toggling_an_eyedropper_arms_switches_and_puts_it_down(studio: Studio) -> None:
    eyedropper = Eyedropper(studio)
    eyedropper.toggle("dark")
    eyedropper.toggle("light")
    assert eyedropper.armed == "light"
    assert eyedropper.toggle("light") == "Eyedropper put down." and eyedropper.armed is None
    with pytest.raises(ValueError):
        eyedropper.toggle("medium")


def test_the_live_hair_goes_to_the_look_nearest_the_frame(studio: Studio) -> None:
    eyedropper = Eyedropper(studio)
    dark, light = studio.document.dark.intensity, studio.document.light.intensity
    assert eyedropper.live_role(dark + 0.05) == "dark"
    assert eyedropper.live_role(light - 0.05) == "light"
    assert eyedropper.live_role((dark + light) / 2) == "dark"  # a tie: the darker
    studio.set_preview_mode("light")  # 'preview as' a look: that one
    assert eyedropper.live_role(dark) == "light"
    studio.set_preview_mode("middle")  # forced to a look the preset does not have: by intensity again
    assert eyedropper.live_role(dark) == "dark"
    eyedropper.toggle("middle")  # an armed eyedropper wins
    assert eyedropper.live_role(dark) == "middle"
    assert Eyedropper(Studio()).live_role(0.3) == "dark" and Eyedropper(Studio()).live_role(0.7) == "light"


def test_using_the_live_hair_colour(studio: Studio) -> None:
    eyedropper = Eyedropper(studio)
    colour = np.array([0.5, 0.25, 0.125])
    light_before = studio.document.light.look.target
    message = eyedropper.use_live_hair(colour, studio.document.dark.intensity)
    assert studio.document.dark.look.target == "#804020" and "#804020" in message
    assert studio.document.light.look.target == light_before
    studio.undo()
    assert studio.document.dark.look.target != "#804020"


def test_no_hair_in_the_frame(studio: Studio) -> None:
    eyedropper = Eyedropper(studio)
    document = studio.document
    with pytest.raises(StudioStateError, match="no hair in this frame"):
        eyedropper.use_live_hair(None, None)
    assert studio.document is document  # nothing changed
    assert live_hair_text(None) == "no hair in this frame"
    assert swatch_rgba(None) == [*map(float, NO_HAIR_SWATCH), 255.0]
    assert live_hair_text(np.array([1.0, 0.5, 0.0])) == "#ff8000"
    assert swatch_rgba(np.array([1.0, 0.5, 0.0])) == [255.0, 128.0, 0.0, 255.0]
