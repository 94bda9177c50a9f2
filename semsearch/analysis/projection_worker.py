"""UMAP and t-SNE in a process of their own: one tab's map neither stalls the class nor outlives it.

UMAP runs numba code that holds Python's interpreter lock for long stretches (and compiles
for tens of seconds the first time), so in the page's process every other session's search
waited behind it: on 2 cores, a bystander's one-line search took up to 9.7 s while one tab
drew a UMAP map of 20,000 lines (bench/classroom.py). In a child process it has its own
interpreter; the page's thread waits for the answer, passing a
:func:`~semsearch.checkpoints.checkpoint` every quarter second, so a closed tab ends the
wait, and the child is ended with it.

One child serves the whole process (:data:`PROCESS`), started on the first map that needs
it and kept, so UMAP compiles once per child, not once per map; maps from several sessions
take turns in the order asked. A child that was ended (a closed tab, a crash) is replaced
by the next map. PCA stays in the caller's process: it takes milliseconds and NumPy's
linear algebra lets the lock go.

The child is spawned, not forked: the page's process runs threads (Streamlit's, PyTorch's)
that a fork would copy in whatever state they were.

What it does not do: run maps in parallel, or keep anything between maps but the compiled
code.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np

from semsearch.analysis.projection import project_2d
from semsearch.checkpoints import checkpoint
from semsearch.encoding.turns import FairLock
from semsearch.errors import InvalidArgumentError, ProjectionError

APART = ("umap", "tsne")
"""The methods projected in the child process (the slow ones that hold the lock)."""


def _serve(jobs: Connection) -> None:
    """The child's loop: project each (vectors, method, seed) received.

    Answers ("points", array), ("invalid", message) for what ``project_2d`` refuses, or
    ("failed", message) for anything else.
    """
    while True:
        try:
            rows, method, seed = jobs.recv()
        except EOFError:  # the parent is gone
            return
        try:
            jobs.send(("points", project_2d(rows, method, seed)))
        except InvalidArgumentError as error:
            jobs.send(("invalid", str(error)))
        except Exception as error:  # noqa: BLE001 - the parent turns it into a message
            jobs.send(("failed", f"{type(error).__name__}: {error}"))


class ProjectionWorker:
    """A child process that projects vectors in two dimensions, one map at a time."""

    def __init__(self, poll: float = 0.25) -> None:
        self.poll = poll
        self._turn = FairLock()
        self._state = threading.Lock()
        self._process: BaseProcess | None = None
        self._jobs: Connection | None = None
        self._ran: set[str] = set()

    def has_run(self, method: str) -> bool:
        """Whether the running child has projected with ``method`` (its code is compiled)."""
        with self._state:
            return method in self._ran and self._process is not None

    def project(self, vectors: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
        """``project_2d`` of ``vectors``; UMAP and t-SNE run in the child process.

        Raises:
            InvalidArgumentError: what ``project_2d`` raises for these vectors or method.
            ProjectionError: the child failed otherwise, or ended before it answered.
            Whatever a checkpoint's hook raises (a closed tab); the child is ended then.
        """
        if method not in APART:
            return project_2d(vectors, method, seed)
        rows = np.asarray(vectors, dtype=np.float32)
        with self._turn:
            # A tab closed while it waited for its turn stops here, before its job starts
            # (stopping a job ends the child, and the next map would compile again).
            checkpoint()
            jobs, process = self._started()
            try:
                jobs.send((rows, method, seed))
                while not jobs.poll(self.poll):
                    checkpoint()
                kind, value = jobs.recv()
            except (EOFError, OSError):  # the child ended without answering
                self.stop()
                raise ProjectionError(
                    f"The map's worker process ended (exit code {process.exitcode}) while "
                    f"projecting {len(rows)} points with {method}: too little memory? Try "
                    "fewer lines, or PCA."
                ) from None
            except BaseException:
                self.stop()  # stopped waiting (a closed tab): the next map starts anew
                raise
        if kind == "invalid":
            raise InvalidArgumentError(value)
        if kind == "failed":
            raise ProjectionError(f"The map could not be drawn: {value}")
        with self._state:
            self._ran.add(method)
        return np.asarray(value, dtype=np.float32)

    def _started(self) -> tuple[Connection, BaseProcess]:
        """The child and its pipe, started if none runs."""
        with self._state:
            if self._process is None or not self._process.is_alive():
                self._stop_locked()
                context = multiprocessing.get_context("spawn")
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_serve, args=(theirs,), name="semsearch-projection", daemon=True
                )
                process.start()
                theirs.close()
                self._process, self._jobs = process, ours
            assert self._jobs is not None
            return self._jobs, self._process

    def stop(self) -> None:
        """End the child (if any); the next map starts another."""
        with self._state:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join(timeout=10)
        if self._jobs is not None:
            self._jobs.close()
        self._process = self._jobs = None
        self._ran.clear()


PROCESS = ProjectionWorker()
"""The one map worker of this process, shared by every session of a page."""
