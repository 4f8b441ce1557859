"""LUT packs for apps: build one from presets, and validate one (a zip or a folder).

A pack is a zip archive (or a folder) holding

    README.md                          for app developers: which file suits which engine, texture
                                       settings, how t is computed
    pack.yaml                          manifest (studio/schemas/pack.schema.json): presets, exports, files + SHA-256
    schemas/{preset,pack}.schema.json  so apps in other languages can validate too
    shader/hair_lut.frag, README.md    GLSL ES 3.0 shader that samples the PNG strips like the runtime
    presets/<id>/<id>.yaml + PNGs      the preset itself (valid on its own, see studio.runtime.preset)
    presets/<id>/luts/<id>.<anchor>.*  each anchor's LUT (<anchor>: dark, light; anchorK for more) as .cube
                                       and in every requested texture layout
    presets/<id>/thumbnail.png         the preset rendered on a test image

Zips are written and extracted by `studio.pack_archive`, which checks every member before extracting
anything; validation then checks the manifest, the checksums and every preset, LUT and texture in it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import yaml
from tqdm import tqdm

from studio import __version__
from studio.atomic import temporary_folder, write_bytes_atomic
from studio.digest import sha256_file
from studio.errors import LutError, StudioError
from studio.images import write_image
from studio.layouts import LAYOUTS, quantise
from studio.lut_files import read_lut, write_lut
from studio.pack_archive import PackError, PackLimits, extract_pack, name_problem, write_zip
from studio.preset_writer import anchor_label, save_preset
from studio.runtime.png import read_png, write_png
from studio.runtime.preset import MAX_PRESET_BYTES, Preset, load_preset, validate
from studio.runtime.yamlio import read_yaml, schema_problems
from studio.sheet import recolor_panels

__all__ = ["MANIFEST", "PACK_SCHEMA_VERSION", "build_pack", "pack_schema", "thumbnail", "validate_pack"]

PACK_SCHEMA_VERSION = 1
"""The pack manifest version this code reads and writes."""

MANIFEST = "pack.yaml"
THUMBNAIL_WIDTH = 256  # pixels
MAX_THUMBNAIL_SIDE = 2048  # pixels: a thumbnail declaring more is refused before it is decoded


@functools.lru_cache(maxsize=1)
def pack_schema() -> dict[str, object]:
    """The pack manifest JSON Schema shipped in the package (draft 2020-12)."""
    return json.loads(resources.files("studio.schemas").joinpath("pack.schema.json").read_text("utf-8"))


def build_pack(presets: Iterable[str | Path], output: str | Path, image: np.ndarray, mask: np.ndarray, *,
               name: str, version: str = "1.0.0", layouts: Iterable[str] = (), bits: Iterable[int] = (16,),
               progress: bool = False) -> dict[str, object]:
    """Build a pack of the preset YAML files `presets` at `output` (a `.zip` file, else a new folder).

    Thumbnails are the presets applied to `image` (uint8 RGB HxWx3) with hair `mask` (float32 HxW in [0, 1]).
    `layouts` names extra texture layouts (keys of studio.layouts.LAYOUTS); `bits` (8 and/or 16) are the PNG
    depths, the first listed 16 (else 8) being the preset's own. Nothing is written when any preset is
    invalid. Returns the manifest.
    """
    output, bits, layouts = Path(output), sorted(set(bits), reverse=True), list(dict.fromkeys(layouts))
    if not bits or any(b not in (8, 16) for b in bits):
        raise PackError(f"PNG bit depths must be 8 and/or 16, got {bits}")
    unknown = [name for name in layouts if name not in LAYOUTS]
    if unknown:
        raise PackError(f"unknown texture layouts {unknown} (choose from {', '.join(LAYOUTS)})")
    loaded = _load_presets([Path(p) for p in presets])
    try:
        if output.exists() and (output.is_dir() or output.suffix.lower() != ".zip"):
            raise PackError("already exists; remove it or choose another output", output)
        if not output.parent.is_dir():
            raise PackError("the folder does not exist", output.parent)
        staging = temporary_folder(output.parent, "pack")
        try:
            entries = [_stage_preset(staging, preset, image, mask, layouts, bits)
                       for preset in tqdm(loaded, desc="presets", unit="preset", disable=not progress)]
            manifest = _stage_package_files(staging, name, version, entries)
            if output.suffix.lower() == ".zip":
                write_zip(staging, output)
            else:
                staging.rename(output)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except PackError:
        raise
    except (OSError, StudioError) as error:  # a full disk, a read-only folder: reported against the output
        reason = error.problem if isinstance(error, StudioError) else error.strerror or error
        raise PackError(f"could not write the pack: {reason}", output) from None
    return manifest


def validate_pack(path: str | Path, limits: PackLimits = PackLimits()) -> list[str]:  # noqa: B008 - frozen
    """Every problem found in the pack at `path` (zip or folder); an empty list when it is valid.

    Zips are checked member by member and extracted to a private temporary folder, removed afterwards.
    """
    path = Path(path)
    if path.is_dir():
        return _folder_problems(path, limits)
    if not path.is_file():
        return ["pack not found"]
    with tempfile.TemporaryDirectory(prefix="hair-pack-") as temp:
        try:
            extract_pack(path, Path(temp) / "pack", limits)
        except PackError as error:
            return error.problems
        return _folder_problems(Path(temp) / "pack", limits)


# --- building -----------------------------------------------------------------------------------------


def _load_presets(paths: list[Path]) -> list[Preset]:
    if not paths:
        raise PackError("no presets to pack")
    presets, problems = [], []
    for path in paths:
        try:
            presets.append(load_preset(path))
        except StudioError as error:
            problems.append(str(error))
    seen: dict[str, Path] = {}
    for path, preset in zip(paths, presets, strict=False):
        if not problems and preset.id in seen:
            problems.append(f"{path}: preset id {preset.id!r} is also used by {seen[preset.id]}")
        seen[preset.id] = path
    if problems:
        raise PackError(problems)
    return presets


def _stage_preset(root: Path, preset: Preset, image: np.ndarray, mask: np.ndarray, layouts: list[str],
                  bits: list[int]) -> dict[str, object]:
    folder = root / "presets" / preset.id
    (folder / "luts").mkdir(parents=True)
    yaml_path = folder / f"{preset.id}.yaml"
    save_preset(preset, yaml_path, bits=bits[0])
    native = f"strip{preset.lut_size}"
    anchors = []
    for index, (anchor, own) in enumerate(zip(preset.anchors, preset.lut_files, strict=True)):
        # Named and titled per preset and anchor: .cube files from several packs share one folder in
        # Resolve or Premiere, where anchor0.cube/anchor0.cube would collide.
        label = anchor_label(index, len(preset.anchors))
        stem = folder / "luts" / f"{preset.id}.{label}"
        cube = stem.with_name(f"{stem.name}.cube")
        write_lut(anchor.lut, cube, title=f"{preset.name} ({label})")
        textures = [{"layout": native, "bits": bits[0], "path": _relative(folder / own, root)}]
        for layout_name in dict.fromkeys([native, *layouts]):
            depths = [depth for depth in bits if (layout_name, depth) != (native, bits[0])]
            if not depths:
                continue
            rendered = LAYOUTS[layout_name].render(anchor.lut)
            for depth in depths:
                target = stem.with_name(f"{stem.name}.{layout_name}.{depth}bit.png")
                write_png(target, quantise(rendered, depth))
                textures.append({"layout": layout_name, "bits": depth, "path": _relative(target, root)})
        anchors.append({"intensity": round(float(anchor.intensity), 6),
                        "cube": _relative(cube, root), "textures": textures})
    write_image(folder / "thumbnail.png", thumbnail(preset, image, mask))
    return {"id": preset.id, "name": preset.name, "preset": _relative(yaml_path, root), "lut_size": preset.lut_size,
            "thumbnail": _relative(folder / "thumbnail.png", root), "anchors": anchors}


def thumbnail(preset: Preset, image: np.ndarray, mask: np.ndarray, width: int = THUMBNAIL_WIDTH) -> np.ndarray:
    """`preset` applied by the runtime to `image` (uint8 RGB) with `mask` (float32 [0, 1]) at its measured
    hair intensity (each side-by-side hair region on its own), scaled to `width` pixels (uint8 RGB)."""
    out = recolor_panels(preset, image, mask)
    height = max(1, round(out.shape[0] * width / out.shape[1]))
    return cv2.resize(out, (width, height), interpolation=cv2.INTER_AREA)


def _stage_package_files(root: Path, name: str, version: str, presets: list[dict]) -> dict[str, object]:
    package = resources.files("studio")
    shipped = {"README.md": "shader/PACK_README.md",
               "shader/hair_lut.frag": "shader/hair_lut.frag", "shader/README.md": "shader/README.md",
               "schemas/preset.schema.json": "schemas/preset.schema.json",
               "schemas/pack.schema.json": "schemas/pack.schema.json"}
    for target, source in shipped.items():
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        (root / target).write_bytes(package.joinpath(source).read_bytes())
    files = sorted(p for p in root.rglob("*") if p.is_file())
    manifest = {
        "schema_version": PACK_SCHEMA_VERSION, "name": name, "version": version,
        "generator": f"hair-studio {__version__}",
        "shader": {"fragment": "shader/hair_lut.frag", "readme": "shader/README.md"},
        "schemas": {"preset": "schemas/preset.schema.json", "pack": "schemas/pack.schema.json"},
        "presets": presets,
        "files": [{"path": _relative(p, root), "bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in files],
    }
    problems = _schema_problems(manifest, pack_schema(), MANIFEST)
    if problems:
        raise PackError(problems)
    text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
    write_bytes_atomic(root / MANIFEST, text.encode("utf-8"))
    return manifest


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# --- reading ------------------------------------------------------------------------------------------


def _folder_problems(root: Path, limits: PackLimits) -> list[str]:
    files, problems = _tree(root, limits)
    if problems:
        return problems
    if MANIFEST not in files:
        return [f"{MANIFEST}: missing; not a pack"]
    manifest, problem = read_yaml(root / MANIFEST, limits.max_manifest_bytes)
    if problem:
        return [f"{MANIFEST}: {problem}"]
    if not isinstance(manifest, dict):
        return [f"{MANIFEST}: expected a mapping at the top level, found {type(manifest).__name__}"]
    if manifest.get("schema_version") != PACK_SCHEMA_VERSION:
        return [f"{MANIFEST}: unknown schema_version {manifest.get('schema_version')!r} "
                f"(this version of hair-studio reads {PACK_SCHEMA_VERSION})"]
    problems = _schema_problems(manifest, pack_schema(), MANIFEST)
    if problems:
        return problems
    problems = _checksum_problems(root, files, manifest["files"])
    intact = not problems  # only files that match their checksums are worth opening
    listed = {entry["path"] for entry in manifest["files"]}
    referenced = [manifest["shader"]["fragment"], manifest["shader"]["readme"], *manifest["schemas"].values()]
    ids: set[str] = set()
    for index, entry in enumerate(manifest["presets"]):
        if entry["id"] in ids:
            problems.append(f"{MANIFEST}: presets.{index}: duplicate preset id {entry['id']!r}")
        ids.add(entry["id"])
        referenced += [entry["preset"], entry["thumbnail"], *(a["cube"] for a in entry["anchors"])]
        referenced += [t["path"] for a in entry["anchors"] for t in a["textures"]]
        if intact:
            problems += _preset_problems(root, entry)
    problems += [f"{MANIFEST}: {path}: referenced but not listed under files" for path in referenced
                 if path not in listed]
    return list(dict.fromkeys(problems))


def _tree(root: Path, limits: PackLimits) -> tuple[dict[str, int], list[str]]:
    """Sizes of the regular files under `root` by relative path, and problems with links, names and sizes."""
    files: dict[str, int] = {}
    problems: list[str] = []
    for folder, dirs, names in os.walk(root):
        for entry in sorted(dirs + names):
            path = Path(folder, entry)
            relative, info = _relative(path, root), path.lstat()
            problem = name_problem(relative)
            if stat.S_ISLNK(info.st_mode):
                problem = "symbolic link"
            elif stat.S_ISREG(info.st_mode):
                files[relative] = info.st_size
                if info.st_size > limits.max_file_bytes:
                    problem = f"{info.st_size} bytes; the limit per file is {limits.max_file_bytes}"
            elif not stat.S_ISDIR(info.st_mode):
                problem = "not a regular file"
            if problem:
                problems.append(f"{relative}: {problem}")
    if len(files) > limits.max_files:
        problems.append(f"{len(files)} files; a pack holds at most {limits.max_files}")
    if sum(files.values()) > limits.max_total_bytes:
        problems.append(f"{sum(files.values())} bytes in all; the limit is {limits.max_total_bytes}")
    return files, problems


def _checksum_problems(root: Path, files: dict[str, int], entries: list[dict]) -> list[str]:
    problems, seen = [], set()
    for entry in entries:
        path = entry["path"]
        if path in seen:
            problems.append(f"{MANIFEST}: {path}: listed twice under files")
        elif path not in files:
            problems.append(f"{path}: listed in {MANIFEST} but missing from the pack")
        elif files[path] != entry["bytes"] or sha256_file(root / path) != entry["sha256"]:
            problems.append(f"{path}: size or SHA-256 does not match {MANIFEST} (file changed or corrupt)")
        seen.add(path)
    problems += [f"{path}: in the pack but not listed in {MANIFEST}" for path in files
                 if path != MANIFEST and path not in seen]
    return problems


def _preset_problems(root: Path, entry: dict) -> list[str]:
    """Problems of one manifest preset entry whose files all exist and match their checksums."""
    where = entry["preset"]
    problem = read_yaml(root / where, MAX_PRESET_BYTES)[1]
    problems = [f"{where}: {problem}"] if problem else [f"{where}: {p}" for p in validate(root / where)]
    if problems:
        return problems
    preset = load_preset(root / where)
    if (preset.id, preset.name, preset.lut_size) != (entry["id"], entry["name"], entry["lut_size"]):
        problems.append(f"{MANIFEST}: preset {entry['id']!r}: id, name or lut_size differ from {where}")
    if [round(a.intensity, 6) for a in preset.anchors] != [a["intensity"] for a in entry["anchors"]]:
        problems.append(f"{MANIFEST}: preset {entry['id']!r}: anchor intensities differ from {where}")
    for anchor in entry["anchors"]:
        problems += _lut_file_problems(root, anchor["cube"], read_lut)
        for texture in anchor["textures"]:
            problems += _lut_file_problems(root, texture["path"], _texture_reader(texture))
    problems += _lut_file_problems(root, entry["thumbnail"], _read_thumbnail)
    return problems


def _texture_reader(texture: dict) -> Callable[[Path], object]:
    """A reader that checks a texture file's size and bit depth and decodes it in its layout (LutError if not)."""

    def read(path: Path) -> None:
        layout = LAYOUTS[texture["layout"]]
        pixels = layout.read_pixels(path)
        if pixels.dtype.itemsize * 8 != texture["bits"]:
            raise LutError(f"a {pixels.dtype.itemsize * 8}-bit PNG, but the manifest says {texture['bits']}-bit")
        layout.decode(pixels)
    return read


def _read_thumbnail(path: Path) -> None:
    """Decode a thumbnail once its declared size is at most MAX_THUMBNAIL_SIDE a side (LutError if not)."""
    read_png(path, _thumbnail_size_problem)


def _thumbnail_size_problem(width: int, height: int) -> str | None:
    if 0 < width <= MAX_THUMBNAIL_SIDE and 0 < height <= MAX_THUMBNAIL_SIDE:
        return None
    most = MAX_THUMBNAIL_SIDE
    return f"a thumbnail is at most {most}x{most} pixels, this one declares {width}x{height}"


def _lut_file_problems(root: Path, relative: str, reader: Callable[[Path], object]) -> list[str]:
    try:
        reader(root / relative)
    except LutError as error:
        return [f"{relative}: {error.problem}"]
    except OSError as error:
        return [f"{relative}: cannot read ({error})"]
    return []


def _schema_problems(document: object, schema: dict, where: str) -> list[str]:
    return [f"{where}: {problem}" for problem in schema_problems(document, schema)]
