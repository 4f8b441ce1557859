"""The converted ONNX model against the independent NumPy reference of the .tflite, on real photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime as ort
import pytest

from studio.images import read_rgb
from studio.segmentation import ModelError, load_manifest
from studio.segmentation.convert import build_onnx, convert_tflite_to_onnx
from studio.segmentation.tflite_reader import Operator, Tensor, TfliteGraph
from tests.conftest import require_shared

from .pool_guide import OnnxWithPoolChoices
from .tflite_reference import TfliteReference

PHOTOS = (
    "portraits/light/biden_official_portrait.jpg",
    "portraits/dark/pakutaso_long_hair.jpg",
    "hairseg/figaro1k/images/Frame00001.jpg",
    "portraits/light/celebahq_27746.jpg",
)
LOGIT_TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def reference(shared_model: Path) -> TfliteReference:
    return TfliteReference(shared_model)


@pytest.fixture(scope="module")
def guided(onnx_model_path: Path) -> OnnxWithPoolChoices:
    return OnnxWithPoolChoices(onnx_model_path)


def _model_input(photo: Path, prior: np.ndarray | None) -> np.ndarray:
    """The manifest's preprocessing: whole photo stretched to 512x512, RGB / 255, plus the prior mask."""
    manifest = load_manifest()
    rgb = read_rgb(photo)
    rgb = cv2.resize(rgb, manifest.input_size, interpolation=cv2.INTER_LINEAR).astype(np.float32) * manifest.scale
    prior = np.zeros(rgb.shape[:2], np.float32) if prior is None else prior.astype(np.float32)
    return np.concatenate([rgb, prior[..., None]], axis=-1)[None]


def _hair_probability(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits[0] - logits[0].max(axis=-1, keepdims=True))
    return shifted[..., 1] / shifted.sum(axis=-1)


@pytest.mark.shared
def test_checker_and_boundary(onnx_model_path: Path, shared_model: Path) -> None:
    model = onnx.load(str(onnx_model_path))
    onnx.checker.check_model(model, full_check=True)
    manifest = load_manifest()
    for values, spec in ((model.graph.input, manifest.input), (model.graph.output, manifest.output)):
        assert [v.name for v in values] == [spec.name]
        assert tuple(d.dim_value for d in values[0].type.tensor_type.shape.dim) == spec.shape
    session = ort.InferenceSession(str(onnx_model_path), providers=["CPUExecutionProvider"])
    assert [(i.name, tuple(i.shape)) for i in session.get_inputs()] == [("input_1", (1, 512, 512, 4))]
    assert [(o.name, tuple(o.shape)) for o in session.get_outputs()] == [("conv2d_transpose_4", (1, 512, 512, 2))]
    # NCHW inside: the only layout changes are the two boundary Transposes.
    transposes = [i for i, node in enumerate(model.graph.node) if node.op_type == "Transpose"]
    assert transposes == [0, len(model.graph.node) - 1]
    assert {p.key: p.value for p in model.metadata_props}["source_sha256"] == manifest.sha256


@pytest.mark.shared
@pytest.mark.parametrize("photo", PHOTOS)
def test_matches_reference(
    photo: str, shared_dir: Path, reference: TfliteReference, guided: OnnxWithPoolChoices
) -> None:
    empty = _model_input(shared_dir / "data" / photo, prior=None)
    onnx_logits, choices = guided.run(empty)
    ref_logits = reference.run(empty, pool_choices=choices)
    assert reference.rejected == 0, "ONNX MaxPool picked cells that are not window maxima"
    error = np.abs(onnx_logits - ref_logits).max()
    assert error < LOGIT_TOLERANCE, f"{photo}, empty prior: max |logit difference| {error:.2e}"
    # Without following ONNX at ties the reference still draws the same mask on nearly every pixel.
    unguided = reference.run(empty)
    agreement = ((unguided[..., 1] > unguided[..., 0]) == (onnx_logits[..., 1] > onnx_logits[..., 0])).mean()
    assert agreement > 0.995

    with_prior = _model_input(shared_dir / "data" / photo, prior=_hair_probability(ref_logits))
    onnx_logits, choices = guided.run(with_prior)
    ref_logits = reference.run(with_prior, pool_choices=choices)
    assert reference.rejected == 0, "ONNX MaxPool picked cells that are not window maxima"
    error = np.abs(onnx_logits - ref_logits).max()
    assert error < LOGIT_TOLERANCE, f"{photo}, previous mask as prior: max |logit difference| {error:.2e}"


def test_not_a_tflite_is_a_model_error(tmp_path: Path) -> None:
    source, target = tmp_path / "notes.tflite", tmp_path / "out.onnx"
    source.write_text("not a model")
    with pytest.raises(ModelError, match="not a TensorFlow Lite model") as raised:
        convert_tflite_to_onnx(source, target)
    assert str(source) in str(raised.value)
    assert list(tmp_path.iterdir()) == [source]


