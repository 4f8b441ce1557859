"""LUT packs: building (deterministic, atomic, complete), validating and safe extraction, the CLI, and a
corpus of malformed packs, each refused with a clear message and without writing anything."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.bake import bake_preset
from studio.cli import main
from studio.commands import pack as pack_command
from studio.lut_files import read_lut
from studio.pack import MANIFEST, build_pack, pack_schema, validate_pack
from studio.pack_archive import PackError, extract_pack, name_problem
from studio.preset_writer import save_preset
from studio.runtime import LUT3D, Look, load_preset
from tests.pack_corpus import FOLDER_CASES, ZIP_CASES, file_edit, png_bomb, rezip, texture
from tests.read_only import read_only_folder

ROOT = Path(__file__).resolve().parents[1]


def make_presets(folder: Path, names: tuple[str, ...] = ("Copper",), size: int = 17) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, name in enumerate(names):
        looks = [(0.15, Look(target="#5a2412")), (0.7 + 0.05 * index, Look(target="#e0a070", shine=0.5))]
        save_preset(bake_preset(name, looks, size=size), folder / f"{name.lower()}.yaml")
        paths.append(folder / f"{name.lower()}.yaml")
    return paths


def test_image() -> tuple[np.ndarray, np.ndarray]:
    noise = np.random.default_rng(0).random((48, 64, 3)) * 255
    image = cv2.GaussianBlur(noise.astype(np.uint8), (0, 0), 2)
    mask = np.zeros((48, 64), np.float32)
    cv2.ellipse(mask, (32, 20), (20, 14), 0, 0, 360, 1.0, -1)
    return image, mask


test_image.__test__ = False  # a helper, not a test


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory) -> tuple[Path, Path]:
    """A valid pack of one preset, as a zip and as a folder (never modified by tests: copy first)."""
    root = tmp_path_factory.mktemp("pack")
    presets = make_presets(root / "presets")
    image, mask = test_image()
    build_pack(presets, root / "good.zip", image, mask, name="test", layouts=["strip16"], bits=[16, 8])
    extract_pack(root / "good.zip", root / "good")
    return root / "good.zip", root / "good"


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# --- building ---------------------------------------------------------------------------------------


def test_a_built_pack_is_valid_complete_and_self_describing(good_pack):
    archive, folder = good_pack
    assert validate_pack(archive) == [] and validate_pack(folder) == []
    manifest = yaml.safe_load((folder / MANIFEST).read_text())
    entry = manifest["presets"][0]
    assert entry["id"] == "copper" and entry["lut_size"] == 17
    textures = {(t["layout"], t["bits"]) for t in entry["anchors"][0]["textures"]}
    assert textures == {("strip17", 16), ("strip17", 8), ("strip16", 16), ("strip16", 8)}
    listed = {f["path"] for f in manifest["files"]}
    assert listed == files_under(folder) - {MANIFEST} - {p for p in files_under(folder) if (folder / p).is_dir()}
    for name in ("preset", "pack"):
        shipped = resources.files("studio.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
        assert (folder / manifest["schemas"][name]).read_text("utf-8") == shipped
    assert (folder / manifest["shader"]["fragment"]).read_text().startswith("#version 300 es")
    preset = load_preset(folder / entry["preset"])
    cube = folder / entry["anchors"][1]["cube"]
    assert np.abs(preset.anchors[1].lut.table - read_lut(cube).table).max() < 1e-6
    thumbnail = cv2.imread(str(folder / entry["thumbnail"]))
    assert thumbnail.shape == (192, 256, 3)


def test_builds_are_byte_for_byte_reproducible(tmp_path, good_pack):
    presets = make_presets(tmp_path / "presets")
    image, mask = test_image()
    build_pack(presets, tmp_path / "again.zip", image, mask, name="test", layouts=["strip16"], bits=[16, 8])
    assert (tmp_path / "again.zip").read_bytes() == good_pack[0].read_bytes()
    infos = zipfile.ZipFile(tmp_path / "again.zip").infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_every_layout_and_both_depths_build_and_validate(tmp_path):
    presets = make_presets(tmp_path / "presets", names=("Copper", "Ash"))
    image, mask = test_image()
    from studio.layouts import EXPORT_LAYOUTS

    manifest = build_pack(presets, tmp_path / "all", image, mask, name="all", layouts=EXPORT_LAYOUTS, bits=[8])
    assert validate_pack(tmp_path / "all") == []
    layouts = {t["layout"] for p in manifest["presets"] for a in p["anchors"] for t in a["textures"]}
    assert layouts == {"strip17", *EXPORT_LAYOUTS}
    assert all(t["bits"] == 8 for p in manifest["presets"] for a in p["anchors"] for t in a["textures"])


def test_an_invalid_preset_stops_the_build_and_nothing_is_written(tmp_path):
    presets = make_presets(tmp_path / "presets", names=("Copper", "Ash"))
    text = presets[1].read_text().replace("intensity: 0.15", "intensity: 0.95")
    presets[1].write_text(text)
    image, mask = test_image()
    before = files_under(tmp_path)
    with pytest.raises(PackError, match=r"ash\.yaml.*strictly increasing"):
        build_pack(presets, tmp_path / "out.zip", image, mask, name="x")
    assert files_under(tmp_path) == before


def test_duplicate_ids_unknown_layouts_and_existing_folders_are_refused(tmp_path):
    presets = make_presets(tmp_path / "a") + make_presets(tmp_path / "b")
    image, mask = test_image()
    with pytest.raises(PackError, match="preset id 'copper' is also used"):
        build_pack(presets, tmp_path / "out.zip", image, mask, name="x")
    with pytest.raises(PackError, match="unknown texture layouts"):
        build_pack(presets[:1], tmp_path / "out.zip", image, mask, name="x", layouts=["strip99"])
    with pytest.raises(PackError, match="bit depths"):
        build_pack(presets[:1], tmp_path / "out.zip", image, mask, name="x", bits=[12])
    with pytest.raises(PackError, match="already exists"):
        build_pack(presets[:1], tmp_path / "a", image, mask, name="x")
    assert not (tmp_path / "out.zip").exists()


# --- extraction and the command line ----------------------------------------------------------------


def test_extract_refuses_an_existing_destination(tmp_path, good_pack):
    (tmp_path / "there").mkdir()
    with pytest.raises(PackError, match="already exists"):
        extract_pack(good_pack[0], tmp_path / "there")


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    pack_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_builds_and_validates(tmp_path, capsys, good_pack):
    make_presets(tmp_path / "presets")
    image, mask = test_image()
    cv2.imwrite(str(tmp_path / "image.png"), image)
    cv2.imwrite(str(tmp_path / "mask.png"), (mask * 255).astype(np.uint8))
    status = run_cli(["pack", "build", str(tmp_path / "presets"), "-o", str(tmp_path / "p.zip"), "--layout",
                      "spark64", "--bits", "8", "--image", str(tmp_path / "image.png"),
                      "--mask", str(tmp_path / "mask.png")])
    assert status == 0 and "1 presets" in capsys.readouterr().out
    broken = tmp_path / "broken.zip"
    rezip(good_pack[1], broken, extra=[("../evil.txt", b"x")])
    assert run_cli(["pack", "validate", str(tmp_path / "p.zip"), str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'p.zip'}: ok" in out and f"{broken}: '../evil.txt'" in out


def test_published_schema_accepts_the_manifest(good_pack):
    import jsonschema

    manifest = yaml.safe_load((good_pack[1] / MANIFEST).read_text())
    jsonschema.Draft202012Validator(pack_schema()).validate(manifest)
    assert json.loads((good_pack[1] / "schemas/pack.schema.json").read_text()) == pack_schema()


def test_shipped_presets_build_a_valid_pack(tmp_path):
    from studio.commands.preset import preset_files
    from studio.sheet import default_test_image

    shipped = ROOT / "lut_presets"
    presets = preset_files([shipped])
    image, mask = default_test_image()
    build_pack(presets, tmp_path / "shipped.zip", image, mask, name="shipped", layouts=["strip32"], bits=[16, 8])
    assert validate_pack(tmp_path / "shipped.zip") == []


# --- malformed packs --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FOLDER_CASES, ids=[case.name for case in FOLDER_CASES])
def test_malformed_pack_contents_are_rejected_clearly(case, good_pack, tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(good_pack[1], folder)
    case.mutate(folder)
    rezip(folder, tmp_path / "bad.zip")
    before = files_under(tmp_path)
    for target in (tmp_path / "bad.zip", folder):
        problems = validate_pack(target)
        assert problems and all(isinstance(p, str) and p for p in problems), target
        assert any(case.expected in p for p in problems), problems
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("case", ZIP_CASES, ids=[case.name for case in ZIP_CASES])
def test_malformed_archives_are_rejected_before_extraction(case, good_pack, tmp_path):
    archive = tmp_path / "bad.zip"
    case.mutate(good_pack[1], archive)
    before = files_under(tmp_path)
    problems = validate_pack(archive, case.limits)
    assert problems and any(case.expected in p for p in problems), problems
    with pytest.raises(PackError) as error:
        extract_pack(archive, tmp_path / "out", case.limits)
    assert case.expected in str(error.value)
    assert files_under(tmp_path) == before and not (tmp_path.parent / "evil.txt").exists()


def test_the_corpus_holds_at_least_fifty_malformed_packs():
    assert len(FOLDER_CASES) + len(ZIP_CASES) >= 50


def test_symbolic_links_in_a_folder_pack_are_rejected(good_pack, tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(good_pack[1], folder)
    (folder / "presets" / "link.png").symlink_to("/etc/passwd")
    assert any("symbolic link" in p for p in validate_pack(folder))


# --- fuzzing the loaders ----------------------------------------------------------------------------

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def problems_are_reported(problems: object) -> None:
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1, max_size=4))
def test_fuzzed_archives_are_reported_not_crashed(good_pack, edits):
    data = bytearray(good_pack[0].read_bytes())
    for position, value in edits:
        data[position % len(data)] = value
    with tempfile.TemporaryDirectory() as temp:
        archive = Path(temp) / "fuzzed.zip"
        archive.write_bytes(bytes(data))
        problems_are_reported(validate_pack(archive))
        assert sorted(p.name for p in Path(temp).iterdir()) == ["fuzzed.zip"]


@FUZZ
@given(document=JSON_VALUES)
def test_fuzzed_manifests_are_rejected(good_pack, document):
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "pack"
        shutil.copytree(good_pack[1], folder)
        (folder / MANIFEST).write_text(yaml.safe_dump(document))
        problems = validate_pack(folder)
    problems_are_reported(problems)
    assert problems


@FUZZ
@given(data=st.data())
def test_manifests_with_one_fuzzed_value_are_reported_not_crashed(good_pack, data):
    manifest = yaml.safe_load((good_pack[1] / MANIFEST).read_text())
    node, key = manifest, None
    while key is None or isinstance(node[key], (dict, list)):
        node = node if key is None else node[key]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
    if key is not None:
        node[key] = data.draw(JSON_VALUES)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "pack"
        shutil.copytree(good_pack[1], folder)
        (folder / MANIFEST).write_text(yaml.safe_dump(manifest))
        problems_are_reported(validate_pack(folder))


@settings(max_examples=300, deadline=None)
@given(name=st.text(alphabet=st.sampled_from("ab./\\:C\x00\x1f.."), max_size=12) | st.text(max_size=12))
def test_names_judged_safe_stay_inside_the_pack(name):
    if name_problem(name) is None:
        root = Path("/pack-root")
        assert Path(os.path.normpath(root / name)).is_relative_to(root) and ".." not in name.split("/")


def test_cube_files_are_named_and_titled_per_preset_and_anchor(tmp_path):
    """Resolve and Premiere read .cube files from one folder: names and TITLEs must not collide."""
    presets = make_presets(tmp_path / "presets", names=("Copper", "Ash"))
    image, mask = test_image()
    manifest = build_pack(presets, tmp_path / "pack", image, mask, name="x")
    cubes = [a["cube"] for p in manifest["presets"] for a in p["anchors"]]
    assert [Path(c).name for c in cubes] == ["copper.dark.cube", "copper.light.cube", "ash.dark.cube",
                                             "ash.light.cube"]
    titles = [next(line for line in (tmp_path / "pack" / c).read_text().splitlines() if line.startswith("TITLE"))
              for c in cubes]
    assert titles == ['TITLE "Copper (dark)"', 'TITLE "Copper (light)"', 'TITLE "Ash (dark)"', 'TITLE "Ash (light)"']


def test_a_cube_title_with_quotes_and_line_breaks_stays_one_quoted_string(tmp_path):
    from studio.lut_files import write_lut

    write_lut(LUT3D.identity(17), tmp_path / "t.cube", title='Rose "Gold"\nTITLE "x"')
    lines = (tmp_path / "t.cube").read_text().splitlines()
    assert [line for line in lines if line.startswith("TITLE")] == ["TITLE \"Rose 'Gold' TITLE 'x'\""]
    assert read_lut(tmp_path / "t.cube") == LUT3D.identity(17)


def test_every_pack_carries_a_readme_for_app_developers(good_pack):
    _, folder = good_pack
    readme = (folder / "README.md").read_text("utf-8")
    for needed in ("Linear, not sRGB", "No mipmaps", "Clamp to edge", "bilinear", "trilinear", "Rec.709", ".cube"):
        assert needed in readme
    assert "README.md" in {entry["path"] for entry in yaml.safe_load((folder / "pack.yaml").read_text())["files"]}


# --- output paths, debris and bombs (issue 12) ----------------------------------------------------------


def test_a_zip_output_that_is_a_folder_is_refused_and_left_alone(tmp_path, capsys):
    presets = make_presets(tmp_path / "presets")
    (tmp_path / "X.zip").mkdir()
    (tmp_path / "X.zip" / "keep.txt").write_text("mine")
    image, mask = test_image()
    with pytest.raises(PackError, match="already exists") as caught:
        build_pack(presets, tmp_path / "X.zip", image, mask, name="x")
    assert str(tmp_path / "X.zip") in str(caught.value)
    assert files_under(tmp_path / "X.zip") == {"keep.txt"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.zip", "presets"]


@pytest.mark.parametrize(("fail", "message"), [("staging", "Permission denied"), ("cube", "No space left on device"),
                                               ("zip", "No space left on device")])
def test_an_unwritable_output_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch, fail, message):
    """A read-only folder refuses the staging folder; a full disk fails a file in it, or the zip's rename."""
    presets = make_presets(tmp_path / "presets")
    out = tmp_path / "out"
    out.mkdir()
    if fail == "staging":
        def mkdtemp(*args, **kwargs):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr("studio.atomic.tempfile.mkdtemp", mkdtemp)
    else:
        real_replace = os.replace

        def replace(source, target):
            if str(target).endswith(".zip" if fail == "zip" else ".cube"):
                raise OSError(28, "No space left on device")
            return real_replace(source, target)
        monkeypatch.setattr("studio.atomic.os.replace", replace)
    image, mask = test_image()
    with pytest.raises(PackError, match=f"could not write the pack: .*{message}") as caught:
        build_pack(presets, out / "p.zip", image, mask, name="x")
    assert str(caught.value).startswith(f"{out / 'p.zip'}: ")
    assert list(out.iterdir()) == []


