"""Does it work on my data? The model, BM25, the hybrid (and the reranker) on your labels.

The Calibrate tab's relevance labels are the judgements: each labelled query is ranked
over the search's passages by every method, and recall@k, MRR@10 and nDCG@10 are shown side
by side, with the relevant passages each method left out of its top k. The numbers come
from :mod:`semsearch.analysis.evaluation`; only the labelled queries are encoded here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from semsearch.analysis.evaluation import Evaluation, Rerank, evaluate, judgements_from_labels
from semsearch.answers.reranker import DEFAULT_RERANKER
from semsearch.errors import SemsearchError
from semsearch.page.state import Kept
from semsearch.page.words import t
from semsearch.settings import Settings

from .context import ViewContext, page_state, plain, short
from .rerank import shared_reranker


def evaluate_view(ctx: ViewContext) -> None:
    """The metrics table and the misses, for the labels that name passages of this search."""
    run = ctx.run
    state = page_state()
    labels = dict(state.labels)
    judgements = judgements_from_labels(labels, run.texts)
    if not judgements.relevant:
        st.info(t("eval_none"))
        return
    if run.scope is not None:
        st.info(t("eval_scope", count=len(run.texts)))
    k = ctx.top_k
    rerank = _reranker(ctx) if state.rerank else None
    key = (run.key, frozenset(labels.items()), k, rerank is not None)

    def compute() -> Evaluation:
        queries = ctx.cache.embed(
            ctx.embedder, judgements.queries, kind="query", instruction=run.instruction
        ).embedding.vectors
        return evaluate(run.texts, run.kb_embeddings, judgements, queries, k=k, rerank=rerank)

    try:
        with st.spinner():
            result = state.remembered(Kept.EVALUATION, key, compute)
    except (SemsearchError, RuntimeError) as error:
        st.error(plain(error))
        return
    st.caption(t("eval_caption", passages=len(run.texts), k=k))
    st.text(t("eval_queries", count=result.queries))
    if judgements.unmatched:
        st.caption(t("eval_unmatched", count=len(judgements.unmatched)))
    names = {
        "model": t("eval_model"), "bm25": t("eval_bm25"),
        "hybrid": t("eval_hybrid"), "reranker": t("eval_reranker"),
    }  # fmt: skip
    table = pd.DataFrame(
        {
            t("eval_method"): [names[m.method] for m in result.methods],
            f"recall@{k}": [m.recall for m in result.methods],
            "MRR@10": [m.mrr for m in result.methods],
            "nDCG@10": [m.ndcg for m in result.methods],
        }
    )
    st.dataframe(table, hide_index=True, key="eval_table")
    st.markdown(f"**{t('eval_misses', k=k)}**")
    if not result.misses:
        st.success(t("eval_no_misses", k=k))
        return
    misses = pd.DataFrame(
        {
            t("eval_query"): [miss.query for miss in result.misses],
            t("eval_method"): [names[miss.method] for miss in result.misses],
            t("eval_rank"): [
                str(miss.rank) if miss.rank else t("eval_not_ranked") for miss in result.misses
            ],
            t("col_text"): [short(run.texts[miss.passage]) for miss in result.misses],
        }
    )
    st.dataframe(misses, hide_index=True, key="eval_misses_table")


def _reranker(ctx: ViewContext) -> Rerank | None:
    """The page's reranker as a scoring function, or None when it cannot load (said)."""
    spec = Settings.from_env().reranker or DEFAULT_RERANKER
    try:
        model = shared_reranker(spec, ctx.embedder.device, ctx.embedder.dtype)
    except (SemsearchError, RuntimeError) as error:
        st.warning(t("rerank_failed", cause=plain(error)))
        return None
    return lambda query, texts: model.score(query, texts)
