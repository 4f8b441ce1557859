"""Fixtures for the segmentation tests: the shared model converted to ONNX once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.segmentation.convert import convert_tflite_to_onnx


@pytest.fixture(scope="session")
def onnx_model_path(shared_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """../shared's hair_segmentation.tflite converted to ONNX in a temporary folder (never models/)."""
    path = tmp_path_factory.mktemp("converted") / "hair_segmentation.onnx"
    convert_tflite_to_onnx(shared_model, path)
    return path