def test_a_read_only_output_folder_is_a_clear_error(tmp_path, capsys):
    make_presets(tmp_path / "presets")
    with read_only_folder(tmp_path / "locked") as locked:
        assert main(["pack", "build", str(tmp_path / "presets"), "-o", str(locked / "p.zip")]) == 1
        assert list(locked.iterdir()) == []
    assert capsys.readouterr().err == f"error: {locked / 'p.zip'}: could not write the pack: Permission denied\n"


def test_a_killed_builds_staging_folder_is_not_read_as_presets(tmp_path):
    presets = make_presets(tmp_path / "presets")
    debris = tmp_path / "presets" / ".pack-a1b2c3d4" / "presets" / "copper"
    debris.mkdir(parents=True)
    for path in (tmp_path / "presets").glob("copper*"):
        shutil.copy(path, debris / path.name)
    from studio.commands.preset import preset_files

    assert preset_files([tmp_path / "presets"]) == presets
    image, mask = test_image()
    build_pack(preset_files([tmp_path / "presets"]), tmp_path / "p.zip", image, mask, name="x")
    assert validate_pack(tmp_path / "p.zip") == []


@pytest.mark.parametrize("member", ["thumbnail", "texture"])
def test_png_bombs_in_a_pack_are_refused_before_they_are_decoded(good_pack, tmp_path, monkeypatch, member):
    """A 20000 x 20000 PNG of a few kilobytes would take 1.2 GB once decoded: its header is enough to refuse it."""
    folder = tmp_path / "pack"
    shutil.copytree(good_pack[1], folder)
    relative = "presets/copper/thumbnail.png" if member == "thumbnail" else texture(folder, "strip16", 16)
    file_edit(relative, png_bomb(20000, 20000))(folder)
    decoded: list[str] = []
    real_imread = cv2.imread

    def imread(path, *args):
        decoded.append(Path(path).name)
        return real_imread(path, *args)

    monkeypatch.setattr(cv2, "imread", imread)
    problems = validate_pack(folder)
    assert any(relative in p and "20000x20000" in p for p in problems), problems
    assert Path(relative).name not in decoded
