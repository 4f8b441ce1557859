"""Where the shipped files are, and where the files the studio generates for a user go.

The shipped presets (lut_presets/), the reference swatches (reference_images/) and the model manifest
(models/hair_segmentation.yaml) live at the top of the source tree. Running from a checkout (an editable install,
or the tree on PYTHONPATH) reads them there; a wheel carries copies in the package as studio/data/ (setup.py
puts them there), found with importlib.resources. Every caller asks this module, never a path of its own.
"""

from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

__all__ = ["APP_NAME", "checkout", "preset_path", "shipped", "user_data_dir"]

APP_NAME = "hair-lut-studio"
"""The distribution's name: the per-user folder is named after it."""

_SOURCE_ROOT = Path(__file__).resolve().parents[1]


def checkout() -> Path | None:
    """The source checkout the package runs from (its pyproject.toml beside the package), None when installed."""
    return _SOURCE_ROOT if (_SOURCE_ROOT / "pyproject.toml").is_file() else None


def shipped(folder: str) -> Path:
    """A shipped data folder ("lut_presets", "reference_images" or "models"): the checkout's top-level folder
    when running from a checkout, else the copy packaged in the wheel."""
    root = checkout()
    if root is not None:
        return root / folder
    packaged = importlib.resources.files("studio") / "data" / folder
    if not isinstance(packaged, Path):  # e.g. a zip import: OpenCV and the YAML readers need real files
        raise RuntimeError(f"the studio's data must be installed as files, not inside {packaged}")
    return packaged


def preset_path(text: str) -> Path:
    """The preset a command line names: a path as given, or, for a bare name without a folder or suffix that is
    not a file here (e.g. `copper`), the shipped preset of that name when there is one."""
    path = Path(text)
    if path.exists() or path.suffix or len(path.parts) != 1:
        return path
    shipped_preset = shipped("lut_presets") / f"{text}.yaml"
    return shipped_preset if shipped_preset.is_file() else path


def user_data_dir() -> Path:
    """This user's writable folder for files the studio generates (e.g. the converted model): under
    `$XDG_DATA_HOME` (default ~/.local/share) on Linux, ~/Library/Application Support on macOS, `%LOCALAPPDATA%`
    on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = Path(os.environ.get("XDG_DATA_HOME", ""))
        base = xdg if xdg.is_absolute() else Path.home() / ".local" / "share"  # the XDG spec ignores relative paths
    return base / APP_NAME
