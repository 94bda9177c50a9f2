"""The metadata filter beside the query: one multiselect per source file and metadata field.

The page's own passages (typed lines, files, a base opened into the page) are filtered
here, before the search: the run, its results, its exports and every view then hold only
the passages that match. What it does not do: decide what matches
(:mod:`semsearch.retrieval.filters`), or filter a base searched in its store.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from semsearch.documents.chunking import Passage
from semsearch.page.state import Kept, Keys
from semsearch.page.words import t
from semsearch.retrieval.filters import Filter, describe, facets, matching

from .context import page_state


def filter_ui(passages: list[Passage]) -> Filter:
    """Draw the filter control; returns the filter chosen (empty: every passage)."""
    state = page_state()
    opened = state.opened_base
    if opened is not None and opened.in_store:
        st.caption(t("filter_store"))
        return {}
    found = state.remembered(Kept.FACETS, passages, lambda: facets(passages))
    if not found:
        return {}
    active = False
    for field, values in found.items():
        picked = state.filter_choice(field)
        if picked is not None:
            # A value of a file no longer on the page would make Streamlit refuse the widget.
            picked = [value for value in picked if value in values]
            state.set_filter_choice(field, picked)
            active = active or bool(picked)
    chosen: Filter = {}
    with st.expander(t("filter_header"), expanded=active):
        for field, values in found.items():
            shown = partial(_shown, t("filter_typed") if field == "source" else t("filter_empty"))
            picked = st.multiselect(field, values, key=Keys.filter_field(field), format_func=shown)
            if picked:
                chosen[field] = tuple(picked)
    return chosen


def kept_filter(passages: list[Passage]) -> Filter:
    """The filter chosen on the workbench, without its controls (for the lesson page)."""
    state = page_state()
    opened = state.opened_base
    if opened is not None and opened.in_store:
        return {}
    found = state.remembered(Kept.FACETS, passages, lambda: facets(passages))
    chosen: Filter = {}
    for field, values in found.items():
        picked = [v for v in state.filter_choice(field) or [] if v in values]
        if picked:
            chosen[field] = tuple(picked)
    return chosen


def _shown(empty: str, value: str) -> str:
    return value or empty  # the words are made in the run: AppTest calls this outside it


def filtered(passages: list[Passage], where: Filter) -> list[Passage]:
    """The passages the search may rank under ``where``; says how many when it filters."""
    if not where:
        return passages
    state = page_state()
    kept = state.remembered(
        Kept.FILTERED, (passages, tuple(where.items())),
        lambda: [passages[i] for i in matching(passages, where)],
    )  # fmt: skip
    st.caption(t("filter_active", kept=len(kept), total=len(passages), where=describe(where)))
    if not kept:
        st.warning(t("filter_none_match"))
    return kept
