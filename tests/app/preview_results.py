"""Waiting for a PreviewWorker's next rendered frame in tests."""

from __future__ import annotations

import time

from studio.app.preview_worker import PreviewResult, PreviewWorker


def next_result(worker: PreviewWorker, timeout: float = 10.0) -> PreviewResult:
    """The worker's next result; AssertionError (with the worker's error) when none comes within `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = worker.results.get(timeout=0.1)
        if result is not None:
            return result
    raise AssertionError(f"no preview result ({worker.error})")
