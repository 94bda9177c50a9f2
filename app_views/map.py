"""The embedding map: lines and the query as points in two dimensions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.analysis.projection import available_methods, project_2d, sample_for_map
from semsearch.page.i18n import t
from semsearch.page.state import Kept, Keys

from .context import ViewContext, page_state, short

MAP_LIMIT = 5000


def map_view(ctx: ViewContext) -> None:
    """PCA (or UMAP) of the sampled lines plus the query; colour = score, ring = passes."""
    lang, run = ctx.lang, ctx.run
    st.caption(t(lang, "map_intro"))
    total = len(run.texts)
    if total < 3:
        st.info(t(lang, "map_too_few"))
        return
    methods = available_methods()
    method = st.radio(
        t(lang, "map_method"), methods, key=Keys.MAP_METHOD, horizontal=True, format_func=str.upper
    )
    scores = ctx.index.scores(run.query_vector)
    top = np.argsort(-scores)[: max(ctx.top_k, 20)]
    shown = sample_for_map(total, keep=top.tolist(), limit=MAP_LIMIT)
    if total > MAP_LIMIT:
        st.caption(t(lang, "map_sampled", total=total, shown=len(shown)))

    def project() -> np.ndarray:
        vectors = np.vstack([run.kb_embeddings[shown], run.query_vector[None, :]])
        return project_2d(vectors, method=str(method))

    points = page_state().remembered(Kept.MAP_POINTS, (run.key, method), project)
    passes = scores[shown] >= ctx.threshold
    lines = pd.DataFrame(
        {
            "x": points[:-1, 0],
            "y": points[:-1, 1],
            "line": shown + 1,
            "text": [short(run.texts[i], 100) for i in shown],
            "score": scores[shown].round(4),
            "status": np.where(passes, t(lang, "map_passes"), t(lang, "map_below")),
        }
    )
    query = pd.DataFrame(
        {"x": [points[-1, 0]], "y": [points[-1, 1]], "text": [short(run.query, 100)]}
    )
    # The results on the page, numbered on the map as in the list.
    hits = ctx.index.search(run.query_vector, top_k=ctx.top_k, threshold=ctx.threshold)
    position = {int(index): row for row, index in enumerate(shown)}
    ranks = pd.DataFrame(
        {
            "x": [points[position[h.index], 0] for h in hits],
            "y": [points[position[h.index], 1] for h in hits],
            "rank": [f"#{n}" for n in range(1, len(hits) + 1)],
        }
    )
    tooltip = [
        {"field": "line", "type": "quantitative", "title": t(lang, "col_line")},
        {"field": "text", "type": "nominal", "title": t(lang, "col_text")},
        {"field": "score", "type": "quantitative", "title": t(lang, "col_score"), "format": ".4f"},
    ]
    # Lines at or above the threshold get a dark ring; the others none.
    ring = {
        "domain": [t(lang, "map_passes"), t(lang, "map_below")],
        "range": ["#212121", "transparent"],
    }
    spec = {
        "height": 480,
        "layer": [
            {
                "data": {"name": "lines"},
                "mark": {"type": "point", "filled": True, "size": 80},
                "params": [{"name": "zoom", "select": "interval", "bind": "scales"}],
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", "title": None},
                    "y": {"field": "y", "type": "quantitative", "title": None},
                    "color": {"field": "score", "type": "quantitative",
                              "scale": {"scheme": "viridis"}, "title": t(lang, "col_score")},
                    "stroke": {"field": "status", "type": "nominal", "title": None, "scale": ring},
                    "strokeWidth": {"value": 2},
                    "tooltip": tooltip,
                },
            },
            {
                "data": {"name": "ranks"},
                "mark": {"type": "text", "dx": 12, "dy": -10, "fontWeight": "bold"},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "text": {"field": "rank"},
                },
            },
            {
                "data": {"name": "query"},
                "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 260,
                         "color": "#d32f2f"},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "tooltip": [{"field": "text", "title": t(lang, "map_query")}],
                },
            },
        ],
    }  # fmt: skip
    spec["datasets"] = {"lines": lines, "ranks": ranks, "query": query}
    st.vega_lite_chart(None, spec, width="stretch", key="map_chart")
