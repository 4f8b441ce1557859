"""Presets: save/load round trip, file layout, atomic saves, and a corpus of malformed presets that must each
be reported clearly, by file, without anything being written."""

from __future__ import annotations

import copy
import hashlib
import math
import multiprocessing
import os
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import studio.atomic
import studio.preset_writer
import studio.runtime.png
from studio.bake import bake_preset
from studio.errors import PresetError
from studio.preset_writer import save_preset, slugify
from studio.runtime import LUT3D, Look
from studio.runtime.preset import MAX_PRESET_BYTES, Anchor, Preset, load_preset, preset_schema, validate
from studio.runtime.strip import to_strip

DARK = Look(target="#5a2412", texture=0.6)
LIGHT = Look(target="#e0a070", shine=0.5, saturation=1.2)
SIZE = 17  # the smallest supported LUT keeps the corpus fast; the format is the same for 33 and 65


@pytest.fixture(scope="module")
def baked() -> Preset:
    return bake_preset("Copper Test", [(0.2, DARK), (0.8, LIGHT)], size=SIZE, description="a test preset")


@pytest.fixture
def saved(tmp_path: Path, baked: Preset) -> Path:
    """A valid preset saved as <tmp>/preset/copper.yaml (with its LUTs beside it)."""
    folder = tmp_path / "preset"
    folder.mkdir()
    path = folder / "copper.yaml"
    save_preset(baked, path)
    return path


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder` (hidden ones too): file bytes, or the target of a symbolic link."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            entries[key] = f"-> {os.readlink(path)}"
        elif path.is_file():
            entries[key] = path.read_bytes()
        else:
            entries[key] = "<dir>"
    return entries


def read_doc(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_strip(path: Path, pixels: np.ndarray) -> None:
    """Write raw pixels (RGB order for 3 channels) as a PNG with OpenCV."""
    if pixels.ndim == 3 and pixels.shape[2] == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    assert cv2.imwrite(str(path), pixels)


# --- round trip and layout ---------------------------------------------------------------------------------


def test_save_load_round_trip(saved: Path, baked: Preset):
    loaded = load_preset(saved)
    assert (loaded.name, loaded.id, loaded.description) == ("Copper Test", "copper-test", "a test preset")
    assert loaded.lut_size == SIZE
    assert [a.intensity for a in loaded.anchors] == [0.2, 0.8]
    assert [a.look for a in loaded.anchors] == [DARK, LIGHT]
    for original, read in zip(baked.anchors, loaded.anchors, strict=True):
        np.testing.assert_allclose(read.lut.table, original.lut.table, rtol=0, atol=0.5 / 65535 + 1e-7)
    assert loaded.lut_files == [a["lut"] for a in read_doc(saved)["anchors"]]


def test_second_save_of_a_loaded_preset_is_byte_identical(saved: Path, tmp_path: Path):
    first = snapshot(saved.parent)
    again = tmp_path / "again"
    again.mkdir()
    save_preset(load_preset(saved), again / saved.name)
    assert snapshot(again) == first
    save_preset(load_preset(saved), saved)  # over itself: same names, same bytes, nothing added or removed
    assert snapshot(saved.parent) == first


def test_eight_bit_save(tmp_path: Path, baked: Preset):
    path = tmp_path / "eight.yaml"
    save_preset(baked, path, bits=8)
    for name in baked.lut_files:
        assert cv2.imread(str(tmp_path / name), cv2.IMREAD_UNCHANGED).dtype == np.uint8
    loaded = load_preset(path)
    for original, read in zip(baked.anchors, loaded.anchors, strict=True):
        np.testing.assert_allclose(read.lut.table, original.lut.table, rtol=0, atol=0.5 / 255 + 1e-6)


def test_saved_yaml_validates_against_the_packaged_schema(saved: Path):
    schema = preset_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(read_doc(saved), schema, cls=jsonschema.Draft202012Validator)
    assert validate(saved) == []


def test_file_layout_is_yaml_plus_one_hashed_png_per_anchor(saved: Path):
    doc = read_doc(saved)
    names = [anchor["lut"] for anchor in doc["anchors"]]
    assert sorted(os.listdir(saved.parent)) == sorted([saved.name, *names])
    for label, anchor in zip(("dark", "light"), doc["anchors"], strict=True):
        digest = sha256(saved.parent / anchor["lut"])
        assert anchor["sha256"] == digest
        assert anchor["lut"] == f"copper.{label}.{digest[:8]}.png"
    assert list(doc)[:6] == ["schema_version", "name", "id", "description", "lut_size", "intensity_metric"]
    assert doc["intensity_metric"] == "rec709-luma-mask-weighted"


def test_resave_with_changed_looks_removes_old_luts_and_keeps_unrelated_files(saved: Path):
    folder = saved.parent
    old = [anchor["lut"] for anchor in read_doc(saved)["anchors"]]
    unrelated = {"notes.txt": b"keep me", "copper.dark.deadbeef.png": b"not referenced", "other.png": b"x"}
    for name, data in unrelated.items():
        (folder / name).write_bytes(data)
    changed = bake_preset("Copper Test", [(0.2, Look(target="#301010")), (0.8, LIGHT)], size=SIZE)
    save_preset(changed, saved)
    new = [anchor["lut"] for anchor in read_doc(saved)["anchors"]]
    assert new[0] != old[0] and new[1] != old[1]  # anchors are baked together: a new dark look moves both
    assert not any((folder / name).exists() for name in old)
    assert sorted(os.listdir(folder)) == sorted([saved.name, *new, *unrelated])
    for name, data in unrelated.items():
        assert (folder / name).read_bytes() == data
    assert load_preset(saved).anchors[0].look.target == "#301010"


def test_resave_never_deletes_files_outside_the_folder_that_an_edited_yaml_named(saved: Path):
    outside = saved.parent.parent / "outside.png"
    outside.write_bytes(b"precious")
    doc = read_doc(saved)
    doc["anchors"][0]["lut"] = "../outside.png"
    saved.write_text(yaml.safe_dump(doc))
    save_preset(bake_preset("Copper Test", [(0.2, DARK), (0.8, LIGHT)], size=SIZE), saved)
    assert outside.read_bytes() == b"precious"
    assert validate(saved) == []


# --- atomic saves ----------------------------------------------------------------------------------------


def _changed_preset() -> Preset:
    return bake_preset("Copper Test", [(0.3, Look(target="#102030")), (0.7, Look(target="#f0e0d0"))], size=SIZE)


def _assert_previous_preset_intact(saved: Path, before: dict, loaded_before: Preset) -> None:
    assert snapshot(saved.parent) == before, "the failed save left new, temporary or changed files"
    after = load_preset(saved)
    assert after == loaded_before
    assert [a.lut for a in after.anchors] == [a.lut for a in loaded_before.anchors]


def test_failing_yaml_write_leaves_the_previous_preset(saved: Path, monkeypatch: pytest.MonkeyPatch):
    before, loaded_before = snapshot(saved.parent), load_preset(saved)

    def fail(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(studio.preset_writer, "write_bytes_atomic", fail)
    with pytest.raises(PresetError, match="No space left on device") as caught:
        save_preset(_changed_preset(), saved)
    assert str(saved) in str(caught.value)
    _assert_previous_preset_intact(saved, before, loaded_before)


def test_failing_rename_midway_leaves_no_temp_files(saved: Path, monkeypatch: pytest.MonkeyPatch):
    """The YAML's temporary file exists and is fully written when the final rename fails."""
    before, loaded_before = snapshot(saved.parent), load_preset(saved)
    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith(".yaml"):
            raise OSError(5, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(studio.atomic.os, "replace", replace)
    with pytest.raises(PresetError, match="Input/output error"):
        save_preset(_changed_preset(), saved)
    _assert_previous_preset_intact(saved, before, loaded_before)


@pytest.mark.parametrize("failing_call", [1, 2])
def test_failing_lut_write_leaves_the_previous_preset(saved: Path, monkeypatch: pytest.MonkeyPatch, failing_call):
    before, loaded_before = snapshot(saved.parent), load_preset(saved)
    real_write, calls = LUT3D.write, []

    def write(self, path, bits=16):
        calls.append(path)
        if len(calls) == failing_call:
            raise OSError(28, "No space left on device")
        return real_write(self, path, bits)

    monkeypatch.setattr(LUT3D, "write", write)
    with pytest.raises(PresetError, match=re.escape(str(saved))):
        save_preset(_changed_preset(), saved)
    assert len(calls) == failing_call
    _assert_previous_preset_intact(saved, before, loaded_before)


def test_png_encoder_failure_midway_leaves_the_previous_preset(saved: Path, monkeypatch: pytest.MonkeyPatch):
    before, loaded_before = snapshot(saved.parent), load_preset(saved)
    real_imwrite, calls = cv2.imwrite, []

    def imwrite(path, pixels, *args):
        calls.append(path)
        return False if len(calls) == 2 else real_imwrite(path, pixels, *args)

    monkeypatch.setattr(studio.runtime.png.cv2, "imwrite", imwrite)
    with pytest.raises(PresetError, match=re.escape(str(saved))):
        save_preset(_changed_preset(), saved)
    _assert_previous_preset_intact(saved, before, loaded_before)


def test_save_refuses_bad_targets_and_writes_nothing(tmp_path: Path, baked: Preset):
    with pytest.raises(PresetError, match="must end in .yaml"):
        save_preset(baked, tmp_path / "copper.txt")
    with pytest.raises(PresetError, match="folder does not exist"):
        save_preset(baked, tmp_path / "missing" / "copper.yaml")
    with pytest.raises(Exception, match="8- or 16-bit"):
        save_preset(baked, tmp_path / "copper.yaml", bits=12)
    assert os.listdir(tmp_path) == []
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(PresetError, match="folder.yaml: is a folder"):
        save_preset(baked, tmp_path / "folder.yaml")
    assert os.listdir(tmp_path) == ["folder.yaml"] and os.listdir(tmp_path / "folder.yaml") == []


# --- construction ----------------------------------------------------------------------------------------


def _anchor(intensity: float, size: int = SIZE) -> Anchor:
    return Anchor(intensity, DARK, LUT3D.identity(size))


@pytest.mark.parametrize(
    ("anchors", "message"),
    [
        ([], "at least 2 anchors, found 0"),
        ([_anchor(0.2)], "at least 2 anchors, found 1"),
        ([_anchor(0.5), _anchor(0.5)], "strictly increasing"),
        ([_anchor(0.8), _anchor(0.2)], "strictly increasing"),
        ([_anchor(0.2), _anchor(0.5), _anchor(0.4)], "strictly increasing"),
        ([_anchor(0.2), _anchor(1.5)], "finite numbers in [0, 1]"),
        ([_anchor(float("nan")), _anchor(0.5)], "finite numbers in [0, 1]"),
        ([_anchor(0.2, 17), _anchor(0.8, 33)], "one size, found [17, 33]"),
    ],
    ids=["none", "one", "equal", "decreasing", "not-sorted", "above-one", "nan", "mixed-sizes"],
)
def test_preset_construction_errors(anchors, message):
    with pytest.raises(PresetError, match=re.escape(message)):
        Preset(name="Bad", id="bad", anchors=anchors)


def test_bake_sorts_references_by_intensity():
    preset = bake_preset("Sorted", [(0.8, LIGHT), (0.2, DARK)], size=SIZE)
    assert [a.intensity for a in preset.anchors] == [0.2, 0.8]
    assert [a.look for a in preset.anchors] == [DARK, LIGHT]


def test_three_or_more_anchors(tmp_path: Path):
    looks = [(0.1, DARK), (0.45, Look(target="#a05030")), (0.9, LIGHT)]
    preset = bake_preset("Three", looks, size=SIZE)
    path = tmp_path / "three.yaml"
    save_preset(preset, path)
    names = [anchor["lut"] for anchor in read_doc(path)["anchors"]]
    assert [name.split(".")[1] for name in names] == ["anchor0", "anchor1", "anchor2"]
    loaded = load_preset(path)
    assert [a.intensity for a in loaded.anchors] == [0.1, 0.45, 0.9]
    assert [a.look for a in loaded.anchors] == [look for _, look in looks]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Copper", "copper"),
        ("Copper Red!", "copper-red"),
        ("  --Ash  Blonde--  ", "ash-blonde"),
        ("Café 2", "caf-2"),
        ("", "preset"),
        ("!!!", "preset"),
        ("A" * 100, "a" * 64),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


@given(st.text(max_size=120))
def test_slugify_always_gives_a_schema_valid_id(name):
    assert re.fullmatch(preset_schema()["properties"]["id"]["pattern"], slugify(name))


# --- the bad-input corpus ---------------------------------------------------------------------------------
# Each case turns a freshly saved valid preset into a malformed one. A mutator gets (folder, yaml path, the
# parsed document) and returns a new document (dumped as YAML), raw text for the YAML file, or None when it
# changed the LUT files only.

Mutator = Callable[[Path, Path, dict], "dict | str | None"]


def doc_change(change: Callable[[dict], None]) -> Mutator:
    def mutate(folder: Path, path: Path, doc: dict) -> dict:
        doc = copy.deepcopy(doc)
        change(doc)
        return doc

    return mutate


def set_key(*keys_and_value) -> Mutator:
    *keys, value = keys_and_value

    def change(doc: dict) -> None:
        target = doc
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return doc_change(change)


def drop_key(key: str) -> Mutator:
    return doc_change(lambda doc: doc.pop(key))


def raw_text(text: str) -> Mutator:
    return lambda folder, path, doc: text


def replace_dark_lut(pixels: Callable[[], np.ndarray] | None = None, data: bytes | None = None,
                     rehash: bool = True) -> Mutator:
    """Overwrite the dark anchor's LUT file; with `rehash`, fix its sha256 so only the content is wrong."""

    def mutate(folder: Path, path: Path, doc: dict) -> dict:
        lut = folder / doc["anchors"][0]["lut"]
        if data is not None:
            lut.write_bytes(data)
        else:
            write_strip(lut, pixels())
        doc = copy.deepcopy(doc)
        if rehash:
            doc["anchors"][0]["sha256"] = sha256(lut)
        return doc

    return mutate


def point_dark_lut_at(name: str, place: Callable[[Path, Path], None] | None = None) -> Mutator:
    """Make the dark anchor name `name`; `place(folder, real_lut)` may first create what that name reaches."""

    def mutate(folder: Path, path: Path, doc: dict) -> dict:
        doc = copy.deepcopy(doc)
        if place is not None:
            place(folder, folder / doc["anchors"][0]["lut"])
        doc["anchors"][0]["lut"] = name
        return doc

    return mutate


def copy_lut_to(relative: str) -> Callable[[Path, Path], None]:
    """Place a valid copy of the real LUT (same bytes, so the sha256 matches) at folder / relative."""

    def place(folder: Path, lut: Path) -> None:
        target = (folder / relative).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(lut.read_bytes())

    return place


def symlink_outside(folder: Path, lut: Path) -> None:
    outside = folder.parent / "outside.png"
    outside.write_bytes(lut.read_bytes())
    (folder / "link.png").symlink_to(outside)


def delete_dark_lut(folder: Path, path: Path, doc: dict) -> None:
    (folder / doc["anchors"][0]["lut"]).unlink()


def swap_intensities(doc: dict) -> None:
    doc["anchors"][0]["intensity"], doc["anchors"][1]["intensity"] = 0.8, 0.2


def oversized(folder: Path, path: Path, doc: dict) -> str:
    text = path.read_text("utf-8")
    return text + "# padding\n" * (MAX_PRESET_BYTES // 10 + 1)


def rgb(shape: tuple[int, ...]) -> Callable[[], np.ndarray]:
    return lambda: np.random.default_rng(1).integers(0, 65535, shape, dtype=np.uint16)


def other_valid_strip() -> np.ndarray:
    return np.round(to_strip(LUT3D.identity(SIZE).table) * 65535).astype(np.uint16)


PWNED = Path("/tmp/hair-studio-test-pwned")

CORPUS = [
    pytest.param(raw_text("name: [unclosed\nid: x\n"), "malformed YAML", id="malformed-yaml"),
    pytest.param(raw_text("name: 'open\n"), "malformed YAML", id="unterminated-string"),
    pytest.param(raw_text("- 1\n- 2\n"), "found list", id="top-level-list"),
    pytest.param(raw_text("just a scalar\n"), "found str", id="top-level-scalar"),
    pytest.param(raw_text(""), "found NoneType", id="empty-file"),
    pytest.param(raw_text(f"!!python/object/apply:os.system ['touch {PWNED}']\n"), "python/object/apply",
                 id="python-tag-top"),
    pytest.param(raw_text(f"schema_version: 1\nname: !!python/object/apply:os.system ['touch {PWNED}']\n"),
                 "python/object/apply", id="python-tag-value"),
    pytest.param(set_key("schema_version", 2), "unknown schema_version 2", id="schema-version-2"),
    pytest.param(set_key("schema_version", "1"), "unknown schema_version '1'", id="schema-version-string"),
    pytest.param(set_key("schema_version", True), "schema_version", id="schema-version-true"),
    pytest.param(drop_key("schema_version"), "unknown schema_version None", id="missing-schema_version"),
    pytest.param(drop_key("name"), "'name' is a required property", id="missing-name"),
    pytest.param(drop_key("id"), "'id' is a required property", id="missing-id"),
    pytest.param(drop_key("lut_size"), "'lut_size' is a required property", id="missing-lut_size"),
    pytest.param(drop_key("intensity_metric"), "'intensity_metric' is a required property",
                 id="missing-intensity_metric"),
    pytest.param(drop_key("anchors"), "'anchors' is a required property", id="missing-anchors"),
    pytest.param(doc_change(lambda d: d["anchors"][0].pop("sha256")), "'sha256' is a required property",
                 id="missing-anchor-sha256"),
    pytest.param(doc_change(lambda d: d["anchors"][0].pop("look")), "'look' is a required property",
                 id="missing-anchor-look"),
    pytest.param(doc_change(lambda d: d["anchors"][1].pop("intensity")), "'intensity' is a required property",
                 id="missing-anchor-intensity"),
    pytest.param(doc_change(lambda d: d["anchors"][1].pop("lut")), "'lut' is a required property",
                 id="missing-anchor-lut"),
    pytest.param(set_key("colour", "red"), "'colour' was unexpected", id="extra-top-key"),
    pytest.param(set_key("anchors", 0, "weight", 1), "'weight' was unexpected", id="extra-anchor-key"),
    pytest.param(set_key("name", 5), "5 is not of type 'string'", id="name-not-string"),
    pytest.param(set_key("name", ""), "name: '' should be non-empty", id="name-empty"),
    pytest.param(set_key("id", "Copper Test!"), "id: 'Copper Test!' does not match", id="bad-id"),
    pytest.param(set_key("description", ["a"]), "description: ['a'] is not of type 'string'", id="description-list"),
    pytest.param(set_key("lut_size", 32), "lut_size: 32 is not one of", id="lut-size-32"),
    pytest.param(set_key("lut_size", "17"), "lut_size: '17' is not one of", id="lut-size-string"),
    pytest.param(set_key("intensity_metric", "mean-rgb"), "intensity_metric: 'rec709-luma-mask-weighted' was expected",
                 id="intensity-metric"),
    pytest.param(set_key("anchors", {"dark": 1}), "is not of type 'array'", id="anchors-mapping"),
    pytest.param(set_key("anchors", 1, "not an anchor"), "'not an anchor' is not of type 'object'",
                 id="anchor-string"),
    pytest.param(doc_change(lambda d: d["anchors"].pop()), "at least 2 anchors, found 1", id="one-anchor"),
    pytest.param(set_key("anchors", 1, "intensity", 0.2), "strictly increasing", id="intensities-equal"),
    pytest.param(doc_change(swap_intensities), "strictly increasing", id="intensities-decreasing"),
    pytest.param(set_key("anchors", 0, "intensity", float("nan")), "nan is not a finite number", id="intensity-nan"),
    pytest.param(set_key("anchors", 1, "intensity", float("inf")), "inf is not a finite number", id="intensity-inf"),
    pytest.param(set_key("anchors", 0, "intensity", -0.1), "-0.1 is less than the minimum of 0",
                 id="intensity-negative"),
    pytest.param(set_key("anchors", 1, "intensity", 1.5), "1.5 is greater than the maximum of 1",
                 id="intensity-above-one"),
    pytest.param(set_key("anchors", 0, "intensity", True), "True is not of type 'number'", id="intensity-true"),
    pytest.param(set_key("anchors", 0, "intensity", "0.2"), "'0.2' is not of type 'number'", id="intensity-string"),
    pytest.param(set_key("anchors", 0, "intensity", 10**400), "intensit", id="intensity-huge-int"),
    pytest.param(set_key("anchors", 0, "look", "target", "#12345g"), "#12345g", id="look-target-bad-hex"),
    pytest.param(set_key("anchors", 0, "look", "target", 0x123456), "target", id="look-target-number"),
    pytest.param(set_key("anchors", 0, "look", "strength", 1.5), "strength must lie in [0, 1], got 1.5",
                 id="look-strength-above-one"),
    pytest.param(set_key("anchors", 0, "look", "strength", float("nan")), "strength must lie in [0, 1], got nan",
                 id="look-strength-nan"),
    pytest.param(set_key("anchors", 1, "look", "saturation", 2.5), "saturation must lie in [0, 2]",
                 id="look-saturation"),
    pytest.param(set_key("anchors", 0, "look", "sparkle", 1), "unknown look settings: sparkle",
                 id="look-unknown-key"),
    pytest.param(set_key("anchors", 0, "look", "#8a4b2a"), "a look must be a mapping", id="look-string"),
    pytest.param(point_dark_lut_at("../outside.png", copy_lut_to("../outside.png")), "leaves the preset folder",
                 id="lut-parent-dir"),
    pytest.param(point_dark_lut_at("/etc/passwd"), "absolute path '/etc/passwd' is not allowed",
                 id="lut-absolute-posix"),
    pytest.param(point_dark_lut_at("C:\\x.png"), "absolute path 'C:\\\\x.png' is not allowed",
                 id="lut-absolute-windows"),
    pytest.param(point_dark_lut_at("..\\x.png"), "leaves the preset folder", id="lut-backslash-parent"),
    pytest.param(point_dark_lut_at("sub/x.png", copy_lut_to("sub/x.png")), "leaves the preset folder",
                 id="lut-subfolder"),
    pytest.param(point_dark_lut_at("link.png", symlink_outside), "leaves the preset folder",
                 id="lut-symlink-outside"),
    pytest.param(point_dark_lut_at("copper.cube"), "does not match '^[A-Za-z0-9._-]+\\\\.png$'", id="lut-not-png"),
    pytest.param(point_dark_lut_at("a" * 300 + ".png"), "too long", id="lut-name-too-long"),
    pytest.param(delete_dark_lut, "not found beside the preset", id="lut-missing"),
    pytest.param(point_dark_lut_at("folder.png", lambda f, lut: (f / "folder.png").mkdir()),
                 "not found beside the preset", id="lut-is-a-folder"),
    pytest.param(replace_dark_lut(data=np.random.default_rng(0).bytes(4000)), "not a readable PNG image",
                 id="lut-random-bytes"),
    pytest.param(replace_dark_lut(data=b""), "not a readable PNG image", id="lut-empty-file"),
    pytest.param(set_key("lut_size", 33), "is a 17-point LUT but lut_size is 33", id="lut-size-mismatch"),
    pytest.param(replace_dark_lut(rgb((10, 100, 3))), "must be N*N wide and N high", id="lut-100x10"),
    pytest.param(replace_dark_lut(rgb((17, 290, 3))), "got 290x17", id="lut-strip-too-wide"),
    pytest.param(replace_dark_lut(rgb((17, 289))), "must be 3-channel RGB", id="lut-grayscale"),
    pytest.param(replace_dark_lut(rgb((17, 289, 4))), "must be 3-channel RGB", id="lut-rgba"),
    pytest.param(replace_dark_lut(other_valid_strip, rehash=False), "does not match its sha256",
                 id="checksum-mismatch"),
    pytest.param(set_key("anchors", 1, "sha256", "abc"), "sha256: 'abc' does not match", id="sha256-malformed"),
    pytest.param(set_key("anchors", 1, "sha256", "0" * 64), "does not match its sha256", id="sha256-wrong"),
    pytest.param(oversized, f"larger than {MAX_PRESET_BYTES} bytes", id="file-too-big"),
    pytest.param(raw_text("z: " + "[" * 600 + "]" * 600 + "\n"), "malformed YAML", id="deeply-nested-yaml"),
    pytest.param(raw_text("a: &a ['x', 'x', 'x']\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"), "aliases",
                 id="yaml-aliases"),
]


@pytest.mark.parametrize(("mutate", "expected"), CORPUS)
def test_bad_preset_is_reported_and_nothing_is_written(saved: Path, mutate: Mutator, expected: str):
    folder = saved.parent
    PWNED.unlink(missing_ok=True)
    result = mutate(folder, saved, read_doc(saved))
    if isinstance(result, dict):
        saved.write_text(yaml.safe_dump(result, sort_keys=False))
    elif isinstance(result, str):
        saved.write_text(result)
    before = snapshot(folder)

    problems = validate(saved)
    assert problems, "validate() found nothing wrong"
    assert all(isinstance(problem, str) and problem for problem in problems)
    assert any(expected in problem for problem in problems), f"{expected!r} not in {problems}"
    with pytest.raises(PresetError) as caught:
        load_preset(saved)
    assert str(saved) in str(caught.value)
    assert caught.value.path == saved
    assert expected in str(caught.value)

    assert snapshot(folder) == before, "checking a preset wrote, changed or removed files"
    assert not PWNED.exists(), "a YAML tag ran a command"


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize(
    ("name", "expected"),
    [("missing.yaml", "file not found"), ("copper.json", "must end in .yaml or .yml")],
)
def test_validate_missing_or_misnamed_file(tmp_path: Path, name: str, expected: str):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text("{}")
    assert any(expected in problem for problem in validate(path))
    with pytest.raises(PresetError, match=re.escape(str(path))):
        load_preset(path)


def test_validate_reports_every_problem_not_just_the_first(saved: Path):
    doc = read_doc(saved)
    doc["name"] = ""
    doc["anchors"][0]["look"]["strength"] = 3
    doc["anchors"][1]["lut"] = "../x.png"
    saved.write_text(yaml.safe_dump(doc))
    text = "\n".join(validate(saved))
    for expected in ("name:", "strength", "leaves the preset folder"):
        assert expected in text


def test_deeply_nested_yaml_is_refused_quickly(tmp_path: Path):
    path = tmp_path / "deep.yaml"
    path.write_text("z: " + "[" * 20000 + "]" * 20000 + "\n")
    child = multiprocessing.get_context("fork").Process(target=validate, args=(path,))
    child.start()
    child.join(5)
    busy = child.is_alive()
    if busy:
        child.terminate()
        child.join()
    assert not busy, "validate() took over 5 s on a 40 kB preset"


# --- fuzzing ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_preset(tmp_path_factory: pytest.TempPathFactory, baked: Preset) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("fuzz") / "copper.yaml"
    save_preset(baked, path)
    return path, path.read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=6),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_mutated_yaml_never_crashes_validate(fuzz_preset: tuple[Path, bytes], flips, cut):
    path, original = fuzz_preset
    data = bytearray(original)
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    path.write_bytes(bytes(data))
    try:
        problems = validate(path)  # any exception fails the test
        assert isinstance(problems, list) and all(isinstance(problem, str) for problem in problems)
        if problems:
            with pytest.raises(PresetError):
                load_preset(path)
        else:
            preset = load_preset(path)
            assert len(preset.anchors) >= 2 and all(math.isfinite(a.intensity) for a in preset.anchors)
    finally:
        path.write_bytes(original)


# --- what a save may delete (issue 12) ----------------------------------------------------------------------


def test_saving_a_copy_keeps_the_luts_of_the_preset_it_was_copied_from(saved: Path):
    copy = saved.parent / "copper-v2.yaml"
    shutil.copyfile(saved, copy)
    save_preset(bake_preset("Copper v2", [(0.2, Look(target="#301010")), (0.8, LIGHT)], size=SIZE), copy)
    assert validate(saved) == [] and validate(copy) == []


def test_saving_never_deletes_what_an_edited_yaml_names_but_the_save_did_not_write(saved: Path):
    folder = saved.parent
    (folder / "notes.txt").write_bytes(b"keep me")
    doc = read_doc(saved)
    doc["anchors"][0]["lut"] = "notes.txt"
    doc["anchors"][1]["lut"] = saved.name  # names the YAML itself
    saved.write_text(yaml.safe_dump(doc))
    save_preset(bake_preset("Copper Test", [(0.2, DARK), (0.8, LIGHT)], size=SIZE), saved)
    assert (folder / "notes.txt").read_bytes() == b"keep me"
    assert validate(saved) == []


def test_concurrent_saves_to_one_preset_leave_a_complete_preset(tmp_path: Path):
    path = tmp_path / "copper.yaml"
    presets = [bake_preset("Copper", [(0.2, Look(target=f"#{shade:02x}2010")), (0.8, LIGHT)], size=SIZE)
               for shade in (0x30, 0x50, 0x70, 0x90)]
    errors: list[BaseException] = []

    def save(preset: Preset) -> None:
        try:
            for _ in range(3):
                save_preset(preset, path)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(preset,)) for preset in presets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert validate(path) == []
    loaded = load_preset(path)
    assert loaded.anchors[0].look in {preset.anchors[0].look for preset in presets}
    on_disk = {p.name for p in tmp_path.iterdir()}
    assert on_disk == {path.name, *loaded.lut_files}, "stale LUTs or staging files left behind"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: text + "name: Again\n", "duplicate key 'name'"),
    (lambda text: text.replace("lut_size: 17", "lut_size: !!float abc"), "does not fit its tag"),
    (lambda text: text.replace("lut_size: 17", "lut_size: !!float"), "does not fit its tag"),
    (lambda text: text.replace("lut_size: 17", "lut_size: !!timestamp junk"), "does not fit its tag"),
    (lambda text: text.replace("id: copper-test", 'id: "copper-test\\n"'), "control character"),
    (lambda text: text.replace("name: Copper Test", 'name: "Copper\\0Test"'), "control character"),
])
def test_hostile_yaml_is_a_clear_problem_not_a_crash(saved: Path, edit, message):
    saved.write_text(edit(saved.read_text()))
    problems = validate(saved)
    assert problems and any(message in problem for problem in problems), problems
    with pytest.raises(PresetError, match=re.escape(str(saved.name))):
        load_preset(saved)


# --- what a save writes always loads (issue 12) -------------------------------------------------------------


@pytest.mark.parametrize(("name", "description", "message"), [
    ("", "", "name: '' should be non-empty"),
    ("N" * 101, "", "(101 characters) is too long"),
    ("Copper", "d" * 2001, "description: 'ddd"),
    ("Copper\nTest", "", "holds a control character"),
], ids=["empty-name", "long-name", "long-description", "control-character"])
def test_save_refuses_a_document_the_schema_refuses_and_writes_nothing(tmp_path: Path, name: str,
                                                                        description: str, message: str):
    preset = bake_preset(name, [(0.2, DARK), (0.8, LIGHT)], size=SIZE, description=description)
    with pytest.raises(PresetError, match=re.escape(message)) as caught:
        save_preset(preset, tmp_path / "copper.yaml")
    assert str(caught.value).startswith(f"{tmp_path / 'copper.yaml'}: cannot save: ")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("stem", ["my preset", "Kupfer é", "銅", "a" * 245, ".copper", "a\\b"],
                         ids=["space", "accent", "cjk", "long", "leading-dot", "backslash"])
def test_lut_names_derived_from_any_file_name_match_the_schema(tmp_path: Path, baked: Preset, stem: str):
    path = tmp_path / f"{stem}.yaml"
    save_preset(baked, path)
    assert validate(path) == []
    pattern = re.compile(preset_schema()["$defs"]["anchor"]["properties"]["lut"]["pattern"])
    assert all(pattern.fullmatch(name) and len(name) <= 200 for name in baked.lut_files), baked.lut_files
    assert sorted(os.listdir(tmp_path)) == sorted([path.name, *baked.lut_files])
    save_preset(_changed_preset(), path)  # a resave removes the LUTs it wrote before
    assert sorted(os.listdir(tmp_path)) == sorted([path.name, *load_preset(path).lut_files])


def test_a_name_too_long_for_the_file_system_is_a_clear_error(tmp_path: Path, baked: Preset):
    with pytest.raises(PresetError, match="could not save: File name too long"):
        save_preset(baked, tmp_path / ("a" * 300 + ".yaml"))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: re.sub(r"lut: (copper\.dark\.[0-9a-f]{8}\.png)", r'lut: "\1\\0"', text), "control character"),
    (lambda text: text.replace("name: Copper Test", 'name: {"a\\nb": 1}'), "name.'a\\nb'"),
    (lambda text: text + f'"{"k" * 500}\\n": 1\n', "Additional properties"),
], ids=["nul-in-lut-name", "line-break-in-a-key", "long-key-with-a-line-break"])
def test_names_and_keys_no_file_system_takes_are_one_line_problems(saved: Path, edit, message):
    saved.write_text(edit(saved.read_text()))
    problems = validate(saved)
    assert any(message in problem for problem in problems), problems
    assert all("\n" not in problem for problem in problems)
    with pytest.raises(PresetError) as caught:
        load_preset(saved)
    assert "\n" not in str(caught.value)


def test_a_lut_that_is_a_loop_of_symbolic_links_is_a_problem(saved: Path):
    lut = saved.parent / read_doc(saved)["anchors"][0]["lut"]
    lut.unlink()
    lut.symlink_to(lut.name)
    assert any("loop of symbolic links" in problem for problem in validate(saved))
    save_preset(bake_preset("Copper Test", [(0.2, DARK), (0.8, LIGHT)], size=SIZE), saved)  # a save over it works
    assert validate(saved) == []
