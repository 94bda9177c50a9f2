"""The prototype path in a few calls: create or open a knowledge base, add documents, search.

::

    import semsearch

    embedder = semsearch.load_embedder("bundled")
    base = semsearch.create_base("faq", embedder, store="sqlite:/tmp/bases")
    base.add(["Oranges are rich in vitamin C.", "Hold the reset button for ten seconds."])
    base.search("Which fruit has vitamin C?", top_k=1)

A :class:`KnowledgeBase` is a saved base in any store (the embedded SQLite default, Milvus
Lite, a Milvus server: :func:`~semsearch.retrieval.stores.open_store`) bound to the embedder
that made its vectors: adding encodes only what its vector cache has not seen and stores full-size
vectors; searching ranks by the model in the store (``method="model"``), by keywords
(``"bm25"``) or by both fused (``"hybrid"``, reciprocal rank fusion), always after a
metadata filter (``where``). It is glue over :mod:`semsearch.retrieval.library`, the
stores and the keyword index; it adds no ranking of its own.

What it does not do: read files or cut them into passages (see
:func:`semsearch.documents.read_document` and :func:`semsearch.documents.chunk_documents`,
or ``semsearch index`` for folders), or hold a base's vectors in memory (the store ranks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, Progress
from semsearch.encoding.vector_cache import VectorCache
from semsearch.errors import InvalidArgumentError, check_unicode
from semsearch.retrieval.filters import Where, check_where, matches
from semsearch.retrieval.library import (
    base_spec,
    content_hash,
    embedder_for,
    mismatch,
    search_base,
)
from semsearch.retrieval.ranking import reciprocal_rank_fusion
from semsearch.retrieval.stores import BaseInfo, StoredHit, StoreError, VectorStore, open_store

Method = Literal["model", "bm25", "hybrid"]
METHODS: tuple[Method, ...] = ("model", "bm25", "hybrid")
"""The ways :meth:`KnowledgeBase.search` ranks: the embedding model, BM25, or both fused."""
FUSION_DEPTH = 100
"""Candidates each method contributes to the hybrid ranking (at least ``top_k``)."""


class KnowledgeBase:
    """A saved knowledge base and the embedder that made it; safe to share between threads.

    Build one with :func:`create_base` or :func:`open_base`. Ids are positions: the n-th
    passage added has id n - 1, in every store.
    """

    def __init__(
        self,
        store: VectorStore,
        name: str,
        embedder: Embedder,
        cache: VectorCache | None = None,
    ) -> None:
        reason = mismatch(store.info(name), embedder)
        if reason:
            raise StoreError(reason)
        self.store = store
        self.name = name
        self.embedder = embedder
        self.cache = cache if cache is not None else VectorCache()

    def __repr__(self) -> str:
        return f"KnowledgeBase({self.name!r}, {len(self)} passages, {self.store.uri})"

    def __len__(self) -> int:
        return self.store.count(self.name)

    @property
    def info(self) -> BaseInfo:
        """What the base holds now and how its vectors were made."""
        return self.store.info(self.name)

    def add(
        self, documents: Iterable[str | Passage], *, progress: Progress | None = None
    ) -> list[int]:
        """Encode and store ``documents`` (texts, or passages with their source and fields).

        A plain text becomes a passage without a source, placed as ``line N`` (its position
        in the base). Durable on return; returns the new ids.

        Raises:
            InvalidArgumentError: an empty text, or text that is not valid Unicode.
            StoreError: the store refuses the rows (a full disk, a read-only folder).
        """
        start = len(self)
        passages = [
            doc if isinstance(doc, Passage) else Passage(doc, "", f"line {start + n + 1}")
            for n, doc in enumerate(documents)
        ]
        for n, passage in enumerate(passages):
            check_unicode(passage.text, f"Document {n + 1}")
            if not passage.text.strip():
                raise InvalidArgumentError(f"Document {n + 1} is empty; give it some text.")
        if not passages:
            return []
        full = self.embedder.with_options(dim=self.embedder.native_dim)
        encoded = self.cache.embed(full, [p.text for p in passages], progress=progress).embedding
        return self.store.add(
            self.name,
            passages,
            encoded.vectors,
            encoded.token_counts.tolist(),
            [content_hash(passage) for passage in passages],
        )

    def search(
        self,
        query: str,
        *,
        top_k: int = 5,
        threshold: float | None = None,
        where: Where | None = None,
        method: Method = "model",
        instruction: str | None = None,
    ) -> list[StoredHit]:
        """The ``top_k`` best passages for ``query``, best first, among those ``where`` keeps.

        ``method``: ``model`` (cosine of the embedder's vectors, ranked in the store; a hit
        scores at least ``threshold`` when one is given), ``bm25`` (keywords; the score is
        BM25's, passages sharing no term with the query left out) or ``hybrid`` (the model's
        and BM25's best :data:`FUSION_DEPTH` fused by reciprocal rank, k = 60; the score is
        the fused one, and ``threshold`` applies to the model's candidates).
        ``instruction``: the query's task for instruction-aware models (``None``: the
        default task).

        Raises:
            InvalidArgumentError: an unknown method, ``top_k`` below 1, or a filter on a
                field that cannot be filtered.
        """
        if method not in METHODS:
            raise InvalidArgumentError(
                f"Unknown search method {method!r}; use {', '.join(METHODS)}."
            )
        if top_k < 1:
            raise InvalidArgumentError(f"top_k must be at least 1, got {top_k}.")
        if method == "model":
            return self._model(query, top_k, threshold, where, instruction)
        keywords = self._keywords(query, where)
        if method == "bm25":
            return keywords[:top_k]
        depth = max(top_k, FUSION_DEPTH)
        model = self._model(query, depth, threshold, where, instruction)
        found = {hit.id: hit.passage for hit in [*model, *keywords]}
        fused = reciprocal_rank_fusion(
            [[hit.id for hit in model], [hit.id for hit in keywords[:depth]]], top_k=top_k
        )
        return [StoredHit(hit.index, hit.score, found[hit.index]) for hit in fused]

    def _model(
        self,
        query: str,
        top_k: int,
        threshold: float | None,
        where: Where | None,
        instruction: str | None,
    ) -> list[StoredHit]:
        return search_base(
            self.store,
            self.name,
            self.embedder,
            query,
            top_k=top_k,
            threshold=threshold,
            where=where,
            instruction=instruction,
        )

    def _keywords(self, query: str, where: Where | None) -> list[StoredHit]:
        """Every passage ``where`` keeps that shares a term with ``query``, by BM25."""
        from semsearch.analysis.keywords import KeywordIndex

        checked = check_where(where)
        ids: list[int] = []
        passages: list[Passage] = []
        for rows in self.store.rows(self.name):
            for row_id, passage in zip(rows.ids, rows.passages, strict=True):
                if not checked or matches(passage, checked):
                    ids.append(row_id)
                    passages.append(passage)
        ranked = KeywordIndex([p.text for p in passages]).search(query, top_k=None)
        return [StoredHit(ids[h.index], h.score, passages[h.index]) for h in ranked if h.score > 0]


def _store(store: str | VectorStore | None) -> VectorStore:
    return store if store is not None and not isinstance(store, str) else open_store(store)


def create_base(
    name: str,
    embedder: Embedder,
    *,
    store: str | VectorStore | None = None,
    replace: bool = False,
    settings: dict[str, Any] | None = None,
) -> KnowledgeBase:
    """A new, empty base ``name`` in ``store``, bound to ``embedder``'s model.

    ``store``: a store, or its URI (``sqlite``, ``sqlite:/folder``, ``milvus:/path.db``,
    ``milvus:http://host:19530``); ``None``: ``SEMSEARCH_STORE``, else the data folder.
    ``settings``: how the passages are made, kept with the base (e.g. its chunking).

    Raises:
        StoreError: the name is empty, too long, or taken (without ``replace``).
        SettingsError: ``store`` names no store.
    """
    opened = _store(store)
    opened.create(base_spec(name, embedder, settings), replace=replace)
    return KnowledgeBase(opened, name.strip(), embedder)


def open_base(
    name: str,
    embedder: Embedder | None = None,
    *,
    store: str | VectorStore | None = None,
    device: str | None = None,
) -> KnowledgeBase:
    """The saved base ``name``, with ``embedder``, or else the model that made it loaded.

    Raises:
        StoreError: there is no such base, or ``embedder`` is not the model that made it.
        ModelLoadError: the base's model cannot be loaded.
        SettingsError: ``store`` names no store.
    """
    opened = _store(store)
    if embedder is None:
        embedder = embedder_for(opened.info(name), device=device)
    return KnowledgeBase(opened, name, embedder)
