"""What the endpoints work with: one loaded model, one store, and what is built on them.

The model loads in the background when the server starts (the API answers 503 until it is
ready); the store opens at start. Every encoding goes through one
:class:`~semsearch.service.batching.EncodeBatcher`; store calls, BM25, the reranker and the
generator run in worker threads so the event loop keeps accepting requests. A base can be
searched only with the model that made it, at its dimension and length cap, exactly as
``semsearch search --name`` does (:mod:`semsearch.retrieval.library`).

What it does not do: HTTP (the routes turn requests into these calls and the errors into
statuses).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, Kind
from semsearch.errors import BaseBusyError, InvalidArgumentError, SemsearchError, check_unicode
from semsearch.retrieval.filters import Filter, check_where
from semsearch.retrieval.grouping import DocumentHit, candidate_depth, group_hits, group_key
from semsearch.retrieval.library import base_spec, content_hash, mismatch
from semsearch.retrieval.stores.base import BaseInfo, StoredHit, StoreError, VectorStore
from semsearch.service.batching import EncodeBatcher, Encoded, QueueFull
from semsearch.service.config import ServiceConfig
from semsearch.service.errors import ApiError

log = logging.getLogger("semsearch.service")

DEFAULT_THRESHOLD = 0.4
"""The CLI's and the page's default lowest score."""
FUSION_DEPTH = 100
"""Hits of each list fused by the hybrid (as ``semsearch eval`` ranks)."""
RERANK_DEPTH = 20
"""The model's hits the reranker reorders (at least ``top_k``)."""


@dataclass(frozen=True)
class Ranked:
    """One hit of any method: the passage's id, its score and the passage."""

    id: int
    score: float
    passage: Passage


def load_from_config(config: ServiceConfig) -> Embedder:
    """Load the model ``config`` names, as the other commands do (``SEMSEARCH_*`` fill in)."""
    from semsearch.encoding.loading import load_embedder
    from semsearch.settings import Settings

    return load_embedder(
        config.model or Settings.from_env().model, device=config.device, dtype=config.dtype,
        dim=config.dim, max_length=config.max_length, embed_url=config.embed_url,
    )  # fmt: skip


