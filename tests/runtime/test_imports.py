"""The rule of the house for studio.runtime: an app embeds it with numpy, OpenCV, PyYAML and jsonschema alone.

Two checks, so that neither a lazy import inside a function nor a module pulled in by another slips through:
every import statement of the runtime's modules (and of the few dependency-free studio modules they use) names
only those packages, the standard library or the runtime itself; and a fresh interpreter that imports every
runtime module, loads a shipped preset and recolours a frame has loaded nothing else (the four packages bring
their own dependencies, e.g. jsonschema's referencing and rpds: those are allowed, found from their metadata).
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import studio.runtime
from tests.light_install import STUDIO_EXTRA_MODULES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "studio"
RUNTIME_DEPENDENCIES = ("numpy", "cv2", "yaml", "jsonschema")
"""The third-party modules the runtime may import: pyproject.toml's base dependencies."""
STUDIO_HELPERS = ("studio", "studio.errors", "studio.atomic", "studio.digest", "studio.schemas")
"""The studio modules outside studio.runtime that it may use: dependency-free, held to the same rule."""
FORBIDDEN = sorted(set(STUDIO_EXTRA_MODULES.values()))
"""What the `studio` extra installs (Dear PyGui, onnxruntime, onnx, tflite, colour-science, imageio, av, tqdm):
never loaded by the runtime."""


def runtime_modules() -> list[str]:
    """studio.runtime and every module in it, by name."""
    return ["studio.runtime", *sorted(f"studio.runtime.{path.stem}" for path in (PACKAGE / "runtime").glob("*.py")
                                      if path.stem != "__init__")]


def module_file(name: str) -> Path:
    """The source file of a studio module (a package's __init__.py)."""
    path = ROOT.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def imported_names(name: str) -> set[str]:
    """Every module an import statement anywhere in module `name` names (inside functions too). `from package
    import x` counts as package.x when x is a module of a studio package."""
    tree = ast.parse(module_file(name).read_text("utf-8"))
    package = name if module_file(name).name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            found.add(base)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if base.partition(".")[0] == "studio" and module_file(candidate).is_file():
                    found.add(candidate)
    return found


def import_problem(name: str) -> str | None:
    """Why module name `name` may not be imported by the runtime, or None when it may."""
    top = name.partition(".")[0]
    if top == "studio":
        ok = name in STUDIO_HELPERS or name == "studio.runtime" or name.startswith("studio.runtime.")
        return None if ok else f"{name} is a studio module outside the runtime"
    if top in RUNTIME_DEPENDENCIES or top in sys.stdlib_module_names or top == "__future__":
        return None
    return f"{name} is neither numpy, cv2, yaml, jsonschema nor the standard library"


def test_every_import_statement_of_the_runtime_names_only_what_it_may() -> None:
    problems = [f"{name} imports {imported}: {problem}"
                for name in [*runtime_modules(), *STUDIO_HELPERS]
                for imported in sorted(imported_names(name))
                if (problem := import_problem(imported))]
    assert problems == []


def _distribution_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def allowed_third_party() -> set[str]:
    """Top-level modules of the runtime's four dependencies and of everything they require in turn, from the
    installed distributions' metadata. The four's optional extras count too (jsonschema imports its format
    checkers' packages, idna and the like, whenever they are installed); their dependencies' extras do not."""
    providers = importlib.metadata.packages_distributions()
    direct = [dist for top in RUNTIME_DEPENDENCIES for dist in providers.get(top, [])]
    pending, closure = list(direct), set()
    while pending:
        dist = pending.pop()
        if _distribution_key(dist) in closure:
            continue
        closure.add(_distribution_key(dist))
        try:
            requirements = importlib.metadata.requires(dist) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        pending += [re.match(r"[A-Za-z0-9._-]+", requirement).group() for requirement in requirements
                    if dist in direct or "extra ==" not in requirement.partition(";")[2]]
    return {top for top, dists in providers.items() if any(_distribution_key(d) in closure for d in dists)}


def _made_by_cython(name: str) -> bool:
    """Modules a Cython-compiled extension (in numpy, PyYAML, ...) registers itself: no package of their own."""
    return name == "cython_runtime" or name.startswith("_cython_")


_FRESH_INTERPRETER = """
import importlib, json, sys
before = set(sys.modules)
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
import numpy as np
from studio.runtime import HairPipeline, Recolorizer, load_preset

preset = load_preset(sys.argv[2])
frame = np.zeros((48, 64, 3), np.uint8)
frame[..., 0], frame[..., 1], frame[..., 2] = np.arange(64) * 3, (np.arange(48) * 4)[:, None], 90
mask = np.zeros((48, 64), np.float32)
mask[8:40, 16:48] = 1.0
out = Recolorizer(preset)(frame, mask)
with HairPipeline.create(preset) as pipeline:
    assert np.array_equal(pipeline.process(frame, mask).frame, out)
hair = mask > 0
print(json.dumps({"modules": sorted(set(sys.modules) - before),
                  "hair_changed": int(np.abs(out[hair].astype(int) - frame[hair]).max()),
                  "rest_kept": bool(np.array_equal(out[~hair], frame[~hair]))}))
"""


def test_a_fresh_interpreter_plays_a_shipped_preset_with_the_runtime_alone() -> None:
    run = subprocess.run([sys.executable, "-c", _FRESH_INTERPRETER, json.dumps(runtime_modules()),
                          str(ROOT / "lut_presets" / "copper.yaml")], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.splitlines()[-1])
    assert report["hair_changed"] > 10 and report["rest_kept"]  # the preset recoloured the hair, only the hair

    loaded = report["modules"]
    assert set(runtime_modules()) <= set(loaded)
    assert [name for name in loaded if name.partition(".")[0] in FORBIDDEN] == []
    studio_outside = [name for name in loaded if name.partition(".")[0] == "studio"
                      and not name.startswith("studio.runtime") and name not in STUDIO_HELPERS]
    assert studio_outside == []
    allowed = allowed_third_party() | set(sys.stdlib_module_names) | {"studio"}
    assert {"numpy", "cv2", "yaml", "jsonschema"} <= allowed
    assert sorted({name.partition(".")[0] for name in loaded if not _made_by_cython(name)} - allowed) == []


def test_the_runtime_declares_its_public_names() -> None:
    for name in runtime_modules():
        module = importlib.import_module(name)
        assert module.__all__, name
        assert all(hasattr(module, public) for public in module.__all__), name
    assert {"Recolorizer", "HairPipeline", "LUT3D", "Preset", "load_preset", "hair_intensity"} <= set(
        studio.runtime.__all__)
