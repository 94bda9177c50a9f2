"""Save, reopen and search knowledge bases with the model that made them, never another.

Glue between the embedder, the vector cache and a store (:mod:`semsearch.retrieval.stores`):
saving encodes what the cache lacks and stores full-size vectors with a content hash per
passage; opening checks that the model in use is the one that made the vectors (same name,
size and length cap; precision may differ) and hands the vectors to the cache, so that
searching a reopened base encodes nothing but the query; :func:`search_base` ranks in the
store itself, holding none of the base's vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, Progress
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.filters import Where
from semsearch.retrieval.stores.base import (
    BaseInfo,
    BaseSpec,
    SavedBase,
    StoredHit,
    StoreError,
    VectorStore,
)


def model_spec(embedder: Embedder) -> str:
    """How to load ``embedder``'s model again: ``bundled``, its hub id, or its folder."""
    report = embedder.report
    return "bundled" if report is not None and report.how == "bundled" else embedder.name


def content_hash(passage: Passage) -> str:
    """What identifies a stored passage: SHA-256 of its text, source and place.

    The same sentence in two files is two passages, each stored once; an indexing run that
    is interrupted and run again skips every passage already stored by this hash
    (:mod:`semsearch.retrieval.indexing`). The model is not part of it: a base is bound to
    its model as a whole (:func:`mismatch`).
    """
    payload = "\x1f".join((passage.text, passage.source, passage.place))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def base_spec(name: str, embedder: Embedder, settings: dict[str, Any] | None = None) -> BaseSpec:
    """What a new base made by ``embedder`` is bound to."""
    return BaseSpec(
        name=name, model=embedder.name, model_spec=model_spec(embedder),
        native_dim=embedder.native_dim, dim=embedder.dim, max_length=embedder.max_length,
        dtype=embedder.dtype, settings=dict(settings or {}),
    )  # fmt: skip


def mismatch(info: BaseInfo, embedder: Embedder) -> str | None:
    """Why ``embedder`` cannot search the base ``info`` describes, or None when it can."""
    made = (info.model, info.native_dim, info.max_length)
    here = (embedder.name, embedder.native_dim, embedder.max_length)
    if made == here:
        return None
    return (
        f"{info.name!r} was encoded by {info.model} ({info.native_dim} dimensions, "
        f"{info.max_length}-token cap); the model in use is {embedder.name} "
        f"({embedder.native_dim} dimensions, {embedder.max_length}-token cap). Load that model "
        f"({info.model_spec}) with that cap, or encode the base again with this one."
    )


def save_base(
    store: VectorStore,
    name: str,
    embedder: Embedder,
    passages: Sequence[Passage],
    cache: VectorCache,
    *,
    settings: dict[str, Any] | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> BaseInfo:
    """Encode what ``cache`` lacks, then save ``passages`` and their vectors as ``name``."""
    full = embedder.with_options(dim=embedder.native_dim)
    texts = [p.text for p in passages]
    encoded = cache.embed(full, texts, progress=progress).embedding
    return store.save(
        base_spec(name, embedder, settings),
        passages,
        encoded.vectors,
        encoded.token_counts.tolist(),
        [content_hash(passage) for passage in passages],
        replace=replace,
    )


def read_base(store: VectorStore, name: str) -> SavedBase:
    """The whole base ``name`` in memory (the embedded store hands its shared mapping)."""
    return store.load(name)


def open_base(store: VectorStore, name: str, embedder: Embedder, cache: VectorCache) -> SavedBase:
    """Read the base ``name`` and put its vectors in ``cache`` for ``embedder``.

    Raises:
        StoreError: there is no such base, or ``embedder`` is not the model that made it.
    """
    reason = mismatch(store.info(name), embedder)
    if reason:
        raise StoreError(reason)
    saved = read_base(store, name)
    texts = [p.text for p in saved.passages]
    cache.store(embedder, texts, saved.vectors, saved.token_counts.tolist())
    return saved


def search_base(
    store: VectorStore,
    name: str,
    embedder: Embedder,
    query: str,
    *,
    top_k: int,
    threshold: float | None = None,
    where: Where | None = None,
    instruction: str | None = None,
    cache: VectorCache | None = None,
) -> list[StoredHit]:
    """Encode ``query`` at ``embedder``'s dimension and rank the base in the store.

    ``where`` keeps only matching passages (:mod:`semsearch.retrieval.filters`).
    ``cache``: where the query's vector is looked up first and kept (with a disk cache,
    the page's and the command line's questions are each encoded once).

    Raises:
        StoreError: no such base, or ``embedder`` is not the model that made it.
    """
    reason = mismatch(store.info(name), embedder)
    if reason:
        raise StoreError(reason)
    vector = query_vector(embedder, query, instruction=instruction, cache=cache)
    return store.search(name, vector, top_k=top_k, threshold=threshold, where=where)


def query_vector(
    embedder: Embedder,
    query: str,
    *,
    instruction: str | None = None,
    cache: VectorCache | None = None,
) -> np.ndarray:
    """``query``'s unit vector at ``embedder``'s dimension, from ``cache`` when it has it."""
    if cache is None:
        return embedder.encode_queries([query], instruction=instruction)[0]
    found = cache.embed(embedder, [query], kind="query", instruction=instruction)
    return found.embedding.vectors[0]


def embedder_for(
    info: BaseInfo,
    *,
    device: str | None = None,
    embed_url: str | None = None,
    on_load: Callable[[], None] | None = None,
) -> Embedder:
    """The model that made a base, at its dimension and length cap.

    A local model is loaded only when a text must be encoded
    (:func:`~semsearch.encoding.deferred.deferred_embedder`; ``on_load`` runs just
    before), so a query found in a cache costs no model. With an embedding server
    (``embed_url`` or ``SEMSEARCH_EMBED_URL``) it must serve the model under the name the
    base records.

    Raises:
        ModelLoadError: the model cannot be found (or, deferred, loaded when first used).
        StoreError: what loads is not the model the base was made with.
    """
    from semsearch.encoding.loading import load_embedder
    from semsearch.settings import Settings

    if not (embed_url or Settings.from_env().embed.url):
        from semsearch.encoding.deferred import deferred_embedder

        deferred = deferred_embedder(
            info.model_spec, native_dim=info.native_dim, dim=info.dim,
            max_length=info.max_length, device=device, on_load=on_load,
        )  # fmt: skip
        reason = mismatch(info, deferred)
        if reason:
            raise StoreError(reason)
        return deferred

    embedder = load_embedder(
        info.model_spec,
        device=device,
        dim=info.dim,
        max_length=info.max_length,
        embed_url=embed_url,
    )
    reason = mismatch(info, embedder)
    if reason:
        raise StoreError(reason)
    return embedder


def passages_from_lines(lines: Sequence[str]) -> list[Passage]:
    """Typed lines as passages (their place is the line number among non-blank lines)."""
    return [Passage(text, "", f"line {n}") for n, text in enumerate(lines, 1)]
