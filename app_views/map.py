"""The embedding map: lines and the query as points in two dimensions.

Coloured by score or by source file; the query's results are ringed, numbered and joined to
the query; clicking a point lists its nearest neighbours (and rings them on the map). The
projection is remembered per search, method and draw limit, together with the lines it
drew: top-k and the threshold only change what is highlighted, never where a line is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.analysis.projection import (
    DRAW_LIMITS,
    MapLayout,
    available_methods,
    map_layout,
    source_of,
)
from semsearch.analysis.projection_worker import PROCESS as MAPS
from semsearch.errors import SemsearchError
from semsearch.page.limits import projected
from semsearch.page.state import Kept, Keys
from semsearch.page.words import language, t, t_in
from semsearch.retrieval.ranking import Hit
from semsearch.settings import Settings

from .context import ViewContext, hit_table, page_state, plain, rounded, short, table_columns

KEEP_TOP = 100
"""A sampled map always draws this many of the best lines: the most top-k can show."""
NEIGHBOURS = 5
METHOD_NAMES = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
COLOURS = ("score", "source")


def map_view(ctx: ViewContext) -> None:
    """Method and colour pickers, the map, and the clicked point's nearest neighbours."""
    run = ctx.run
    st.caption(t("map_intro"))
    if len(run.texts) < 3:
        st.info(t("map_too_few"))
        return
    pick_method, pick_colour = st.columns(2)
    method = str(pick_method.radio(
        t("map_method"), available_methods(), key=Keys.MAP_METHOD, horizontal=True,
        format_func=METHOD_NAMES.__getitem__, help=t("map_method_help"),
    ))  # fmt: skip
    colours = {c: t("map_colour_score" if c == "score" else "map_colour_source") for c in COLOURS}
    colour = str(pick_colour.radio(
        t("map_colour"), COLOURS, key=Keys.MAP_COLOUR, horizontal=True,
        format_func=colours.__getitem__,
    ))  # fmt: skip
    scores = ctx.index.scores(run.query_vector)
    try:
        layout = _layout(ctx, scores, method)
    except SemsearchError as error:  # the map's worker failed: say so, keep the page
        st.error(t("map_failed", cause=plain(error)))
        return
    if layout.sampled:
        st.caption(t("map_sampled", total=layout.total, shown=len(layout.lines),
                     method=METHOD_NAMES[method]))  # fmt: skip
    hits = ctx.index.search(run.query_vector, top_k=ctx.top_k, threshold=ctx.threshold)
    picked = _picked_line(layout)
    neighbours = _neighbours(ctx, picked) if picked is not None else []
    spec = _spec(ctx, layout, scores, hits, neighbours, colour)
    st.vega_lite_chart(
        None, spec, width="stretch", key=Keys.MAP_CHART, on_select="rerun", selection_mode="pick"
    )
    if picked is None:
        st.caption(t("map_click"))
        return
    st.markdown(t("map_neighbours", line=picked + 1))
    st.text(run.texts[picked])
    table = hit_table(run.texts, neighbours,
                      {t("col_cosine"): [round(h.score, 4) for h in neighbours]})  # fmt: skip
    st.dataframe(table, hide_index=True, column_config=table_columns())


def projecting_words(lang: str, method: str, count: int) -> str:
    """The spinner's words while a map is projected: UMAP's first run says why it is slow."""
    first = method == "umap" and not MAPS.has_run(method)
    return t_in(lang, "map_projecting_first" if first else "map_projecting", count=count,
             method=METHOD_NAMES[method])  # fmt: skip


def _layout(ctx: ViewContext, scores: np.ndarray, method: str) -> MapLayout:
    """The remembered projection; the kept lines do not depend on top-k or the threshold."""
    run = ctx.run
    keep = np.argsort(-scores, kind="stable")[:KEEP_TOP]

    limit = projected(DRAW_LIMITS[method], Settings.from_env().limits)

    def project() -> MapLayout:
        count = min(len(run.texts), limit)
        with st.spinner(projecting_words(language(), method, count)):
            # UMAP and t-SNE in the map worker's process: they would hold up every session.
            return map_layout(run.kb_embeddings, run.query_vector, keep.tolist(), method,
                              limit=limit, project=MAPS.project)  # fmt: skip

    key = (run.key, method, limit)
    return page_state().remembered(Kept.MAP_POINTS, key, project)


def _picked_line(layout: MapLayout) -> int | None:
    """The line clicked on the map (a line index), if it is still drawn."""
    event: Any = page_state().map_chart
    try:
        rows = event["selection"]["pick"]
    except (KeyError, TypeError):
        return None
    if not rows or "line" not in rows[0]:
        return None
    line = int(rows[0]["line"]) - 1  # the map numbers lines from 1, as the results do
    return line if line in layout.position() else None


def _neighbours(ctx: ViewContext, line: int) -> list[Hit]:
    """The ``NEIGHBOURS`` lines closest to ``line`` by cosine (itself left out)."""
    found = ctx.index.search(ctx.run.kb_embeddings[line], top_k=NEIGHBOURS + 1)
    return [hit for hit in found if hit.index != line][:NEIGHBOURS]


