"""Convert MediaPipe's float .tflite models (the hair segmenter, BlazeFace, face mesh) to ONNX, without TensorFlow.

The ONNX model keeps the TFLite boundary (NHWC input and outputs, same names and shapes) with one
Transpose at each end of every 4-D tensor; everything between runs in ONNX's native NCHW (tensors of other
ranks keep their TFLite layout). Op by op:

- CONV_2D / DEPTHWISE_CONV_2D -> Conv (depthwise: group = input channels). TF's SAME padding uses the
  dilated kernel size (k - 1) * d + 1 and puts the smaller half of the total before.
- PRELU -> PRelu, RELU -> Relu, ADD -> Add, CONCATENATION -> Concat (axis remapped to NCHW for 4-D
  tensors); fused activations follow.
- MAX_POOL_2D -> MaxPool (TF's SAME padding never wins a maximum, like ONNX's pads). PAD -> Pad (constant
  zeros; the NHWC paddings reordered). RESHAPE works on NHWC element order, so a 4-D input is transposed back
  to NHWC first.
- DEQUANTIZE of float16 weights is folded into float32 constants by the reader.
- MaxPoolingWithArgmax2D -> MaxPool with its Indices output, MaxUnpooling2D -> MaxUnpool. MediaPipe's
  indices are window-local (dy * filter_w + dx) while ONNX's are flat NCHW offsets, so ONNX's own indices
  feed ONNX's MaxUnpool; both pick the first maximum in row-major window order, so they place values alike.
- Convolution2DTransposeBias -> ConvTranspose. MediaPipe pads total = max(0, k - (in - 1) % s - 1) and
  puts total // 2 before, the rest after.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from studio.atomic import atomic_path
from studio.digest import sha256_file
from studio.segmentation.errors import ModelError
from studio.segmentation.tflite_reader import Operator, TfliteGraph, read_tflite

__all__ = ["CONVERTER_VERSION", "IR_VERSION", "OPSET", "build_onnx", "convert_tflite_to_onnx"]

OPSET = 17
IR_VERSION = 8
"""ONNX IR 8 / opset 17: loadable by every onnxruntime this project supports (>= 1.18)."""

CONVERTER_VERSION = "2"
"""Stored in the model's metadata with the source's SHA-256, so a stale conversion can be recognised."""

_TO_NCHW = [0, 3, 1, 2]
_TO_NHWC = [0, 2, 3, 1]


def convert_tflite_to_onnx(tflite_path: str | Path, onnx_path: str | Path) -> None:
    """Convert `tflite_path` and write the ONNX model to `onnx_path` atomically (never half a file).

    Raises ModelError naming the file when the model cannot be read, mapped or validated, or written.
    """
    tflite_path, onnx_path = Path(tflite_path), Path(onnx_path)
    graph = read_tflite(tflite_path)
    model = build_onnx(graph, name=tflite_path.stem, source_sha256=sha256_file(tflite_path), source=tflite_path)
    try:
        with atomic_path(onnx_path) as temp:
            temp.write_bytes(model.SerializeToString())
    except OSError as error:
        raise ModelError(f"cannot write the converted model: {error.strerror or error}", onnx_path) from None


def build_onnx(graph: TfliteGraph, name: str, source_sha256: str = "", source: Path | None = None) -> onnx.ModelProto:
    """The ONNX model of `graph`, checked by onnx.checker and by shape inference against the TFLite shapes."""
    builder = _Builder(graph, source)
    for op in graph.operators:
        builder.add(op)
    model = builder.finish(name)
    model.metadata_props.add(key="converter", value=f"studio.segmentation.convert {CONVERTER_VERSION}")
    if source_sha256:
        model.metadata_props.add(key="source_sha256", value=source_sha256)
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        raise ModelError(f"the converted model is not valid ONNX: {error}", source) from None
    _check_shapes(model, graph, builder.names, source)
    return model


class _Builder:
    """Accumulates ONNX nodes and initializers; `value(i)` is the NCHW name of TFLite tensor i."""

    def __init__(self, graph: TfliteGraph, source: Path | None) -> None:
        self.graph, self.source = graph, source
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.names: dict[int, str] = {}
        self.used: set[str] = set()
        # Tensor index of a MaxPool's indices output -> that MaxPool's operator, to check each unpool's geometry.
        self.pools: dict[int, Operator] = {}
        for index in graph.inputs:
            tensor = graph.tensors[index]
            if len(tensor.shape) != 4:
                raise self.fail(f"input {tensor.name!r} is not a 4-D NHWC image")
            self.nodes.append(helper.make_node("Transpose", [tensor.name], [self.value(index)], perm=_TO_NCHW))

    def fail(self, problem: str) -> ModelError:
        return ModelError(problem, self.source)

    def unique(self, name: str) -> str:
        candidate, counter = name, 1
        while candidate in self.used:
            counter += 1
            candidate = f"{name}_{counter}"
        self.used.add(candidate)
        return candidate

    def value(self, index: int) -> str:
        """The value name of a TFLite activation tensor (created on first use): NCHW for 4-D tensors, the
        TFLite layout otherwise."""
        if index not in self.names:
            tensor = self.graph.tensors[index]
            self.names[index] = self.unique(f"{tensor.name}/{'nchw' if len(tensor.shape) == 4 else 'value'}")
        return self.names[index]

    def int64(self, name: str, values: list[int]) -> str:
        name = self.unique(name)
        self.initializers.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name))
        return name

    def constant(self, index: int, data: np.ndarray, suffix: str = "") -> str:
        name = self.unique(self.graph.tensors[index].name + suffix)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(data, dtype=np.float32), name))
        return name

    def operand(self, index: int) -> str:
        """An elementwise operand: an activation's NCHW name, or a constant laid out for NCHW broadcasting."""
        data = self.graph.tensors[index].data
        return self.value(index) if data is None else self.constant(index, _nchw_broadcastable(data), "/nchw")

    def weights(self, op: Operator, position: int) -> np.ndarray:
        """The constant at op's input `position` (kernels and biases must be constants)."""
        tensor = self.graph.tensors[op.inputs[position]]
        if tensor.data is None:
            raise self.fail(
                f"{op.kind}: input {tensor.name!r} is computed at run time; only constant weights are supported"
            )
        return tensor.data

    def shape(self, index: int) -> tuple[int, ...]:
        return self.graph.tensors[index].shape

    def emit(self, op_type: str, inputs: list[str], outputs: list[str], **attributes: object) -> None:
        self.nodes.append(helper.make_node(op_type, inputs, outputs, **attributes))

    def emit_activated(self, op: Operator, op_type: str, inputs: list[str], **attributes: object) -> None:
        """Emit `op_type` writing op's output, followed by its fused activation when there is one."""
        output = self.value(op.outputs[0])
        if op.options.get("activation", "NONE") == "NONE":
            self.emit(op_type, inputs, [output], **attributes)
            return
        raw = self.unique(f"{output}/pre_activation")
        self.emit(op_type, inputs, [raw], **attributes)
        self.activation(op, raw, output)

    def activation(self, op: Operator, raw: str, output: str) -> None:
        """Nodes computing op's fused activation of `raw` into `output`."""
        activation = op.options["activation"]
        if activation == "RELU":
            self.emit("Relu", [raw], [output])
        elif activation == "TANH":
            self.emit("Tanh", [raw], [output])
        elif activation in ("RELU6", "RELU_N1_TO_1"):
            low, high = (0.0, 6.0) if activation == "RELU6" else (-1.0, 1.0)
            bounds = [self.scalar(f"{output}/min", low), self.scalar(f"{output}/max", high)]
            self.emit("Clip", [raw, *bounds], [output])
        else:
            name = self.graph.tensors[op.outputs[0]].name
            raise self.fail(f"{op.kind} writing {name!r}: unsupported fused activation {activation}")

    def scalar(self, name: str, value: float) -> str:
        name = self.unique(name)
        self.initializers.append(numpy_helper.from_array(np.array(value, dtype=np.float32), name))
        return name

    def add(self, op: Operator) -> None:
        handler = getattr(self, f"_op_{op.kind.lower()}")
        handler(op)

    def _op_conv_2d(self, op: Operator) -> None:
        self._conv(op, self.weights(op, 1).transpose(0, 3, 1, 2), group=1)

    def _op_depthwise_conv_2d(self, op: Operator) -> None:
        # TFLite [1, kh, kw, C * m] -> ONNX [C * m, 1, kh, kw]; output o reads input o // m, as ONNX groups do.
        self._conv(op, self.weights(op, 1).transpose(3, 0, 1, 2), group=self.shape(op.inputs[0])[3])

    def _conv(self, op: Operator, weights: np.ndarray, group: int) -> None:
        (stride_h, stride_w), (dilation_h, dilation_w) = op.options["stride"], op.options["dilation"]
        _, height, width, _ = self.shape(op.inputs[0])
        kernel_h, kernel_w = weights.shape[2:]
        top, bottom = _same_padding(height, kernel_h, stride_h, dilation_h, op.options["padding"])
        left, right = _same_padding(width, kernel_w, stride_w, dilation_w, op.options["padding"])
        inputs = [self.value(op.inputs[0]), self.constant(op.inputs[1], weights)]
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            inputs.append(self.constant(op.inputs[2], self.weights(op, 2)))
        self.emit_activated(
            op,
            "Conv",
            inputs,
            kernel_shape=[kernel_h, kernel_w],
            strides=[stride_h, stride_w],
            dilations=[dilation_h, dilation_w],
            pads=[top, left, bottom, right],
            group=group,
        )

    def _op_prelu(self, op: Operator) -> None:
        self.emit("PRelu", [self.value(op.inputs[0]), self.operand(op.inputs[1])], [self.value(op.outputs[0])])

    def _op_relu(self, op: Operator) -> None:
        self.emit("Relu", [self.value(op.inputs[0])], [self.value(op.outputs[0])])

    def _op_pad(self, op: Operator) -> None:
        paddings = self.weights(op, 1).astype(np.int64)  # [[before, after] per NHWC axis]
        if paddings.shape != (4, 2) or len(self.shape(op.inputs[0])) != 4:
            raise self.fail(f"PAD with paddings of shape {paddings.shape} is not supported (only NHWC images)")
        nchw = paddings[_TO_NCHW]
        pads = self.int64(f"{self.graph.tensors[op.outputs[0]].name}/pads", [*nchw[:, 0], *nchw[:, 1]])
        self.emit("Pad", [self.value(op.inputs[0]), pads], [self.value(op.outputs[0])], mode="constant")

    def _op_reshape(self, op: Operator) -> None:
        source = self.value(op.inputs[0])
        name = self.graph.tensors[op.outputs[0]].name
        if len(self.shape(op.inputs[0])) == 4:
            nhwc = self.unique(f"{name}/nhwc_input")
            self.emit("Transpose", [source], [nhwc], perm=_TO_NHWC)
            source = nhwc
        shape = list(self.shape(op.outputs[0]))
        target = self.int64(f"{name}/shape", shape)
        if len(shape) != 4:
            self.emit("Reshape", [source, target], [self.value(op.outputs[0])])
            return
        reshaped = self.unique(f"{name}/nhwc")
        self.emit("Reshape", [source, target], [reshaped])
        self.emit("Transpose", [reshaped], [self.value(op.outputs[0])], perm=_TO_NCHW)

    def _op_max_pool_2d(self, op: Operator) -> None:
        self.emit_activated(
            op,
            "MaxPool",
            [self.value(op.inputs[0])],
            kernel_shape=list(op.options["filter"]),
            strides=list(op.options["stride"]),
            pads=self._pool_pads(op, self.shape(op.inputs[0])),
        )

    def _op_add(self, op: Operator) -> None:
        self.emit_activated(op, "Add", [self.operand(i) for i in op.inputs])

    def _op_concatenation(self, op: Operator) -> None:
        rank = len(self.shape(op.outputs[0]))
        axis = op.options["axis"] % rank
        if rank == 4:
            axis = _TO_NCHW.index(axis)
        self.emit_activated(op, "Concat", [self.value(i) for i in op.inputs], axis=axis)

    def _op_maxpoolingwithargmax2d(self, op: Operator) -> None:
        pads = self._pool_pads(op, self.shape(op.inputs[0]))
        values, indices = (self.value(i) for i in op.outputs)
        pooled = values if op.options["activation"] == "NONE" else self.unique(f"{values}/pre_activation")
        self.emit(
            "MaxPool",
            [self.value(op.inputs[0])],
            [pooled, indices],
            kernel_shape=list(op.options["filter"]),
            strides=list(op.options["stride"]),
            pads=pads,
        )
        if pooled != values:
            self.activation(op, pooled, values)  # on the pooled values only; the indices stay as found
        self.pools[op.outputs[1]] = op

    def _op_maxunpooling2d(self, op: Operator) -> None:
        pool = self.pools.get(op.inputs[1])
        if pool is None:
            raise self.fail("MaxUnpooling2D whose indices do not come from a MaxPoolingWithArgmax2D")
        pool_pads = self._pool_pads(pool, self.shape(pool.inputs[0]))
        out_shape = self.shape(op.outputs[0])
        geometry_matches = (
            op.options["filter"] == pool.options["filter"]
            and op.options["stride"] == pool.options["stride"]
            and out_shape == self.shape(pool.inputs[0])
            and pool_pads[:2] == [0, 0]
        )
        if not geometry_matches:
            # MediaPipe's window-local indices only equal ONNX's flat ones when both ops see the same windows.
            raise self.fail(
                f"MaxUnpooling2D writing {self.graph.tensors[op.outputs[0]].name!r} does not mirror "
                "its MaxPoolingWithArgmax2D (filter, stride, padding or size differ)"
            )
        shape_name = self.unique(f"{self.graph.tensors[op.outputs[0]].name}/output_shape")
        nchw = [out_shape[i] for i in _TO_NCHW]
        self.initializers.append(numpy_helper.from_array(np.array(nchw, dtype=np.int64), shape_name))
        self.emit_activated(
            op,
            "MaxUnpool",
            [self.value(op.inputs[0]), self.value(op.inputs[1]), shape_name],
            kernel_shape=list(op.options["filter"]),
            strides=list(op.options["stride"]),
            pads=[0, 0, 0, 0],
        )

    def _pool_pads(self, op: Operator, input_shape: tuple[int, ...]) -> list[int]:
        (filter_h, filter_w), (stride_h, stride_w) = op.options["filter"], op.options["stride"]
        top, bottom = _same_padding(input_shape[1], filter_h, stride_h, 1, op.options["padding"])
        left, right = _same_padding(input_shape[2], filter_w, stride_w, 1, op.options["padding"])
        return [top, left, bottom, right]

    def _op_convolution2dtransposebias(self, op: Operator) -> None:
        weights = self.weights(op, 1)  # OHWI
        stride_h, stride_w = op.options["stride"]
        _, height, width, _ = self.shape(op.inputs[0])
        kernel_h, kernel_w = weights.shape[1:3]
        pads = [0, 0, 0, 0]
        if op.options["padding"] == "SAME":
            total_h = max(0, kernel_h - (height - 1) % stride_h - 1)
            total_w = max(0, kernel_w - (width - 1) % stride_w - 1)
            pads = [total_h // 2, total_w // 2, total_h - total_h // 2, total_w - total_w // 2]
        inputs = [
            self.value(op.inputs[0]),
            self.constant(op.inputs[1], weights.transpose(3, 0, 1, 2)),  # ONNX ConvTranspose: [C_in, C_out, kh, kw]
            self.constant(op.inputs[2], self.weights(op, 2)),
        ]
        self.emit(
            "ConvTranspose",
            inputs,
            [self.value(op.outputs[0])],
            kernel_shape=[kernel_h, kernel_w],
            strides=[stride_h, stride_w],
            pads=pads,
        )

    def finish(self, name: str) -> onnx.ModelProto:
        for index in self.graph.outputs:
            tensor = self.graph.tensors[index]
            if len(tensor.shape) == 4:
                self.emit("Transpose", [self.value(index)], [tensor.name], perm=_TO_NHWC)
            else:
                self.emit("Identity", [self.value(index)], [tensor.name])
        graph = helper.make_graph(
            self.nodes,
            name,
            [self._boundary(i) for i in self.graph.inputs],
            [self._boundary(i) for i in self.graph.outputs],
            self.initializers,
        )
        return helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            ir_version=IR_VERSION,
            producer_name="hair-lut-studio",
        )

    def _boundary(self, index: int) -> onnx.ValueInfoProto:
        tensor = self.graph.tensors[index]
        return helper.make_tensor_value_info(tensor.name, TensorProto.FLOAT, list(tensor.shape))


