"""The model manifests (models/<model>.yaml: the hair segmenter and MediaPipe's face models) and where the model
files live.

The manifests ship with the package (`studio.resources`); the files they describe (the downloaded .tflite and the
.onnx converted from it) are generated into `models_dir()`: `$STUDIO_MODELS_DIR` when set, else the checkout's
models/ when running from source, else a per-user folder (an installed package's folder may not be writable).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from studio import resources
from studio.segmentation.errors import ModelError

__all__ = [
    "DEFAULT_MANIFEST", "FACE_DETECTOR", "FACE_LANDMARKS", "HAIR_MODEL", "MODELS", "MODELS_DIR_VARIABLE",
    "ModelManifest", "TensorSpec", "all_manifests", "load_manifest", "manifest_path", "models_dir", "onnx_path",
    "tflite_path",
]

MODELS_DIR_VARIABLE = "STUDIO_MODELS_DIR"
"""Environment variable naming the folder for the downloaded and converted model files."""

HAIR_MODEL = "hair_segmentation"
FACE_DETECTOR = "face_detection_short_range"
FACE_LANDMARKS = "face_landmark"
MODELS = (HAIR_MODEL, FACE_DETECTOR, FACE_LANDMARKS)
"""Every model the project uses, by manifest name. The hair model is required; the face models sharpen the
head crop and keep hair off the face when installed."""

DEFAULT_MANIFEST = resources.shipped("models") / f"{HAIR_MODEL}.yaml"
"""The hair model's shipped manifest: models/hair_segmentation.yaml of the checkout, or its copy in the package."""

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class TensorSpec:
    """One model input or output: its name, shape (NHWC) and element type."""

    name: str
    shape: tuple[int, ...]
    dtype: str


@dataclass(frozen=True)
class ModelManifest:
    """What the manifest says about the model. Sizes are in bytes, `input_size` is (width, height) in pixels; an
    input value is the 8-bit channel value times `scale` plus `offset`. `output` is the primary output;
    `hair_channel` its hair channel (None for models that do not segment hair)."""

    path: Path
    name: str
    url: str
    sha256: str
    size: int
    tflite_file: str
    onnx_file: str
    licence: str
    licence_notice: str
    input: TensorSpec
    output: TensorSpec
    hair_channel: int | None
    input_size: tuple[int, int]
    scale: float
    offset: float = 0.0


def models_dir() -> Path:
    """The folder for the downloaded .tflite and converted .onnx: `$STUDIO_MODELS_DIR` if set, else the
    checkout's models/ (beside the manifest) when running from source, else `models` in the user's data folder."""
    override = os.environ.get(MODELS_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    source = resources.checkout()
    return source / "models" if source is not None else resources.user_data_dir() / "models"


def manifest_path(model: str) -> Path:
    """The shipped manifest of `model` (one of MODELS)."""
    if model not in MODELS:
        raise ModelError(f"unknown model {model!r} (known: {', '.join(MODELS)})")
    return resources.shipped("models") / f"{model}.yaml"


def tflite_path(directory: str | Path | None = None, model: str = HAIR_MODEL) -> Path:
    """Where `model`'s verified .tflite is kept, in `directory` or `models_dir()`."""
    return Path(directory or models_dir()) / load_manifest(manifest_path(model)).tflite_file


def onnx_path(directory: str | Path | None = None, model: str = HAIR_MODEL) -> Path:
    """Where `model`'s converted .onnx is kept, in `directory` or `models_dir()`."""
    return Path(directory or models_dir()) / load_manifest(manifest_path(model)).onnx_file


def load_manifest(path: str | Path | None = None) -> ModelManifest:
    """Read and validate a manifest (default: the hair model's `DEFAULT_MANIFEST`); ModelError names the file."""
    return _load(Path(path) if path is not None else DEFAULT_MANIFEST)


def all_manifests() -> list[ModelManifest]:
    """The shipped manifests of MODELS, in that order."""
    return [load_manifest(manifest_path(model)) for model in MODELS]


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> ModelManifest:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError("the model manifest does not exist", path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ModelError(f"cannot read the model manifest: {error}", path) from None
    except yaml.YAMLError as error:
        raise ModelError(f"the model manifest is not valid YAML: {error}", path) from None
    if not isinstance(data, dict):
        raise ModelError("the model manifest must be a mapping", path)
    fields = _Fields(data, path)
    sha256 = fields.text("sha256").lower()
    if not _SHA256.match(sha256):
        raise ModelError(f"sha256 must be 64 hex digits, got {sha256!r}", path)
    url = fields.text("url")
    if not url.startswith(("https://", "http://")):
        raise ModelError(f"url must be http(s), got {url!r}", path)
    size = fields.integer("size")
    resize = fields.ints("preprocessing.resize")
    hair_channel = fields.integer("output.hair_channel") if fields.has("output.hair_channel") else None
    output = fields.tensor("output")
    if len(resize) != 2 or min(resize) <= 0:
        raise ModelError(f"preprocessing.resize must be [width, height], got {list(resize)}", path)
    if size <= 0 or (hair_channel is not None and not 0 <= hair_channel < output.shape[-1]):
        raise ModelError("size must be positive and output.hair_channel an index of the output's channels", path)
    return ModelManifest(
        path=path,
        name=fields.text("name"),
        url=url,
        sha256=sha256,
        size=size,
        tflite_file=fields.file_name("files.tflite"),
        onnx_file=fields.file_name("files.onnx"),
        licence=fields.text("licence.spdx"),
        licence_notice=fields.text("licence.notice"),
        input=fields.tensor("input"),
        output=output,
        hair_channel=hair_channel,
        input_size=(resize[0], resize[1]),
        scale=fields.number("preprocessing.scale"),
        offset=fields.number("preprocessing.offset") if fields.has("preprocessing.offset") else 0.0,
    )


class _Fields:
    """Typed access to dotted keys of the parsed YAML, each failure a ModelError naming key and file."""

    def __init__(self, data: dict[str, Any], path: Path) -> None:
        self.data, self.path = data, path

    def get(self, key: str) -> Any:
        value: Any = self.data
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                raise ModelError(f"missing key {key!r} in the model manifest", self.path)
            value = value[part]
        return value

    def has(self, key: str) -> bool:
        try:
            self.get(key)
        except ModelError:
            return False
        return True

    def _fail(self, key: str, expected: str, value: Any) -> ModelError:
        return ModelError(f"{key} must be {expected}, got {value!r}", self.path)

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._fail(key, "a non-empty string", value)
        return value.strip()

    def file_name(self, key: str) -> str:
        value = self.text(key)
        if Path(value).name != value:
            raise self._fail(key, "a plain file name (no folders)", value)
        return value

    def integer(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(key, "an integer", value)
        return value

    def number(self, key: str) -> float:
        value = self.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self._fail(key, "a number", value)
        return float(value)

    def ints(self, key: str) -> tuple[int, ...]:
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise self._fail(key, "a list of integers", value)
        return tuple(value)

    def tensor(self, key: str) -> TensorSpec:
        shape = self.ints(f"{key}.shape")
        image = key == "input"  # inputs are NHWC images; outputs may be any tensor
        if (len(shape) != 4 if image else not 1 <= len(shape) <= 4) or min(shape, default=0) <= 0:
            expected = "four positive sizes (NHWC)" if image else "one to four positive sizes"
            raise self._fail(f"{key}.shape", expected, list(shape))
        return TensorSpec(name=self.text(f"{key}.name"), shape=shape, dtype=self.text(f"{key}.dtype"))
