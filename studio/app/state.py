"""The whole studio as plain Python: the two references, their looks, the preset file, the preview mode
and undo/redo. The window (view.py) only shows this state and calls its methods; tests drive it headless.

Every edit replaces the immutable `Document`; the undo stack holds earlier documents. Consecutive edits of
one control (a slider being dragged) merge into one undo step until `end_edit` is called.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.bake import bake_anchors
from studio.errors import PresetError, StudioError
from studio.images import read_mask, read_rgb
from studio.lut_files import write_lut
from studio.pack import build_pack
from studio.preset_writer import save_preset, slugify
from studio.runtime import LUT3D, MASK_THRESHOLD, Anchor, Look, Preset, hair_intensity, load_preset
from studio.sheet import default_test_image

ROLES = ("dark", "middle", "light")
"""The references, in anchor order. Dark and light are required; the middle one is optional."""

PREVIEW_MODES = ("auto", "dark", "middle", "light")
"""Preview modes: interpolate by the frame's hair intensity, or force one reference's LUT."""

MASK_KINDS = ("segmenter", "whole", "rectangle", "file")
"""Where a reference's hair mask comes from."""

UNDO_LIMIT = 200
"""Undo steps kept."""

Segment = Callable[[np.ndarray], np.ndarray]
"""A segmenter: uint8 RGB HxWx3 -> float32 HxW hair mask in [0, 1]."""


class StudioStateError(StudioError):
    """An action the studio cannot do in its current state (shown to the artist, never a crash)."""


@dataclass(frozen=True)
class MaskChoice:
    """How a reference's mask is made: `kind` in MASK_KINDS; `box` (x0, y0, x1, y1 in image pixels) for
    'rectangle'; `path` of a mask image (255 = hair) for 'file'."""

    kind: str = "whole"
    box: tuple[int, int, int, int] | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        if self.kind not in MASK_KINDS:
            raise ValueError(f"unknown mask kind {self.kind!r} (use one of {', '.join(MASK_KINDS)})")
        if self.kind == "rectangle" and self.box is None:
            raise ValueError("a rectangle mask needs a box")
        if self.kind == "file" and self.path is None:
            raise ValueError("a mask file choice needs a path")

    def describe(self) -> str:
        """A short label for the reference panel."""
        if self.kind == "file":
            return f"mask file {self.path.name}"
        if self.kind == "rectangle":
            return "rectangle {}x{} at ({}, {})".format(self.box[2] - self.box[0], self.box[3] - self.box[1],
                                                         *self.box[:2])
        return {"segmenter": "segmenter", "whole": "whole image"}[self.kind]


@dataclass(frozen=True, eq=False)
class Reference:
    """A loaded reference photo with its hair mask; `intensity` (6 decimals, as presets store it) and
    `hair_fraction` (share of pixels with mask >= 0.5) are measured from them."""

    path: Path
    image: np.ndarray
    mask: np.ndarray
    mask_choice: MaskChoice
    intensity: float
    hair_fraction: float


@dataclass(frozen=True)
class Slot:
    """One role of the document: its look and its reference intensity (from a photo or an opened preset)."""

    look: Look = field(default_factory=Look)
    intensity: float | None = None
    reference: Reference | None = None


