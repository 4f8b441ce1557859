"""Run a converted ONNX model on CPU and also return its MaxPool choices as window-local NHWC indices.

The reference interpreter can follow these choices at (near-)ties (see tflite_reference.py); a choice
outside its window, or not a maximum, is reported there as rejected. Only the ONNX graph is read here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper


class OnnxWithPoolChoices:
    """An onnxruntime CPU session of `path` that also outputs every MaxPool's Indices."""

    def __init__(self, path: str | Path) -> None:
        model = onnx.load(str(path))
        inferred = onnx.shape_inference.infer_shapes(model)
        dims = {
            info.name: [d.dim_value for d in info.type.tensor_type.shape.dim]
            for info in [*inferred.graph.value_info, *inferred.graph.input]
        }
        self.geometry = []
        for node in model.graph.node:
            if node.op_type != "MaxPool" or len(node.output) < 2 or not node.output[1]:
                continue
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if attributes.get("storage_order", 0) != 0:
                raise ValueError(f"MaxPool {node.name!r}: column-major indices are not decoded here")
            _, _, height, width = dims[node.input[0]]
            pads = list(attributes.get("pads", [0] * 4))
            self.geometry.append((list(attributes["kernel_shape"]), list(attributes["strides"]), pads, height, width))
            model.graph.output.append(helper.make_tensor_value_info(node.output[1], TensorProto.INT64, None))
        self.input_name = model.graph.input[0].name
        self.session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    def run(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """(logits, choices): choices are HxWxC window-local indices dy * kw + dx, -1 where outside the window."""
        logits, *indices = self.session.run(None, {self.input_name: x.astype(np.float32)})
        return logits, [_window_local(flat, *geometry) for flat, geometry in zip(indices, self.geometry, strict=True)]


def _window_local(
    flat: np.ndarray, kernel: list[int], strides: list[int], pads: list[int], height: int, width: int
) -> np.ndarray:
    """ONNX MaxPool indices (flat offsets into the NCHW input, batch 1) as window-local NHWC indices."""
    _, _, out_h, out_w = flat.shape
    within_image = flat[0] % (height * width)
    dy = within_image // width - (np.arange(out_h)[:, None] * strides[0] - pads[0])
    dx = within_image % width - (np.arange(out_w)[None, :] * strides[1] - pads[1])
    inside = (dy >= 0) & (dy < kernel[0]) & (dx >= 0) & (dx < kernel[1])
    local = np.where(inside, dy * kernel[1] + dx, -1)
    return local.transpose(1, 2, 0)
