"""Requests arriving together are encoded together: a short window, a bounded queue.

A model call costs about the same for one short text as for a few dozen (on a GPU, and on a
CPU for short queries): per-call overhead and weight reads dominate. The batcher takes the
first waiting request, waits up to :attr:`window` seconds for others (taking at once every
request already waiting), and encodes all their texts in one engine call per distinct
(length cap, dimension). While that call runs, new requests queue and form the next batch.
The queue is bounded: when it is full a request is refused at once (:class:`QueueFull`,
HTTP 429) rather than waiting without limit.

What it does not do: prompts (requests arrive as the exact strings the model reads) or
caching. One worker thread runs the model, so calls into it are serialised (as a shared
model needs). With ``batching=False`` every request runs alone, in arrival order: the
baseline ``bench/serve.py`` compares with.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from semsearch.encoding.engine import Engine


class QueueFull(Exception):  # noqa: N818 - reads as what happened
    """More requests wait than the queue holds (answered HTTP 429)."""


@dataclass(frozen=True)
class Encoded:
    """One request's vectors and token counts, in its input order."""

    vectors: np.ndarray
    """float32 [n, dim], unit rows."""
    token_counts: np.ndarray
    """int64 [n]: tokens of each input before the cap (-1 where the engine cannot tell)."""


@dataclass(frozen=True)
class BatchStats:
    """What the batcher has done so far (``/health`` shows it; tests read it)."""

    requests: int
    calls: int
    """Engine calls (one per batch and distinct length cap and dimension)."""
    texts: int
    largest: int
    """Most requests served by one engine call."""


@dataclass
class _Job:
    inputs: list[str]
    max_length: int
    dim: int | None
    future: asyncio.Future[Encoded]


class EncodeBatcher:
    """Encodes requests' texts with ``engine``, several requests per call (see module doc)."""

    def __init__(
        self,
        engine: Engine,
        *,
        window: float = 0.005,
        max_batch: int = 256,
        max_queue: int = 256,
        batching: bool = True,
    ) -> None:
        self.engine = engine
        self.window = window
        self.max_batch = max_batch
        self.batching = batching
        self._queue: asyncio.Queue[_Job] = asyncio.Queue(maxsize=max_queue)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="semsearch-encode")
        self._worker: asyncio.Task[None] | None = None
        self._requests = self._calls = self._texts = self._largest = 0
        self.busy = False
        """Whether the model is encoding a batch right now."""

    @property
    def stats(self) -> BatchStats:
        """Counts so far."""
        return BatchStats(self._requests, self._calls, self._texts, self._largest)

    @property
    def waiting(self) -> int:
        """Requests queued and not yet taken into a batch."""
        return self._queue.qsize()

    def start(self) -> None:
        """Start the worker on the running event loop."""
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the worker after the batch in progress; refuse what still waits."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if not job.future.done():
                job.future.set_exception(QueueFull("the server is shutting down"))
        self._pool.shutdown(wait=True)

    async def encode(self, inputs: Sequence[str], *, max_length: int, dim: int | None) -> Encoded:
        """Vectors for ``inputs`` (exact model inputs), encoded with whatever else is waiting.

        Raises:
            QueueFull: the queue is full; try again later.
            SemsearchError: from the engine (a text too large for the device, a server fault).
        """
        if not inputs:
            return Encoded(np.zeros((0, dim or self.engine.native_dim), np.float32),
                           np.zeros(0, np.int64))  # fmt: skip
        future: asyncio.Future[Encoded] = asyncio.get_running_loop().create_future()
        try:
            self._queue.put_nowait(_Job(list(inputs), max_length, dim, future))
        except asyncio.QueueFull:
            raise QueueFull(f"{self._queue.maxsize} requests are already waiting") from None
        return await future

    async def _run(self) -> None:
        while True:
            jobs = await self._gather()
            live = [job for job in jobs if not job.future.done()]  # timed out while waiting
            groups: dict[tuple[int, int | None], list[_Job]] = {}
            for job in live:
                groups.setdefault((job.max_length, job.dim), []).append(job)
            for (max_length, dim), group in groups.items():
                await self._encode_group(group, max_length, dim)

    async def _gather(self) -> list[_Job]:
        """The next batch: the first waiting job, then whatever joins within the window."""
        first = await self._queue.get()
        jobs, texts = [first], len(first.inputs)
        if not self.batching:
            return jobs
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.window
        while texts < self.max_batch:
            try:
                job = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    job = await asyncio.wait_for(self._queue.get(), left)
                except TimeoutError:
                    break
            jobs.append(job)
            texts += len(job.inputs)
        return jobs

    async def _encode_group(self, group: list[_Job], max_length: int, dim: int | None) -> None:
        inputs = [text for job in group for text in job.inputs]
        loop = asyncio.get_running_loop()
        self.busy = True
        try:
            vectors, counts = await loop.run_in_executor(
                self._pool, self._encode, inputs, max_length, dim
            )
        except Exception as error:  # noqa: BLE001 - the engine's error is every request's
            for job in group:
                if not job.future.done():
                    job.future.set_exception(error)
            return
        finally:
            self.busy = False
        self._requests += len(group)
        self._calls += 1
        self._texts += len(inputs)
        self._largest = max(self._largest, len(group))
        start = 0
        for job in group:
            end = start + len(job.inputs)
            if not job.future.done():
                job.future.set_result(Encoded(vectors[start:end], counts[start:end]))
            start = end

    def _encode(
        self, inputs: list[str], max_length: int, dim: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        width = self.engine.native_dim if dim is None else dim
        vectors = np.zeros((len(inputs), width), dtype=np.float32)
        counts = np.zeros(len(inputs), dtype=np.int64)
        for batch in self.engine.encode(inputs, max_length=max_length, dim=dim):
            vectors[batch.indices] = batch.vectors
            counts[batch.indices] = batch.token_counts
        return vectors, counts
