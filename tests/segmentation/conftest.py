"""Fixtures for the segmentation tests: the shared models converted to ONNX once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.segmentation.convert import convert_tflite_to_onnx
from studio.segmentation.faces import FaceLandmarker
from studio.segmentation.manifest import FACE_DETECTOR, FACE_LANDMARKS
from tests.conftest import require_shared


@pytest.fixture(scope="session")
def onnx_model_path(shared_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """../shared's hair_segmentation.tflite converted to ONNX in a temporary folder (never models/)."""
    path = tmp_path_factory.mktemp("converted") / "hair_segmentation.onnx"
    convert_tflite_to_onnx(shared_model, path)
    return path


@pytest.fixture(scope="session")
def face_landmarker(onnx_model_path: Path) -> FaceLandmarker:
    """../shared's BlazeFace and face mesh converted beside the converted hair model, on the CPU."""
    for model in (FACE_DETECTOR, FACE_LANDMARKS):
        convert_tflite_to_onnx(require_shared(f"models/{model}.tflite"), onnx_model_path.parent / f"{model}.onnx")
    return FaceLandmarker.create(onnx_model_path.parent, providers=["CPUExecutionProvider"])
