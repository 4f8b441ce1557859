"""An independent NumPy interpreter of MediaPipe's float .tflite models (the hair segmenter, BlazeFace, face
mesh), the converter's yardstick.

It walks the flatbuffer's operators itself (sharing no code with studio/segmentation) and follows each
op's TFLite or MediaPipe kernel directly in NHWC: TF's SAME padding, MediaPipe's window-local argmax
indices (dy * filter_w + dx, stored as floats + 0.1), MediaPipe's unpooling and its bias-carrying
transpose convolution (output[y * s - pad + ky] += input[y] * w[ky], pad = total // 2), float16 weights
widened by DEQUANTIZE, zero PAD, MAX_POOL_2D over SAME windows that ignore the padding, RESHAPE in NHWC
element order. Convolutions are im2col + matmul. Arithmetic is float64 unless asked otherwise, so differences
measure the converter's error.

Max pooling on real photos meets exact ties often (flat regions give equal values in a window) and near
ties within float32 rounding; which of the tied cells wins then depends on rounding, and unpooling moves
values by a pixel, so two correct float32 implementations can differ by tenths in the logits. `run` can
therefore follow another implementation's pooling choices where they are maxima within `tie_tolerance`,
and counts the choices it had to reject (a real mismatch of index semantics shows up there).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import tflite

_CUSTOM_PADDING = {1: "SAME", 2: "VALID"}  # TfLitePadding in the C API; 0 is "unknown"
_BUILTIN_PADDING = {tflite.Padding.SAME: "SAME", tflite.Padding.VALID: "VALID"}


class TfliteReference:
    """Load a float32 .tflite once, then `run(x)` on NHWC float arrays of batch 1."""

    def __init__(self, path: str | Path, dtype: type = np.float64) -> None:
        data = Path(path).read_bytes()
        model = tflite.Model.GetRootAs(data, 0)
        graph = model.Subgraphs(0)
        self.dtype = dtype
        self.constants: dict[int, np.ndarray] = {}
        self.names: list[str] = []
        self.shapes: list[tuple[int, ...]] = []
        for index in range(graph.TensorsLength()):
            tensor = graph.Tensors(index)
            self.names.append(tensor.Name().decode())
            self.shapes.append(tuple(int(n) for n in tensor.ShapeAsNumpy()))
            raw = model.Buffers(tensor.Buffer()).DataAsNumpy()
            if isinstance(raw, np.ndarray) and raw.size:
                kind = {tflite.TensorType.FLOAT16: "<f2", tflite.TensorType.INT32: "<i4"}.get(tensor.Type(), "<f4")
                values = raw.view(kind).reshape(tensor.ShapeAsNumpy())
                self.constants[index] = values if kind == "<i4" else values.astype(dtype)
        self.inputs = list(graph.InputsAsNumpy())
        self.outputs = list(graph.OutputsAsNumpy())
        self.ops = []
        for index in range(graph.OperatorsLength()):
            op = graph.Operators(index)
            code = model.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            kind = code.CustomCode().decode() if builtin == tflite.BuiltinOperator.CUSTOM else builtin
            self.ops.append((kind, list(op.InputsAsNumpy()), list(op.OutputsAsNumpy()), op))

    def run(
        self, x: np.ndarray, pool_choices: list[np.ndarray] | None = None, tie_tolerance: float = 1e-4
    ) -> np.ndarray:
        """The model's output (batch 1, NHWC) for input `x` (1xHxWxC).

        `pool_choices`, one per MaxPoolingWithArgmax2D in graph order, are HxWxC window-local indices
        (dy * filter_w + dx) chosen by another implementation. Each is followed where its cell is within
        `tie_tolerance * max(1, |max|)` of the window's maximum; `self.rejected` counts the others.
        """
        if x.shape[0] != 1:
            raise ValueError("the reference runs batch 1 only")
        self.choices = list(pool_choices) if pool_choices is not None else None
        self.tie_tolerance, self.rejected, self.ties = tie_tolerance, 0, 0
        values = dict(self.constants)
        values[self.inputs[0]] = np.asarray(x, dtype=self.dtype)[0]
        for kind, inputs, outputs, op in self.ops:
            results = self._step(kind, [values.get(i) for i in inputs], op)
            for index, result in zip(outputs, results, strict=True):
                values[index] = result
        self._last = values
        return values[self.outputs[0]][np.newaxis]

    def run_all(self, x: np.ndarray) -> list[np.ndarray]:
        """Every output of the model (batch 1, in the graph's order) for input `x` (1xHxWxC)."""
        self.run(x)
        return [self._last[index][np.newaxis] for index in self.outputs]

    def _step(self, kind: object, args: list[np.ndarray | None], op: object) -> list[np.ndarray]:
        B = tflite.BuiltinOperator
        if kind == B.CONV_2D:
            options = _builtin(op, tflite.Conv2DOptions)
            out = _conv(args[0], args[1], args[2], options)
            return [_activate(out, options.FusedActivationFunction())]
        if kind == B.DEPTHWISE_CONV_2D:
            options = _builtin(op, tflite.DepthwiseConv2DOptions)
            out = _depthwise(args[0], args[1], args[2], options)
            return [_activate(out, options.FusedActivationFunction())]
        if kind == B.PRELU:
            alpha = args[1].reshape(args[1].shape[-3:]) if args[1].ndim > 3 else args[1]
            return [np.where(args[0] >= 0, args[0], args[0] * alpha)]
        if kind == B.DEQUANTIZE:
            return [args[0].astype(self.dtype)]
        if kind == B.RELU:
            return [np.maximum(args[0], 0)]
        if kind == B.PAD:
            return [np.pad(args[0], args[1][1:].tolist())]  # the batch axis is dropped inside the interpreter
        if kind == B.RESHAPE:
            shape = self.shapes[int(op.OutputsAsNumpy()[0])]
            return [args[0].reshape(shape[1:])]
        if kind == B.MAX_POOL_2D:
            options = _builtin(op, tflite.Pool2DOptions)
            views = _windows(args[0], options.FilterHeight(), options.FilterWidth(),
                             (options.StrideH(), options.StrideW()), (1, 1), _BUILTIN_PADDING[options.Padding()],
                             fill=-np.inf)
            return [_activate(np.max(np.stack(views), axis=0), options.FusedActivationFunction())]
        if kind == B.ADD:
            return [_activate(args[0] + args[1], _builtin(op, tflite.AddOptions).FusedActivationFunction())]
        if kind == B.CONCATENATION:
            options = _builtin(op, tflite.ConcatenationOptions)
            rank = args[0].ndim + 1
            axis = options.Axis() % rank - 1  # the batch axis is dropped inside the interpreter
            return [_activate(np.concatenate(args, axis=axis), options.FusedActivationFunction())]
        raw = op.CustomOptionsAsNumpy().tobytes()
        if kind == "MaxPoolingWithArgmax2D":
            return list(self._max_pool_argmax(args[0], _pool_params(raw)))
        if kind == "MaxUnpooling2D":
            return [_max_unpool(args[0], args[1], _pool_params(raw))]
        if kind == "Convolution2DTransposeBias":
            padding, stride_w, stride_h = struct.unpack_from("<3i", raw)
            return [_transpose_conv_bias(args[0], args[1], args[2], _CUSTOM_PADDING[padding], stride_h, stride_w)]
        raise NotImplementedError(f"op {kind!r}")

    def _max_pool_argmax(self, x: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray]:
        """MediaPipe's MaxPoolingWithArgmax2D: window max and its window-local index dy * fw + dx (+ 0.1)."""
        fh, fw = params["filter"]
        # MediaPipe clamps windows to the image; -inf padding selects the same maxima.
        views = np.stack(_windows(x, fh, fw, params["stride"], (1, 1), params["padding"], fill=-np.inf), axis=-1)
        index = np.argmax(views, axis=-1)  # first maximum in row-major order, as the kernel's strict '>'
        best = np.take_along_axis(views, index[..., np.newaxis], axis=-1)[..., 0]
        self.ties += int(((views == best[..., np.newaxis]).sum(axis=-1) > 1).sum())
        if self.choices is not None:
            chosen = np.asarray(self.choices.pop(0), dtype=np.int64)
            valid = (chosen >= 0) & (chosen < fh * fw)
            picked = np.take_along_axis(views, np.clip(chosen, 0, fh * fw - 1)[..., np.newaxis], axis=-1)[..., 0]
            accept = valid & (picked >= best - self.tie_tolerance * np.maximum(1.0, np.abs(best)))
            self.rejected += int((~accept).sum())
            index = np.where(accept, chosen, index)
        pooled = np.take_along_axis(views, index[..., np.newaxis], axis=-1)[..., 0]
        return _activate(pooled, params["activation"]), index.astype(x.dtype) + 0.1


def _builtin(op: object, options_class: type) -> object:
    options = options_class()
    table = op.BuiltinOptions()
    options.Init(table.Bytes, table.Pos)
    return options


def _activate(x: np.ndarray, code: int) -> np.ndarray:
    A = tflite.ActivationFunctionType
    if code == A.NONE:
        return x
    if code == A.RELU:
        return np.maximum(x, 0)
    if code == A.RELU6:
        return np.clip(x, 0, 6)
    if code == A.RELU_N1_TO_1:
        return np.clip(x, -1, 1)
    if code == A.TANH:
        return np.tanh(x)
    raise NotImplementedError(f"activation {code}")


def _tf_same(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int, int]:
    """TensorFlow SAME: (output size, padding before, padding after) for one axis."""
    effective = (kernel - 1) * dilation + 1
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2, total - total // 2


def _windows(
    x: np.ndarray, kh: int, kw: int, stride: tuple[int, int], dilation: tuple[int, int], padding: str, fill: float = 0.0
) -> list[np.ndarray]:
    """The kh*kw shifted, strided views of padded `x` (HxWxC), row-major over (ky, kx)."""
    (sh, sw), (dh, dw) = stride, dilation
    height, width = x.shape[:2]
    if padding == "SAME":
        out_h, top, bottom = _tf_same(height, kh, sh, dh)
        out_w, left, right = _tf_same(width, kw, sw, dw)
    else:
        out_h, top, bottom = (height - (kh - 1) * dh - 1) // sh + 1, 0, 0
        out_w, left, right = (width - (kw - 1) * dw - 1) // sw + 1, 0, 0
    padded = np.pad(x, ((top, bottom), (left, right), (0, 0)), constant_values=fill)
    return [
        padded[ky * dh : ky * dh + (out_h - 1) * sh + 1 : sh, kx * dw : kx * dw + (out_w - 1) * sw + 1 : sw]
        for ky in range(kh)
        for kx in range(kw)
    ]


def _conv_windows(x: np.ndarray, kh: int, kw: int, options: object) -> list[np.ndarray]:
    """The kernel windows of a CONV_2D / DEPTHWISE_CONV_2D op, from its stride, dilation and padding options."""
    return _windows(
        x,
        kh,
        kw,
        (options.StrideH(), options.StrideW()),
        (options.DilationHFactor(), options.DilationWFactor()),
        _BUILTIN_PADDING[options.Padding()],
    )


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, options: object) -> np.ndarray:
    """CONV_2D: w is [out, kh, kw, in]."""
    out_c, kh, kw, in_c = w.shape
    views = _conv_windows(x, kh, kw, options)
    out_h, out_w = views[0].shape[:2]
    columns = np.stack(views, axis=2).reshape(out_h * out_w, kh * kw * in_c)
    out = columns @ w.reshape(out_c, kh * kw * in_c).T
    if b is not None:
        out += b
    return out.reshape(out_h, out_w, out_c)


