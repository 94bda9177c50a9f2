"""What every view needs to know about the search on the page."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from semsearch.encoding.embedder import Embedder
from semsearch.encoding.vector_cache import VectorCache
from semsearch.page.state import PageState
from semsearch.page.words import t
from semsearch.retrieval.ranking import Hit
from semsearch.retrieval.search import SearchRun
from semsearch.retrieval.vector_index import VectorIndex


@dataclass(frozen=True)
class ViewContext:
    """The current search, its settings, and the means to load another model."""

    embedder: Embedder
    run: SearchRun
    index: VectorIndex
    threshold: float
    top_k: int
    cache: VectorCache
    load_model: Callable[[str], Embedder]


def page_state() -> PageState:
    """The session's state, typed: the views' only way to it."""
    return PageState(st.session_state)


def hit_table(
    texts: Sequence[str], hits: Sequence[Hit], more: dict[str, list[Any]]
) -> pd.DataFrame:
    """One row per hit: its line number (from 1), its text shortened, then the ``more`` columns."""
    return pd.DataFrame(
        {
            t("col_line"): [hit.index + 1 for hit in hits],
            t("col_text"): [short(texts[hit.index]) for hit in hits],
            **more,
        }
    )


def table_columns() -> dict[str, Any]:
    """Column widths for a result table in half the page: numbers narrow, text medium."""
    narrow = ("col_line", "col_cosine", "col_bm25", "col_score")
    columns: dict[str, Any] = {
        t(key): st.column_config.NumberColumn(width="small") for key in narrow
    }
    columns[t("col_text")] = st.column_config.TextColumn(width="medium")
    return columns


def plain(text: object) -> str:
    """``text`` (a name, a file name, a model id, an error) as a markdown code span.

    Inside a code span markdown applies nothing: no emphasis, link, image, math, emoji
    shortcode, colour directive or backslash escape. So the text shows, and copies back,
    character for character: no escaping backslash and no invisible mark to come along on
    copy-paste. What it does not keep: a line break, which a code span shows as a space.
    """
    value = str(text)
    if not value:
        return ""
    # A fence longer than any run of backticks in the value cannot close early.
    fence = "`" * (1 + max((len(run) for run in re.findall(r"`+", value)), default=0))
    # Markdown strips one space from each end of a code span; the padding is that space,
    # so a value that starts or ends with a space or a backtick keeps it.
    edges = value[0] + value[-1]
    pad = " " if value.strip(" ") and ("`" in edges or " " in edges) else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def rounded(values: np.ndarray, digits: int = 4) -> np.ndarray:
    """``values`` rounded for a chart, in float64.

    A chart's tooltip prints each number as JavaScript reads it: a float32 0.0976 arrives as
    0.09759999811649323, so the rounding is done after widening to float64.
    """
    return np.asarray(values, dtype=np.float64).round(digits)


def short(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters for a table or a tooltip (full text stays in the KB)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
