"""Fuzzing the loaders of untrusted files: a shipped preset's YAML, a .cube text, a PNG LUT strip and a pack zip,
each mutated byte by byte. Whatever the bytes, a loader returns or raises the project's own error (StudioError
and its subclasses, which the command line reports in one line); any other exception is a crash."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.errors import StudioError
from studio.lut_files import read_lut
from studio.pack import build_pack, validate_pack
from studio.runtime import LUT3D
from studio.runtime.preset import load_preset, validate
from tests import test_pack

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "lut_presets" / "copper.yaml"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CUBE = b"TITLE \"fuzz\"\nLUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1 1 1\n" + b"".join(
    f"{r} {g} {b}\n".encode() for b in (0, 1) for g in (0, 1) for r in (0, 1))

# Pieces that steer mutations towards what the parsers treat specially.
TOKENS = [b"\n", b" ", b":", b"-", b"'", b"\"", b"#", b"[", b"{", b"*a", b"&a", b"!!float", b"!!binary", b"\x00",
          b"\xff", b"0", b"1e999", b"nan", b"-1", b"99999999999999999999", b"0.5", b"LUT_3D_SIZE", b"LUT_1D_SIZE",
          b"DOMAIN_MIN", b"DOMAIN_MAX", b"TITLE", b"IHDR", b"IDAT", b"\xff\xff\xff\xff", b"PK\x03\x04", b"../",
          b"anchors", b"lut", b"intensity", b"schema_version", b"\t", b"\r", b"\xef\xbb\xbf", b"~", b"null", b"[]"]

EDITS = st.lists(
    st.tuples(st.sampled_from(["replace", "insert", "delete", "byte"]), st.integers(0, 1 << 20),
              st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8), st.integers(1, 64)),
    min_size=1, max_size=6,
)


def mutate(data: bytes, edits: list[tuple[str, int, bytes, int]]) -> bytes:
    """`data` with each edit applied at its position (modulo the length): overwrite, insert, delete a run of
    bytes, or set one byte."""
    out = bytearray(data)
    for kind, position, piece, length in edits:
        at = position % (len(out) + 1)
        if kind == "replace":
            out[at : at + len(piece)] = piece
        elif kind == "insert":
            out[at:at] = piece
        elif kind == "delete":
            del out[at : at + length]
        elif out:
            out[min(at, len(out) - 1)] = piece[0]
    return bytes(out)


def only_studio_errors(load: Callable[[], object]) -> None:
    """Run `load`; a StudioError is a clean refusal, anything else fails the test."""
    try:
        load()
    except StudioError as error:
        assert str(error).strip() and "\n" not in str(error).strip("\n")


@pytest.fixture(scope="module")
def preset_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped copper preset with its LUTs."""
    folder = tmp_path_factory.mktemp("preset")
    for path in SHIPPED.parent.glob("copper.*"):
        shutil.copy(path, folder / path.name)
    return folder


@FUZZ
@given(edits=EDITS)
def test_fuzzed_preset_yaml(preset_folder: Path, edits: list) -> None:
    path = preset_folder / "fuzzed.yaml"
    path.write_bytes(mutate(SHIPPED.read_bytes(), edits))
    problems = validate(path)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    only_studio_errors(lambda: load_preset(path))


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["copper.dark.348f0dcc.png\0", "../copper.yaml", "/dev/zero", ".", "", "copper.yaml", "\n"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(data=st.data())
def test_preset_yaml_with_one_fuzzed_value(preset_folder: Path, data: st.DataObject) -> None:
    """One value anywhere in the shipped preset (a key's value or a list item) replaced by any YAML value:
    every byte of the text stays well-formed, so the mutation reaches the schema, anchor and LUT checks."""
    document = yaml.safe_load(SHIPPED.read_text("utf-8"))
    node, key = document, None
    while key is None or isinstance(node[key], (dict, list)):
        node = node if key is None else node[key]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
    node[key] = data.draw(VALUES)
    path = preset_folder / "fuzzed.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    problems = validate(path)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    only_studio_errors(lambda: load_preset(path))


@FUZZ
@given(edits=EDITS)
def test_fuzzed_cube_text(tmp_path: Path, edits: list) -> None:
    path = tmp_path / "fuzzed.cube"
    path.write_bytes(mutate(CUBE, edits))
    only_studio_errors(lambda: read_lut(path))


@pytest.fixture(scope="module")
def png_lut(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("png") / "lut.png"
    LUT3D.identity(17).write(path, bits=8)
    return path.read_bytes()


@FUZZ
@given(edits=EDITS)
def test_fuzzed_png_lut(tmp_path: Path, png_lut: bytes, edits: list) -> None:
    path = tmp_path / "fuzzed.png"
    path.write_bytes(mutate(png_lut, edits))
    only_studio_errors(lambda: LUT3D.read(path))


@pytest.fixture(scope="module")
def pack_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pack")
    image, mask = test_pack.test_image()
    build_pack(test_pack.make_presets(root / "presets"), root / "pack.zip", image, mask, name="fuzz")
    return root / "pack.zip"


@FUZZ
@given(edits=EDITS, member=st.integers(0, 1000), whole=st.booleans())
def test_fuzzed_pack_zip(pack_zip: Path, edits: list, member: int, whole: bool) -> None:
    """Either the archive's bytes are mutated (most edits then stop at the zip's own checks), or one member's
    content is and the archive is rebuilt around it, so the mutation reaches the manifest, preset, LUT and
    texture readers."""
    with tempfile.TemporaryDirectory() as temp:
        fuzzed = Path(temp) / "fuzzed.zip"
        if whole:
            fuzzed.write_bytes(mutate(pack_zip.read_bytes(), edits))
        else:
            with zipfile.ZipFile(pack_zip) as source, zipfile.ZipFile(fuzzed, "w", zipfile.ZIP_DEFLATED) as out:
                infos = source.infolist()
                chosen = infos[member % len(infos)].filename
                for info in infos:
                    data = source.read(info)
                    out.writestr(info.filename, mutate(data, edits) if info.filename == chosen else data)
        problems: list[str] = []
        only_studio_errors(lambda: problems.extend(validate_pack(fuzzed)))
        assert all(isinstance(p, str) and p for p in problems)
        assert sorted(p.name for p in Path(temp).iterdir()) == ["fuzzed.zip"]  # nothing left behind
