"""Atomic file writes: write to a temporary file beside the target, then rename over it, so a reader
never sees half a file and a failed save leaves the old file as it was."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path in `path`'s folder (same suffix, so format-by-suffix writers work);
    on success rename it over `path`, on any exception delete it and re-raise."""
    path = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(handle)
    temp = Path(temp_name)
    os.chmod(temp, 0o666 & ~_current_umask())  # mkstemp makes 0600; give the file normal permissions
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
