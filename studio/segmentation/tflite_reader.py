"""Reading a float32 TFLite flatbuffer (with the `tflite` package, no TensorFlow) into plain Python objects.

Only what the converter needs: tensors (name, NHWC shape, constant data), operators (kind, inputs,
outputs, options) and the graph's inputs and outputs. Activations must be float32; constants may be float32,
float16 (MediaPipe's face models store their weights so, each behind a DEQUANTIZE op, which is folded here:
its output becomes a float32 constant and the op disappears) or int32 (paddings and shapes). MediaPipe's
custom ops keep their options as the raw bytes of a C struct (their kernels `reinterpret_cast` them), not as
flexbuffers: see `_custom_options`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tflite

from studio.segmentation.errors import ModelError

__all__ = ["Operator", "SUPPORTED_OPS", "Tensor", "TfliteGraph", "read_tflite"]

SUPPORTED_OPS = (
    "CONV_2D",
    "DEPTHWISE_CONV_2D",
    "PRELU",
    "RELU",
    "ADD",
    "CONCATENATION",
    "PAD",
    "RESHAPE",
    "MAX_POOL_2D",
    "DEQUANTIZE",
    "MaxPoolingWithArgmax2D",
    "MaxUnpooling2D",
    "Convolution2DTransposeBias",
)
"""Builtin op names and MediaPipe custom op codes that `read_tflite` accepts."""

_BUILTIN_NAMES = {code: name for name, code in vars(tflite.BuiltinOperator).items() if not name.startswith("_")}
_ACTIVATIONS = {code: name for name, code in vars(tflite.ActivationFunctionType).items() if not name.startswith("_")}
_PADDING = {tflite.Padding.SAME: "SAME", tflite.Padding.VALID: "VALID"}
# TfLitePadding of the C API (custom ops' raw structs): kTfLitePaddingUnknown = 0, Same = 1, Valid = 2.
_C_PADDING = {1: "SAME", 2: "VALID"}
_FLOAT32 = tflite.TensorType.FLOAT32
_CONSTANT_TYPES = {tflite.TensorType.FLOAT32: "<f4", tflite.TensorType.FLOAT16: "<f2", tflite.TensorType.INT32: "<i4"}


@dataclass(frozen=True)
class Tensor:
    """A tensor of the graph: shape in the model's own NHWC order; `data` holds constants (weights as float32,
    paddings and shapes as int32)."""

    name: str
    shape: tuple[int, ...]
    data: np.ndarray | None = None


@dataclass(frozen=True)
class Operator:
    """One node: `kind` is the builtin name or custom code; inputs/outputs index `TfliteGraph.tensors`."""

    kind: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TfliteGraph:
    """The single subgraph of a float32 TFLite model."""

    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


def read_tflite(path: str | Path) -> TfliteGraph:
    """Parse `path`; ModelError (naming the file) when it is not a float32 TFLite model of supported ops."""
    path = Path(path)
    try:
        buffer = path.read_bytes()
    except OSError as error:
        raise ModelError(f"cannot read the model: {error.strerror or error}", path) from None
    # Bytes 4-7 of a TFLite flatbuffer are its file identifier; checking it first turns "some other file"
    # into a clear message instead of a flatbuffers exception from deep inside the parser.
    if len(buffer) < 8 or buffer[4:8] != b"TFL3":
        raise ModelError("not a TensorFlow Lite model (no TFL3 identifier)", path)
    try:
        return _parse(buffer, path)
    except ModelError:
        raise
    except Exception as error:  # a damaged flatbuffer fails in many ways inside the generated reader
        raise ModelError(f"damaged TensorFlow Lite model: {error}", path) from None


def _parse(buffer: bytes, path: Path) -> TfliteGraph:
    model = tflite.Model.GetRootAs(buffer, 0)
    if model.SubgraphsLength() != 1:
        raise ModelError(f"expected one subgraph, found {model.SubgraphsLength()}", path)
    graph = model.Subgraphs(0)
    codes = []
    for index in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(index)
        # Newer files keep the code in BuiltinCode, older ones in DeprecatedBuiltinCode; take the larger.
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        custom = code.CustomCode()
        is_custom = builtin == tflite.BuiltinOperator.CUSTOM and custom
        codes.append(custom.decode() if is_custom else _BUILTIN_NAMES[builtin])
    unsupported = sorted(set(codes) - set(SUPPORTED_OPS))
    if unsupported:
        raise ModelError(f"unsupported operators: {', '.join(unsupported)}", path)

    tensors = []
    for index in range(graph.TensorsLength()):
        tensor = graph.Tensors(index)
        name = tensor.Name().decode()
        shape = tuple(int(n) for n in tensor.ShapeAsNumpy()) if tensor.ShapeLength() else ()
        data = _constant(model, tensor, buffer, shape)
        if data is None and tensor.Type() != _FLOAT32:
            raise ModelError(f"tensor {name!r} is not float32 (quantized models are not supported)", path)
        if data is not None and tensor.Type() not in _CONSTANT_TYPES:
            raise ModelError(f"constant {name!r} has an unsupported type (float32, float16, int32 only)", path)
        tensors.append(Tensor(name, shape, data))

    operators = []
    for index in range(graph.OperatorsLength()):
        op = graph.Operators(index)
        kind = codes[op.OpcodeIndex()]
        inputs = tuple(int(i) for i in op.InputsAsNumpy())
        outputs = tuple(int(i) for i in op.OutputsAsNumpy())
        if kind == "DEQUANTIZE":
            source = tensors[inputs[0]]
            if source.data is None:
                raise ModelError(f"DEQUANTIZE of the computed tensor {source.name!r} is not supported", path)
            target = tensors[outputs[0]]
            folded = source.data.astype(np.float32).reshape(target.shape)
            tensors[outputs[0]] = Tensor(target.name, target.shape, folded)
            continue
        operators.append(Operator(kind=kind, inputs=inputs, outputs=outputs, options=_options(op, kind, path)))
    return TfliteGraph(
        tensors=tuple(tensors),
        operators=tuple(operators),
        inputs=tuple(int(i) for i in graph.InputsAsNumpy()),
        outputs=tuple(int(i) for i in graph.OutputsAsNumpy()),
    )


def _constant(model: Any, tensor: Any, buffer: bytes, shape: tuple[int, ...]) -> np.ndarray | None:
    """The tensor's constant data in its shape (float16 widened to float32, int32 kept), or None for
    activations."""
    data = model.Buffers(tensor.Buffer())
    if data.DataLength():
        raw = data.DataAsNumpy().tobytes()
    elif data.Offset() > 1:  # models over 2 GB keep buffers after the flatbuffer, addressed by offset
        raw = buffer[data.Offset() : data.Offset() + data.Size()]
    else:
        return None
    dtype = _CONSTANT_TYPES.get(tensor.Type(), "<f4")
    data = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return data.astype(np.int32) if tensor.Type() == tflite.TensorType.INT32 else data.astype(np.float32)


def _options(op: Any, kind: str, path: Path) -> dict[str, Any]:
    if kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        options = tflite.Conv2DOptions() if kind == "CONV_2D" else tflite.DepthwiseConv2DOptions()
        table = op.BuiltinOptions()
        options.Init(table.Bytes, table.Pos)
        result = {
            "padding": _PADDING[options.Padding()],
            "stride": (options.StrideH(), options.StrideW()),
            "dilation": (options.DilationHFactor(), options.DilationWFactor()),
            "activation": _ACTIVATIONS[options.FusedActivationFunction()],
        }
        if kind == "DEPTHWISE_CONV_2D":
            result["depth_multiplier"] = options.DepthMultiplier()
        return result
    if kind in ("ADD", "CONCATENATION"):
        options = tflite.AddOptions() if kind == "ADD" else tflite.ConcatenationOptions()
        table = op.BuiltinOptions()
        if table is None:
            return {"activation": "NONE", "axis": -1}
        options.Init(table.Bytes, table.Pos)
        result = {"activation": _ACTIVATIONS[options.FusedActivationFunction()]}
        if kind == "CONCATENATION":
            result["axis"] = options.Axis()
        return result
    if kind == "MAX_POOL_2D":
        options = tflite.Pool2DOptions()
        table = op.BuiltinOptions()
        options.Init(table.Bytes, table.Pos)
        return {
            "padding": _PADDING[options.Padding()],
            "stride": (options.StrideH(), options.StrideW()),
            "filter": (options.FilterHeight(), options.FilterWidth()),
            "activation": _ACTIVATIONS[options.FusedActivationFunction()],
        }
    if kind in ("PRELU", "RELU", "PAD", "RESHAPE"):
        return {}  # PAD's paddings are its second input; RESHAPE's target is its output tensor's shape
    return _custom_options(op.CustomOptionsAsNumpy().tobytes(), kind, path)


def _custom_options(raw: bytes, kind: str, path: Path) -> dict[str, Any]:
    """Decode MediaPipe's raw option structs (little-endian int32 fields).

    Convolution2DTransposeBias: TfLiteTransposeConvParams {padding, stride_width, stride_height}.
    MaxPoolingWithArgmax2D, MaxUnpooling2D: TfLitePoolParams {padding, stride_width, stride_height,
    filter_width, filter_height, activation, ...computed padding, unused}.
    """
    fields = 3 if kind == "Convolution2DTransposeBias" else 6
    if len(raw) < 4 * fields:
        raise ModelError(f"{kind}: options are {len(raw)} bytes, expected at least {4 * fields}", path)
    values = struct.unpack_from(f"<{fields}i", raw)
    if values[0] not in _C_PADDING:
        raise ModelError(f"{kind}: unknown padding code {values[0]}", path)
    result: dict[str, Any] = {"padding": _C_PADDING[values[0]], "stride": (values[2], values[1])}
    if fields == 6:
        result["filter"] = (values[4], values[3])
        result["activation"] = _ACTIVATIONS.get(values[5], f"code {values[5]}")
    return result
