"""Tokens: what the model reads for the query, with and without the instruction."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from semsearch.page.words import t, word_key

from .context import ViewContext, hit_table


def _token_table(tokens: list[str], key: str) -> None:
    # Spaces made visible: a leading space is part of a byte-level BPE token.
    shown = [token.replace(" ", "·").replace("\n", "⏎") for token in tokens]
    st.dataframe(
        pd.DataFrame({"#": range(1, len(tokens) + 1), "token": shown}),
        hide_index=True,
        height=260,
        width="content",
        key=key,
    )


def _lengths_chart(ctx: ViewContext) -> None:
    run = ctx.run
    if run.scope is not None:  # a base searched in its store: its token counts stay there
        return
    lengths = pd.DataFrame({"tokens": run.kb_token_counts})
    # The cap as a dashed line only when a line comes near it: a rule at 256 beside lines
    # of 10-20 tokens squeezes every bar into a sliver at the left edge.
    near = len(lengths) > 0 and int(lengths["tokens"].max()) * 2 >= run.max_length
    title = t("tok_lengths" if near else "tok_lengths_under", cap=run.max_length)
    st.markdown(f"**{title}**")
    bars: dict[str, Any] = {
        "mark": "bar",
        # Whole tokens and whole lines: a bin is at least one token wide, the
        # axes print integers only, and labels that would overlap are left out.
        "encoding": {
            "x": {
                "field": "tokens",
                "bin": {"maxbins": 20, "minstep": 1},
                "title": t("tok_axis"),
                "axis": {"format": "d", "labelOverlap": True},
            },
            "y": {
                "aggregate": "count",
                "title": t("tok_lines"),
                "axis": {"format": "d", "tickMinStep": 1},
            },
        },
    }
    cap: dict[str, Any] = {
        "mark": {"type": "rule", "color": "#d32f2f", "strokeDash": [4, 4]},
        "encoding": {"x": {"datum": run.max_length}},
    }
    spec = {"layer": [bars, cap] if near else [bars]}
    st.vega_lite_chart(lengths, spec, width="stretch", key="tok_lengths_chart")


def tokens_view(ctx: ViewContext) -> None:
    """Token lists and counts; for instruction-aware models, the instruction's effect on scores."""
    run, embedder = ctx.run, ctx.embedder
    cap = embedder.max_length
    if embedder.tokenizer is None:  # a remote engine keeps its tokenizer on the server
        st.info(t("tok_remote", model=embedder.name, url=embedder.device))
        return
    st.caption(t("tok_intro", cap=cap))
    if not embedder.instruction_aware:
        tokens = embedder.tokens(run.query, kind="query")
        count = embedder.count_tokens([run.query], kind="query")[0]
        st.markdown(t("tok_plain", count=count))
        if count > cap:
            st.warning(t("tok_cut", cap=cap))
        _token_table(tokens, "tok_plain_table")
        _lengths_chart(ctx)
        return

    with_left, without_right = st.columns(2)
    for column, instruction, label, key in (
        (with_left, run.instruction, word_key("tok_with"), "tok_with_table"),
        (without_right, "", word_key("tok_without"), "tok_without_table"),
    ):
        with column:
            count = embedder.count_tokens([run.query], kind="query", instruction=instruction)[0]
            st.markdown(t(label, count=count))
            if count > cap:
                st.warning(t("tok_cut", cap=cap))
            _token_table(embedder.tokens(run.query, kind="query", instruction=instruction), key)

    hits = ctx.index.search(run.query_vector, top_k=ctx.top_k, threshold=ctx.threshold)
    if not hits:
        st.caption(t("tok_no_results"))
        return
    bare = ctx.cache.embed(embedder, [run.query], kind="query", instruction="").embedding.vectors[0]
    without = ctx.index.scores(bare)
    table = hit_table(
        run.texts,
        hits,
        {
            t("col_with"): [round(hit.score, 4) for hit in hits],
            t("col_without"): [round(float(without[hit.index]), 4) for hit in hits],
            t("col_change"): [round(hit.score - float(without[hit.index]), 4) for hit in hits],
        },
    )
    st.markdown(f"**{t('tok_scores')}**")
    st.dataframe(table, hide_index=True, key="tok_scores_table")
    bars = pd.DataFrame(
        {
            "line": [str(hit.index + 1) for hit in hits for _ in (0, 1)],
            "query": [t("col_with"), t("col_without")] * len(hits),
            "score": [v for hit in hits for v in (hit.score, float(without[hit.index]))],
        }
    )
    spec = {
        "mark": "bar",
        "encoding": {
            "x": {"field": "line", "type": "nominal", "sort": None, "title": t("col_line")},
            "xOffset": {"field": "query"},
            "y": {"field": "score", "type": "quantitative", "title": t("col_score")},
            "color": {"field": "query", "type": "nominal", "title": None},
            "tooltip": [{"field": "line"}, {"field": "query"}, {"field": "score"}],
        },
    }
    st.vega_lite_chart(bars, spec, width="stretch", key="tok_chart")
    _lengths_chart(ctx)