def _depthwise(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, options: object) -> np.ndarray:
    """DEPTHWISE_CONV_2D: w is [1, kh, kw, in * multiplier]; output channel o reads input o // multiplier."""
    _, kh, kw, _ = w.shape
    x = np.repeat(x, options.DepthMultiplier(), axis=2)
    views = _conv_windows(x, kh, kw, options)
    out = sum(view * w[0, k // kw, k % kw] for k, view in enumerate(views))
    return out + b if b is not None else out


def _pool_params(raw: bytes) -> dict[str, object]:
    """TfLitePoolParams' leading fields: padding, stride_width, stride_height, filter_width, filter_height, act."""
    padding, stride_w, stride_h, filter_w, filter_h, activation = struct.unpack_from("<6i", raw)
    return {
        "padding": _CUSTOM_PADDING[padding],
        "stride": (stride_h, stride_w),
        "filter": (filter_h, filter_w),
        "activation": activation,
    }


def _max_unpool(x: np.ndarray, indices: np.ndarray, params: dict) -> np.ndarray:
    """MediaPipe's MaxUnpooling2D: output (H * fh, W * fw), each value written where its index points."""
    (fh, fw), (sh, sw) = params["filter"], params["stride"]
    height, width, channels = x.shape
    out_h, out_w = height * fh, width * fw
    pad_h = max(((height - 1) * sh + fh - out_h) // 2, 0)
    pad_w = max(((width - 1) * sw + fw - out_w) // 2, 0)
    local = indices.astype(np.int64)  # C++ float -> int conversion truncates
    ys = np.arange(height)[:, None, None] * sh - pad_h + local // fw
    xs = np.arange(width)[None, :, None] * sw - pad_w + local % fw
    cs = np.broadcast_to(np.arange(channels), x.shape)
    inside = (ys >= 0) & (ys < out_h) & (xs >= 0) & (xs < out_w)
    out = np.zeros((out_h, out_w, channels), dtype=x.dtype)
    out[ys[inside], xs[inside], cs[inside]] = x[inside]
    return out


def _transpose_conv_bias(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: str, sh: int, sw: int) -> np.ndarray:
    """MediaPipe's Convolution2DTransposeBias: w is [out, kh, kw, in]; out[y*s - pad + ky] += x[y] * w[ky]."""
    out_c, kh, kw, _ = w.shape
    height, width, _ = x.shape
    total_h = max(0, kh - (height - 1) % sh - 1) if padding == "SAME" else 0
    total_w = max(0, kw - (width - 1) % sw - 1) if padding == "SAME" else 0
    full = np.zeros(((height - 1) * sh + kh, (width - 1) * sw + kw, out_c), dtype=x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            full[ky : ky + (height - 1) * sh + 1 : sh, kx : kx + (width - 1) * sw + 1 : sw] += x @ w[:, ky, kx, :].T
    out_h, out_w = sh * (height - 1) + kh - total_h, sw * (width - 1) + kw - total_w
    top, left = total_h // 2, total_w // 2
    return full[top : top + out_h, left : left + out_w] + b
