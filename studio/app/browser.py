"""The preset browser's decisions, without a window: which folder it shows, which files of it are presets, in
what order, what a preset that cannot be loaded shows instead, and the thumbnails themselves (each preset on the
live frame, small). Runs in a task thread; no Dear PyGui here (browser_panel.py shows the result).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from studio import resources
from studio.app.preview import fit_box, letterbox
from studio.app.workspace import is_workspace_file
from studio.errors import StudioError
from studio.runtime import Preset, Recolorizer, load_preset
from studio.runtime.intensity import hair_intensity
from studio.runtime.preset import MAX_PRESET_BYTES
from studio.runtime.yamlio import read_yaml
from studio.sheet import default_test_image

THUMB_SIZE = (160, 90)
"""A thumbnail (width, height): a 16:9 frame fills it, other shapes are letterboxed."""

COMPARE_SIZE = (320, 180)
"""Each half of the side-by-side comparison of two presets (width, height)."""

ERROR_RGB = (96, 32, 32)
"""The fill of a tile whose preset could not be loaded."""

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Entry:
    """One file of the folder: its preset, or why it cannot be loaded (`error`, '' when loaded)."""

    path: Path
    preset: Preset | None
    error: str = ""

    @property
    def label(self) -> str:
        """What the tile says: the preset's name, or the file's name for one that failed."""
        return self.preset.name if self.preset is not None else self.path.name


@dataclass(frozen=True)
class Tile:
    """An entry with its picture (uint8 RGB, THUMB_SIZE)."""

    entry: Entry
    picture: np.ndarray


@dataclass(frozen=True)
class Page:
    """What the browser shows: the folder, its tiles in order, and what the thumbnails were rendered on."""

    folder: Path
    tiles: tuple[Tile, ...]
    rendered_on: str


def default_folder(current: Path | None) -> Path:
    """The folder the browser opens on: the current preset's, else the shipped presets."""
    if current is not None and Path(current).parent.is_dir():
        return Path(current).parent
    return resources.shipped("lut_presets")


def looks_like_preset(path: Path) -> bool:
    """Whether a YAML file is meant as a preset, loadable or not: a mapping with a `anchors` or
    `schema_version` key, or a file that is not even readable YAML. Workspaces and other YAML (settings, packs'
    manifests) are not listed."""
    if is_workspace_file(path):
        return False
    document, problem = read_yaml(path, MAX_PRESET_BYTES)
    if problem is not None:
        return True  # broken YAML named .yaml: shown as an error tile, not hidden
    return isinstance(document, dict) and ("anchors" in document or "schema_version" in document)


def scan(folder: Path) -> list[Entry]:
    """The presets of `folder` (not its subfolders), loaded: valid ones by name (case-insensitive, then file
    name), then those that failed, by file name. StudioError when the folder cannot be read."""
    folder = Path(folder)
    try:
        files = [p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()]
    except OSError as error:
        raise StudioError(f"cannot list the folder ({error.strerror or error})", folder) from error
    entries = []
    for path in files:
        if not looks_like_preset(path):
            continue
        try:
            entries.append(Entry(path, load_preset(path)))
        except (StudioError, ValueError, OSError) as error:
            entries.append(Entry(path, None, str(error) or type(error).__name__))
    loaded = sorted((e for e in entries if e.preset is not None), key=lambda e: (e.label.casefold(), e.path.name))
    failed = sorted((e for e in entries if e.preset is None), key=lambda e: (e.path.name.casefold(), e.path.name))
    return loaded + failed


def render(preset: Preset, frame: np.ndarray, mask: np.ndarray, size: tuple[int, int] = THUMB_SIZE,
           intensity: float | None = None) -> np.ndarray:
    """`preset` applied to `frame` (uint8 RGB) by its hair `mask` (float HxW in [0, 1]), as an app would,
    letterboxed into `size` (width, height). The frame is shrunk first (a thumbnail costs well under a
    millisecond); the LUTs are blended by `intensity`, the hair intensity of the full frame (measured here when
    None, as the runtime does)."""
    if intensity is None:
        intensity = _intensity(frame, mask)
    return _recolour(preset, *_shrunk(frame, mask, size), intensity)


def _shrunk(frame: np.ndarray, mask: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    return letterbox(frame, *size), letterbox(mask.astype(np.float32, copy=False), *size)


def _recolour(preset: Preset, small: np.ndarray, small_mask: np.ndarray, intensity: float | None) -> np.ndarray:
    if intensity is None:  # no hair in the frame: nothing to recolour
        return small
    recolorizer = Recolorizer(preset)
    return recolorizer(small, small_mask, recolorizer.position_for(intensity))


def error_picture(size: tuple[int, int] = THUMB_SIZE) -> np.ndarray:
    """The picture of a tile whose preset failed to load: a dark red square with a cross (the label names the
    file and the tooltip says why)."""
    width, height = size
    picture = np.empty((height, width, 3), np.uint8)
    picture[:] = ERROR_RGB
    x, y, w, h = fit_box(1, 1, width, height)
    inset = h // 4
    colour = (230, 120, 120)
    cv2.line(picture, (x + inset, y + inset), (x + w - inset, y + h - inset), colour, 3, cv2.LINE_AA)
    cv2.line(picture, (x + w - inset, y + inset), (x + inset, y + h - inset), colour, 3, cv2.LINE_AA)
    return picture


def live_or_swatches(frame: np.ndarray | None, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, str]:
    """What thumbnails are rendered on: the live frame with its hair mask when the preview has both, else the
    project's own reference swatches (never someone's photo the artist did not choose). Returns (frame, mask,
    a few words saying which)."""
    if frame is not None and mask is not None and mask.shape == frame.shape[:2]:
        return frame, mask, "the live frame"
    image, swatch_mask = default_test_image()
    return image, swatch_mask, "the project's swatches (no live frame with a hair mask yet)"


def build_page(folder: Path, frame: np.ndarray | None, mask: np.ndarray | None) -> Page:
    """Everything the browser shows for `folder`: each preset scanned and rendered on the live frame (or the
    swatches); a preset that fails to load or to render is an error tile. Runs in a task thread."""
    image, hair, where = live_or_swatches(frame, mask)
    intensity = _intensity(image, hair)  # of the full frame, as the preview measures it
    small = _shrunk(image, hair, THUMB_SIZE)  # once for every preset
    tiles = []
    for entry in scan(folder):
        if entry.preset is None:
            tiles.append(Tile(entry, error_picture()))
            continue
        try:
            tiles.append(Tile(entry, _recolour(entry.preset, *small, intensity)))
        except (StudioError, ValueError) as error:
            tiles.append(Tile(Entry(entry.path, None, f"cannot render: {error}"), error_picture()))
    return Page(Path(folder), tuple(tiles), where)


def compare_pair(current: Preset, other: Preset, frame: np.ndarray | None,
                 mask: np.ndarray | None) -> np.ndarray:
    """Two presets side by side on the live frame (or the swatches), each COMPARE_SIZE: `current` on the left,
    `other` on the right, a white line between them. uint8 RGB."""
    image, hair, _ = live_or_swatches(frame, mask)
    intensity = _intensity(image, hair)
    small = _shrunk(image, hair, COMPARE_SIZE)
    left, right = (_recolour(p, *small, intensity) for p in (current, other))
    pair = np.hstack([left, right])
    pair[:, COMPARE_SIZE[0] - 1: COMPARE_SIZE[0] + 1] = 255
    return pair


def _intensity(frame: np.ndarray, mask: np.ndarray) -> float | None:
    try:
        return hair_intensity(frame, mask)
    except ValueError:  # no pixel reaches 0.5: no hair
        return None
