"""One-off background jobs of the studio (reading and segmenting a reference, building a pack), delivered
back on the main thread. No Dear PyGui here."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class Tasks:
    """Runs slow one-off jobs (reading and segmenting a reference) in a thread pool; `poll`, called on the
    main thread every frame, hands each result or error to its callback there."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="task")
        self._pending: list[tuple[Future, Callable[[object], None], Callable[[Exception], None]]] = []

    @property
    def busy(self) -> bool:
        """Whether a job is queued, running or waiting for `poll`."""
        return bool(self._pending)

    def submit(self, job: Callable[[], object], on_done: Callable[[object], None],
               on_error: Callable[[Exception], None]) -> None:
        """Run `job()` in the pool; later `poll` calls `on_done(result)` or `on_error(exception)`."""
        self._pending.append((self._pool.submit(job), on_done, on_error))

    def poll(self) -> None:
        """Deliver finished jobs' results (main thread)."""
        finished = [entry for entry in self._pending if entry[0].done()]
        self._pending = [entry for entry in self._pending if not entry[0].done()]
        for future, on_done, on_error in finished:
            error = future.exception()
            if error is None:
                on_done(future.result())
            else:
                on_error(error)

    def shutdown(self) -> None:
        """Stop accepting jobs; running ones finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)
