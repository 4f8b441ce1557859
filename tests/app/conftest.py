"""Every studio test remembers its recent files and dialog folders in its own temporary folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.app.recent import CONFIG_DIR_VARIABLE


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$HAIR_STUDIO_CONFIG_DIR in the test's tmp_path (subprocesses inherit it)."""
    folder = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_VARIABLE, str(folder))
    return folder
