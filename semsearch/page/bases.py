"""Saved bases on the page: which open into the page and which are searched in their store.

A teacher's base of a few hundred lines opens into the page, editable, searched with the
session's vectors as if typed. A prototyper's base of a million passages cannot: its
vectors would be copied into every session. Above :data:`IN_PAGE_LIMIT` passages a base
stays in its store and each search asks the store (see
:func:`semsearch.retrieval.search.run_base_search`). What it does not do: draw anything.
"""

from __future__ import annotations

from semsearch.encoding.embedder import Embedder
from semsearch.encoding.vector_cache import VectorCache
from semsearch.page.state import OpenedBase
from semsearch.retrieval.library import mismatch, open_base
from semsearch.retrieval.stores.base import BaseInfo, StoreError, VectorStore

IN_PAGE_LIMIT = 20_000
"""Most passages a saved base may have to open into the page (its vectors in the session)."""


def open_on_page(
    store: VectorStore, name: str, embedder: Embedder, cache: VectorCache
) -> tuple[OpenedBase, BaseInfo, str]:
    """Open ``name`` for the page: the opened base, its info, and the typed lines' text.

    Small bases put their vectors in ``cache`` (searching them encodes only the query);
    large ones load nothing but their info.

    Raises:
        StoreError: no such base, or ``embedder`` is not the model that made it.
    """
    info = store.info(name)
    if info.passages > IN_PAGE_LIMIT:
        reason = mismatch(info, embedder)
        if reason:
            raise StoreError(reason)
        return OpenedBase(name, (), in_store=True, total=info.passages), info, ""
    saved = open_base(store, name, embedder, cache)
    typed = "\n".join(p.text for p in saved.passages if not p.source)
    files = tuple(p for p in saved.passages if p.source)
    return OpenedBase(name, files, total=len(saved.passages)), saved.info, typed