def _same_padding(size: int, kernel: int, stride: int, dilation: int, padding: str) -> tuple[int, int]:
    """(before, after) padding of one spatial axis, as TensorFlow computes SAME (VALID: none)."""
    if padding == "VALID":
        return 0, 0
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _nchw_broadcastable(data: np.ndarray) -> np.ndarray:
    """A constant that broadcast against NHWC activations, re-laid out to broadcast against NCHW ones."""
    while data.ndim < 4:
        data = data[np.newaxis]
    return data.transpose(_TO_NCHW)[0] if data.shape[0] == 1 else data.transpose(_TO_NCHW)


def _check_shapes(model: onnx.ModelProto, graph: TfliteGraph, names: dict[int, str], source: Path | None) -> None:
    """Every activation's inferred NCHW shape must be its TFLite NHWC shape transposed; catches padding slips."""
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    shapes = {
        info.name: tuple(d.dim_value for d in info.type.tensor_type.shape.dim)
        for info in [*inferred.graph.value_info, *inferred.graph.output]
        # Shapes inference could not work out (MaxUnpool's, from a constant input) are not checked.
        if info.type.tensor_type.shape.dim and all(d.HasField("dim_value") for d in info.type.tensor_type.shape.dim)
    }
    for index, name in names.items():
        nhwc = graph.tensors[index].shape
        if len(nhwc) == 4 and name in shapes and shapes[name] != tuple(nhwc[i] for i in _TO_NCHW):
            raise ModelError(f"converted tensor {name!r} has shape {shapes[name]}, the model says NHWC {nhwc}", source)

