"""What the studio remembers between sessions: recently opened or saved presets and workspaces, and the folder
each kind of file dialog last chose, in small JSON files under ~/.config/hair-lut-studio (or the folder named by
$HAIR_STUDIO_CONFIG_DIR, which tests use). Best effort: an unreadable file is forgotten, an unwritable one ignored."""

from __future__ import annotations

import json
import os
from pathlib import Path

from studio.atomic import write_bytes_atomic

CONFIG_DIR_VARIABLE = "HAIR_STUDIO_CONFIG_DIR"
"""Environment variable overriding the configuration folder."""

RECENT_LIMIT = 8
"""How many recent files are remembered."""


FOLDER_KINDS = ("preset", "photo", "mask", "source", "export")
"""The kinds of file a dialog asks for, each remembering its own folder (presets and workspaces share one)."""


def config_dir() -> Path:
    """The folder of the studio's remembered settings."""
    folder = os.environ.get(CONFIG_DIR_VARIABLE)
    return Path(folder) if folder else Path.home() / ".config" / "hair-lut-studio"


def recent_file() -> Path:
    """Where the list is stored."""
    return config_dir() / "recent.json"


def folders_file() -> Path:
    """Where the dialogs' folders are stored."""
    return config_dir() / "folders.json"


def load_recent() -> list[Path]:
    """The remembered files, newest first, skipping ones that no longer exist (an unreadable list is empty)."""
    try:
        entries = json.loads(recent_file().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [Path(entry) for entry in entries if isinstance(entry, str) and Path(entry).is_file()]


def remember(path: Path) -> list[Path]:
    """Put `path` first in the list, save it (best effort: a read-only home is not an error) and return it."""
    path = Path(path).resolve()
    entries = [path, *(p for p in load_recent() if p.resolve() != path)][:RECENT_LIMIT]
    _write(recent_file(), [str(p) for p in entries])
    return entries


def start_folder(kind: str) -> Path | None:
    """The folder a `kind` dialog opens in: where the last `kind` file was chosen, else where any file was, if
    it still exists; None when neither is known."""
    folders = _read_folders()
    for key in (kind, "last"):
        folder = folders.get(key)
        if folder is not None and folder.is_dir():
            return folder
    return None


def remember_folder(kind: str, folder: Path) -> None:
    """`folder` is where a `kind` file was just chosen (and the last folder of any kind)."""
    if kind not in FOLDER_KINDS:
        raise ValueError(f"unknown dialog kind {kind!r} (use one of {', '.join(FOLDER_KINDS)})")
    folder = str(Path(folder).resolve())
    _write(folders_file(), {**{k: str(v) for k, v in _read_folders().items()}, kind: folder, "last": folder})


def _read_folders() -> dict[str, Path]:
    try:
        entries = json.loads(folders_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {key: Path(value) for key, value in entries.items()
            if key in (*FOLDER_KINDS, "last") and isinstance(value, str) and value}


def _write(target: Path, content: object) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, json.dumps(content, indent=1).encode("utf-8"))
    except OSError:
        pass
