"""The optional second stage: Qwen3-Reranker over the top candidates of the embedding."""

from __future__ import annotations

import streamlit as st

from semsearch.answers.reranker import DEFAULT_RERANKER, Reranker
from semsearch.encoding.embedder import Embedder
from semsearch.errors import SemsearchError
from semsearch.page.i18n import t
from semsearch.page.state import Kept
from semsearch.retrieval.ranking import Hit
from semsearch.retrieval.search import SearchRun
from semsearch.retrieval.vector_index import VectorIndex
from semsearch.settings import Settings

from .context import page_state, plain


@st.cache_resource(max_entries=1, show_spinner=False)
def shared_reranker(spec: str, device: str, dtype: str) -> Reranker:
    """One reranker per process (it has a lock)."""
    return Reranker.load(spec, device=device, dtype=dtype)


def reranked(
    lang: str,
    run: SearchRun,
    index: VectorIndex,
    threshold: float,
    top_k: int,
    candidates: int,
    device: str,
    dtype: str,
) -> tuple[list[Hit], dict[int, float]] | None:
    """The top ``candidates`` by embedding, reordered by the reranker, cut to ``top_k``.

    Returns the hits (with their embedding scores) and the reranker score of each, or None
    when the reranker cannot be used (the page then says why and keeps the embedding order).
    Scores are kept per passage for the latest search, so moving the slider does not rerank
    again.
    """
    pool = index.search(run.query_vector, top_k=candidates, threshold=threshold)
    spec = Settings.from_env().reranker or DEFAULT_RERANKER
    # Per passage text, for this search and reranker only: a new search starts afresh.
    known: dict[str, float] = page_state().remembered(Kept.RERANK_SCORES, (run.key, spec), dict)
    todo = [hit for hit in pool if run.texts[hit.index] not in known]
    if todo:
        try:
            with st.spinner(t(lang, "rerank_loading")):
                model = shared_reranker(spec, device, dtype)
            scores = model.score(run.query, [run.texts[hit.index] for hit in todo])
        except (SemsearchError, RuntimeError) as error:
            st.warning(t(lang, "rerank_failed", cause=plain(error)))
            return None
        for hit, score in zip(todo, scores, strict=True):
            known[run.texts[hit.index]] = float(score)
    judged = {hit.index: known[run.texts[hit.index]] for hit in pool}
    order = sorted(pool, key=lambda hit: (-judged[hit.index], hit.index))
    return order[:top_k], judged


def ranked_hits(
    lang: str,
    run: SearchRun,
    index: VectorIndex,
    threshold: float,
    top_k: int,
    embedder: Embedder | None,
) -> tuple[list[Hit], dict[int, float]]:
    """The results to show, and the reranker's scores when the second stage is on."""
    state = page_state()
    if state.rerank and embedder is not None:
        candidates = max(state.rerank_candidates, top_k)
        second = reranked(
            lang, run, index, threshold, top_k, candidates, embedder.device, embedder.dtype
        )
        if second is not None:
            return second
    return index.search(run.query_vector, top_k=top_k, threshold=threshold), {}
