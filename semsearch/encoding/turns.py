"""A first-come, first-served lock: sessions sharing one model take turns batch by batch.

``threading.Lock`` is not fair: a thread that releases it and asks again at once (a bulk
encode going from one batch to the next) usually gets it back before a thread that has
been waiting, so one student's 200,000-line paste could hold the model for minutes while
another's one-line query waits. :class:`FairLock` hands the lock to whoever asked first:
a query that arrives during someone's bulk encode runs right after the batch in progress.

What it does not do: preempt a batch (a batch runs to its end), or order by priority.
"""

from __future__ import annotations

import threading
from collections import deque
from types import TracebackType


class FairLock:
    """A lock granted in the order it was asked for (FIFO), passed straight to the next."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self) -> None:
        """Wait for every earlier asker to be done, then hold the lock."""
        with self._mutex:
            if not self._held:
                self._held = True
                return
            gate = threading.Lock()
            gate.acquire()
            self._waiting.append(gate)
        gate.acquire()  # released by release(), which hands the lock over held

    def release(self) -> None:
        """Hand the lock to the longest waiting asker, or free it when none waits."""
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._held = False

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()
