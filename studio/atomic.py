"""Atomic file writes: write to a temporary file beside the target, then rename over it, so a reader
never sees half a file and a failed save leaves the old file as it was.

Every temporary file or folder the project makes beside its outputs has a name `is_temporary` recognises,
so that readers listing a folder skip what a killed process left behind instead of reading it as data.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "is_temporary", "temporary_file", "temporary_folder", "write_bytes_atomic"]

_STEM_CHARACTERS = 64  # of the target's stem kept in a temporary name: a legal target name gives a legal one
_FOLDER_PURPOSES = ("pack", "extract")
_TEMPORARY = re.compile(rf"^\.(?:.+\.tmp(?:\.[A-Za-z0-9]+)?|(?:{'|'.join(_FOLDER_PURPOSES)})-\w+)$")


def is_temporary(name: str) -> bool:
    """Whether the file or folder name `name` is one of the project's temporary names (`temporary_file`,
    `temporary_folder`): debris of an interrupted write, never data."""
    return bool(_TEMPORARY.match(name))


def temporary_file(folder: str | Path, stem: str, suffix: str = "") -> Path:
    """A new empty file `.<stem>.<random>.tmp<suffix>` in `folder` with normal permissions (umask applied)."""
    handle, name = tempfile.mkstemp(prefix=f".{stem[:_STEM_CHARACTERS]}.", suffix=f".tmp{suffix}", dir=folder)
    os.close(handle)
    try:
        os.chmod(name, 0o666 & ~_current_umask())  # mkstemp makes 0600; give the file normal permissions
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def temporary_folder(parent: str | Path, purpose: str) -> Path:
    """A new empty folder `.<purpose>-<random>` in `parent`; `purpose` is 'pack' or 'extract'."""
    if purpose not in _FOLDER_PURPOSES:
        raise ValueError(f"unknown temporary folder purpose {purpose!r}")
    return Path(tempfile.mkdtemp(prefix=f".{purpose}-", dir=parent))


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in `path`'s folder (same suffix, so format-by-suffix writers work);
    on success rename it over `path`, on any exception delete it and re-raise."""
    path = Path(path)
    temp = temporary_file(path.parent, path.stem, path.suffix)
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with atomic_path(path) as temp:
        temp.write_bytes(data)
