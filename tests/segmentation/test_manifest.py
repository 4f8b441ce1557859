"""The model manifest: the shipped one is valid and matches the design's facts; broken ones name the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from studio.segmentation import ModelError, load_manifest
from studio.segmentation.manifest import DEFAULT_MANIFEST


def test_shipped_manifest() -> None:
    manifest = load_manifest()
    assert manifest.url == "https://storage.googleapis.com/mediapipe-assets/hair_segmentation.tflite"
    assert manifest.sha256 == "d2c940c4fd80edeaf38f5d7387d1b4235ee320ed120080df67c663e749e77633"
    assert manifest.size == 780588
    assert manifest.licence == "Apache-2.0" and "Copyright Google LLC" in manifest.licence_notice
    assert (manifest.input.name, manifest.input.shape) == ("input_1", (1, 512, 512, 4))
    assert (manifest.output.name, manifest.output.shape, manifest.hair_channel) == (
        "conv2d_transpose_4",
        (1, 512, 512, 2),
        1,
    )
    assert manifest.input_size == (512, 512) and manifest.scale == pytest.approx(1 / 255)


def _write(tmp_path: Path, change: dict) -> Path:
    data = yaml.safe_load(DEFAULT_MANIFEST.read_text())
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    path = tmp_path / f"manifest_{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha256": "abc"}, "sha256 must be 64 hex digits"),
        ({"url": None}, "missing key 'url'"),
        ({"size": "big"}, "size must be an integer"),
        ({"files.onnx": "../escape.onnx"}, "files.onnx must be a plain file name"),
        ({"input.shape": [512, 512, 4]}, "input.shape must be four positive sizes"),
        ({"output.hair_channel": 2}, "hair_channel"),
        ({"preprocessing.resize": [512]}, r"preprocessing.resize must be \[width, height\]"),
    ],
)
def test_invalid_manifest_names_file_and_problem(tmp_path: Path, change: dict, message: str) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(ModelError, match=message) as raised:
        load_manifest(path)
    assert str(path) in str(raised.value)


def test_unreadable_manifest(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        load_manifest(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("url: [unclosed")
    with pytest.raises(ModelError, match="not valid YAML"):
        load_manifest(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(ModelError, match="must be a mapping"):
        load_manifest(listed)