@dataclass(frozen=True)
class Document:
    """Everything an edit can change; what a preset file stores is `content()`."""

    name: str = "Untitled"
    description: str = ""
    lut_size: int = 33
    dark: Slot = field(default_factory=Slot)
    light: Slot = field(default_factory=Slot)
    middle: Slot = field(default_factory=Slot)

    def slot(self, role: str) -> Slot:
        """The slot for 'dark', 'middle' or 'light'."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (use {', '.join(ROLES)})")
        return getattr(self, role)

    def content(self) -> tuple:
        """The saved part: name, description, LUT size and each role's look and intensity (the middle one's
        only once it has an intensity: a two-reference preset does not store the middle look)."""
        middle = (self.middle.look, self.middle.intensity) if self.middle.intensity is not None else None
        return (self.name, self.description, self.lut_size,
                *((slot.look, slot.intensity) for slot in (self.dark, self.light)), middle)


@dataclass(frozen=True)
class Recipe:
    """What the baker needs: per role (intensity, look) or None when the role has no intensity yet."""

    lut_size: int
    dark: tuple[float, Look] | None
    light: tuple[float, Look] | None
    middle: tuple[float, Look] | None = None

    def part(self, role: str) -> tuple[float, Look] | None:
        """The (intensity, look) of `role`, None when it has no intensity."""
        return getattr(self, role)

    def anchors(self) -> list[tuple[str, tuple[float, Look]]]:
        """(role, (intensity, look)) of every role with an intensity, in anchor order."""
        return [(role, self.part(role)) for role in ROLES if self.part(role) is not None]

    @property
    def ordered(self) -> bool:
        """Dark and light are known and the intensities rise strictly from dark (through middle) to light."""
        if self.dark is None or self.light is None:
            return False
        intensities = [part[0] for _, part in self.anchors()]
        return all(low < high for low, high in zip(intensities, intensities[1:], strict=False))


@functools.lru_cache(maxsize=64)
def baked_luts(references: tuple[tuple[float, Look], ...], size: int) -> tuple[LUT3D, ...]:
    """`studio.bake.bake_anchors`, cached: undo, redo and re-saves do not bake the same looks twice."""
    return tuple(bake_anchors(references, size))


def recipe_luts(recipe: Recipe) -> dict[str, LUT3D | None]:
    """Each role's LUT: baked together when both references are known and in order (as the preset will be),
    each on its own otherwise, None for a role without an intensity yet."""
    if recipe.ordered:
        anchors = recipe.anchors()
        luts = baked_luts(tuple(part for _, part in anchors), recipe.lut_size)
        together = dict(zip((role for role, _ in anchors), luts, strict=True))
        return {role: together.get(role) for role in ROLES}
    return {role: baked_luts((recipe.part(role),), recipe.lut_size)[0] if recipe.part(role) is not None else None
            for role in ROLES}


def find_mask_file(image_path: Path) -> Path | None:
    """A mask shipped beside an image: `masks/<stem>.png` or `<stem>_mask.png` in its folder."""
    for candidate in (image_path.parent / "masks" / f"{image_path.stem}.png",
                      image_path.parent / f"{image_path.stem}_mask.png"):
        if candidate.is_file():
            return candidate
    return None


def default_mask_choice(image_path: Path, segmenter_ready: bool) -> MaskChoice:
    """A mask file beside the image if there is one, else the segmenter if it is ready, else the whole image."""
    found = find_mask_file(image_path)
    if found is not None:
        return MaskChoice("file", path=found)
    return MaskChoice("segmenter" if segmenter_ready else "whole")


def make_mask(image: np.ndarray, choice: MaskChoice, segment: Segment | None = None) -> np.ndarray:
    """The float32 HxW hair mask of `image` made as `choice` says."""
    height, width = image.shape[:2]
    if choice.kind == "whole":
        return np.ones((height, width), dtype=np.float32)
    if choice.kind == "rectangle":
        x0, y0, x1, y1 = choice.box
        x0, x1 = sorted((int(np.clip(x0, 0, width)), int(np.clip(x1, 0, width))))
        y0, y1 = sorted((int(np.clip(y0, 0, height)), int(np.clip(y1, 0, height))))
        if x1 - x0 < 2 or y1 - y0 < 2:
            raise StudioStateError("the rectangle is empty: drag a box over the hair")
        mask = np.zeros((height, width), dtype=np.float32)
        mask[y0:y1, x0:x1] = 1.0
        return mask
    if choice.kind == "file":
        return read_mask(choice.path, (height, width))
    if segment is None:
        raise StudioStateError("the hair segmenter is not available (see the status bar); use a mask file, "
                               "the whole image or a rectangle")
    return np.asarray(segment(image), dtype=np.float32)


def read_reference(path: str | Path, choice: MaskChoice, segment: Segment | None = None) -> Reference:
    """Load a reference photo and measure its hair (safe to call from a worker thread)."""
    path = Path(path)
    return measure_reference(path, read_rgb(path), choice, segment)


def measure_reference(path: Path, image: np.ndarray, choice: MaskChoice, segment: Segment | None = None) -> Reference:
    """A reference from an image already in memory (e.g. after the artist draws a new rectangle)."""
    mask = make_mask(image, choice, segment)
    try:
        intensity = hair_intensity(image, mask)
    except ValueError:
        raise StudioStateError("no hair in the mask (no pixel reaches 0.5); pick another mask", path) from None
    fraction = float(np.mean(mask >= MASK_THRESHOLD))
    return Reference(path, image, mask, choice, round(intensity, 6), fraction)


class Studio:
    """The studio's state and every action on it. Errors are StudioError subclasses with a readable text."""

    def __init__(self) -> None:
        self.document = Document()
        self.path: Path | None = None
        self.preview_mode = "auto"
        self._saved = self.document.content()
        self._undo: list[Document] = []
        self._redo: list[Document] = []
        self._merge_key: str | None = None

    # ----- edits (each undoable) -----

    def set_reference(self, role: str, reference: Reference) -> None:
        """Use `reference` for `role`; its measured intensity becomes the role's intensity."""
        slot = self.document.slot(role)
        self._commit(dataclasses.replace(self.document, **{role: Slot(slot.look, reference.intensity, reference)}))

    def set_look(self, role: str, **changes: object) -> None:
        """Change look settings of `role` (target, strength, texture, shine, saturation); ValueError if invalid.
        Repeated changes of the same settings merge into one undo step until `end_edit`."""
        slot = self.document.slot(role)
        look = dataclasses.replace(slot.look, **changes)
        if look == slot.look:
            return
        key = f"{role}.{','.join(sorted(changes))}"
        self._commit(dataclasses.replace(self.document, **{role: dataclasses.replace(slot, look=look)}), key)

    def set_name(self, name: str) -> None:
        """Rename the preset (its id follows the name); typing merges into one undo step."""
        name = name.strip()
        if not name:
            raise StudioStateError("a preset needs a name")
        if name != self.document.name:
            self._commit(dataclasses.replace(self.document, name=name), "name")

    def set_description(self, description: str) -> None:
        """Set the one-line description shown to artists."""
        if description != self.document.description:
            self._commit(dataclasses.replace(self.document, description=description), "description")

    def set_lut_size(self, size: int) -> None:
        """Set the LUT edge length (17, 33 or 65)."""
        if size not in (17, 33, 65):
            raise StudioStateError(f"LUT size {size} is not supported (use 17, 33 or 65)")
        if size != self.document.lut_size:
            self._commit(dataclasses.replace(self.document, lut_size=size))

    def clear_middle(self) -> None:
        """Drop the middle reference: back to a two-reference preset (undoable)."""
        if self.document.middle != Slot():
            self._commit(dataclasses.replace(self.document, middle=Slot()))

    def swap_references(self) -> None:
        """Exchange the dark and light slots (references, intensities and looks)."""
        self._commit(dataclasses.replace(self.document, dark=self.document.light, light=self.document.dark))

    def end_edit(self) -> None:
        """Close the current merged edit: the next change starts a new undo step."""
        self._merge_key = None

    def _commit(self, document: Document, merge_key: str | None = None) -> None:
        if merge_key is None or merge_key != self._merge_key:
            self._undo.append(self.document)
            del self._undo[:-UNDO_LIMIT]
        self._merge_key = merge_key
        self._redo.clear()
        self.document = document

    # ----- undo / redo -----

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self._redo)

    def undo(self) -> bool:
        """Go back one edit; False when there is none."""
        if not self._undo:
            return False
        self._redo.append(self.document)
        self.document = self._undo.pop()
        self._merge_key = None
        return True

    def redo(self) -> bool:
        """Re-apply the last undone edit; False when there is none."""
        if not self._redo:
            return False
        self._undo.append(self.document)
        self.document = self._redo.pop()
        self._merge_key = None
        return True

    # ----- files -----

    def new(self) -> None:
        """Start an empty, unsaved preset (undo history cleared)."""
        self._reset(Document(), None)

    def open(self, path: str | Path) -> None:
        """Open a preset of two anchors (dark, light) or three (dark, middle, light): its looks and intensities
        (reference photos are not part of a preset)."""
        path = Path(path)
        preset = load_preset(path)
        if len(preset.anchors) not in (2, 3):
            raise PresetError(f"the studio edits presets with two or three anchors (dark, middle, light); this "
                              f"one has {len(preset.anchors)}", path)
        slots = [Slot(anchor.look, anchor.intensity) for anchor in preset.anchors]
        middle = slots[1] if len(slots) == 3 else Slot()
        document = Document(preset.name, preset.description, preset.lut_size, slots[0], slots[-1], middle)
        self._reset(document, path)

    def save(self, path: str | Path | None = None) -> Path:
        """Save to `path` (or the current file): YAML plus PNG LUTs, atomically. Returns the path written."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise StudioStateError("this preset has no file yet: use Save as")
        if target.suffix.lower() not in (".yaml", ".yml"):
            target = target.with_suffix(".yaml")
        save_preset(self.preset(), target)
        self.path = target
        self._saved = self.document.content()
        return target

    def export_cube(self, role: str, path: str | Path) -> None:
        """Write `role`'s baked LUT as a .cube file (DaVinci Resolve, Photoshop)."""
        path = Path(path)
        if path.suffix.lower() != ".cube":
            path = path.with_suffix(".cube")
        lut = recipe_luts(self.recipe())[role]
        if lut is None:
            raise StudioStateError(f"load the {role} reference first: its LUT depends on its hair intensity")
        write_lut(lut, path, title=f"{self.document.name} ({role})")

    def export_cubes(self, path: str | Path) -> list[Path]:
        """Write every baked LUT as `STEM.ROLE.cube` beside `path` (named like a LUT pack's, so the files of
        several presets never collide in one LUT folder). Returns the files written, darkest first."""
        path = Path(path)
        luts = {role: lut for role, lut in recipe_luts(self.recipe()).items() if lut is not None}
        if not luts:
            raise StudioStateError("load a reference first: a LUT depends on its hair intensity")
        stem = path.name[: -len(".cube")] if path.name.lower().endswith(".cube") else path.name
        written = [path.with_name(f"{stem}.{role}.cube") for role in luts]
        for role, target in zip(luts, written, strict=True):
            self.export_cube(role, target)
        return written

    def export_pack(self, output: str | Path) -> Path:
        """Build a LUT pack (.zip) for apps from the saved preset; its thumbnail shows the preset on the
        project's own reference swatches (the artist's reference photos may be someone else's pictures, not
        for shipping). Returns the path written."""
        output = Path(output)
        if output.suffix.lower() != ".zip":
            output = output.with_suffix(".zip")
        if self.path is None or self.dirty:
            raise StudioStateError("save the preset first: a pack is built from the saved file")
        build_pack([self.path], output, *default_test_image(), name=self.document.name)
        return output

    def _reset(self, document: Document, path: Path | None) -> None:
        self.document = document
        self.path = path
        self._saved = document.content()
        self._undo.clear()
        self._redo.clear()
        self._merge_key = None

    # ----- what the view shows -----

    @property
    def dirty(self) -> bool:
        """Whether saving would change the file (or there is no file and something was edited)."""
        return self.document.content() != self._saved

    def title(self) -> str:
        """Window title: preset name, file name and a '*' for unsaved changes."""
        where = self.path.name if self.path else "not saved"
        return f"{self.document.name} ({where}){' *' if self.dirty else ''} - Hair LUT Studio"

    def warnings(self) -> list[str]:
        """Problems the artist should see now (wrong reference order, masks with hardly any hair)."""
        dark, middle, light = self.document.dark, self.document.middle, self.document.light
        problems = []
        if dark.intensity is not None and light.intensity is not None and not dark.intensity < light.intensity:
            problems.append(f"The light reference ({light.intensity:.3f}) is not lighter than the dark one "
                            f"({dark.intensity:.3f}): swap them (Edit > Swap references) or load others.")
        elif middle.intensity is not None and dark.intensity is not None and light.intensity is not None \
                and not dark.intensity < middle.intensity < light.intensity:
            problems.append(f"The middle reference ({middle.intensity:.3f}) must lie between the dark "
                            f"({dark.intensity:.3f}) and the light one ({light.intensity:.3f}): load another "
                            f"or remove it (Edit > Remove middle reference).")
        for role in ROLES:
            reference = self.document.slot(role).reference
            if reference is not None and reference.hair_fraction < 0.01:
                problems.append(f"The {role} reference mask covers under 1% of the image.")
        return problems

    def recipe(self) -> Recipe:
        """The baker's input for the current document."""
        parts = [(slot.intensity, slot.look) if slot.intensity is not None else None
                 for slot in (self.document.dark, self.document.light, self.document.middle)]
        return Recipe(self.document.lut_size, *parts)

    def preset(self) -> Preset:
        """The preset for the current document; StudioStateError when a reference is missing or out of order."""
        recipe = self.recipe()
        for role in ("dark", "light"):
            if recipe.part(role) is None:
                raise StudioStateError(f"load the {role} reference first: a preset needs both hair intensities")
        if not recipe.ordered:
            raise StudioStateError(self.warnings()[0])
        return preset_from_recipe(recipe, self.document.name, self.document.description)

    def set_preview_mode(self, mode: str) -> None:
        """'auto' (interpolate by the frame), 'dark', 'middle' or 'light' (force that reference's LUT). Not an
        edit of the preset."""
        if mode not in PREVIEW_MODES:
            raise ValueError(f"unknown preview mode {mode!r} (use one of {', '.join(PREVIEW_MODES)})")
        self.preview_mode = mode

    def preview_position(self) -> float | None:
        """The anchor position the preview forces (None: automatic interpolation, or a forced middle
        reference the preset does not have)."""
        roles = [role for role, _ in self.recipe().anchors()]
        if self.preview_mode == "auto" or self.preview_mode not in roles:
            return None
        return float(roles.index(self.preview_mode))


def preset_from_recipe(recipe: Recipe, name: str, description: str = "") -> Preset:
    """A preset from an ordered recipe, with LUTs from the bake cache (safe to call from a worker thread)."""
    luts = recipe_luts(recipe)
    anchors = [Anchor(part[0], part[1], luts[role]) for role, part in recipe.anchors()]
    return Preset(name=name, id=slugify(name), anchors=anchors, description=description)
