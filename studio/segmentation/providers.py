"""Which ONNX Runtime execution providers to run the model with: CUDA when it really works, else CPU.

onnxruntime-gpu lists CUDAExecutionProvider as available whenever it is installed, even without a GPU or
the CUDA libraries; a session asked for it then quietly falls back to CPU. The only reliable test is to
create a session with it and read back the providers the session actually got.
"""

from __future__ import annotations

import functools

from studio.segmentation.errors import ModelError

__all__ = ["CPU", "CUDA", "available_providers", "cuda_usable", "preferred_providers"]

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"

_ORT_DEFAULT_SEVERITY = 2  # onnxruntime's default logging level (warnings); it has no getter to save it


def available_providers() -> list[str]:
    """The providers this onnxruntime build lists, in its order of preference (not all may be usable)."""
    import onnxruntime

    return list(onnxruntime.get_available_providers())


def preferred_providers(requested: list[str] | None = None) -> list[str]:
    """Providers for an InferenceSession, best first, always ending with CPUExecutionProvider.

    Without `requested`: CUDAExecutionProvider first when a session created with it really uses it, then
    CPU. With `requested`: those providers in that order (CPU appended as the fallback); ModelError
    names any that this onnxruntime does not offer, or CUDA when it is listed but cannot start.
    """
    if requested is None:
        return [CUDA, CPU] if cuda_usable() else [CPU]
    available = available_providers()
    missing = [name for name in requested if name not in available]
    if missing:
        raise ModelError(
            f"execution provider {', '.join(missing)} not offered by this onnxruntime "
            f"(available: {', '.join(available)})"
        )
    if CUDA in requested and not cuda_usable():
        raise ModelError(
            "CUDAExecutionProvider is installed but cannot start (no GPU, or CUDA/cuDNN libraries missing); "
            "run without requesting it to use the CPU"
        )
    ordered = list(dict.fromkeys(requested))
    return ordered if CPU in ordered else [*ordered, CPU]


@functools.lru_cache(maxsize=1)
def cuda_usable() -> bool:
    """Whether a session created with CUDAExecutionProvider actually runs on it (probed once, then cached)."""
    import onnxruntime

    if CUDA not in onnxruntime.get_available_providers():
        return False
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    # A failed CUDA load is logged through the default logger as an error; keep the probe quiet.
    onnxruntime.set_default_logger_severity(4)
    try:
        session = onnxruntime.InferenceSession(_probe_model(), options, providers=[CUDA, CPU])
        return session.get_providers()[0] == CUDA
    except Exception:  # any failure to start CUDA means "not usable"; the CPU path still works
        return False
    finally:
        onnxruntime.set_default_logger_severity(_ORT_DEFAULT_SEVERITY)


def _probe_model() -> bytes:
    """A one-node ONNX model (Identity of one float), serialised."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "cuda_probe",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    # IR 8 / opset 17: loadable by every onnxruntime this project supports.
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()
