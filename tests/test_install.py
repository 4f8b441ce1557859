"""Installs and runs anywhere: a wheel carries the shipped presets, swatches and model manifest and runs from any
folder, putting the model in a per-user folder; the light install plays presets and names the `studio` extra for
the rest."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import pytest

from tests.conftest import require_shared
from tests.light_install import STUDIO_EXTRA_MODULES, run_light

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Installed:
    """A wheel of this checkout installed into a fresh virtual environment."""

    venv: Path
    work: Path  # an empty working folder outside the checkout
    user_data: Path  # $HOME and $XDG_DATA_HOME, where the per-user folder goes
    env: dict[str, str]

    def run(self, *argv: str) -> subprocess.CompletedProcess:
        """Run a program of the venv (`hair-studio`, `python`) in the working folder."""
        result = subprocess.run([str(self.venv / "bin" / argv[0]), *argv[1:]], capture_output=True, text=True,
                                cwd=self.work, env=self.env, timeout=120)
        assert result.returncode == 0, f"{argv} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        return result

    def shipped(self, folder: str) -> Path:
        """Where the installed package finds a shipped data folder."""
        code = f"from studio import resources; print(resources.shipped({folder!r}))"
        return Path(self.run("python", "-c", code).stdout.strip())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the sdist and from it the wheel (as a release does), and install the wheel into a venv that sees this
    environment's packages (numpy, OpenCV, onnxruntime, ...: nothing is downloaded)."""
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, f"{built.stdout}\n{built.stderr}\n(the dev extra installs build and setuptools)"
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True,
                   timeout=120)
    (work := base / "work").mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "STUDIO_MODELS_DIR")}
    user_data = base / "user"
    env.update(HOME=str(user_data), XDG_DATA_HOME=str(user_data / "share"), PYTHONWARNINGS="ignore")
    result = Installed(venv, work, user_data, env)
    wheel = next(dist.glob("*.whl"))
    result.run("python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--force-reinstall", str(wheel))
    return result


def test_the_wheel_runs_from_its_own_files(installed: Installed) -> None:
    code = "import studio, studio.resources as r; print(studio.__file__); print(r.checkout())"
    package, checkout = installed.run("python", "-c", code).stdout.split()
    assert Path(package).is_relative_to(installed.venv) and checkout == "None"
    for folder in ("lut_presets", "reference_images", "models"):
        assert installed.shipped(folder).is_relative_to(installed.venv)

    info = installed.run("hair-studio", "models", "info").stdout
    assert f"manifest:   {installed.shipped('models') / 'hair_segmentation.yaml'}" in info
    folder = Path(re.search(r"^folder: +(.+)$", info, re.MULTILINE).group(1))
    assert folder.is_relative_to(installed.user_data) and folder.name == "models"  # per user, not site-packages

    installed.run("hair-studio", "preset", "sheet", "-o", "sheet.png")  # the shipped presets on the swatches
    assert cv2.imread(str(installed.work / "sheet.png")) is not None

    presets = installed.work / "presets"
    presets.mkdir()
    for path in installed.shipped("lut_presets").glob("copper*"):
        shutil.copy(path, presets)
    installed.run("hair-studio", "pack", "build", "presets", "-o", "pack.zip")  # thumbnails: the packaged swatches
    assert "pack.zip: ok" in installed.run("hair-studio", "pack", "validate", "pack.zip").stdout


@pytest.mark.shared
def test_the_wheel_installs_the_model_per_user_and_measures_a_swatch(installed: Installed) -> None:
    model = require_shared("models/hair_segmentation.tflite")
    out = installed.run("hair-studio", "models", "install", "--from", str(model)).stdout
    onnx_file = Path(re.search(r"^wrote (.+)$", out, re.MULTILINE).group(1))
    assert onnx_file.is_file() and onnx_file.is_relative_to(installed.user_data)
    swatch = installed.shipped("reference_images") / "dark.png"
    assert re.search(r"dark\.png: hair intensity 0\.\d{4}, hair fraction 0\.\d{4}",
                     installed.run("hair-studio", "measure", str(swatch)).stdout)


def test_the_light_install_lacks_exactly_the_studio_extra() -> None:
    tomllib = pytest.importorskip("tomllib")
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]["studio"]
    assert {re.match(r"[A-Za-z0-9._-]+", requirement).group() for requirement in extra} == set(STUDIO_EXTRA_MODULES)


def test_the_light_install_names_the_studio_extra_for_commands_that_need_it(tmp_path: Path) -> None:
    code = "import sys; from studio.cli import main; sys.exit(main(sys.argv[1:]))"
    listing = run_light(code, "--help", cwd=tmp_path)
    assert listing.returncode == 0 and "recolor (not installed: needs " in " ".join(listing.stdout.split())
    for argv in (["recolor", "me.jpg", "--preset", "copper.yaml"], ["preset", "sheet", "-o", "sheet.png"], ["gui"]):
        result = run_light(code, *argv, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert f"`hair-studio {argv[0]}` needs " in result.stderr and "hair-lut-studio[studio]" in result.stderr
        assert "Traceback" not in result.stderr
    assert run_light(code, "preset", "validate", str(ROOT / "lut_presets"), cwd=tmp_path).returncode == 0


def test_a_bare_preset_name_means_the_shipped_preset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.resources import preset_path, shipped

    monkeypatch.chdir(tmp_path)
    assert preset_path("copper") == shipped("lut_presets") / "copper.yaml"
    assert preset_path("no-such-preset") == Path("no-such-preset")  # left as given: the command says not found
    (tmp_path / "copper").write_text("mine")
    assert preset_path("copper") == Path("copper")  # a file of that name here wins
    assert preset_path("sub/copper") == Path("sub/copper") and preset_path("copper.yaml") == Path("copper.yaml")
