"""Compare models: the same knowledge base and query ranked by two models, and how they agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.analysis.comparison import overlap_at_k, spearman
from semsearch.encoding.model_source import BUNDLED, QWEN3_0_6B, download_command, local_models
from semsearch.errors import SemsearchError
from semsearch.page.state import CUSTOM, Comparison, Keys
from semsearch.page.words import t
from semsearch.retrieval.ranking import top_hits

from .context import ViewContext, hit_table, page_state, rounded, short, table_columns


def _pick_model(ctx: ViewContext) -> str:
    """Models that run here without a download (bundled, cached), or a folder typed in."""
    offered = [m.spec for m in local_models() if m.name != ctx.embedder.name]
    labels = {spec: t("cmp_cached", model=spec) for spec in offered}
    labels[BUNDLED] = t("model_bundled")
    labels[CUSTOM] = t("model_custom")
    if not offered:
        st.info(t("cmp_none"))
    st.caption(t("cmp_more", command=download_command(QWEN3_0_6B), custom=labels[CUSTOM]))
    choice = st.selectbox(
        t("cmp_model"),
        [*offered, CUSTOM],
        key=Keys.COMPARE_MODEL,
        format_func=lambda c: labels.get(c, c),
    )
    if choice != CUSTOM:
        return str(choice)
    return st.text_input(t("custom_model"), key=Keys.COMPARE_CUSTOM).strip()


def _run_comparison(ctx: ViewContext, spec: str) -> None:
    run = ctx.run
    state = page_state()
    state.comparison = None  # a new attempt: an old comparison must not sit under its error
    try:
        other = ctx.load_model(spec)
    except SemsearchError as error:
        st.error(t("cmp_failed", model=spec, cause=getattr(error, "cause", error)))
        return
    if other.name == ctx.embedder.name:
        st.warning(t("cmp_same"))
        return
    bar = st.progress(0.0)

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("cmp_encoding", done=done, total=total, model=other.name))

    try:
        documents = ctx.cache.embed(other, run.texts, progress=progress).embedding.vectors
        query = ctx.cache.embed(other, [run.query], kind="query", instruction=run.instruction)
    except (SemsearchError, RuntimeError) as error:
        st.error(t("cmp_failed", model=other.name, cause=error))
        return
    finally:
        bar.empty()
    scores = documents @ query.embedding.vectors[0]
    state.comparison = Comparison(run.key, other.name, scores)


def compare_view(ctx: ViewContext) -> None:
    """Choose a model, encode with it on request, then show both rankings and their agreement."""
    run = ctx.run
    st.caption(t("cmp_intro"))
    spec = _pick_model(ctx)
    if st.button(t("cmp_run"), key=Keys.COMPARE_RUN, disabled=not spec):
        _run_comparison(ctx, spec)
    comparison = page_state().comparison
    if comparison is None:
        return
    if comparison.run_key != run.key:
        st.caption(t("cmp_stale"))
        return
    mine = ctx.index.scores(run.query_vector)
    theirs = comparison.scores
    k = min(ctx.top_k, len(run.texts))
    first, second = top_hits(mine, top_k=k), top_hits(theirs, top_k=k)
    left, right = st.columns(2)
    left.metric(
        t("cmp_overlap", k=k),
        f"{overlap_at_k([h.index for h in first], [h.index for h in second], k):.0%}",
    )
    rho = spearman(mine, theirs) if len(run.texts) > 1 else float("nan")
    right.metric(t("cmp_spearman"), "—" if np.isnan(rho) else f"{rho:.3f}")
    for column, name, hits in ((left, ctx.embedder.name, first), (right, comparison.model, second)):
        column.markdown(f"**{short(name, 60)}**")
        column.dataframe(
            hit_table(run.texts, hits, {t("col_score"): [round(hit.score, 4) for hit in hits]}),
            hide_index=True,
            column_config=table_columns(),
            key=f"cmp_table_{name}",
        )
    _scatter(ctx, mine, theirs, comparison.model)


def _scatter(ctx: ViewContext, mine: np.ndarray, theirs: np.ndarray, other: str) -> None:
    run = ctx.run
    shown = np.argsort(-mine, kind="stable")[:1000]
    data = pd.DataFrame(
        {
            "line": shown + 1,
            "text": [short(run.texts[i], 100) for i in shown],
            "a": rounded(mine[shown]),
            "b": rounded(theirs[shown]),
        }
    )
    a, b = short(ctx.embedder.name, 40), short(other, 40)
    st.caption(t("cmp_chart", a=a, b=b))
    spec = {
        "mark": {"type": "circle", "size": 60, "opacity": 0.8},
        "params": [{"name": "zoom", "select": "interval", "bind": "scales"}],
        "encoding": {
            "x": {"field": "a", "type": "quantitative", "title": a},
            "y": {"field": "b", "type": "quantitative", "title": b},
            "tooltip": [
                {"field": "line"},
                {"field": "text"},
                {"field": "a", "title": a},
                {"field": "b", "title": b},
            ],
        },
    }
    st.vega_lite_chart(data, spec, width="stretch", key="cmp_chart")