def _frames(
    ctx: ViewContext, layout: MapLayout, scores: np.ndarray, hits: list[Hit],
    neighbours: list[Hit],
) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The map's datasets: every drawn line, the query, the results and the neighbours."""
    run, lines = ctx.run, layout.lines
    position = layout.position()
    passes = scores[lines] >= ctx.threshold
    typed = t("map_typed")
    frame = pd.DataFrame({
        "x": layout.points[:, 0], "y": layout.points[:, 1], "line": lines + 1,
        "text": [short(run.texts[i], 100) for i in lines], "score": rounded(scores[lines]),
        "source": [source_of(run.origins[i]) or typed for i in lines],
        "status": np.where(passes, t("map_passes"), t("map_below")),
    })  # fmt: skip
    qx, qy = (float(v) for v in layout.query)
    query = pd.DataFrame({"x": [qx], "y": [qy], "text": [short(run.query, 100)]})

    def at(found: list[Hit]) -> tuple[list[float], list[float]]:
        rows = [position[h.index] for h in found if h.index in position]
        return layout.points[rows, 0].tolist(), layout.points[rows, 1].tolist()

    hx, hy = at(hits)
    ranks = pd.DataFrame({"x": hx, "y": hy, "rank": [f"#{n}" for n in range(1, len(hx) + 1)],
                          "qx": qx, "qy": qy})  # fmt: skip
    nx, ny = at(neighbours)
    near = pd.DataFrame({"x": nx, "y": ny})
    return {"lines": frame, "query": query, "ranks": ranks, "near": near}


def _xy() -> dict[str, Any]:
    # No axes (the projection's units mean nothing) and room at the edges for whole points.
    scale = {"zero": False, "padding": 16}
    return {"x": {"field": "x", "type": "quantitative", "axis": None, "scale": scale},
            "y": {"field": "y", "type": "quantitative", "axis": None, "scale": scale}}  # fmt: skip


def _spec(
    ctx: ViewContext, layout: MapLayout, scores: np.ndarray, hits: list[Hit],
    neighbours: list[Hit], colour: str,
) -> dict[str, Any]:  # fmt: skip
    """The Vega-Lite layers: links, points, the clicked point's neighbours, ranks, the query."""
    tooltip = [
        {"field": "line", "type": "quantitative", "title": t("col_line")},
        {"field": "text", "type": "nominal", "title": t("col_text")},
        {"field": "score", "type": "quantitative", "title": t("col_score"), "format": ".4f"},
        {"field": "source", "type": "nominal", "title": t("map_source")},
    ]
    if colour == "source":
        fill = {"field": "source", "type": "nominal", "title": t("map_source"),
                "scale": {"scheme": "tableau10"}}  # fmt: skip
    else:
        fill = {"field": "score", "type": "quantitative", "title": t("col_score"),
                "scale": {"scheme": "viridis"}}  # fmt: skip
    # Lines at or above the threshold get a dark ring; the others none.
    ring = {"domain": [t("map_passes"), t("map_below")],
            "range": ["#212121", "transparent"]}  # fmt: skip
    small = 60 if len(layout.lines) <= 2000 else 16  # thousands of big points hide each other
    layers: list[dict[str, Any]] = [
        {"data": {"name": "ranks"}, "mark": {"type": "rule", "color": "#d32f2f", "opacity": 0.5},
         "encoding": {**_xy(), "x2": {"field": "qx"}, "y2": {"field": "qy"}}},
        {"data": {"name": "lines"},
         "mark": {"type": "point", "filled": True, "size": small, "cursor": "pointer"},
         "params": [{"name": "zoom", "select": "interval", "bind": "scales"},
                    {"name": "pick", "select": {"type": "point", "fields": ["line"]}}],
         "encoding": {**_xy(), "color": fill, "tooltip": tooltip,
                      "stroke": {"field": "status", "type": "nominal", "scale": ring,
                                 "title": t("map_ring")},
                      "strokeWidth": {"value": 1.5}}},
        {"data": {"name": "near"},
         "mark": {"type": "point", "size": 320, "strokeWidth": 2.5, "color": "#ef6c00"},
         "encoding": _xy()},
        {"data": {"name": "ranks"}, "mark": {"type": "text", "dx": 12, "dy": -10,
                                             "fontWeight": "bold", "fontSize": 13},
         "encoding": {**_xy(), "text": {"field": "rank"}}},
        {"data": {"name": "query"},
         "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 260,
                  "color": "#d32f2f"},
         "encoding": {**_xy(), "tooltip": [{"field": "text", "title": t("map_query")}]}},
    ]  # fmt: skip
    return {
        "height": 420,
        "layer": layers,
        "datasets": _frames(ctx, layout, scores, hits, neighbours),
        "config": {"legend": {"orient": "bottom", "direction": "horizontal", "labelFontSize": 13,
                              "titleFontSize": 13, "labelLimit": 240, "columns": 4},
                   "view": {"stroke": None}},
    }  # fmt: skip
