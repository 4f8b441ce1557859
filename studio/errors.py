"""The project's error types. Each message names the file (where there is one) and the problem."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LutError", "PresetError", "StudioError"]


class StudioError(Exception):
    """Base of every error the `hair-studio` command reports as a one-line message and exit status 1."""

    def __init__(self, problem: str, path: str | Path | None = None) -> None:
        self.problem = problem
        self.path = Path(path) if path is not None else None
        super().__init__(f"{self.path}: {problem}" if self.path is not None else problem)


class LutError(StudioError):
    """A LUT file or table that cannot be read, written or used."""


class PresetError(StudioError):
    """A preset that is malformed, inconsistent or cannot be saved."""
