"""Keyword vs meaning: BM25 beside the model, with what only one of them finds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.analysis.keywords import KeywordIndex
from semsearch.page.state import Kept, Keys
from semsearch.page.words import t
from semsearch.retrieval.ranking import reciprocal_rank_fusion, top_hits

from .context import ViewContext, hit_table, page_state, rounded, short
from .fit import cannot_read

CHART_POINTS = 1000


def _found_by(in_meaning: bool, in_keywords: bool) -> str:
    if in_meaning and in_keywords:
        return t("kw_both")
    if in_meaning or in_keywords:
        return t("kw_only_meaning") if in_meaning else t("kw_only_keywords")
    return t("kw_neither")


def keywords_view(ctx: ViewContext) -> None:
    """Two ranked lists side by side, a scatter of both scores, and an optional fusion."""
    run = ctx.run
    st.caption(t("kw_intro"))
    state = page_state()
    with st.spinner(t("kw_indexing", count=len(run.texts))):
        index = state.remembered(Kept.KEYWORD_INDEX, run.key, lambda: KeywordIndex(run.texts))
    bm25 = state.remembered(
        Kept.KEYWORD_SCORES, (run.key, run.query), lambda: index.scores(run.query)
    )
    cosine = ctx.index.scores(run.query_vector)

    meaning = ctx.index.search(run.query_vector, top_k=ctx.top_k, threshold=ctx.threshold)
    keywords = [hit for hit in top_hits(bm25, top_k=ctx.top_k) if hit.score > 0]
    meaning_set = {hit.index for hit in meaning}
    keyword_set = {hit.index for hit in keywords}

    # One above the other: each table needs the page's width for its texts.
    left = right = st.container()
    left.markdown(f"**{t('kw_meaning')}**")
    left.dataframe(
        hit_table(
            run.texts,
            meaning,
            {
                t("col_cosine"): [round(hit.score, 4) for hit in meaning],
                t("col_found"): [_found_by(True, hit.index in keyword_set) for hit in meaning],
            },
        ),
        hide_index=True,
        key="kw_meaning_table",
    )
    right.markdown(f"**{t('kw_keywords')}**")
    if keywords:
        right.dataframe(
            hit_table(
                run.texts,
                keywords,
                {
                    t("col_bm25"): [round(hit.score, 3) for hit in keywords],
                    t("col_terms"): [
                        ", ".join(index.shared_terms(run.query, hit.index)) for hit in keywords
                    ],
                    t("col_found"): [_found_by(hit.index in meaning_set, True) for hit in keywords],
                },
            ),
            hide_index=True,
            key="kw_keyword_table",
        )
    else:
        right.info(t("kw_none"))
    missed = [hit.index for hit in meaning if bm25[hit.index] == 0]
    if cannot_read(run, ctx.embedder):  # no credit to a model that cannot read the text
        st.info(t("kw_unread"), icon="🌐")
    elif missed:
        st.success(t("kw_lesson", count=len(missed)))

    if st.toggle(t("kw_show_hybrid"), key=Keys.KW_HYBRID):
        depth = max(50, ctx.top_k)
        fused = reciprocal_rank_fusion(
            [
                [h.index for h in top_hits(cosine, depth)],
                [h.index for h in top_hits(bm25, depth) if h.score > 0],
            ],
            top_k=ctx.top_k,
        )
        st.markdown(f"**{t('kw_hybrid')}**")
        st.dataframe(
            hit_table(
                run.texts,
                fused,
                {
                    "RRF": [round(hit.score, 5) for hit in fused],
                    t("col_cosine"): [round(float(cosine[hit.index]), 4) for hit in fused],
                    t("col_bm25"): [round(float(bm25[hit.index]), 3) for hit in fused],
                },
            ),
            hide_index=True,
            key="kw_hybrid_table",
        )
    _scatter(ctx, cosine, bm25, meaning_set, keyword_set)


def _scatter(
    ctx: ViewContext, cosine: np.ndarray, bm25: np.ndarray, meaning: set[int], keywords: set[int]
) -> None:
    texts = ctx.run.texts
    best = np.argpartition(-cosine, 300)[:300] if len(cosine) > 300 else np.arange(len(cosine))
    shown = np.union1d(np.flatnonzero(bm25 > 0), best)[:CHART_POINTS]
    found = [_found_by(i in meaning, i in keywords) for i in shown]
    data = pd.DataFrame(
        {
            "line": shown + 1,
            "text": [short(texts[i], 100) for i in shown],
            "bm25": rounded(bm25[shown], 3),
            "cosine": rounded(cosine[shown]),
            "found": found,
        }
    )
    st.caption(t("kw_chart"))
    names = ["kw_both", "kw_only_meaning", "kw_only_keywords", "kw_neither"]
    colours = ["#1565c0", "#2e7d32", "#ef6c00", "#bdbdbd"]
    palette = {"domain": [t(name) for name in names], "range": colours}
    spec = {
        "mark": {"type": "circle", "size": 70, "opacity": 0.8},
        "params": [{"name": "zoom", "select": "interval", "bind": "scales"}],
        "encoding": {
            "x": {"field": "bm25", "type": "quantitative", "title": t("col_bm25")},
            "y": {"field": "cosine", "type": "quantitative", "title": t("col_cosine")},
            "color": {
                "field": "found",
                "type": "nominal",
                "title": t("col_found"),
                "scale": palette,
            },
            "tooltip": [
                {"field": "line", "type": "quantitative", "title": t("col_line")},
                {"field": "text", "type": "nominal", "title": t("col_text")},
                {"field": "cosine", "type": "quantitative", "title": t("col_cosine")},
                {"field": "bm25", "type": "quantitative", "title": t("col_bm25")},
            ],
        },
    }
    st.vega_lite_chart(data, spec, width="stretch", key="kw_chart")
