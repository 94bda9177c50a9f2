"""Similarity heatmaps: the query against each line, and the lines against each other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.page.words import t

from .context import ViewContext, rounded, short

HEATMAP_LINES = 200


def heatmap_view(ctx: ViewContext) -> None:
    """Up to 200 lines, best-scoring first; cosine as colour, texts on hover."""
    run = ctx.run
    st.caption(t("heat_intro"))
    scores = ctx.index.scores(run.query_vector)
    order = np.argsort(-scores, kind="stable")[:HEATMAP_LINES]
    if len(run.texts) > HEATMAP_LINES:
        st.caption(t("heat_limited", shown=len(order), total=len(run.texts)))
    labels = [f"{i + 1}" for i in order]
    texts = [short(run.texts[i], 80) for i in order]
    colour = {"field": "cosine", "type": "quantitative", "scale": {"scheme": "blues"},
              "title": t("col_cosine")}  # fmt: skip

    st.markdown(f"**{t('heat_query')}**")
    query_row = pd.DataFrame(
        {"row": "query", "line": labels, "text": texts, "cosine": rounded(scores[order])}
    )
    st.vega_lite_chart(
        query_row,
        {
            "mark": "rect",
            "encoding": {
                "x": {
                    "field": "line",
                    "type": "ordinal",
                    "sort": None,
                    "title": t("col_line"),
                },
                "y": {"field": "row", "type": "nominal", "title": None, "axis": None},
                "color": colour,
                "tooltip": [
                    {"field": "line", "title": t("col_line")},
                    {"field": "text", "title": t("col_text")},
                    {"field": "cosine", "title": t("col_cosine")},
                ],
            },
        },
        width="stretch",
        height=90,
        key="heat_query_chart",
    )

    st.markdown(f"**{t('heat_kb')}**")
    vectors = run.kb_embeddings[order]
    grid = vectors @ vectors.T
    rows, cols = np.meshgrid(np.arange(len(order)), np.arange(len(order)), indexing="ij")
    pairs = pd.DataFrame(
        {
            "a": np.asarray(labels)[rows.ravel()],
            "b": np.asarray(labels)[cols.ravel()],
            "text_a": np.asarray(texts, dtype=object)[rows.ravel()],
            "text_b": np.asarray(texts, dtype=object)[cols.ravel()],
            "cosine": rounded(grid.ravel()),
        }
    )
    st.vega_lite_chart(
        pairs,
        {
            "height": 420,
            "mark": "rect",
            "encoding": {
                "x": {"field": "a", "type": "ordinal", "sort": None, "title": t("col_line")},
                "y": {"field": "b", "type": "ordinal", "sort": None, "title": t("col_line")},
                "color": colour,
                "tooltip": [
                    {"field": "text_a", "title": t("heat_text_column")},
                    {"field": "text_b", "title": t("heat_text_row")},
                    {"field": "cosine", "title": t("col_cosine")},
                ],
            },
        },
        width="stretch",
        key="heat_kb_chart",
    )
