"""The light install (`pip install hair-lut-studio`, no extras), simulated: a fresh interpreter in which the
packages of pyproject.toml's `studio` extra cannot be imported, as if pip had left them out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

STUDIO_EXTRA_MODULES = {
    "onnxruntime-gpu": "onnxruntime",
    "onnxruntime": "onnxruntime",
    "onnx": "onnx",
    "tflite": "tflite",
    "colour-science": "colour",
    "imageio": "imageio",
    "av": "av",
    "tqdm": "tqdm",
    "dearpygui": "dearpygui",
}
"""Each distribution of the `studio` extra: the module it provides."""

_PRELUDE = f"""
import sys

class _LightInstall:
    missing = {sorted(set(STUDIO_EXTRA_MODULES.values()))!r}

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.partition(".")[0] in cls.missing:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, _LightInstall)
"""


def run_light(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run Python `code` (with `args` in sys.argv[1:]) in a fresh interpreter without the `studio` extra."""
    return subprocess.run([sys.executable, "-c", _PRELUDE + code, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)
