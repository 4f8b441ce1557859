"""`hair-studio measure`: argument handling, errors naming the file, and a real run on LFW photos."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pytest

from studio.commands import measure
from studio.errors import StudioError
from studio.images import read_rgb, write_image
from tests.conftest import require_shared

LFW = ("Aaron_Peirsol_0001", "AJ_Cook_0001")


def run(argv: list[str]) -> int:
    """Parse `argv` with a parser holding only `measure`, as studio.cli does, and run the handler."""
    parser = argparse.ArgumentParser(prog="hair-studio")
    measure.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["measure", *argv])
    return args.func(args)


def test_a_missing_image_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "absent.png"
    with pytest.raises(StudioError, match="absent.png"):
        run([str(missing), "--model", str(tmp_path / "unused.onnx")])


def test_a_file_that_is_not_an_image_is_an_error_naming_it(tmp_path: Path) -> None:
    junk = tmp_path / "notes.png"
    junk.write_text("not pixels")
    with pytest.raises(StudioError, match="notes.png"):
        run([str(junk), "--model", str(tmp_path / "unused.onnx")])


def test_a_missing_model_says_how_to_get_it(tmp_path: Path) -> None:
    image = tmp_path / "grey.png"
    write_image(image, np.full((16, 16, 3), 128, np.uint8))
    with pytest.raises(StudioError, match="models fetch"):
        run([str(image), "--model", str(tmp_path / "absent.onnx")])


def test_overlay_paths_single_file_or_folder(tmp_path: Path) -> None:
    one = [Path("a/face.jpg")]
    assert measure.overlay_paths(one, None) == [None]
    assert measure.overlay_paths(one, tmp_path / "out.png") == [tmp_path / "out.png"]
    several = [Path("a/face.jpg"), Path("b/other.png")]
    assert measure.overlay_paths(several, tmp_path / "overlays") == [
        tmp_path / "overlays" / "face_overlay.png",
        tmp_path / "overlays" / "other_overlay.png",
    ]
    assert (tmp_path / "overlays").is_dir()
    assert measure.overlay_paths(one, tmp_path) == [tmp_path / "face_overlay.png"]  # an existing folder


def test_overlay_paths_refuse_clashing_names_and_a_file_for_several(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match="face"):
        measure.overlay_paths([Path("a/face.jpg"), Path("b/face.png")], tmp_path / "out")
    existing = tmp_path / "file.png"
    existing.write_bytes(b"")
    with pytest.raises(StudioError, match="folder"):
        measure.overlay_paths([Path("a.jpg"), Path("b.jpg")], existing)


def test_overlay_tints_only_where_the_mask_is() -> None:
    image = np.full((2, 2, 3), 100, np.uint8)
    mask = np.array([[0.0, 1.0], [0.5, 0.0]], np.float32)
    tinted = measure.overlay(image, mask)
    assert tinted.dtype == np.uint8
    assert (tinted[0, 0] == 100).all() and (tinted[1, 1] == 100).all()
    assert tinted[0, 1, 1] < tinted[1, 0, 1] < 100  # green falls towards the magenta overlay's 0


@pytest.mark.shared
def test_measure_prints_intensity_and_fraction_and_writes_overlays(
    onnx_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = require_shared("data/hairseg/lfw/images")
    images = [shutil.copy(folder / f"{stem}.jpg", tmp_path / f"{stem}.jpg") for stem in LFW]
    status = run([*map(str, images), "--overlay", str(tmp_path / "overlays"), "--model", str(onnx_model_path)])
    assert status == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    for line, stem in zip(lines, LFW, strict=True):
        assert stem in line and "hair intensity 0." in line and "hair fraction 0." in line
        overlay = read_rgb(tmp_path / "overlays" / f"{stem}_overlay.png")
        assert overlay.shape == read_rgb(tmp_path / f"{stem}.jpg").shape
