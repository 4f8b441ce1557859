"""The one SHA-256 helper: file digests for presets, packs and models, read in bounded chunks."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256_file"]

_CHUNK = 1 << 20  # bytes read at a time: a sparse multi-gigabyte file never sits in memory


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
