"""Hair LUT Studio: author hair-colour LUT presets and apply them live.

The names an app needs, importable from here (each loads its module on first use, so `import studio` stays
cheap and the light install, without the model runtime, can import it):

    from studio import HairPipeline, HairSegmenter, load_preset

    with HairPipeline.create(load_preset("copper.yaml"), HairSegmenter.create()) as pipeline:
        result = pipeline.process(rgb_frame)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_FACADE = {
    "load_preset": "studio.runtime.preset",
    "Preset": "studio.runtime.preset",
    "Recolorizer": "studio.runtime.recolorizer",
    "LUT3D": "studio.runtime.lut",
    "HairPipeline": "studio.runtime.pipeline",
    "PipelineOptions": "studio.runtime.pipeline",
    "PipelineResult": "studio.runtime.pipeline",
    "HairSegmenter": "studio.segmentation.segmenter",
    "SegmenterOptions": "studio.segmentation.segmenter",
    "hair_intensity": "studio.runtime.intensity",
    "StudioError": "studio.errors",
}
"""Public name -> the module that defines it."""

__all__ = ["__version__", *_FACADE]


def __getattr__(name: str) -> Any:
    """Load a facade name's module on first use (PEP 562)."""
    module = _FACADE.get(name)
    if module is None:
        raise AttributeError(f"module 'studio' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
