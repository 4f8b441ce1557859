"""The segmentation package's error type."""

from __future__ import annotations

from studio.errors import StudioError

__all__ = ["ModelError"]


class ModelError(StudioError):
    """The hair model cannot be fetched, verified, converted or loaded; the message names the file or URL."""
