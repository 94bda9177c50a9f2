"""The knowledge base's passages and columns, remembered across the page's reruns.

A Streamlit page runs its whole script on every click. With these helpers a rerun on an
unchanged 100k-line knowledge base rebuilds no passages, texts or origins
(bench/app_rerank.py): each value is kept in the session with what it was made from, and
made again only when that changed. What it does not do: read files or split them
(:mod:`semsearch.documents`), or encode anything.
"""

from __future__ import annotations

from semsearch.documents.chunking import Passage
from semsearch.documents.knowledge_base import parse_lines
from semsearch.page.state import Kept, PageState
from semsearch.retrieval.library import passages_from_lines


def typed_passages(state: PageState) -> list[Passage]:
    """The text box's non-blank lines as passages, made again only when its text changed."""
    text = state.kb_text
    return state.remembered(Kept.KB_PARSED, text, lambda: passages_from_lines(parse_lines(text)))


def all_passages(state: PageState, typed: list[Passage], others: list[Passage]) -> list[Passage]:
    """``typed + others``, the same list for as long as neither part changed.

    ``others``: the passages of an opened base and of the uploaded files.
    """
    return state.remembered(
        Kept.KB_SUM, (typed, others), lambda: typed + others if others else typed
    )


def passage_columns(
    state: PageState, passages: list[Passage]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The passages' texts and origins (files only: a typed line is shown as typed)."""
    return state.remembered(
        Kept.KB_COLUMNS,
        passages,
        lambda: (
            tuple(p.text for p in passages),
            tuple(p.origin if p.source else "" for p in passages),
        ),
    )
