"""The saved workspace: what a preset does not hold but an artist wants back on reopening it, namely the
reference photos and how their masks were made, the preview source, and a little of the window (preview as,
zoom, scopes). Saving a preset `NAME.yaml` writes `NAME.workspace.yaml` beside it; opening the preset reads it.
Pure Python (no Dear PyGui): `state.py` decides when to write and read one, the view carries out the `Restore`.

The file, version 1 (every field but the version is optional):

    hair_lut_studio_workspace: 1
    preset: copper.yaml
    source: {file: clips/me.mp4}            # or {camera: 0}; a still may add mask: its_mask.png
    sources: [{file: clips/me.mp4}, {camera: 0}]   # the test-clip strip (optional; older files have none)
    references:
      dark: {photo: refs/dark.png, mask: {file: refs/masks/dark.png}}
      light: {photo: refs/light.png, mask: segmenter}  # segmenter | whole | {file: P} | {rectangle: [x0, y0, x1, y1]}
    view: {preview_as: auto, zoom: 1.0, scopes: false}

Paths are relative to the workspace's folder when inside it (the folder can move as a whole), absolute otherwise.
A file that cannot be read as a workspace at all raises `WorkspaceError`; a bad field is a problem that drops that
part only, and a missing photo, mask or source file one that leaves it out of the restore (it stays in the
workspace, for when the file is back), each reported by name with the rest restored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from studio.app.references import PREVIEW_MODES, ROLES, MaskChoice
from studio.atomic import write_bytes_atomic
from studio.errors import StudioError
from studio.sources import CAMERA_PREFIX

VERSION = 1
"""The workspace format this studio writes and reads."""

VERSION_KEY = "hair_lut_studio_workspace"
"""The top-level field holding the version: it also tells a workspace from any other YAML file."""

SUFFIX = ".workspace.yaml"
"""A workspace file's name ends so: `NAME.workspace.yaml` belongs to the preset `NAME.yaml`."""

_FIELDS = (VERSION_KEY, "preset", "source", "sources", "references", "view")


class WorkspaceError(StudioError):
    """A workspace file that cannot be read or written at all (the message names the file)."""


@dataclass(frozen=True)
class SourceChoice:
    """The preview's source: a camera index, or a video or still file (a still may have a mask file)."""

    camera: int | None = None
    path: Path | None = None
    mask: Path | None = None

    @classmethod
    def from_spec(cls, spec: str, mask: str | Path | None = None) -> SourceChoice:
        """From what the preview opens: 'camera:N' (or a bare N) or a file path (made absolute)."""
        text = spec.strip()
        number = text.removeprefix(CAMERA_PREFIX)
        if number.isdigit() and (text.startswith(CAMERA_PREFIX) or text.isdigit()):
            return cls(camera=int(number))
        return cls(path=Path(text).resolve(), mask=Path(mask).resolve() if mask is not None else None)

    @property
    def spec(self) -> str:
        """What the preview opens: 'camera:N' or the file path."""
        return f"{CAMERA_PREFIX}{self.camera}" if self.camera is not None else str(self.path)

    def missing(self) -> str:
        """Why this source cannot be opened now ('' when its files are there)."""
        return _missing(("source file", self.path), ("source mask", self.mask))


@dataclass(frozen=True)
class ReferenceEntry:
    """One reference as a workspace keeps it: the photo and how its mask is made."""

    photo: Path
    mask: MaskChoice

    def missing(self, role: str) -> str:
        """Why `role`'s reference cannot be loaded now ('' when its photo and mask file are there)."""
        return _missing((f"{role} photo", self.photo), (f"{role} mask file", self.mask.path))


def _missing(*files: tuple[str, Path | None]) -> str:
    """'the WHAT NAME is missing (looked for PATH)' for the first of `files` that is not there, else ''."""
    for what, path in files:
        if path is not None and not path.is_file():
            return f"the {what} {path.name} is missing (looked for {path})"
    return ""


@dataclass(frozen=True)
class ViewState:
    """The parts of the window worth keeping: 'preview as', the preview's zoom (>= 1), the scopes shown."""

    preview_as: str = "auto"
    zoom: float = 1.0
    scopes: bool = False