@pytest.mark.shared
def test_damaged_tflite_leaves_previous_onnx(shared_model: Path, tmp_path: Path) -> None:
    source, target = tmp_path / "damaged.tflite", tmp_path / "out.onnx"
    source.write_bytes(shared_model.read_bytes()[:4000])
    target.write_bytes(b"previous")
    with pytest.raises(ModelError, match="damaged"):
        convert_tflite_to_onnx(source, target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.tflite", "out.onnx"]


def _naive_conv_same(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int) -> np.ndarray:
    """TF SAME convolution by explicit loops, NHWC batch 1, w [out, kh, kw, in]."""
    _, height, width, _ = x.shape
    out_c, kh, kw, _ = w.shape
    out_h, out_w = -(-height // stride), -(-width // stride)
    top = max((out_h - 1) * stride + kh - height, 0) // 2  # TF: the smaller half before
    left = max((out_w - 1) * stride + kw - width, 0) // 2
    out = np.tile(b, (1, out_h, out_w, 1)).astype(np.float64)
    for oy in range(out_h):
        for ox in range(out_w):
            for ky in range(kh):
                for kx in range(kw):
                    y, xx = oy * stride - top + ky, ox * stride - left + kx
                    if 0 <= y < height and 0 <= xx < width:
                        out[0, oy, ox] += w[:, ky, kx, :] @ x[0, y, xx]
    return out


def test_asymmetric_same_padding_and_fused_activations() -> None:
    """Paths the hair model does not take: odd SAME padding (stride 2 on even sizes) and fused RELU6 / TANH."""
    rng = np.random.default_rng(7)
    w = rng.normal(size=(3, 3, 3, 2)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    tensors = (
        Tensor("x", (1, 6, 6, 2)),
        Tensor("w", w.shape, w),
        Tensor("b", b.shape, b),
        Tensor("conv", (1, 3, 3, 3)),
        Tensor("y", (1, 3, 3, 3)),
    )
    operators = (
        Operator(
            "CONV_2D", (0, 1, 2), (3,), {"padding": "SAME", "stride": (2, 2), "dilation": (1, 1), "activation": "RELU6"}
        ),
        Operator("ADD", (3, 3), (4,), {"activation": "TANH"}),
    )
    model = build_onnx(TfliteGraph(tensors, operators, inputs=(0,), outputs=(4,)), name="synthetic")
    x = rng.normal(size=(1, 6, 6, 2)).astype(np.float32) * 3
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (result,) = session.run(None, {"x": x})
    expected = np.tanh(2 * np.clip(_naive_conv_same(x, w, b, stride=2), 0, 6))
    np.testing.assert_allclose(result, expected, atol=1e-5)


def test_pad_reshape_pool_relu_and_flat_concat() -> None:
    """The ops BlazeFace adds: channel PAD, MAX_POOL_2D (SAME, odd size), RELU, RESHAPE to rank 3 in NHWC element
    order and CONCATENATION of rank-3 tensors."""
    rng = np.random.default_rng(3)
    paddings = np.array([[0, 0], [1, 0], [0, 2], [0, 2]], dtype=np.int32)
    tensors = (
        Tensor("x", (1, 5, 5, 2)),
        Tensor("paddings", (4, 2), paddings),
        Tensor("padded", (1, 6, 7, 4)),
        Tensor("pooled", (1, 3, 4, 4)),
        Tensor("relu", (1, 3, 4, 4)),
        Tensor("flat", (1, 24, 2)),
        Tensor("joined", (1, 48, 2)),
    )
    pool = {"padding": "SAME", "stride": (2, 2), "filter": (2, 2), "activation": "NONE"}
    operators = (
        Operator("PAD", (0, 1), (2,)),
        Operator("MAX_POOL_2D", (2,), (3,), pool),
        Operator("RELU", (3,), (4,)),
        Operator("RESHAPE", (4,), (5,)),
        Operator("CONCATENATION", (5, 5), (6,), {"activation": "NONE", "axis": 1}),
    )
    model = build_onnx(TfliteGraph(tensors, operators, inputs=(0,), outputs=(6,)), name="synthetic")
    x = rng.normal(size=(1, 5, 5, 2)).astype(np.float32)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (result,) = session.run(None, {"x": x})
    padded = np.pad(x, paddings)
    # TF's SAME pooling of 6x7 by 2x2 / 2: 3x4 windows, the last column's window hangs over the edge (ignored).
    edge = np.pad(padded, ((0, 0), (0, 0), (0, 1), (0, 0)), constant_values=-np.inf)
    pooled = edge.reshape(1, 3, 2, 4, 2, 4).max(axis=(2, 4))
    flat = np.maximum(pooled, 0).reshape(1, 24, 2)
    np.testing.assert_allclose(result, np.concatenate([flat, flat], axis=1), atol=1e-6)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("model", "size", "low"), [("face_detection_short_range", 128, -1.0), ("face_landmark", 192, 0.0)]
)
def test_face_models_match_reference(model: str, size: int, low: float, shared_dir: Path, tmp_path: Path) -> None:
    """MediaPipe's face models (float16 weights behind DEQUANTIZE) converted, against the NumPy reference, on a
    real portrait: every output within 1e-3 of the reference's float64 result, relative to its range."""
    tflite = require_shared(f"models/{model}.tflite")
    onnx_file = tmp_path / f"{model}.onnx"
    convert_tflite_to_onnx(tflite, onnx_file)
    rgb = cv2.resize(read_rgb(shared_dir / "data" / PHOTOS[0]), (size, size), interpolation=cv2.INTER_AREA)
    x = (rgb.astype(np.float32) / 255 * (1 - low) + low)[None]
    expected = TfliteReference(tflite).run_all(x)
    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    results = session.run(None, {session.get_inputs()[0].name: x})
    assert [r.shape for r in results] == [e.shape for e in expected]
    for result, reference in zip(results, expected, strict=True):
        scale = max(1.0, float(np.abs(reference).max()))
        np.testing.assert_allclose(result, reference, atol=1e-3 * scale)
