"""Presets: a YAML file beside its PNG LUT strips, each LUT tied to a reference hair intensity.

    schema_version: 1
    name: Copper
    id: copper
    lut_size: 33
    intensity_metric: rec709-luma-mask-weighted
    anchors:                       # >= 2, strictly increasing intensity (the studio writes dark, light)
      - {intensity: 0.12, look: {target: '#b5532a', ...}, lut: copper.dark.1a2b3c4d.png, sha256: ...}
      - {intensity: 0.78, look: {...}, lut: copper.light.5e6f7a8b.png, sha256: ...}

The JSON Schema is `studio/schemas/preset.schema.json`. LUT file names carry a short content hash, so a
save writes new LUT files first and then renames the YAML over the old one: a reader sees either the old
preset or the new one, never a mix.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from studio.atomic import atomic_path, temporary_file, write_bytes_atomic
from studio.bake import bake_anchors
from studio.color import INTENSITY_METRIC
from studio.digest import sha256_file
from studio.errors import LutError, PresetError
from studio.look import Look
from studio.lut import LUT3D
from studio.yamlio import read_yaml, schema_problems

SCHEMA_VERSION = 1
"""The preset format version this code reads and writes."""

MAX_PRESET_BYTES = 1 << 20  # a preset YAML is a few hundred bytes; refuse to parse anything huge
_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_IN_LUT_NAMES = re.compile(r"[^A-Za-z0-9._-]+")  # the schema's pattern for LUT file names
_LUT_STEM_CHARACTERS = 100  # the schema allows 200 for a whole LUT name


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

    @classmethod
    def bake(cls, name: str, references: list[tuple[float, Look]], size: int = 33, description: str = "") -> Preset:
        """A preset whose anchors are the (intensity, look) references, in intensity order, baked together
        (studio.bake.bake_anchors) so that the runtime's blend keeps the colour between them."""
        ordered = sorted(references, key=lambda pair: pair[0])
        luts = bake_anchors(ordered, size)
        anchors = [Anchor(intensity, look, lut) for (intensity, look), lut in zip(ordered, luts, strict=True)]
        return cls(name=name, id=slugify(name), anchors=anchors, description=description)

    def to_document(self, lut_files: list[str]) -> dict[str, object]:
        """The YAML document for this preset with the anchors' LUTs stored under `lut_files`."""
        return {
            "schema_version": SCHEMA_VERSION,
            "name": self.name,
            "id": self.id,
            **({"description": self.description} if self.description else {}),
            "lut_size": self.lut_size,
            "intensity_metric": INTENSITY_METRIC,
            "anchors": [
                {"intensity": round(float(a.intensity), 6), "look": a.look.to_dict(), "lut": file, "sha256": digest}
                for a, (file, digest) in zip(self.anchors, lut_files, strict=True)
            ],
        }

    def save(self, path: str | Path, bits: int = 16) -> None:
        """Write the YAML at `path` and its PNG LUTs (`bits` 16 or 8) beside it, atomically. The document is
        checked against the schema first (name, description, ids, LUT names): what is saved always loads."""
        path = Path(path)
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise PresetError("a preset file must end in .yaml or .yml", path)
        if not path.parent.is_dir():
            raise PresetError("the folder does not exist", path.parent)
        planned = [(_lut_file_name(path, anchor_label(i, len(self.anchors)), "0" * 64), "0" * 64)
                   for i in range(len(self.anchors))]
        problems = schema_problems(self.to_document(planned), preset_schema())
        if problems:
            raise PresetError(f"cannot save: {'; '.join(problems)}", path)
        written: list[tuple[str, str]] = []
        try:
            if path.is_dir():
                raise PresetError("is a folder; give a file name", path)
            with _save_lock(path):
                previous = _referenced_luts(path)
                try:
                    for index, anchor in enumerate(self.anchors):
                        written.append(_write_lut(anchor.lut, path, anchor_label(index, len(self.anchors)), bits))
                    text = yaml.safe_dump(self.to_document(written), sort_keys=False, allow_unicode=True)
                    write_bytes_atomic(path, text.encode("utf-8"))
                except BaseException:
                    for file, _ in written:
                        if file not in previous and file not in _referenced_by_others(path):
                            (path.parent / file).unlink(missing_ok=True)
                    raise
                self.lut_files = [file for file, _ in written]
                stale = previous - set(self.lut_files) - _referenced_by_others(path)
                for name in stale:
                    if _written_by_this_preset(path, name):
                        (path.parent / name).unlink(missing_ok=True)
        except (OSError, LutError) as error:
            reason = error.problem if isinstance(error, LutError) else (error.strerror or error)
            raise PresetError(f"could not save: {reason}", path) from None