@dataclass(frozen=True)
class Workspace:
    """A workspace in memory (paths absolute); `references` are (role, entry) pairs in ROLES order."""

    preset: Path | None = None
    source: SourceChoice | None = None
    references: tuple[tuple[str, ReferenceEntry], ...] = ()
    view: ViewState = ViewState()
    sources: tuple[SourceChoice, ...] = ()
    """The test-clip strip (clip_strip.py), missing files kept."""


@dataclass(frozen=True)
class Restore:
    """What the window does after a file was opened: load `references` (in ROLES order, each as it says), then
    open `source` and show `view` (None: leave each as it is). `problems` are what could not be restored;
    `generation` ties the references loaded in the background to this opening (`Studio.restore_reference`)."""

    opened: Path
    generation: int
    workspace: Path | None = None
    references: tuple[tuple[str, ReferenceEntry], ...] = ()
    source: SourceChoice | None = None
    view: ViewState | None = None
    problems: tuple[str, ...] = ()

    def without(self, roles: Iterable[str] = (), source: bool = False) -> Restore:
        """This restore minus the `roles` and (`source` True) the source given otherwise, e.g. on the command
        line, which win over the workspace."""
        roles = set(roles)
        return dataclasses.replace(self, references=tuple(e for e in self.references if e[0] not in roles),
                                   source=None if source else self.source)

    def summary(self, failures: Sequence[str] = ()) -> tuple[str, bool]:
        """The status line once the restore is done: (message, whether it reports a problem); `failures` are
        the errors met while loading its references and source."""
        problems = [*self.problems, *failures]
        if self.workspace is None:
            return f"Opened {self.opened}.", bool(problems)
        restored = [f"{role} reference" for role, _ in self.references]
        if self.source is not None:
            restored.append(f"source {self.source.spec}")
        what = ", ".join(restored) or "no reference or source"
        if problems:
            return f"Opened {self.opened} with workspace {self.workspace.name} ({what}); problems: " \
                   + "; ".join(problems), True
        return f"Opened {self.opened} with its workspace ({what}).", False


def restore_plan(opened: Path, generation: int, workspace: Workspace, problems: Sequence[str],
                 file: Path) -> Restore:
    """What to restore of `workspace` (read from `file`) after opening `opened`: its references and source whose
    files are there (the missing ones are among `problems` already), and its view."""
    references = tuple((role, entry) for role, entry in workspace.references if not entry.missing(role))
    source = workspace.source if workspace.source is not None and not workspace.source.missing() else None
    return Restore(opened, generation, file, references, source, workspace.view, tuple(problems))


def workspace_path(preset: str | Path) -> Path:
    """The workspace file belonging to the preset `preset` (NAME.yaml -> NAME.workspace.yaml beside it)."""
    preset = Path(preset)
    return preset.with_name(preset.name.removesuffix(preset.suffix) + SUFFIX)


def is_workspace_file(path: str | Path) -> bool:
    """Whether `path` is named as a workspace (NAME.workspace.yaml)."""
    return Path(path).name.lower().endswith(SUFFIX)


def workspace_file_name(path: str | Path) -> Path:
    """The workspace file the artist means by `path`: NAME.workspace.yaml as given; NAME.yaml or NAME.yml, or a
    name without these suffixes, get `.workspace.yaml`."""
    path = Path(path)
    if is_workspace_file(path):
        return path
    if path.suffix.lower() in (".yaml", ".yml"):
        return workspace_path(path)
    return path.with_name(path.name + SUFFIX)


# ----- writing -----

def write_workspace(workspace: Workspace, path: str | Path) -> Path:
    """Write `workspace` to `path` atomically (a failed write leaves the old file as it was). Returns the path."""
    path = Path(path)
    text = f"# Hair LUT Studio workspace: the references, masks and source of a preset.\n" \
           f"{yaml.safe_dump(to_mapping(workspace, path.parent), sort_keys=False)}"
    try:
        write_bytes_atomic(path, text.encode("utf-8"))
    except OSError as error:
        raise WorkspaceError(f"cannot be written ({error.strerror or error})", path) from error
    return path


