"""Presets, read: a YAML file beside its PNG LUT strips, each LUT tied to a reference hair intensity.

    schema_version: 1
    name: Copper
    id: copper
    lut_size: 33
    intensity_metric: rec709-luma-mask-weighted
    anchors:                       # >= 2, strictly increasing intensity (the studio writes dark, light)
      - {intensity: 0.12, look: {target: '#b5532a', ...}, lut: copper.dark.1a2b3c4d.png, sha256: ...}
      - {intensity: 0.78, look: {...}, lut: copper.light.5e6f7a8b.png, sha256: ...}

The JSON Schema is `studio/schemas/preset.schema.json`. Loading checks everything (schema, LUT files beside the
preset, their checksums and sizes) and names every problem. Writing and baking presets is studio.preset_writer
and studio.bake.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from studio.digest import sha256_file
from studio.errors import LutError, PresetError
from studio.runtime.look_settings import Look
from studio.runtime.lut import LUT3D, LUT_SIZES
from studio.runtime.yamlio import read_yaml, schema_problems

__all__ = ["MAX_PRESET_BYTES", "SCHEMA_VERSION", "Anchor", "Preset", "load_preset", "preset_schema",
           "referenced_luts", "validate"]

SCHEMA_VERSION = 1
"""The preset format version this code reads and writes."""

MAX_PRESET_BYTES = 1 << 20  # a preset YAML is a few hundred bytes; refuse to parse anything huge


@dataclass(frozen=True)
class Anchor:
    """One reference: its mean hair intensity (Rec.709 luma, [0, 1]), the look and its baked LUT."""

    intensity: float
    look: Look
    lut: LUT3D


@dataclass
class Preset:
    """A named set of >= 2 anchors with strictly increasing intensity, all LUTs of one size."""

    name: str
    id: str
    anchors: list[Anchor]
    description: str = ""
    lut_files: list[str] = field(default_factory=list, compare=False)
    """File names the anchors' LUTs were read from or last saved to (empty for a new preset)."""

    def __post_init__(self) -> None:
        problems = _anchor_problems([a.intensity for a in self.anchors], [a.lut.size for a in self.anchors])
        if problems:
            raise PresetError("; ".join(problems))

    @property
    def lut_size(self) -> int:
        """N of the anchors' N x N x N LUTs."""
        return self.anchors[0].lut.size


def load_preset(path: str | Path) -> Preset:
    """Read and fully check a preset; PresetError names the file and lists every problem found."""
    preset, problems = _check(Path(path))
    if problems:
        raise PresetError("; ".join(problems), path)
    assert preset is not None
    return preset


def validate(path: str | Path) -> list[str]:
    """Every problem found in the preset at `path` (an empty list when it is valid)."""
    return _check(Path(path))[1]


@functools.lru_cache(maxsize=1)
def preset_schema() -> dict[str, object]:
    """The preset JSON Schema shipped in the package (draft 2020-12)."""
    return json.loads(resources.files("studio.schemas").joinpath("preset.schema.json").read_text("utf-8"))


def _check(path: Path) -> tuple[Preset | None, list[str]]:
    document, problems = _read_document(path)
    if document is None:
        return None, problems
    problems += schema_problems(document, preset_schema())
    anchors_data = document.get("anchors") if isinstance(document.get("anchors"), list) else []
    anchors: list[Anchor] = []
    files: list[str] = []
    for index, item in enumerate(anchors_data):
        anchor, anchor_problems = _read_anchor(path.parent, index, item, document.get("lut_size"))
        problems += anchor_problems
        if anchor is not None:
            anchors.append(anchor)
            files.append(item["lut"])
    intensities = [item.get("intensity") for item in anchors_data if isinstance(item, dict)]
    if all(isinstance(i, (int, float)) and not isinstance(i, bool) for i in intensities):
        problems += _anchor_problems(intensities, [])
    if problems or len(anchors) != len(anchors_data):
        return None, _unique(problems)
    preset = Preset(document["name"], document["id"], anchors, document.get("description", ""), files)
    return preset, []