class Service:
    """The model, the store and the caches the routes share (one per server process)."""

    def __init__(
        self,
        config: ServiceConfig,
        *,
        loader: Callable[[], Embedder] | None = None,
        store: VectorStore | None = None,
    ) -> None:
        self.config = config
        self._loader = loader or (lambda: load_from_config(config))
        self._store = store
        self.embedder: Embedder | None = None
        self.batcher: EncodeBatcher | None = None
        self.failure: str | None = None
        self.started = time.monotonic()
        self._loading: asyncio.Task[None] | None = None
        self._writes: dict[str, asyncio.Lock] = {}
        self._keywords: dict[str, tuple[tuple[str, int], Any]] = {}
        self._extras_lock = threading.Lock()
        self._reranker: Any = None
        self._generator: Any = None

    # -- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store, then load the model in the background."""
        if self._store is None:
            from semsearch.retrieval.stores import open_store

            self._store = await asyncio.to_thread(
                open_store, self.config.store, data_dir=self.config.data_dir
            )
        self._loading = asyncio.get_running_loop().create_task(self._load())

    async def _load(self) -> None:
        try:
            embedder = await asyncio.to_thread(self._loader)
        except SemsearchError as error:
            self.failure = str(error)
            log.error("the model could not be loaded: %s", error)
            return
        except Exception as error:  # a bug or a library failure: logged, shown as 503
            self.failure = f"{type(error).__name__}: {error}"
            log.exception("the model could not be loaded")
            return
        batcher = EncodeBatcher(
            embedder.engine, window=self.config.batch_window, max_batch=self.config.max_batch,
            max_queue=self.config.max_queue, batching=self.config.batching,
        )  # fmt: skip
        batcher.start()
        self.embedder, self.batcher = embedder, batcher
        log.info("serving %s (%d dimensions) on %s", embedder.name, embedder.dim, embedder.device)

    async def stop(self) -> None:
        """Stop the batcher; close the store and the engine where they can be closed."""
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
        if self.batcher is not None:
            await self.batcher.stop()
        for thing in (self._store, self.embedder.engine if self.embedder else None):
            close = getattr(thing, "close", None)
            if callable(close):
                await asyncio.to_thread(close)

    @property
    def store(self) -> VectorStore:
        """The store (open once :meth:`start` has run)."""
        if self._store is None:
            raise ApiError(503, "The store is not open yet; retry in a moment.",
                           headers={"Retry-After": "1"})  # fmt: skip
        return self._store

    def ready(self) -> tuple[Embedder, EncodeBatcher]:
        """The loaded model and its batcher; 503 while loading or after a failed load."""
        if self.failure is not None:
            raise ApiError(503, f"The model could not be loaded: {self.failure}",
                           code="model_unavailable")  # fmt: skip
        if self.embedder is None or self.batcher is None:
            waited = time.monotonic() - self.started
            raise ApiError(503, f"The model is still loading ({waited:.0f} s so far); retry "
                           "shortly.", code="loading", headers={"Retry-After": "2"})  # fmt: skip
        return self.embedder, self.batcher

    # -- encoding ---------------------------------------------------------------------------

    async def encode(self, embedder: Embedder, texts: list[str], *, kind: Kind | None,
                     instruction: str | None = None, field: str = "input") -> Encoded:  # fmt: skip
        """``texts`` as ``embedder`` (its dimension and cap) would encode them, batched.

        ``kind`` None: the texts exactly as given (no prompt, no instruction).
        """
        _, batcher = self.ready()
        inputs = []
        for n, text in enumerate(texts):
            shown = f"{field}[{n}]" if len(texts) > 1 else field
            try:
                check_unicode(text, shown)
            except InvalidArgumentError as error:
                raise ApiError(400, str(error), param=shown) from None
            if kind is not None:
                text = embedder.model_input(text, kind=kind, instruction=instruction)
            inputs.append(text)
        try:
            return await batcher.encode(inputs, max_length=embedder.max_length, dim=embedder.dim)
        except QueueFull as error:
            raise ApiError(429, f"Too many requests are waiting to be encoded ({error}); "
                           "retry shortly.", code="queue_full",
                           headers={"Retry-After": "1"}) from None  # fmt: skip

    # -- bases ------------------------------------------------------------------------------

    async def info(self, name: str) -> BaseInfo:
        """The base ``name``; 404 when there is none."""
        try:
            return await asyncio.to_thread(self.store.info, name)
        except StoreError:  # no such base (or one the store cannot read): say which exist
            bases = await asyncio.to_thread(self.store.list)
        for info in bases:
            if info.name == name:
                return info
        known = ", ".join(repr(b.name) for b in bases[:20]) or "none yet"
        raise ApiError(404, f"No knowledge base named {name!r} in {self.store.uri} (bases: "
                       f"{known}).", code="base_not_found")  # fmt: skip

    def for_base(self, info: BaseInfo) -> Embedder:
        """The loaded model at the base's dimension and cap; 409 when another model made it."""
        embedder, _ = self.ready()
        bound = embedder.with_options(dim=info.dim, max_length=info.max_length)
        reason = mismatch(info, bound)
        if reason:
            raise ApiError(409, f"{reason} This server serves {embedder.name}; start one "
                           f"with --model {info.model_spec} to search it.",
                           code="model_mismatch")  # fmt: skip
        return bound

    async def search(self, name: str, query: str, *, top_k: int, threshold: float | None,
                     where: Filter, method: str, instruction: str | None, passages: bool,
                     ) -> tuple[list[DocumentHit[Ranked]], Embedder, str | None]:  # fmt: skip
        """The hits of ``method`` for ``query`` in ``name``, the model, and the reranker's name.

        ``passages``: the best ``top_k`` passages, each on its own. Otherwise the best
        ``top_k`` documents, as ``semsearch search --name`` lists them: the windows of one
        record or paragraph are one result, ranked by its best (MaxP), found among the best
        :func:`~semsearch.retrieval.grouping.candidate_depth` passages.
        """
        # The reranker judges the model's top 20 (or top_k) either way; grouping cuts after.
        depth = top_k if passages or method == "rerank" else candidate_depth(top_k)
        ranked, embedder, reranker = await self._ranked(
            name, query, top_k=depth, threshold=threshold, where=where, method=method,
            instruction=instruction,
        )  # fmt: skip
        return _documents(ranked, top_k, passages=passages), embedder, reranker

    async def _ranked(self, name: str, query: str, *, top_k: int, threshold: float | None,
                      where: Filter, method: str, instruction: str | None,
                      ) -> tuple[list[Ranked], Embedder, str | None]:  # fmt: skip
        """The best ``top_k`` passages of ``method``.

        For ``rerank``: all of the model's top ``max(20, top_k)``, reordered by the reranker.
        """
        info = await self.info(name)
        embedder = self.for_base(info)
        vector = (await self.encode(embedder, [query], kind="query", instruction=instruction,
                                    field="query")).vectors[0]  # fmt: skip
        store = self.store

        def model_hits(k: int, limit: float | None) -> list[StoredHit]:
            return store.search(name, vector, top_k=k, threshold=limit, where=where or None)

        if method == "model":
            limit = DEFAULT_THRESHOLD if threshold is None else threshold
            hits = await asyncio.to_thread(model_hits, top_k, limit)
            return [Ranked(h.id, h.score, h.passage) for h in hits], embedder, None
        if method == "rerank":

            def rerank() -> tuple[list[Ranked], str]:
                return self._reranked(model_hits(max(RERANK_DEPTH, top_k), None), query, embedder)

            ranked, reranker = await asyncio.to_thread(rerank)
            return ranked, embedder, reranker
        keyword = await asyncio.to_thread(self._bm25, info, query, where, top_k, method)
        if method == "bm25":
            return keyword, embedder, None
        semantic = await asyncio.to_thread(model_hits, FUSION_DEPTH, None)
        return await asyncio.to_thread(self._fused, info, semantic, keyword, top_k), embedder, None

    def _keyword_index(self, info: BaseInfo) -> tuple[Any, list[Passage]]:
        from semsearch.analysis.keywords import KeywordIndex
        from semsearch.retrieval.library import read_base

        version = (info.updated, info.passages)
        with self._extras_lock:
            cached = self._keywords.get(info.name)
            if cached is not None and cached[0] == version:
                return cached[1]
        passages = read_base(self.store, info.name).passages
        built = (KeywordIndex([p.text for p in passages]), passages)
        with self._extras_lock:
            self._keywords[info.name] = (version, built)
        return built

    def _bm25(self, info: BaseInfo, query: str, where: Filter, top_k: int,
              method: str) -> list[Ranked]:  # fmt: skip
        """BM25 over the whole base, then the passages ``where`` keeps (those sharing a term)."""
        from semsearch.retrieval.filters import matches
        from semsearch.retrieval.ranking import top_hits

        index, passages = self._keyword_index(info)
        scores = index.scores(query)
        if where:
            keep = np.array([matches(p, where) for p in passages], dtype=bool)
            scores = np.where(keep, scores, 0.0).astype(np.float32)
        depth = top_k if method == "bm25" else FUSION_DEPTH
        hits = [h for h in top_hits(scores, top_k=depth) if h.score > 0]
        return [Ranked(h.index, h.score, passages[h.index]) for h in hits]

    def _fused(self, info: BaseInfo, semantic: list[StoredHit], keyword: list[Ranked],
               top_k: int) -> list[Ranked]:  # fmt: skip
        from semsearch.retrieval.ranking import reciprocal_rank_fusion

        fused = reciprocal_rank_fusion([[h.id for h in semantic], [h.id for h in keyword]],
                                       top_k=top_k)  # fmt: skip
        passages = {h.id: h.passage for h in semantic} | {h.id: h.passage for h in keyword}
        return [Ranked(h.index, h.score, passages[h.index]) for h in fused]

    def _reranked(self, hits: list[StoredHit], query: str,
                  embedder: Embedder) -> tuple[list[Ranked], str]:  # fmt: skip
        from semsearch.answers.reranker import DEFAULT_RERANKER, Reranker
        from semsearch.settings import Settings

        with self._extras_lock:
            if self._reranker is None:
                spec = Settings.from_env().reranker or DEFAULT_RERANKER
                device = "cpu" if embedder.engine.kind == "remote" else embedder.device
                dtype = "fp32" if embedder.engine.kind == "remote" else embedder.dtype
                self._reranker = Reranker.load(spec, device=device, dtype=dtype)
            reranker = self._reranker
        judged = reranker.score(query, [h.passage.text for h in hits]) if hits else []
        order = sorted(range(len(hits)), key=lambda i: (-float(judged[i]), i))
        ranked = [Ranked(hits[i].id, float(judged[i]), hits[i].passage) for i in order]
        return ranked, str(reranker.name)

    async def add(self, name: str, passages: list[Passage]) -> tuple[list[int], int, BaseInfo]:
        """Encode and store the passages not yet in ``name`` (creating it for this model).

        Returns the ids added, how many were already there, and the base's info after.
        """
        embedder, _ = self.ready()
        lock = self._writes.setdefault(name, asyncio.Lock())
        async with lock:  # two requests adding to one base at once would both miss a hash
            store = self.store
            exists = name in {b.name for b in await asyncio.to_thread(store.list)}
            if exists:
                bound = self.for_base(await self.info(name))
                known = await asyncio.to_thread(store.hashes, name)
            else:
                bound = embedder
                known = set()
            hashes = [content_hash(p) for p in passages]
            fresh: list[int] = []
            for i, digest in enumerate(hashes):
                if digest not in known:
                    known.add(digest)
                    fresh.append(i)
            full = bound.with_options(dim=bound.native_dim)
            encoded = await self.encode(full, [passages[i].text for i in fresh], kind="document",
                                        field="passages")  # fmt: skip

            def write() -> tuple[list[int], BaseInfo]:
                if not exists:
                    store.create(base_spec(name, bound, {"source": "api"}))
                ids: list[int] = []
                if fresh:
                    chosen = [passages[i] for i in fresh]
                    counts = encoded.token_counts.tolist()
                    ids = store.add(name, chosen, encoded.vectors, counts,
                                    [hashes[i] for i in fresh])  # fmt: skip
                return ids, store.info(name)

            try:
                ids, info = await asyncio.to_thread(write)
            except BaseBusyError:
                raise  # 409, as every busy base (errors.from_semsearch)
            except StoreError as error:
                raise ApiError(400, str(error), param="name") from None
        # The store keeps a passage once: what another writer stored meanwhile is not added.
        return ids, len(passages) - len(ids), info

    async def delete(self, name: str) -> None:
        """Delete the base ``name`` (404 when there is none)."""
        await self.info(name)
        lock = self._writes.setdefault(name, asyncio.Lock())
        async with lock:
            await asyncio.to_thread(self.store.delete, name)
        with self._extras_lock:
            self._keywords.pop(name, None)

    def generator(self, embedder: Embedder) -> Any:
        """The answer model (``SEMSEARCH_LLM_BASE_URL`` or ``SEMSEARCH_LLM``), made once."""
        from semsearch.answers.generation import generator_from_env

        with self._extras_lock:
            if self._generator is None:
                device = "cpu" if embedder.engine.kind == "remote" else embedder.device
                dtype = "fp32" if embedder.engine.kind == "remote" else embedder.dtype
                self._generator = generator_from_env(device, dtype)
            return self._generator


def _documents(ranked: list[Ranked], top_k: int, *, passages: bool) -> list[DocumentHit[Ranked]]:
    """The first ``top_k`` of ``ranked``: passages each alone, or grouped by document (MaxP)."""
    if passages:
        return [DocumentHit(hit) for hit in ranked[:top_k]]
    return group_hits(ranked, [group_key(hit.passage, hit.id) for hit in ranked])[:top_k]


def checked_where(where: dict[str, str | list[str]] | None) -> Filter:
    """The request's ``where`` checked as the CLI checks ``--where`` (400 naming it)."""
    try:
        return check_where(where)
    except InvalidArgumentError as error:
        raise ApiError(400, str(error), param="where") from None
