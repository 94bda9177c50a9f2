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
from semsearch.retrieval.search import SearchRun, needs_encoding, run_search


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

    @classmethod
    def on_page(
        cls, state: PageState, passages: list[Passage], instruction: str | None
    ) -> SearchInputs:
        """The inputs the page shows: ``passages`` (remembered columns) and the query box."""
        texts, origins = passage_columns(state, passages)
        return cls(texts, origins, state.query.strip(), instruction)


def freshness(
    run: SearchRun, inputs: SearchInputs, embedder: Embedder | None, cache: VectorCache
) -> Freshness:
    """Whether ``run`` answers ``inputs`` under ``embedder`` (``None``: no model loaded)."""
    model = embedder.fingerprint if embedder else None
    if (inputs.texts, inputs.origins, inputs.query, inputs.instruction, model) == (
        run.texts, run.origins, run.query, run.instruction, run.fingerprint
    ):  # fmt: skip
        return Freshness.CURRENT
    if embedder is None or not inputs.texts or not inputs.query:
        return Freshness.STALE
    if needs_encoding(embedder, cache, inputs.texts, inputs.query, instruction=inputs.instruction):
        return Freshness.STALE
    return Freshness.REFRESHABLE


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
    state: PageState, embedder: Embedder, inputs: SearchInputs, progress: Progress | None = None
) -> SearchRun:
    """Run a search on ``inputs`` through the session's vector cache (only new texts encode)."""
    return run_search(
        embedder,
        state.vector_cache,
        inputs.texts,
        inputs.query,
        instruction=inputs.instruction,
        origins=inputs.origins,
        progress=progress,
    )
