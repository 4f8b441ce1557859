"""Presets, written: the YAML beside its PNG LUT strips, saved so that a reader never sees a mix.

LUT file names carry a short content hash, so a save writes new LUT files first and then renames the YAML over
the old one: a reader sees either the old preset or the new one, never a mix. The format and its reading are
studio.runtime.preset; baking a preset from looks is studio.bake.bake_preset.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from studio.atomic import atomic_path, temporary_file, write_bytes_atomic
from studio.digest import sha256_file
from studio.errors import LutError, PresetError
from studio.runtime.intensity import INTENSITY_METRIC
from studio.runtime.lut import LUT3D
from studio.runtime.preset import SCHEMA_VERSION, Preset, preset_schema, referenced_luts
from studio.runtime.yamlio import schema_problems

__all__ = ["anchor_label", "preset_document", "save_preset", "slugify"]

_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_IN_LUT_NAMES = re.compile(r"[^A-Za-z0-9._-]+")  # the schema's pattern for LUT file names
_LUT_STEM_CHARACTERS = 100  # the schema allows 200 for a whole LUT name


def preset_document(preset: Preset, lut_files: list[tuple[str, str]]) -> dict[str, object]:
    """The YAML document for `preset` with the anchors' LUTs stored under `lut_files`, (name, sha256) pairs."""
    return {
        "schema_version": SCHEMA_VERSION,
        "name": preset.name,
        "id": preset.id,
        **({"description": preset.description} if preset.description else {}),
        "lut_size": preset.lut_size,
        "intensity_metric": INTENSITY_METRIC,
        "anchors": [
            {"intensity": round(float(a.intensity), 6), "look": a.look.to_dict(), "lut": file, "sha256": digest}
            for a, (file, digest) in zip(preset.anchors, lut_files, strict=True)
        ],
    }


def save_preset(preset: Preset, path: str | Path, bits: int = 16) -> None:
    """Write `preset` as the YAML at `path` and its PNG LUTs (`bits` 16 or 8) beside it, atomically, and record
    the LUT files' names in `preset.lut_files`. The document is checked against the schema first (name,
    description, ids, LUT names): what is saved always loads."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise PresetError("a preset file must end in .yaml or .yml", path)
    if not path.parent.is_dir():
        raise PresetError("the folder does not exist", path.parent)
    count = len(preset.anchors)
    planned = [(_lut_file_name(path, anchor_label(i, count), "0" * 64), "0" * 64) for i in range(count)]
    problems = schema_problems(preset_document(preset, planned), preset_schema())
    if problems:
        raise PresetError(f"cannot save: {'; '.join(problems)}", path)
    written: list[tuple[str, str]] = []
    try:
        if path.is_dir():
            raise PresetError("is a folder; give a file name", path)
        with _save_lock(path):
            previous = referenced_luts(path)
            try:
                for index, anchor in enumerate(preset.anchors):
                    written.append(_write_lut(anchor.lut, path, anchor_label(index, count), bits))
                text = yaml.safe_dump(preset_document(preset, written), sort_keys=False, allow_unicode=True)
                write_bytes_atomic(path, text.encode("utf-8"))
            except BaseException:
                for file, _ in written:
                    if file not in previous and file not in _referenced_by_others(path):
                        (path.parent / file).unlink(missing_ok=True)
                raise
            preset.lut_files = [file for file, _ in written]
            stale = previous - set(preset.lut_files) - _referenced_by_others(path)
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
            names |= referenced_luts(other)
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