def _read_document(path: Path) -> tuple[dict | None, list[str]]:
    if not path.exists():
        return None, ["file not found"]
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None, ["a preset file must end in .yaml or .yml"]
    document, problem = read_yaml(path, MAX_PRESET_BYTES)
    if problem:
        return None, [problem]
    if not isinstance(document, dict):
        return None, [f"expected a YAML mapping at the top level, found {type(document).__name__}"]
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        return None, [f"unknown schema_version {version!r} (this version of hair-studio reads {SCHEMA_VERSION})"]
    return document, []


def _read_anchor(folder: Path, index: int, item: object, lut_size: object) -> tuple[Anchor | None, list[str]]:
    where = f"anchors.{index}"
    if not isinstance(item, dict):
        return None, []  # the schema check already reported it
    problems = []
    intensity = item.get("intensity")
    if isinstance(intensity, float) and not math.isfinite(intensity):
        problems.append(f"{where}.intensity: {intensity} is not a finite number")
    look = None
    try:
        look = Look.from_dict(item.get("look"))
    except (TypeError, ValueError) as error:
        problems.append(f"{where}.look: {error}")
    lut_name = item.get("lut")
    if not isinstance(lut_name, str):
        return None, problems
    lut_path, path_problem = _inside(folder, lut_name)
    if path_problem:
        return None, [*problems, f"{where}.lut: {path_problem}"]
    try:
        if not lut_path.is_file():
            return None, [*problems, f"{where}.lut: LUT file {lut_name!r} not found beside the preset"]
        lut = LUT3D.read(lut_path)  # first: it bounds the file's size before anything reads it whole
        expected = item.get("sha256")
        if isinstance(expected, str) and sha256_file(lut_path) != expected:
            problems.append(f"{where}.lut: {lut_name!r} does not match its sha256 (file changed or corrupt)")
    except LutError as error:
        return None, [*problems, f"{where}.lut: {lut_name!r}: {error.problem}"]
    except OSError as error:  # e.g. a name longer than the file system allows
        return None, [*problems, f"{where}.lut: cannot read {lut_name[:80]!r}: {error.strerror or error}"]
    if lut_size in LUT_SIZES and lut.size != lut_size:
        problems.append(f"{where}.lut: {lut_name!r} is a {lut.size}-point LUT but lut_size is {lut_size}")
    in_range = isinstance(intensity, (int, float)) and not isinstance(intensity, bool) and 0 <= intensity <= 1
    if problems or look is None or not in_range:  # the schema check reports a bad intensity
        return None, problems
    return Anchor(float(intensity), look, lut), []


def _inside(folder: Path, name: str) -> tuple[Path, str | None]:
    """The LUT path for `name`, or a problem when it is absolute, leaves the preset's folder or cannot be a
    file name."""
    candidate = Path(name)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):  # a NUL is no file name at all
        return candidate, f"{name!r} holds a control character"
    if candidate.is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return candidate, f"absolute path {name!r} is not allowed; LUT files sit beside the preset"
    try:
        resolved = (folder / candidate).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python < 3.13)
        return candidate, f"{name!r} cannot be followed (a loop of symbolic links?)"
    if resolved.parent != folder.resolve() or ".." in candidate.parts or "\\" in name:
        return resolved, f"path {name!r} leaves the preset folder; LUT files sit beside the preset"
    return resolved, None


def _anchor_problems(intensities: list[float], sizes: list[int]) -> list[str]:
    problems = []
    if len(intensities) < 2:
        problems.append(f"a preset needs at least 2 anchors, found {len(intensities)}")
    if any(not 0.0 <= i <= 1.0 or not math.isfinite(i) for i in intensities):  # range first: huge ints
        problems.append("anchor intensities must be finite numbers in [0, 1]")
    elif any(b <= a for a, b in zip(intensities, intensities[1:], strict=False)):
        problems.append(f"anchor intensities must be strictly increasing, found {list(intensities)}")
    if len(set(sizes)) > 1:
        problems.append(f"all anchor LUTs must have one size, found {sorted(set(sizes))}")
    return problems


def referenced_luts(path: Path) -> set[str]:
    """LUT files the preset currently at `path` refers to (nothing if it is missing or unreadable)."""
    document, _ = _read_document(path) if path.is_file() else (None, [])
    if document is None or not isinstance(document.get("anchors"), list):
        return set()
    names = {a.get("lut") for a in document["anchors"] if isinstance(a, dict)}
    return {name for name in names if isinstance(name, str) and _inside(path.parent, name)[1] is None}


def _unique(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))
