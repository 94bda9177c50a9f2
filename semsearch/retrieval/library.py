"""Save and reopen knowledge bases with the model that made them, never another.

Glue between the embedder, the vector cache and the store: saving encodes what the cache
lacks and stores full-size vectors; opening checks that the model in use is the one that
made the vectors (same name, size and length cap; precision may differ) and hands the
vectors to the cache, so that searching a reopened base encodes nothing but the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, Progress
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.stores.sqlite import BaseInfo, KnowledgeBaseStore, SavedBase, StoreError


def model_spec(embedder: Embedder) -> str:
    """How to load ``embedder``'s model again: ``bundled``, its hub id, or its folder."""
    report = embedder.report
    return "bundled" if report is not None and report.how == "bundled" else embedder.name


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
    store: KnowledgeBaseStore,
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
    encoded = cache.embed(full, [p.text for p in passages], progress=progress).embedding
    return store.save(
        name,
        passages=passages,
        vectors=encoded.vectors,
        token_counts=encoded.token_counts.tolist(),
        model=embedder.name,
        model_spec=model_spec(embedder),
        dim=embedder.dim,
        max_length=embedder.max_length,
        dtype=embedder.dtype,
        settings=settings,
        replace=replace,
    )


def open_base(
    store: KnowledgeBaseStore, name: str, embedder: Embedder, cache: VectorCache
) -> SavedBase:
    """Load the base ``name`` and put its vectors in ``cache`` for ``embedder``.

    Raises:
        StoreError: there is no such base, or ``embedder`` is not the model that made it.
    """
    saved = store.load(name)
    reason = mismatch(saved.info, embedder)
    if reason:
        raise StoreError(reason)
    texts = [p.text for p in saved.passages]
    cache.store(embedder, texts, saved.vectors, saved.token_counts.tolist())
    return saved


def embedder_for(
    info: BaseInfo, *, device: str | None = None, embed_url: str | None = None
) -> Embedder:
    """Load the model that made a base, at its dimension and length cap.

    With an embedding server (``embed_url`` or ``SEMSEARCH_EMBED_URL``) it must serve the
    model under the name the base records.

    Raises:
        ModelLoadError: the model cannot be loaded.
        StoreError: what loads is not the model the base was made with.
    """
    from semsearch.encoding.loading import load_embedder

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