def slugify(name: str) -> str:
    """A preset id from a name: lower case letters, digits and '-', at most 64 characters."""
    slug = _SLUG.sub("-", name.lower()).strip("-")[:64]
    return slug or "preset"


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
    if lut_size in (17, 33, 65) and lut.size != lut_size:
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


def anchor_label(index: int, count: int) -> str:
    """The name of anchor `index` of `count` in file names: dark and light for two anchors, else anchorK."""
    if count == 2:
        return ("dark", "light")[index]
    return f"anchor{index}"


def _lut_file_name(preset_path: Path, label: str, digest: str) -> str:
    """The name of the LUT strip `<stem>.<label>.<hash8>.png` saved beside the preset at `preset_path`, for the
    LUT with SHA-256 `digest`. The stem is the preset file's, in the characters the schema allows in LUT names
    (accents dropped, anything else '-') and at most 100 of them, so every name a save writes loads again."""
    return f"{_lut_stem(preset_path)}.{label}.{digest[:8]}.png"


def _lut_stem(preset_path: Path) -> str:
    plain = unicodedata.normalize("NFKD", preset_path.stem).encode("ascii", "ignore").decode("ascii")
    stem = _NOT_IN_LUT_NAMES.sub("-", plain).strip(".-")[:_LUT_STEM_CHARACTERS].strip(".-")
    return stem or "preset"


def _write_lut(lut: LUT3D, preset_path: Path, label: str, bits: int) -> tuple[str, str]:
    """Write a LUT strip named by `_lut_file_name` beside the preset; returns (name, sha256).
    The staging file's name is unique, so concurrent writers never hand each other their LUTs."""
    staging = temporary_file(preset_path.parent, f"{_lut_stem(preset_path)}.{label}.staging", ".png")
    try:
        lut.write(staging, bits=bits)
        digest = sha256_file(staging)
        name = _lut_file_name(preset_path, label, digest)
        with atomic_path(preset_path.parent / name) as temp:
            staging.replace(temp)
    finally:
        staging.unlink(missing_ok=True)
    return name, digest


def _referenced_luts(path: Path) -> set[str]:
    """LUT files the preset currently at `path` refers to (nothing if it is missing or unreadable)."""
    document, problems = _read_document(path) if path.is_file() else (None, [])
    if document is None or not isinstance(document.get("anchors"), list):
        return set()
    names = {a.get("lut") for a in document["anchors"] if isinstance(a, dict)}
    return {name for name in names if isinstance(name, str) and _inside(path.parent, name)[1] is None}


_OWN_LUT = re.compile(r"^(?P<stem>.+)\.(?:dark|light|anchor\d+)\.[0-9a-f]{8}\.png$")


def _written_by_this_preset(path: Path, name: str) -> bool:
    """Whether `name` is a LUT file that saving the preset at `path` writes (`_lut_file_name`), a regular file
    beside it. Anything else an edited YAML names (notes.txt, another preset's LUTs, the
    YAML itself) is not the save's to delete."""
    match = _OWN_LUT.match(name)
    candidate = path.parent / name
    return bool(match) and match.group("stem") == _lut_stem(path) and candidate.is_file() and not candidate.is_symlink()


def _referenced_by_others(path: Path) -> set[str]:
    """LUT files that the other presets in `path`'s folder refer to (copies of a preset share its LUTs)."""
    names: set[str] = set()
    for other in path.parent.iterdir():
        if other.suffix.lower() in (".yaml", ".yml") and other.name != path.name and not other.name.startswith("."):
            names |= _referenced_luts(other)
    return names


@contextmanager
def _save_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the preset's folder while saving into it, so that concurrent saves (threads
    or processes) take turns and one's cleanup never meets the other's half-written preset. The lock is on
    the folder itself, so it leaves no file behind. Where the platform has no flock, saves are not serialised."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # closing the descriptor releases the lock


def _unique(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))