def to_mapping(workspace: Workspace, folder: Path) -> dict:
    """The YAML content of `workspace` written in `folder` (paths relative to it where inside it)."""
    data: dict = {VERSION_KEY: VERSION}
    if workspace.preset is not None:
        data["preset"] = _stored(workspace.preset, folder)
    if workspace.source is not None:
        data["source"] = _source_field(workspace.source, folder)
    if workspace.sources:
        data["sources"] = [_source_field(source, folder) for source in workspace.sources]
    if workspace.references:
        data["references"] = {role: {"photo": _stored(entry.photo, folder), "mask": _mask_field(entry.mask, folder)}
                              for role, entry in workspace.references}
    view = workspace.view
    data["view"] = {"preview_as": view.preview_as, "zoom": round(float(view.zoom), 4), "scopes": bool(view.scopes)}
    return data


def _source_field(source: SourceChoice, folder: Path) -> dict:
    return {"camera": source.camera} if source.camera is not None else {
        "file": _stored(source.path, folder), **({"mask": _stored(source.mask, folder)} if source.mask else {})}


def _stored(path: Path, folder: Path) -> str:
    """`path` as written in a workspace in `folder`: relative (with '/') when inside it, else absolute."""
    absolute, base = Path(path).resolve(), Path(folder).resolve()
    return absolute.relative_to(base).as_posix() if absolute.is_relative_to(base) else str(absolute)


def _mask_field(choice: MaskChoice, folder: Path) -> object:
    if choice.kind == "file":
        return {"file": _stored(choice.path, folder)}
    if choice.kind == "rectangle":
        return {"rectangle": [int(v) for v in choice.box]}
    return choice.kind


# ----- reading -----

def read_workspace(path: str | Path) -> tuple[Workspace, list[str]]:
    """Read and check a workspace file: (the workspace, the problems met). WorkspaceError when the file cannot be
    read, is not YAML, not a workspace or of an unknown version; a bad field only drops that part, and a missing
    photo, mask or source file is named (the entry stays: see `Restore` for what is loaded)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise WorkspaceError("file not found", path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise WorkspaceError(f"cannot be read ({error})", path) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise WorkspaceError(f"not valid YAML{line}: {getattr(error, 'problem', None) or error}", path) from None
    return from_mapping(data, path)


def from_mapping(data: object, path: Path) -> tuple[Workspace, list[str]]:
    """Check the YAML content `data` of the workspace file `path` (see `read_workspace`)."""
    if not isinstance(data, dict):
        raise WorkspaceError(f"not a workspace (expected a mapping with {VERSION_KEY}: {VERSION})", path)
    version = data.get(VERSION_KEY)
    if version is None:
        raise WorkspaceError(f"not a workspace (no '{VERSION_KEY}' field)", path)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise WorkspaceError(f"'{VERSION_KEY}' must be a whole number, not {version!r}", path)
    if version > VERSION:
        raise WorkspaceError(f"version {version} is newer than this studio reads ({VERSION}): update the studio",
                             path)
    folder = path.parent
    problems = [f"unknown field '{key}' ignored" for key in data if key not in _FIELDS]
    preset = _path_field(data, "preset", folder, problems)
    source = _source(data.get("source"), folder, problems)
    references = _references(data.get("references"), folder, problems)
    view = _view(data.get("view"), problems)
    listed = data.get("sources") or []
    if not isinstance(listed, list):
        problems.append(f"sources: expected a list of sources, not {listed!r}")
        listed = []
    strip = tuple(dict.fromkeys(filter(None, (_source(item, folder, problems) for item in listed))))
    return Workspace(preset, source, references, view, strip), problems


def _resolved(text: str, folder: Path) -> Path:
    path = Path(text).expanduser()
    return (path if path.is_absolute() else folder / path).resolve()


def _path_field(data: dict, key: str, folder: Path, problems: list[str], where: str = "") -> Path | None:
    """The path in `data[key]` (None when absent or not text, the latter a problem)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}{key}: expected a file path, not {value!r}")
        return None
    return _resolved(value, folder)


