"""The whole studio as plain Python: the two references, their looks, the preset file, the preview mode, the
workspace saved beside the preset (what it keeps: workspace.py) and undo/redo. The window (view.py) only shows this
state and calls its methods; tests drive it headless. Reference photos and masks are made in references.py, LUTs
baked through recipe.py.

Every edit replaces the immutable `Document`; the undo stack holds earlier documents. Consecutive edits of
one control (a slider being dragged) merge into one undo step until `end_edit` is called.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from studio.app.clip_strip import ClipStrip
from studio.app.recipe import Recipe, preset_from_recipe, recipe_luts
from studio.app.references import PREVIEW_MODES, ROLES, Reference, StudioStateError
from studio.app.workspace import (
    ReferenceEntry,
    Restore,
    SourceChoice,
    ViewState,
    Workspace,
    WorkspaceError,
    is_workspace_file,
    read_workspace,
    restore_plan,
    workspace_file_name,
    workspace_path,
    write_workspace,
)
from studio.errors import PresetError, StudioError
from studio.lut_files import write_lut
from studio.pack import build_pack
from studio.preset_writer import save_preset
from studio.runtime import Look, Preset, load_preset
from studio.sheet import default_test_image

UNDO_LIMIT = 200
"""Undo steps kept."""


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
        self.source: SourceChoice | None = None  # the preview's source, as the window last opened it
        self.strip = ClipStrip()  # the test-clip strip: every source opened, kept in the workspace
        self.view = ViewState()  # zoom and scopes as the window last told them (`note_view`)
        self.save_note = ""  # why the last save wrote no workspace beside the preset ('' when it did)
        self.generation = 0  # one more at every new or opened file: references restored late for another go
        self._kept: dict[str, ReferenceEntry] = {}  # the opened workspace's references, kept until replaced

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

    def open(self, path: str | Path) -> Restore:
        """Open a preset (and the workspace beside it) or a workspace file (and the preset it names). Returns
        what the window restores next: the references, the source and the view."""
        path = Path(path)
        if is_workspace_file(path):
            return self.open_workspace(path)
        self._open_preset(path)
        beside = workspace_path(path)
        if not beside.is_file():
            return Restore(path, self.generation)
        try:
            workspace, problems = read_workspace(beside)
        except WorkspaceError as error:
            return Restore(path, self.generation, beside, problems=(str(error),))
        return self._restoring(path, dataclasses.replace(workspace, preset=path), problems, beside)

    def open_workspace(self, path: str | Path) -> Restore:
        """Open a workspace file: the preset it names (a new preset when it names none, or that one cannot be
        opened, a problem), and say what to restore as `open` does. WorkspaceError: the file is no workspace."""
        path = Path(path)
        workspace, problems = read_workspace(path)
        try:
            if workspace.preset is None:
                self._reset(Document(), None)
            else:
                self._open_preset(workspace.preset)
        except StudioError as error:
            problems.append(f"the preset was not opened ({error}): a new one is started")
            self._reset(Document(), None)
        return self._restoring(path, workspace, problems, path)

    def _open_preset(self, path: Path) -> None:
        """Open a preset of two anchors (dark, light) or three (dark, middle, light): its looks and intensities
        (reference photos are not part of a preset)."""
        preset = load_preset(path)
        if len(preset.anchors) not in (2, 3):
            raise PresetError(f"the studio edits presets with two or three anchors (dark, middle, light); this "
                              f"one has {len(preset.anchors)}", path)
        slots = [Slot(anchor.look, anchor.intensity) for anchor in preset.anchors]
        middle = slots[1] if len(slots) == 3 else Slot()
        document = Document(preset.name, preset.description, preset.lut_size, slots[0], slots[-1], middle)
        self._reset(document, path)

    def save(self, path: str | Path | None = None) -> Path:
        """Save to `path` (or the current file): YAML plus PNG LUTs, atomically, and the workspace beside it
        (`save_note` says why not, when it could not be written). Returns the path written."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise StudioStateError("this preset has no file yet: use Save as")
        if target.suffix.lower() not in (".yaml", ".yml"):
            target = target.with_suffix(".yaml")
        if is_workspace_file(target):
            raise StudioStateError("a preset cannot take a workspace's name (NAME.workspace.yaml)", target)
        save_preset(self.preset(), target)
        self.path = target
        self._saved = self.document.content()
        try:
            self.save_note = ""
            write_workspace(self.workspace(), workspace_path(target))
        except StudioError as error:
            self.save_note = f"the workspace was not saved: {error}"
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
        self.generation += 1
        self._kept = {}
        self._saved = document.content()
        self._undo.clear()
        self._redo.clear()
        self._merge_key = None

    # ----- the workspace (workspace.py): what a preset does not hold -----

    def workspace(self) -> Workspace:
        """The workspace of now: the saved preset, each reference's photo and mask (an opened workspace's entry
        while its photo is not back and the role keeps its intensity), the source and the view."""
        entries = {}
        for role in ROLES:
            slot = self.document.slot(role)
            if slot.reference is not None:
                entries[role] = ReferenceEntry(slot.reference.path, slot.reference.mask_choice)
            elif slot.intensity is not None and role in self._kept:
                entries[role] = self._kept[role]
        view = dataclasses.replace(self.view, preview_as=self.preview_mode)
        return Workspace(self.path, self.source, tuple(entries.items()), view, self.strip.sources)

    def save_workspace(self, path: str | Path) -> Path:
        """Write the workspace to `path` (named NAME.workspace.yaml); the preset's unsaved edits are not in it."""
        return write_workspace(self.workspace(), workspace_file_name(path))

    def note_source(self, spec: str, mask: str | Path | None = None) -> None:
        """The window opened this source ('camera:N' or a file; `mask`: a still's own mask file)."""
        self.source = SourceChoice.from_spec(spec, mask)
        self.strip = self.strip.add(self.source)

    def remove_from_strip(self, index: int) -> None:
        """Take the `index`th source off the test-clip strip (the preview keeps showing what it shows)."""
        self.strip = self.strip.remove(index)

    def note_view(self, zoom: float, scopes: bool) -> None:
        """The window's zoom and whether the scopes are shown (kept in the next workspace)."""
        self.view = dataclasses.replace(self.view, zoom=float(zoom), scopes=bool(scopes))

    def restore_reference(self, role: str, reference: Reference, generation: int) -> str:
        """Give `role` the photo a workspace named, loaded in the background for the opening `generation` (a late
        one, after another file was opened, is dropped). Not an edit: no undo step, and the intensity an opened
        preset stores stays (a note says so when the photo measures otherwise). Returns the note ('' if none)."""
        if generation != self.generation:
            return ""
        slot = self.document.slot(role)
        intensity = reference.intensity if slot.intensity is None else slot.intensity
        self.document = dataclasses.replace(self.document, **{role: Slot(slot.look, intensity, reference)})
        if abs(intensity - reference.intensity) < 5e-7:
            return ""
        return (f"the {role} photo {reference.path.name} now measures {reference.intensity:.3f}; the preset keeps "
                f"{intensity:.3f} (load the photo again to use it)")

    def _restoring(self, opened: Path, workspace: Workspace, problems: list[str], file: Path) -> Restore:
        """Take what the window keeps from `workspace` (read from `file`) and say what it restores."""
        self._kept = dict(workspace.references)
        self.source = workspace.source or self.source
        if workspace.sources:
            self.strip = ClipStrip(workspace.sources)
        self.view = workspace.view
        self.preview_mode = workspace.view.preview_as
        return restore_plan(opened, self.generation, workspace, problems, file)

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
