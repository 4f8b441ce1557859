"""The `hair-studio` command: help everywhere, preset new/validate, lut convert, recolor, and clear errors
(exit 1, the file and the problem named, nothing written) on bad input."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from studio.bake import bake_preset
from studio.cli import build_parser, main
from studio.images import read_rgb, write_image
from studio.lut_files import read_lut
from studio.preset_writer import save_preset
from studio.runtime import LUT3D, Look, load_preset
from studio.runtime.preset import validate
from tests.read_only import read_only_folder

SPEC_COMMANDS = [
    [],
    ["preset"],
    ["preset", "validate"],
    ["preset", "new"],
    ["preset", "sheet"],
    ["lut"],
    ["lut", "convert"],
    ["recolor"],
]


def all_commands(parser: argparse.ArgumentParser | None = None, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command path the parser knows (so commands added later get their --help checked too)."""
    parser = parser or build_parser()
    found = [list(prefix)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += all_commands(sub, (*prefix, name))
    return found


HELP_COMMANDS = all_commands()

NEW_ARGS = ["--dark-intensity", "0.15", "--dark-color", "#4a2010",
            "--light-intensity", "0.75", "--light-color", "#e8b080", "--size", "17"]


def run_module(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m studio ARGS` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def preset_path(tmp_path: Path) -> Path:
    folder = tmp_path / "presets"
    folder.mkdir()
    path = folder / "copper.yaml"
    save_preset(bake_preset("Copper", [(0.15, Look(target="#4a2010")), (0.75, Look(target="#e8b080"))], size=17), path)
    return path


# --- help ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_exits_zero(command: list[str], capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: hair-studio")
    assert " ".join(["hair-studio", *command]) in out


def test_the_specified_commands_exist():
    for command in SPEC_COMMANDS:
        assert command in HELP_COMMANDS


def test_no_command_opens_the_studio(monkeypatch: pytest.MonkeyPatch):
    import studio.commands.gui as gui_command

    opened = []
    monkeypatch.setattr(gui_command, "run_gui", lambda args: opened.append(args.command) or 0)
    assert main([]) == 0
    assert opened == ["gui"]


def test_help_through_python_m_studio():
    result = run_module("preset", "new", "-h")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: hair-studio preset new")


def test_help_does_not_load_colour_science():
    # colour-science takes about a second to import; only commands that bake or convert looks need it.
    code = "import sys; from studio.cli import build_parser; build_parser(); sys.exit('colour' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_version(capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("hair-studio ")


def test_usage_error_exits_two(capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit) as caught:
        main(["preset", "new", "X"])  # --output and the references are required
    assert caught.value.code == 2
    assert "required" in capsys.readouterr().err


# --- preset new / validate ----------------------------------------------------------------------------------


def test_preset_new_writes_a_valid_preset(tmp_path: Path, capsys: pytest.CaptureFixture):
    path = tmp_path / "auburn.yaml"
    assert main(["preset", "new", "Auburn Glow", "-o", str(path), *NEW_ARGS, "--light-shine", "0.6",
                 "--description", "warm"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {path}" in out
    assert validate(path) == []
    preset = load_preset(path)
    assert (preset.name, preset.id, preset.description, preset.lut_size) == ("Auburn Glow", "auburn-glow", "warm", 17)
    assert [a.intensity for a in preset.anchors] == [0.15, 0.75]
    assert [a.look.target for a in preset.anchors] == ["#4a2010", "#e8b080"]
    assert preset.anchors[1].look.shine == 0.6
    assert len(listing(tmp_path)) == 3
    for name in preset.lut_files:
        assert name in out

    assert main(["preset", "validate", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: ok"


def test_preset_new_eight_bit(tmp_path: Path):
    path = tmp_path / "eight.yaml"
    assert main(["preset", "new", "Eight", "-o", str(path), *NEW_ARGS, "--bits", "8"]) == 0
    for name in load_preset(path).lut_files:
        assert cv2.imread(str(tmp_path / name), cv2.IMREAD_UNCHANGED).dtype == np.uint8


def test_preset_validate_through_python_m_studio(tmp_path: Path):
    path = tmp_path / "sub.yaml"
    assert main(["preset", "new", "Sub", "-o", str(path), *NEW_ARGS]) == 0
    result = run_module("preset", "validate", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{path}: ok"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--dark-intensity": "0.75"}, "dark reference intensity (0.75) must be below the light one (0.75)"),
        ({"--dark-intensity": "0.9"}, "must be below the light one"),
        ({"--dark-intensity": "nan"}, "must be below the light one"),
        ({"--light-intensity": "1.5"}, "reference intensity must lie in [0, 1], got 1.5"),
        ({"--dark-intensity": "-0.2"}, "reference intensity must lie in [0, 1], got -0.2"),
        ({"--dark-color": "#12345"}, "dark look: not a colour: '#12345'"),
        ({"--light-color": "red"}, "light look: not a colour: 'red'"),
        ({"--dark-strength": "1.5"}, "dark look: look strength must lie in [0, 1], got 1.5"),
        ({"--light-saturation": "3"}, "light look: look saturation must lie in [0, 2], got 3.0"),
        ({"--light-texture": "-1"}, "light look: look texture must lie in [0, 1], got -1.0"),
    ],
    ids=["equal", "dark-above-light", "nan", "light-above-one", "negative", "short-hex", "colour-name",
         "strength", "saturation", "texture"],
)
def test_preset_new_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture, change: dict, message: str):
    args = list(NEW_ARGS)
    for option, value in change.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    assert main(["preset", "new", "Bad", "-o", str(tmp_path / "bad.yaml"), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert listing(tmp_path) == []


@pytest.mark.parametrize(("target", "message"), [("x.txt", "must end in .yaml"),
                                                 ("missing/x.yaml", "folder does not exist")])
def test_preset_new_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture, target: str, message: str):
    target_path = tmp_path / target
    assert main(["preset", "new", "Bad", "-o", str(target_path), *NEW_ARGS]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert str(target_path if target.endswith(".txt") else target_path.parent) in err
    assert listing(tmp_path) == []


@pytest.mark.parametrize(("name", "extra", "message"), [
    ("", [], "name: '' should be non-empty"),
    ("N" * 101, [], "is too long"),
    ("Copper", ["--description", "d" * 2001], "description: 'ddd"),
    ("Copper", ["--description", "two\nlines"], "holds a control character"),
], ids=["empty-name", "long-name", "long-description", "two-line-description"])
def test_preset_new_refuses_what_validate_would_refuse(tmp_path: Path, capsys: pytest.CaptureFixture, name: str,
                                                      extra: list[str], message: str):
    target = tmp_path / "bad.yaml"
    assert main(["preset", "new", name, "-o", str(target), *NEW_ARGS, *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {target}: cannot save: ") and message in err
    assert len(err.splitlines()) == 1 and len(err) < 300
    assert listing(tmp_path) == []


@pytest.mark.parametrize("stem", ["my preset", "Kupfer é ñ", "日本の銅", "a" * 200, ".hidden", "x!y@z#", "-"],
                         ids=["space", "accents", "cjk", "long", "leading-dot", "punctuation", "dash"])
def test_whatever_preset_new_writes_validate_accepts(tmp_path: Path, capsys: pytest.CaptureFixture, stem: str):
    target = tmp_path / f"{stem}.yaml"
    assert main(["preset", "new", "Any Name", "-o", str(target), *NEW_ARGS]) == 0
    capsys.readouterr()
    assert main(["preset", "validate", str(target)]) == 0
    assert capsys.readouterr().out == f"{target}: ok\n"
    assert all(len(name) <= 200 for name in load_preset(target).lut_files)


def test_validate_and_pack_build_skip_debris_of_killed_processes(preset_path: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture):
    """A killed save leaves `.copper.XXXX.tmp.yaml`, a killed pack build a `.pack-XXXX/` staging folder holding
    presets with the same ids: neither is data."""
    folder = preset_path.parent
    (folder / ".copper.abc123.tmp.yaml").write_text("schema_version: 1\nname: [half writ")
    staging = folder / ".pack-k2j4h5g6" / "presets" / "copper"
    staging.mkdir(parents=True)
    for path in folder.glob("copper*"):
        (staging / path.name).write_bytes(path.read_bytes())
    assert main(["preset", "validate", str(folder)]) == 0
    assert capsys.readouterr().out == f"{preset_path}: ok\n"
    assert main(["pack", "build", str(folder), "-o", str(tmp_path / "pack.zip")]) == 0
    assert "1 presets" in capsys.readouterr().out


def test_validate_folder_with_good_and_bad_presets(preset_path: Path, capsys: pytest.CaptureFixture):
    folder = preset_path.parent
    bad = folder / "nested" / "broken.yaml"
    bad.parent.mkdir()
    doc = yaml.safe_load(preset_path.read_text())
    doc["name"] = ""
    doc["anchors"][0]["lut"] = "../../escape.png"
    doc["anchors"][1]["intensity"] = 0.1
    bad.write_text(yaml.safe_dump(doc))
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert main(["preset", "validate", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"{preset_path}: ok" in lines
    bad_lines = [line for line in lines if line != f"{preset_path}: ok"]
    assert len(bad_lines) >= 3
    assert all(line.startswith(f"{bad}: ") for line in bad_lines)
    text = "\n".join(bad_lines)
    for expected in ("should be non-empty", "leaves the preset folder", "strictly increasing"):
        assert expected in text
    assert before == {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_validate_several_paths_exits_zero_only_when_all_are_valid(preset_path: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture):
    other = tmp_path / "other"
    other.mkdir()
    assert main(["preset", "new", "Other", "-o", str(other / "other.yaml"), *NEW_ARGS]) == 0
    assert main(["preset", "validate", str(preset_path), str(other)]) == 0
    (other / "bad.yml").write_text("name: [unclosed\n")
    capsys.readouterr()
    assert main(["preset", "validate", str(preset_path), str(other)]) == 1
    assert f"{other / 'bad.yml'}: malformed YAML" in capsys.readouterr().out


def test_validate_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["preset", "validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path}: no preset files" in err


def test_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture):
    missing = tmp_path / "missing.yaml"
    assert main(["preset", "validate", str(missing)]) == 1
    assert f"{missing}: file not found" in capsys.readouterr().out


def test_validate_missing_folder_says_not_found(tmp_path: Path, capsys: pytest.CaptureFixture):
    missing = tmp_path / "no-such-folder"
    assert main(["preset", "validate", str(missing)]) == 1
    captured = capsys.readouterr()
    assert str(missing) in captured.out + captured.err
    assert "not found" in captured.out + captured.err or "does not exist" in captured.out + captured.err


def test_validate_through_python_m_studio_reports_bad_preset(preset_path: Path):
    preset_path.write_text("schema_version: 2\n")
    result = run_module("preset", "validate", str(preset_path))
    assert result.returncode == 1
    assert f"{preset_path}: unknown schema_version 2" in result.stdout
    assert "Traceback" not in result.stderr


# --- lut convert ----------------------------------------------------------------------------------------


@pytest.fixture
def lut_png(preset_path: Path) -> Path:
    return preset_path.parent / load_preset(preset_path).lut_files[1]


def test_lut_convert_png_cube_png_round_trip(lut_png: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    cube, back = tmp_path / "look.cube", tmp_path / "back.png"
    assert main(["lut", "convert", str(lut_png), str(cube)]) == 0
    assert f"wrote {cube} (17-point LUT)" in capsys.readouterr().out
    assert "LUT_3D_SIZE 17" in cube.read_text()
    original = LUT3D.read(lut_png).table
    np.testing.assert_allclose(read_lut(cube).table, original, rtol=0, atol=1e-6)
    assert main(["lut", "convert", str(cube), str(back)]) == 0
    np.testing.assert_allclose(LUT3D.read(back).table, original, rtol=0, atol=0.5 / 65535 + 1e-7)
    assert back.read_bytes() == lut_png.read_bytes()


def test_lut_convert_eight_bit(lut_png: Path, tmp_path: Path):
    out = tmp_path / "eight.png"
    assert main(["lut", "convert", str(lut_png), str(out), "--bits", "8"]) == 0
    assert cv2.imread(str(out), cv2.IMREAD_UNCHANGED).dtype == np.uint8
    np.testing.assert_allclose(LUT3D.read(out).table, LUT3D.read(lut_png).table, rtol=0, atol=0.5 / 255 + 1e-6)


@pytest.mark.parametrize(("source", "target", "message"), [
    ("LUT", "out.txt", "unknown LUT format '.txt'"),
    ("in.3dl", "out.cube", "unknown LUT format '.3dl'"),
    ("missing.png", "out.cube", "LUT file not found"),
    ("missing.cube", "out.png", "LUT file not found"),
    ("junk.png", "out.cube", "not a readable PNG image"),
    ("junk.cube", "out.png", "not a readable .cube file"),
])
def test_lut_convert_bad_input(lut_png: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                               source: str, target: str, message: str):
    work = tmp_path / "work"
    work.mkdir()
    (work / "junk.png").write_bytes(b"\x89PNG not really")
    (work / "junk.cube").write_text("LUT_3D_SIZE banana\n1 2\n")
    (work / "in.3dl").write_text("0 1 2\n")
    source_path = lut_png if source == "LUT" else work / source
    before = listing(work)
    assert main(["lut", "convert", str(source_path), str(work / target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    named = work / target if message.startswith("unknown LUT format '.txt'") else source_path
    assert str(named) in err
    assert listing(work) == before


def test_lut_convert_into_missing_folder(lut_png: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    target = tmp_path / "no-such-folder" / "out.cube"
    assert main(["lut", "convert", str(lut_png), str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(target.parent) in err


@pytest.mark.parametrize(("target", "message"), [
    ("folder.cube", "is a folder"),
    ("a" * 300 + ".cube", "File name too long"),
    ("full.cube", "No space left on device"),
    ("full.png", "No space left on device"),
], ids=["folder", "name-too-long", "full-disk-cube", "full-disk-png"])
def test_lut_convert_output_problems_are_errors_naming_the_file(lut_png: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture,
                                                                 monkeypatch: pytest.MonkeyPatch, target: str,
                                                                 message: str):
    work = tmp_path / "work"
    (work / "folder.cube").mkdir(parents=True)
    if target.startswith("full"):
        real_replace = os.replace

        def replace(source, destination):
            if str(destination).endswith(target):
                raise OSError(28, "No space left on device")
            return real_replace(source, destination)

        monkeypatch.setattr("studio.atomic.os.replace", replace)
    before = listing(work)
    assert main(["lut", "convert", str(lut_png), str(work / target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {work / target}: ") and message in err and len(err.splitlines()) == 1
    assert listing(work) == before


def test_lut_convert_into_a_read_only_folder(lut_png: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    with read_only_folder(tmp_path / "locked") as locked:
        assert main(["lut", "convert", str(lut_png), str(locked / "out.cube")]) == 1
        assert listing(locked) == []
    err = capsys.readouterr().err
    assert err == f"error: {locked / 'out.cube'}: could not write: Permission denied\n"


def test_lut_convert_long_but_legal_names_work(lut_png: Path, tmp_path: Path):
    """The temporary file beside a 250-character name must not itself be too long."""
    target = tmp_path / "out" / ("b" * 245 + ".cube")
    target.parent.mkdir()
    assert main(["lut", "convert", str(lut_png), str(target)]) == 0
    assert listing(target.parent) == [target.name]


def test_measure_overlay_without_a_suffix_is_refused_before_the_model_loads(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture):
    photo = tmp_path / "face.png"
    write_image(photo, np.full((8, 8, 3), 128, np.uint8))
    out = tmp_path / "overlay"
    assert main(["measure", str(photo), "-o", str(out), "--model", str(tmp_path / "absent.onnx")]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {out}: the overlay needs an image suffix such as .png, or give an existing folder\n"
    assert listing(tmp_path) == ["face.png"]


# --- recolor --------------------------------------------------------------------------------------------


@pytest.fixture
def photo(tmp_path: Path) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    """A synthetic 64x80 photo with a soft-edged hair blob, written as PNGs."""
    rng = np.random.default_rng(3)
    image = cv2.GaussianBlur((rng.random((64, 80, 3)) * 200 + 30).astype(np.uint8), (0, 0), 1.5)
    mask = np.zeros((64, 80), np.uint8)
    cv2.ellipse(mask, (40, 28), (24, 16), 0, 0, 360, 255, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 2)
    image_path, mask_path = tmp_path / "photo.png", tmp_path / "mask.png"
    write_image(image_path, image)
    write_image(mask_path, mask)
    return image_path, mask_path, image, mask


def test_recolor_changes_only_the_hair(preset_path: Path, photo, tmp_path: Path, capsys: pytest.CaptureFixture):
    image_path, mask_path, image, mask = photo
    out = tmp_path / "out.png"
    assert main(["recolor", str(image_path), "--preset", str(preset_path), "--mask", str(mask_path),
                 "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    result = read_rgb(out)
    assert result.shape == image.shape
    assert np.array_equal(result[mask == 0], image[mask == 0])
    changed = np.any(result != image, axis=2)
    assert changed[mask > 200].mean() > 0.9
    assert not changed[mask == 0].any()


def test_recolor_through_python_m_studio(preset_path: Path, photo, tmp_path: Path):
    image_path, mask_path, image, mask = photo
    out = tmp_path / "sub.png"
    result = run_module("recolor", str(image_path), "-p", str(preset_path), "-m", str(mask_path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert np.array_equal(read_rgb(out)[mask == 0], image[mask == 0])


def test_recolor_with_an_empty_mask_leaves_the_image(preset_path: Path, photo, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture):
    image_path, _, image, _ = photo
    empty = tmp_path / "empty.png"
    write_image(empty, np.zeros(image.shape[:2], np.uint8))
    out = tmp_path / "out.png"
    assert main(["recolor", str(image_path), "-p", str(preset_path), "-m", str(empty), "-o", str(out)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert np.array_equal(read_rgb(out), image)


def test_recolor_mask_of_wrong_size(preset_path: Path, photo, tmp_path: Path, capsys: pytest.CaptureFixture):
    image_path, _, _, _ = photo
    small = tmp_path / "small-mask.png"
    write_image(small, np.full((32, 40), 255, np.uint8))
    out = tmp_path / "out.png"
    before = listing(tmp_path)
    assert main(["recolor", str(image_path), "-p", str(preset_path), "-m", str(small), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"error: {small}: mask is 40x32 but the image is 80x64" in err
    assert listing(tmp_path) == before


@pytest.mark.parametrize("missing", ["preset", "image", "mask"])
def test_recolor_missing_inputs(preset_path: Path, photo, tmp_path: Path, capsys: pytest.CaptureFixture,
                                missing: str):
    image_path, mask_path, _, _ = photo
    paths = {"preset": preset_path, "image": image_path, "mask": mask_path}
    paths[missing] = tmp_path / f"no-such-{missing}{paths[missing].suffix}"
    out = tmp_path / "out.png"
    before = listing(tmp_path)
    assert main(["recolor", str(paths["image"]), "-p", str(paths["preset"]), "-m", str(paths["mask"]),
                 "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"error: {paths[missing]}: file not found" in err
    assert listing(tmp_path) == before


def test_recolor_with_a_bad_preset(preset_path: Path, photo, tmp_path: Path, capsys: pytest.CaptureFixture):
    image_path, mask_path, _, _ = photo
    doc = yaml.safe_load(preset_path.read_text())
    doc["anchors"][0]["sha256"] = "0" * 64
    preset_path.write_text(yaml.safe_dump(doc))
    out = tmp_path / "out.png"
    assert main(["recolor", str(image_path), "-p", str(preset_path), "-m", str(mask_path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"error: {preset_path}: " in err and "does not match its sha256" in err
    assert not out.exists()


def test_recolor_into_missing_folder(preset_path: Path, photo, tmp_path: Path, capsys: pytest.CaptureFixture):
    image_path, mask_path, _, _ = photo
    out = tmp_path / "no-such-folder" / "out.png"
    assert main(["recolor", str(image_path), "-p", str(preset_path), "-m", str(mask_path), "-o", str(out)]) == 1
    assert f"error: {out.parent}: the folder does not exist" in capsys.readouterr().err


def test_recolor_keeps_an_existing_output_when_it_fails(preset_path: Path, photo, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture):
    image_path, _, _, _ = photo
    out = tmp_path / "out.png"
    out.write_bytes(b"previous result")
    small = tmp_path / "small.png"
    write_image(small, np.full((8, 8), 255, np.uint8))
    assert main(["recolor", str(image_path), "-p", str(preset_path), "-m", str(small), "-o", str(out)]) == 1
    assert out.read_bytes() == b"previous result"


def test_a_file_error_no_command_reported_itself_is_one_line_naming_the_file(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path):
    def full_disk(args: object) -> int:
        raise OSError(28, "No space left on device", str(tmp_path / "out.png"))

    def not_about_a_file(args: object) -> int:
        raise OSError("a socket problem")

    monkeypatch.setattr("studio.commands.preset._validate", full_disk)
    assert main(["preset", "validate", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'out.png'}: No space left on device\n"
    monkeypatch.setattr("studio.commands.preset._validate", not_about_a_file)
    with pytest.raises(OSError, match="socket"):  # not about a file: a bug, left with its traceback
        main(["preset", "validate", str(tmp_path)])
