"""Whether the results on the page still answer what the page now asks, and the free refresh.

The page keeps its last search (:class:`~semsearch.retrieval.search.SearchRun`) while the
user edits the knowledge base, the query, the instruction or the model. On each rerun it
asks :func:`freshness`: the results are current, or can be brought up to date from cached
vectors alone (an undo, a line moved back, a setting changed back), or need the model,
which only the Search button may start. What it does not do: encode, or draw the notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, Progress
from semsearch.encoding.vector_cache import VectorCache
from semsearch.page.passages import passage_columns
from semsearch.page.state import PageState
from semsearch.page.words import word_key
from semsearch.retrieval.search import SearchRun, needs_encoding, run_base_search, run_search
from semsearch.retrieval.stores.base import VectorStore


class Freshness(Enum):
    """How the kept search relates to the page's inputs."""

    CURRENT = "current"
    """It was made from exactly these inputs and this model."""
    REFRESHABLE = "refreshable"
    """It was not, but every vector the inputs need is in the cache: re-ranking is free."""
    STALE = "stale"
    """Bringing it up to date needs the model (new texts or query, or no model at all)."""


@dataclass(frozen=True)
class SearchInputs:
    """What a search would be made from now: the knowledge base's columns, query, instruction."""

    texts: tuple[str, ...]
    origins: tuple[str, ...]
    query: str
    """Stripped of surrounding blanks, as it is searched."""
    instruction: str | None
    base: str | None = None
    """A saved base searched in its store instead of ``texts`` (too large for the page)."""

    @classmethod
    def on_page(
        cls, state: PageState, passages: list[Passage], instruction: str | None
    ) -> SearchInputs:
        """The inputs the page shows: ``passages`` (remembered columns) and the query box.

        With a base open in its store, that base is what is searched, not ``passages``.
        """
        opened = state.opened_base
        if opened is not None and opened.in_store:
            return cls((), (), state.query.strip(), instruction, base=opened.name)
        texts, origins = passage_columns(state, passages)
        return cls(texts, origins, state.query.strip(), instruction)


def freshness(
    run: SearchRun, inputs: SearchInputs, embedder: Embedder | None, cache: VectorCache
) -> Freshness:
    """Whether ``run`` answers ``inputs`` under ``embedder`` (``None``: no model loaded)."""
    model = embedder.fingerprint if embedder else None
    if inputs.base is not None or run.scope is not None:
        # A store search is never free: even the same query must ask the store again.
        searched = run.scope.base if run.scope is not None else None
        same = (inputs.base, inputs.query, inputs.instruction, model) == (
            searched,
            run.query,
            run.instruction,
            run.fingerprint,
        )
        return Freshness.CURRENT if same else Freshness.STALE
    if (inputs.texts, inputs.origins, inputs.query, inputs.instruction, model) == (
        run.texts, run.origins, run.query, run.instruction, run.fingerprint
    ):  # fmt: skip
        return Freshness.CURRENT
    if embedder is None or not inputs.texts or not inputs.query:
        return Freshness.STALE
    if needs_encoding(embedder, cache, inputs.texts, inputs.query, instruction=inputs.instruction):
        return Freshness.STALE
    return Freshness.REFRESHABLE


def stale_notice(inputs: SearchInputs) -> str:
    """The words' key of the notice over stale results: what to do before pressing Search.

    An empty knowledge base or question cannot be searched; the notice says to fill it in
    rather than to press a button that would only refuse.
    """
    if inputs.base is None and not inputs.texts:
        return word_key("stale_no_kb")
    if not inputs.query:
        return word_key("stale_no_query")
    return word_key("stale")


def refresh_if_free(
    state: PageState, embedder: Embedder | None, passages: list[Passage], instruction: str | None
) -> bool:
    """Bring the kept search up to date when that needs no encoding; returns whether it is.

    ``False`` also when there is no kept search. A refreshed search replaces the kept one.
    """
    run = state.run
    if run is None:
        return False
    inputs = SearchInputs.on_page(state, passages, instruction)
    verdict = freshness(run, inputs, embedder, state.vector_cache)
    if verdict is Freshness.REFRESHABLE and embedder is not None:
        state.keep_run(search(state, embedder, inputs), passages)
    return verdict is not Freshness.STALE


def search(
    state: PageState,
    embedder: Embedder,
    inputs: SearchInputs,
    progress: Progress | None = None,
    *,
    store: VectorStore | None = None,
) -> SearchRun:
    """Run a search on ``inputs`` through the session's vector cache (only new texts encode).

    A base searched in its store needs that ``store``: only the query is encoded, and the
    run holds the store's candidates, never the whole base.
    """
    if inputs.base is not None:
        if store is None:
            raise ValueError("A search of a saved base in its store needs the store.")
        return run_base_search(
            embedder, store, inputs.base, inputs.query, instruction=inputs.instruction
        )
    return run_search(
        embedder,
        state.vector_cache,
        inputs.texts,
        inputs.query,
        instruction=inputs.instruction,
        origins=inputs.origins,
        progress=progress,
    )
