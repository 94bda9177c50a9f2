"""The results to show: per document or per passage, with Qwen3-Reranker as a second stage.

By default a document (a record, or a paragraph of a file, cut into several passages) is
one result, ranked by its best passage (MaxP, as ``semsearch search`` does); the
workbench's switch lists every passage on its own instead (as ``--passages``).
"""

from __future__ import annotations

import streamlit as st

from semsearch.answers.reranker import DEFAULT_RERANKER, Reranker
from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder
from semsearch.errors import SemsearchError
from semsearch.page.state import Kept
from semsearch.page.words import t
from semsearch.retrieval.grouping import candidate_depth, group_hits, group_key
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
    run: SearchRun,
    index: VectorIndex,
    threshold: float,
    candidates: int,
    device: str,
    dtype: str,
) -> tuple[list[Hit], dict[int, float]] | None:
    """The top ``candidates`` by embedding, reordered by the reranker (the caller cuts).

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
            with st.spinner(t("rerank_loading")):
                model = shared_reranker(spec, device, dtype)
            scores = model.score(run.query, [run.texts[hit.index] for hit in todo])
        except (SemsearchError, RuntimeError) as error:
            st.warning(t("rerank_failed", cause=plain(error)))
            return None
        for hit, score in zip(todo, scores, strict=True):
            known[run.texts[hit.index]] = float(score)
    judged = {hit.index: known[run.texts[hit.index]] for hit in pool}
    order = sorted(pool, key=lambda hit: (-judged[hit.index], hit.index))
    return order, judged


def ranked_hits(
    run: SearchRun,
    index: VectorIndex,
    threshold: float,
    top_k: int,
    embedder: Embedder | None,
    passages: list[Passage],
) -> tuple[list[Hit], dict[int, float], dict[int, tuple[Hit, ...]]]:
    """The results to show, the reranker's scores, and each result's other passages.

    ``passages`` are the run's, in its order. Per document (the page's default), each
    document is one result at the place of its best passage, and the third value holds,
    by result, the document's other passages among the candidates ranked; per passage
    (or without the passages) it is empty.
    """
    state = page_state()
    grouped = state.per_document and len(passages) == len(run.texts)
    order: list[Hit] | None = None
    judged: dict[int, float] = {}
    if state.rerank and embedder is not None:
        candidates = max(state.rerank_candidates, top_k)
        second = reranked(run, index, threshold, candidates, embedder.device, embedder.dtype)
        if second is not None:
            order, judged = second
    if order is None:
        depth = candidate_depth(top_k) if grouped else top_k
        order = index.search(run.query_vector, top_k=depth, threshold=threshold)
    if not grouped:
        return order[:top_k], judged, {}
    keys = [group_key(passages[hit.index], hit.index) for hit in order]
    documents = group_hits(order, keys)[:top_k]
    more = {doc.best.index: doc.more for doc in documents if doc.more}
    return [doc.best for doc in documents], judged, more
