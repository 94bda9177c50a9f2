"""One search as the page runs it: encode what is new, embed the query, keep the result.

The result (:class:`SearchRun`) is a consistent snapshot: the texts, their vectors and the
query vector all belong to the same model, settings and click. Ranking it again with
another threshold or top-k needs no model (see :func:`semsearch.retrieval.ranking.top_hits`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from semsearch.encoding.embedder import Embedder, Progress
from semsearch.encoding.vector_cache import VectorCache


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
