"""`hair-studio models ...` handlers, driven through their own argparse parser."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from studio.commands import models
from studio.segmentation import ModelError
from studio.segmentation.manifest import MODELS_DIR_VARIABLE


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
