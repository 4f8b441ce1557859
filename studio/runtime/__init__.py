"""The runtime apps embed: play a preset on frames with numpy, OpenCV, PyYAML and jsonschema only (no GUI, no
model runtime, no colour-science; tests/runtime/test_imports.py holds every module here to that).

    from studio.runtime import HairPipeline, load_preset

    with HairPipeline.create(load_preset("copper.yaml")) as pipeline:   # or pass a segmenter
        result = pipeline.process(rgb_frame, hair_mask)

Modules: `pipeline` (HairPipeline: the frame path as one object), `recolorizer` (Recolorizer: per frame, blend
the anchors' LUTs by the hair's intensity and recolour), `intensity` (the one definition of hair intensity),
`preset` (Preset, load_preset: reading and checking presets), `look_settings` (the looks presets record), `lut`
(LUT3D and its PNG strips), `lut_sampler` (the fast trilinear lookup), `strip` (the strip layout), `png`
(PNG reading and writing), `yamlio` (safe YAML and JSON Schema checks).
"""

from __future__ import annotations

from studio.runtime.intensity import INTENSITY_METRIC, MASK_THRESHOLD, hair_intensity
from studio.runtime.look_settings import Look
from studio.runtime.lut import LUT3D, LUT_SIZES
from studio.runtime.lut_sampler import LutSampler
from studio.runtime.pipeline import HairPipeline, PipelineOptions, PipelineResult, Segmenter
from studio.runtime.preset import Anchor, Preset, load_preset
from studio.runtime.recolorizer import VISIBLE_MASK, Recolorizer

__all__ = [
    "INTENSITY_METRIC", "LUT3D", "LUT_SIZES", "MASK_THRESHOLD", "VISIBLE_MASK", "Anchor", "HairPipeline", "Look",
    "LutSampler", "PipelineOptions", "PipelineResult", "Preset", "Recolorizer", "Segmenter", "hair_intensity",
    "load_preset",
]
