"""Behind the scenes: the query's vector itself, at the bottom of the page."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from semsearch.analysis.inspection import preview_vector
from semsearch.page.state import Keys
from semsearch.page.words import t

from .context import page_state


def behind_the_scenes_ui() -> None:
    """The query's vector: its size, the exact model input, first values and spread.

    Drawn only while the panel is open (charts cost more than a re-rank).
    """
    panel = st.expander(t("behind"), key=Keys.BEHIND, on_change="rerun")
    if not panel.open:
        return
    with panel:
        state = page_state()
        run = state.run
        if run is None:
            st.caption(t("behind_empty"))
            return
        preview = preview_vector(state.query_vector, head=50)
        st.markdown(t("vector_dim", dim=preview.dim))
        st.caption(t("model_input"))
        st.code(run.query_input, language=None)
        st.caption(t("first_values", count=len(preview.head)))
        values = "[" + ", ".join(f"{value:.4f}" for value in preview.head) + "]"
        st.code(values, language=None, wrap_lines=True)
        head_chart, spread_chart = st.columns(2)
        dimension, value, count = t("dimension"), t("value"), t("count")
        head_chart.caption(t("chart_head", count=len(preview.head)))
        head_chart.bar_chart(
            pd.DataFrame({dimension: range(len(preview.head)), value: preview.head}),
            x=dimension,
            y=value,
        )
        edges = preview.histogram_edges
        bins = pd.DataFrame(
            {"start": edges[:-1], "end": edges[1:], count: preview.histogram_counts}
        )
        spread_chart.caption(t("chart_hist", dim=preview.dim))
        histogram = (
            alt.Chart(bins)
            .mark_bar()
            .encode(
                x=alt.X("start:Q", title=value),
                x2="end:Q",
                y=alt.Y(f"{count}:Q", title=count),
                y2=alt.datum(0),  # with x2 a bar is ranged in x; anchor it at zero in y
            )
        )
        spread_chart.altair_chart(histogram, width="stretch")
        st.caption(
            t(
                "vector_norm",
                norm=preview.norm,
                minimum=preview.minimum,
                maximum=preview.maximum,
            )
        )
        st.caption(t("kb_matrix", rows=len(run.texts), dim=preview.dim))
