"""A read-only folder for tests of writes that must fail cleanly there."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """Make `folder` (new, empty) read-only for the block, then writable again. Skips the test where the
    folder stays writable: root, unless run without CAP_DAC_OVERRIDE (e.g. under `setpriv --bounding-set
    -dac_override`)."""
    folder.mkdir()
    folder.chmod(0o555)
    try:
        try:
            (folder / "probe").touch()
        except PermissionError:
            yield folder
        else:
            (folder / "probe").unlink()
            pytest.skip("this user can write into read-only folders (root)")
    finally:
        folder.chmod(0o755)
