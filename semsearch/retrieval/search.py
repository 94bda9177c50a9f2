"""One search as the page runs it: encode what is new, embed the query, keep the result.

The result (:class:`SearchRun`) is a consistent snapshot: the texts, their vectors and the
query vector all belong to the same model, settings and click. Ranking it again with
another threshold or top-k needs no model (see :func:`semsearch.retrieval.ranking.top_hits`).

Two sources: texts the page holds (typed lines, uploaded files: :func:`run_search`, every
vector in the snapshot), and a saved base in a vector store (:func:`run_base_search`), of
any size: there the snapshot holds only a bounded candidate set, the store's best passages
for the query plus a random sample for context, and :attr:`SearchRun.scope` says so.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, Progress
from semsearch.encoding.vector_cache import VectorCache
from semsearch.encoding.vectors import normalise
from semsearch.retrieval.filters import Where, check_where
from semsearch.retrieval.stores.base import VectorStore

DEFAULT_CANDIDATES = 2000
DEFAULT_SAMPLE = 500


@dataclass(frozen=True)
class BaseScope:
    """Which part of a saved base a :class:`SearchRun` holds."""

    base: str
    total: int
    """Passages in the base."""
    candidates: int
    """The store's best passages for the query, first in the run: exact for any top-k and
    threshold up to this many results."""
    sampled: int
    """Passages drawn at random from the rest, after the candidates (context for the map)."""
    ids: tuple[int, ...]
    """The store id of each text of the run."""
    passages: tuple[Passage, ...] = ()
    """The passage of each text of the run (source and place, for exports and citations)."""
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """The metadata filter the store applied (field, allowed values); empty for none."""


@dataclass(frozen=True)
class SearchRun:
    """The vectors behind one search, and what it cost."""

    query: str
    instruction: str | None
    query_input: str
    """The exact text the model read for the query (instruction included)."""
    texts: tuple[str, ...]
    origins: tuple[str, ...]
    """Where each text came from (``"manual.pdf · page 3"``); empty for typed lines."""
    fingerprint: str
    """The embedder's :attr:`~semsearch.encoding.embedder.Embedder.fingerprint` (model, dim...)."""
    kb_embeddings: np.ndarray
    """float32 [len(texts), dim], unit rows."""
    query_vector: np.ndarray
    """float32 [dim], unit length."""
    kb_token_counts: np.ndarray
    query_token_count: int
    max_length: int
    encoded: int
    """Knowledge-base texts (distinct) that went through the model for this search."""
    reused: int
    """Knowledge-base texts answered from the cache."""
    seconds: float
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Unique per search: names the GPU copy of its vectors."""
    scope: BaseScope | None = None
    """Set when the texts are candidates from a saved base rather than all of it."""

    @property
    def truncated(self) -> list[int]:
        """Indices of the texts longer than the cap: the model saw only their start."""
        return [int(i) for i in np.flatnonzero(self.kb_token_counts > self.max_length)]


def run_search(
    embedder: Embedder,
    cache: VectorCache,
    texts: Sequence[str],
    query: str,
    *,
    instruction: str | None = None,
    origins: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> SearchRun:
    """Embed ``texts`` (only the new ones) and ``query``, returning the snapshot."""
    started = time.perf_counter()
    documents = cache.embed(embedder, texts, kind="document", progress=progress)
    question = cache.embed(embedder, [query], kind="query", instruction=instruction)
    return SearchRun(
        query=query,
        instruction=instruction,
        query_input=embedder.model_input(query, kind="query", instruction=instruction),
        texts=tuple(texts),
        origins=tuple(origins) if origins is not None else ("",) * len(texts),
        fingerprint=embedder.fingerprint,
        kb_embeddings=documents.embedding.vectors,
        query_vector=question.embedding.vectors[0],
        kb_token_counts=documents.embedding.token_counts,
        query_token_count=int(question.embedding.token_counts[0]),
        max_length=embedder.max_length,
        encoded=documents.encoded,
        reused=documents.reused,
        seconds=time.perf_counter() - started,
    )


def run_base_search(
    embedder: Embedder,
    store: VectorStore,
    base: str,
    query: str,
    *,
    instruction: str | None = None,
    candidates: int | None = None,
    sample: int | None = None,
    where: Where | None = None,
    seed: int = 0,
) -> SearchRun:
    """Search the saved base ``base`` for ``query``, keeping a bounded candidate set.

    Only the query is encoded. The store ranks the whole base; the run keeps its best
    ``candidates`` passages (default :data:`DEFAULT_CANDIDATES`; so any top-k and threshold
    up to that many results is the exact answer) and ``sample`` more drawn at random
    (default :data:`DEFAULT_SAMPLE`; seeded: the same each rerun), with their vectors, for
    the views. Memory is bounded by ``candidates + sample`` rows, whatever the base's size.
    With a filter (``where``, see :mod:`semsearch.retrieval.filters`) the store ranks only
    the passages that match, and no sample is drawn (it could hold passages that do not).
    """
    started = time.perf_counter()
    candidates = DEFAULT_CANDIDATES if candidates is None else candidates
    sample = DEFAULT_SAMPLE if sample is None else sample
    question = embedder.embed([query], kind="query", instruction=instruction)
    query_vector = question.vectors[0]
    fields = check_where(where)
    hits = store.search(base, query_vector, top_k=candidates, where=fields or None)
    best = [hit.id for hit in hits]
    total = store.count(base)
    chosen = set(best)
    rest = max(0, min(sample, total - len(chosen)))
    extra: list[int] = []
    if rest and not fields:
        rng = np.random.default_rng(seed)
        for draw in rng.permutation(total)[: rest + len(chosen)]:
            if int(draw) not in chosen:
                extra.append(int(draw))
            if len(extra) == rest:
                break
    ids = best + sorted(extra)
    passages = [hit.passage for hit in hits] + store.passages(base, sorted(extra))
    vectors = (
        normalise(store.vectors(base, ids), embedder.dim)
        if ids
        else np.zeros((0, embedder.dim), dtype=np.float32)
    )
    return SearchRun(
        query=query,
        instruction=instruction,
        query_input=embedder.model_input(query, kind="query", instruction=instruction),
        texts=tuple(p.text for p in passages),
        origins=tuple(p.origin for p in passages),
        fingerprint=embedder.fingerprint,
        kb_embeddings=vectors,
        query_vector=query_vector,
        kb_token_counts=np.zeros(len(ids), dtype=np.int64),
        query_token_count=int(question.token_counts[0]),
        max_length=embedder.max_length,
        encoded=0,
        reused=len(ids),
        seconds=time.perf_counter() - started,
        scope=BaseScope(
            base, total, len(best), len(extra), tuple(ids), tuple(passages), tuple(fields.items())
        ),
    )


def needs_encoding(
    embedder: Embedder,
    cache: VectorCache,
    texts: Sequence[str],
    query: str,
    *,
    instruction: str | None = None,
) -> int:
    """How many texts (query included) a :func:`run_search` with these inputs would encode."""
    documents = cache.missing(embedder, texts, kind="document")
    return documents + cache.missing(embedder, [query], kind="query", instruction=instruction)
