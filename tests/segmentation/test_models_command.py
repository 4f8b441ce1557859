"""`hair-studio models ...` handlers, driven through their own argparse parser."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from studio.commands import models
from studio.segmentation import ModelError
from studio.segmentation.manifest import MODELS, MODELS_DIR_VARIABLE
from tests.conftest import require_shared


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hair-studio")
    models.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.mark.shared
def test_install_then_info(
    shared_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(MODELS_DIR_VARIABLE, str(tmp_path))
    assert _run("models", "install", "--from", str(shared_model)) == 0
    assert f"wrote {tmp_path / 'hair_segmentation.onnx'}" in capsys.readouterr().out
    assert _run("models", "info") == 0
    out = capsys.readouterr().out
    assert f"folder:     {tmp_path}" in out
    assert "d2c940c4fd80edeaf38f5d7387d1b4235ee320ed120080df67c663e749e77633, verified" in out
    assert "would use:  " in out


def test_info_without_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(MODELS_DIR_VARIABLE, str(tmp_path))
    assert _run("models", "info") == 0
    assert "missing: run `hair-studio models fetch`" in capsys.readouterr().out


def test_install_from_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such file"):
        _run("models", "install", "--from", str(tmp_path / "absent.tflite"), "--dest", str(tmp_path))


@pytest.mark.shared
def test_install_recognises_each_model_and_info_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    sources = [require_shared(f"models/{name}.tflite") for name in MODELS]
    assert _run("models", "install", "--from", *map(str, reversed(sources)), "--dest", str(tmp_path)) == 0
    for name in MODELS:
        assert (tmp_path / f"{name}.tflite").is_file() and (tmp_path / f"{name}.onnx").is_file()
    other = require_shared("models/face_detection_full_range_sparse.tflite")  # a model the project does not use
    with pytest.raises(ModelError, match="not one of the models this project uses") as raised:
        _run("models", "install", "--from", str(other), "--dest", str(tmp_path))
    assert str(other) in str(raised.value)


def test_fetch_refuses_unknown_models_and_url_for_several(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="unknown model 'bogus'"):
        _run("models", "fetch", "bogus", "--dest", str(tmp_path))
    with pytest.raises(ModelError, match="--url takes one model"):
        _run("models", "fetch", "--url", "http://127.0.0.1:9/x", *MODELS[:2], "--dest", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
