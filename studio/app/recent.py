"""Recently opened or saved presets, kept in a small JSON file under ~/.config/hair-lut-studio
(or the folder named by $HAIR_STUDIO_CONFIG_DIR, which tests use)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from studio.atomic import write_bytes_atomic

CONFIG_DIR_VARIABLE = "HAIR_STUDIO_CONFIG_DIR"
"""Environment variable overriding the configuration folder."""

RECENT_LIMIT = 8
"""How many recent files are remembered."""


def recent_file() -> Path:
    """Where the list is stored."""
    folder = os.environ.get(CONFIG_DIR_VARIABLE)
    base = Path(folder) if folder else Path.home() / ".config" / "hair-lut-studio"
    return base / "recent.json"


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
    target = recent_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, json.dumps([str(p) for p in entries], indent=1).encode("utf-8"))
    except OSError:
        pass
    return entries