def _source(value: object, folder: Path, problems: list[str]) -> SourceChoice | None:
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"camera"}:
        camera = value["camera"]
        if isinstance(camera, int) and not isinstance(camera, bool) and camera >= 0:
            return SourceChoice(camera=camera)
        problems.append(f"source.camera: expected a camera index (0, 1, ...), not {camera!r}")
        return None
    if not isinstance(value, dict) or "file" not in value or not set(value) <= {"file", "mask"}:
        problems.append(f"source: expected {{camera: N}} or {{file: PATH}} (optionally with mask: PATH), "
                        f"not {value!r}")
        return None
    file, mask = _path_field(value, "file", folder, problems, "source."), \
        _path_field(value, "mask", folder, problems, "source.")
    if file is None:
        return None
    source = SourceChoice(path=file, mask=mask)
    problems.extend(filter(None, [source.missing()]))
    return source


def _references(value: object, folder: Path, problems: list[str]) -> tuple[tuple[str, ReferenceEntry], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.append(f"references: expected a mapping of {', '.join(ROLES)}, not {value!r}")
        return ()
    problems.extend(f"references: unknown role '{role}' ignored (use {', '.join(ROLES)})"
                    for role in value if role not in ROLES)
    entries = []
    for role in ROLES:
        if role in value:
            entry = _reference(role, value[role], folder, problems)
            if entry is not None:
                entries.append((role, entry))
    return tuple(entries)


def _reference(role: str, value: object, folder: Path, problems: list[str]) -> ReferenceEntry | None:
    where = f"references.{role}."
    if not isinstance(value, dict):
        problems.append(f"references.{role}: expected {{photo: PATH, mask: ...}}, not {value!r}")
        return None
    photo = _path_field(value, "photo", folder, problems, where)
    if photo is None:
        if "photo" not in value:
            problems.append(f"{where}photo: missing")
        return None
    mask = _mask(value.get("mask"), folder, problems, where)
    if mask is None:
        return None
    entry = ReferenceEntry(photo, mask)
    problems.extend(filter(None, [entry.missing(role)]))
    return entry


def _mask(value: object, folder: Path, problems: list[str], where: str) -> MaskChoice | None:
    if value in ("segmenter", "whole"):
        return MaskChoice(value)
    if isinstance(value, dict) and set(value) == {"file"}:
        path = _path_field(value, "file", folder, problems, f"{where}mask.")
        return MaskChoice("file", path=path) if path is not None else None
    if isinstance(value, dict) and set(value) == {"rectangle"}:
        box = value["rectangle"]
        if isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) and not isinstance(v, bool)
                                                            for v in box):
            return MaskChoice("rectangle", box=tuple(box))
    problems.append(f"{where}mask: expected segmenter, whole, {{file: PATH}} or {{rectangle: [x0, y0, x1, y1]}}, "
                    f"not {value!r}" if value is not None else f"{where}mask: missing")
    return None


def _view(value: object, problems: list[str]) -> ViewState:
    if value is None:
        return ViewState()
    if not isinstance(value, dict):
        problems.append(f"view: expected a mapping (preview_as, zoom, scopes), not {value!r}")
        return ViewState()
    view = ViewState()
    problems.extend(f"view: unknown field '{key}' ignored" for key in value if key not in ("preview_as", "zoom",
                                                                                           "scopes"))
    preview_as, zoom, scopes = value.get("preview_as", "auto"), value.get("zoom", 1.0), value.get("scopes", False)
    if preview_as in PREVIEW_MODES:
        view = dataclasses.replace(view, preview_as=preview_as)
    else:
        problems.append(f"view.preview_as: expected one of {', '.join(PREVIEW_MODES)}, not {preview_as!r}")
    if isinstance(zoom, (int, float)) and not isinstance(zoom, bool) and 1.0 <= zoom < float("inf"):
        view = dataclasses.replace(view, zoom=float(zoom))
    else:
        problems.append(f"view.zoom: expected a number of at least 1, not {zoom!r}")
    if isinstance(scopes, bool):
        view = dataclasses.replace(view, scopes=scopes)
    else:
        problems.append(f"view.scopes: expected true or false, not {scopes!r}")
    return view
