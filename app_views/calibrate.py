"""Calibrate the threshold: label results, see precision, recall and F1, apply the best."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.analysis.calibration import (
    Label,
    best_on_grid,
    best_threshold,
    labels_csv,
    read_labels_csv,
    threshold_sweep,
)
from semsearch.errors import SemsearchError
from semsearch.page.state import Keys
from semsearch.page.words import t

from .context import ViewContext, page_state, plain, short
from .files import uploader_words

TABLE_ROWS = 20
SLIDER_STEPS = [round(0.1 + 0.05 * step, 2) for step in range(17)]  # the threshold slider's values

Labels = dict[tuple[str, str], bool]


def _labels() -> Labels:
    return page_state().labels


def _record(key: str, query: str, text: str, words: dict[str, bool]) -> None:
    """Store the switch's label under (query, text).

    Keyed by the texts, a label outlives reruns, new searches and edits of other lines;
    editing the labelled line makes it a new, unlabelled text.
    """
    choice = page_state().label_choice(key)
    if choice in words:
        _labels()[(query, text)] = words[choice]
    else:
        _labels().pop((query, text), None)


def _clear() -> None:
    state = page_state()
    state.labels = {}
    state.reset_label_switches()


def _apply(value: float) -> None:
    page_state().threshold = value


def _label_rows(ctx: ViewContext, words: dict[str, bool]) -> None:
    """The current query's best lines, each with a relevant / not relevant switch."""
    run = ctx.run
    scores = ctx.index.scores(run.query_vector)
    # A label belongs to a (query, text) pair: a line typed twice, or also in a file, is one
    # pair and gets one switch (its best-placed occurrence).
    first: dict[str, int] = {}
    for i in np.argsort(-scores, kind="stable"):
        first.setdefault(run.texts[i], int(i))
        if len(first) == TABLE_ROWS:
            break
    order = list(first.values())
    names = {verdict: word for word, verdict in words.items()}
    state = page_state()
    labels = state.labels
    st.markdown(f"**{t('cal_table', count=len(order))}**")
    for i in order:
        text = run.texts[i]
        key = Keys.label_switch(run.query, text)
        verdict = labels.get((run.query, text))
        state.preset_label_choice(key, None if verdict is None else names[verdict])
        number, line, switch = st.columns([1, 8, 3], vertical_alignment="center")
        number.caption(f"{i + 1} · {scores[i]:.4f}")
        line.text(short(text, 160))
        switch.segmented_control(
            t("cal_label"),
            list(words),
            key=key,
            label_visibility="collapsed",
            on_change=_record,
            args=(key, run.query, text, words),
        )


def _upload(ctx: ViewContext) -> None:
    upload = st.file_uploader(t("cal_upload"), type=["csv"], key=Keys.LABELS_CSV)
    uploader_words(Keys.LABELS_CSV, ["csv"])
    if upload is None:
        return
    state = page_state()
    done = state.labels_files
    if upload.file_id in done:
        return
    try:
        read = read_labels_csv(upload.getvalue())
    except SemsearchError as error:
        st.error(t("cal_bad_file", name=plain(upload.name), cause=plain(error)))
        return
    labels = state.labels
    for label in read:
        labels[(label.query, label.text)] = label.relevant
    done.add(upload.file_id)
    state.reset_label_switches()  # the switches show the uploaded labels from here on
    st.success(t("cal_uploaded", count=len(read), name=plain(upload.name)))


def _labelled_scores(ctx: ViewContext, labels: Labels) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every labelled pair under the current model (the new texts encoded once)."""
    pairs = list(labels.items())
    queries = sorted({query for (query, _), _ in pairs})
    texts = sorted({text for (_, text), _ in pairs})
    embedder, cache = ctx.embedder, ctx.cache
    missing = cache.missing(embedder, texts)  # texts of a CSV that are not in the knowledge base
    busy = st.spinner(t("cal_encoding", count=missing)) if missing else nullcontext()
    with busy:
        documents = cache.embed(embedder, texts).embedding.vectors
    asked = cache.embed(
        embedder, queries, kind="query", instruction=ctx.run.instruction
    ).embedding.vectors
    query_row = {query: i for i, query in enumerate(queries)}
    text_row = {text: i for i, text in enumerate(texts)}
    scores = np.array([float(asked[query_row[q]] @ documents[text_row[d]]) for (q, d), _ in pairs])
    return scores, np.array([relevant for _, relevant in pairs])


def calibrate_view(ctx: ViewContext) -> None:
    """The label table, the upload, the curves and the recommended threshold."""
    st.caption(t("cal_intro"))
    words = {t("cal_relevant"): True, t("cal_not_relevant"): False}
    _upload(ctx)  # first, so that the switches below already show what a file brought
    _label_rows(ctx, words)
    labels = _labels()
    if labels:
        st.button(t("cal_clear"), key=Keys.CAL_CLEAR, on_click=_clear)
        rows = [Label(query, text, relevant) for (query, text), relevant in labels.items()]
        st.download_button(
            t("cal_download"), labels_csv(rows), "labels.csv", "text/csv",
            key=Keys.LABELS_DOWNLOAD, on_click="ignore",
        )  # fmt: skip
        st.caption(t("cal_kept"))
    positives = sum(labels.values())
    queries = len({query for query, _ in labels})
    st.caption(t("cal_count", count=len(labels), queries=queries, positives=positives))
    if positives == 0 or positives == len(labels):
        st.info(t("cal_need"))
        return
    scores, truth = _labelled_scores(ctx, labels)
    sweep = threshold_sweep(scores, truth)
    best = best_threshold(sweep)
    grid, grid_f1 = best_on_grid(scores, truth, SLIDER_STEPS)
    st.markdown(t("cal_best", f1=best[3], threshold=best[0], grid=grid, grid_f1=grid_f1))
    st.button(
        t("cal_apply", value=grid),
        key=Keys.CAL_APPLY,
        on_click=_apply,
        args=(grid,),
        type="primary",
    )
    _curves(ctx, sweep, grid)


def _curves(ctx: ViewContext, sweep: list[tuple[float, float, float, float]], grid: float) -> None:
    names = (t("metric_precision"), t("metric_recall"), "F1")
    rows: list[dict[str, Any]] = [
        {"threshold": row[0], "metric": name, "value": row[i + 1]}
        for row in sweep
        for i, name in enumerate(names)
    ]
    st.markdown(f"**{t('cal_chart')}**")
    spec = {
        "layer": [
            {
                "mark": {"type": "line", "interpolate": "step-before", "point": True},
                "encoding": {
                    "x": {
                        "field": "threshold",
                        "type": "quantitative",
                        "title": t("threshold_axis"),
                    },
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [0, 1]},
                        "title": None,
                    },
                    "color": {"field": "metric", "type": "nominal", "title": t("metric")},
                    "tooltip": [
                        {"field": "threshold", "title": t("threshold_axis")},
                        {"field": "metric", "title": t("metric")},
                        {"field": "value", "format": ".3f", "title": t("metric_value")},
                    ],
                },
            },
            {"mark": {"type": "rule", "color": "#2e7d32"}, "encoding": {"x": {"datum": grid}}},
            {
                "mark": {"type": "rule", "strokeDash": [4, 4]},
                "encoding": {"x": {"datum": ctx.threshold}},
            },
        ]
    }
    st.vega_lite_chart(pd.DataFrame(rows), spec, width="stretch", key="cal_chart")
