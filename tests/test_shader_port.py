"""The GLSL shader's arithmetic, ported to NumPy (tests/shader_port.py), agrees with the runtime on real
photos within one 8-bit level, sampling the preset's own PNG strips as an app uploads them."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.bake import bake_preset
from studio.images import read_rgb
from studio.preset_writer import save_preset
from studio.runtime import LUT3D, Look, Preset, Recolorizer, load_preset
from studio.runtime.strip import to_strip
from tests.conftest import require_shared
from tests.shader_port import hair_lut_frag


def shader_source() -> str:
    return resources.files("studio").joinpath("shader/hair_lut.frag").read_text("utf-8")


def photos() -> list[tuple[Path, Path]]:
    """(photo, mask) pairs from ../shared/data/portraits: the first and last photo with a mask in each folder
    (names sort so that is a 250x250 LFW face and a 1024x1024 CelebA-HQ one), the first of "other"."""
    pairs = []
    for folder in ("light", "dark", "other"):
        root = require_shared(f"data/portraits/{folder}")
        found = [(p, root / "masks" / f"{p.stem}.png") for p in sorted(root.glob("*.jpg"))]
        masked = [pair for pair in found if pair[1].is_file()]
        pairs += masked[:1] + (masked[-1:] if folder != "other" else [])
    return pairs


def upload(path: Path) -> np.ndarray:
    """A PNG strip as the README says to upload it: 16-bit as RGBA16F (half float), 8-bit as RGBA8."""
    pixels = cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_UNCHANGED), cv2.COLOR_BGR2RGB)
    if pixels.dtype == np.uint16:
        return (pixels / 65535.0).astype(np.float16).astype(np.float32)
    return pixels.astype(np.float32) / np.float32(255.0)


@pytest.fixture(scope="module", params=[(33, 16), (17, 8), (65, 16)], ids=lambda p: f"{p[0]}pt-{p[1]}bit")
def saved_preset(request, tmp_path_factory) -> tuple[Preset, list[np.ndarray]]:
    size, bits = request.param
    folder = tmp_path_factory.mktemp("shader")
    references = [(0.12, Look(target="#b5532a", shine=0.6)), (0.75, Look(target="#f0c090", saturation=1.6))]
    save_preset(bake_preset("Copper", references, size=size), folder / "copper.yaml", bits=bits)
    preset = load_preset(folder / "copper.yaml")
    return preset, [upload(folder / name) for name in preset.lut_files]


@pytest.mark.shared
def test_shader_port_matches_the_runtime_on_real_photos(saved_preset):
    preset, (lut_low, lut_high) = saved_preset
    worst = 0
    for photo, mask_path in photos():
        frame = read_rgb(photo)
        hard = cv2.imread(str(mask_path), cv2.IMREAD_GRAYSCALE)
        soft = cv2.GaussianBlur(hard, (0, 0), 3)  # the segmenter's masks are soft: test the compositing too
        for mask in (hard, soft):
            recolorizer = Recolorizer(preset)
            expected = recolorizer(frame, mask.astype(np.float32) / 255.0)
            # Where the mask is 0 the shader returns the pixel exactly (mix(rgb, graded, 0.0) == rgb), so
            # running it on the mask's bounding box only is exact and saves time on 1024x1024 photos.
            x, y, width, height = cv2.boundingRect(mask)
            box = np.s_[y : y + height, x : x + width]
            ported = frame.copy()
            ported[box] = hair_lut_frag(frame[box], mask[box], lut_low, lut_high, preset.lut_size, recolorizer.t)
            worst = max(worst, int(np.abs(expected.astype(int) - ported).max()))
    assert worst <= 1, f"shader port differs from the runtime by {worst} levels"


def test_shader_port_reproduces_an_identity_lut_exactly():
    strip = to_strip(LUT3D.identity(33).table).astype(np.float32)
    frame = np.random.default_rng(0).integers(0, 256, (40, 50, 3), dtype=np.uint8)
    mask = np.full((40, 50), 255, np.uint8)
    assert np.array_equal(hair_lut_frag(frame, mask, strip, strip, 33, 0.3), frame)


def test_shader_declares_what_the_readme_documents():
    source = shader_source()
    readme = resources.files("studio").joinpath("shader/README.md").read_text("utf-8")
    assert source.startswith("#version 300 es\n")
    uniforms = re.findall(r"^uniform \w+ (\w+);", source, flags=re.MULTILINE)
    assert uniforms == ["u_frame", "u_mask", "u_lut_low", "u_lut_high", "u_lut_size", "u_t"]
    for name in [*uniforms, "v_uv", "o_color"]:
        assert f"`{name}`" in readme
    assert "precision highp sampler2D;" in source  # lowp samplers would quantise the LUT to 8 bits or worse


def test_the_shader_reads_the_luts_at_mipmap_level_zero():
    """Engines often mipmap textures by default; `texture()` would then sample a blurred LUT level."""
    source = shader_source()
    assert "textureLod(lut, uvLower, 0.0)" in source and "textureLod(lut, uvUpper, 0.0)" in source
    assert "texture(lut" not in source


def test_the_shader_compiles_as_glsl_es_300(tmp_path):
    """Khronos' reference front end (glslang, installed by .ci/run) accepts the shader as GLSL ES 3.00."""
    import os
    import shutil
    import subprocess

    validator = shutil.which("glslangValidator")
    if validator is None:
        if os.environ.get("CI"):
            pytest.fail("glslangValidator is missing: .ci/run installs it (apt-get install glslang-tools)")
        pytest.skip("glslangValidator not installed (apt-get install glslang-tools)")
    shader = tmp_path / "hair_lut.frag"
    shader.write_text(shader_source(), "utf-8")
    result = subprocess.run([validator, str(shader)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
