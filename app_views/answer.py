"""Answers with citations (RAG) under the results: streamed, from the passages shown.

The last answer stays (and is kept with the page between visits); once the question or the
passages shown differ from those it was made from, it is marked stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing

import streamlit as st

from semsearch.answers.generation import (
    Citation,
    Generator,
    answer_stream,
    cited_numbers,
    generator_from_env,
)
from semsearch.encoding.model_source import download_command
from semsearch.errors import ModelLoadError, SemsearchError
from semsearch.page.state import KeptAnswer, Keys
from semsearch.page.words import t
from semsearch.retrieval.ranking import Hit
from semsearch.retrieval.search import SearchRun
from semsearch.settings import Settings

from .context import page_state, plain


@st.cache_resource(max_entries=2, show_spinner=False)
def shared_generator(device: str, dtype: str, environment: tuple[str | None, ...]) -> Generator:
    """One generator per process and configuration (``environment`` is its cache key)."""
    llm, base_url, api_key = environment
    chosen = Settings(llm=llm, llm_base_url=base_url, llm_api_key=api_key)
    return generator_from_env(device, dtype, chosen)


def _environment() -> tuple[str | None, ...]:
    settings = Settings.from_env()
    return settings.llm, settings.llm_base_url, settings.llm_api_key


def answer_ui(run: SearchRun, hits: Sequence[Hit], device: str, dtype: str) -> None:
    """The Answer button, the streamed answer and its numbered sources."""
    st.subheader(t("answer_header"))
    st.caption(t("answer_help"))
    state = page_state()
    if st.button(t("answer_button"), key=Keys.ANSWER, icon="💬"):
        citations = [
            Citation(n, hit.index, run.texts[hit.index], hit.score, run.origins[hit.index])
            for n, hit in enumerate(hits, start=1)
        ]

        def load() -> Generator:
            with st.spinner(t("answer_loading")):
                return shared_generator(device, dtype, _environment())

        shown = st.empty()
        text = ""
        try:
            # closing(): a rerun mid-answer stops the generation and frees the shared model
            with closing(answer_stream(run.query, citations, load)) as pieces:
                for piece in pieces:
                    text += piece
                    shown.text(text)  # plain text: a model's output never becomes markup
        except (SemsearchError, RuntimeError) as error:
            message = t("answer_failed", cause=plain(error))
            if isinstance(error, ModelLoadError) and error.reason == "offline":
                # Naming the model is not enough: say how to get it, or how to do without.
                fix = t("answer_fix_offline", command=download_command(error.model))
                message = f"{message}\n\n{fix}"
            st.error(message)
            return
        state.last_answer = KeptAnswer(run.key, run.query, text, tuple(citations))
    else:
        kept = state.last_answer
        if kept is None:
            return
        text, citations = kept.text, list(kept.citations)
        # Kept through reruns and reloads; stale once the question or its sources changed.
        sources = [(c.index, c.text) for c in citations]
        if kept.query != run.query or sources != [(h.index, run.texts[h.index]) for h in hits]:
            st.info(t("answer_stale", query=plain(kept.query)), icon="ℹ️")
        st.text(text)
    if citations:
        used = set(cited_numbers(text, len(citations)))
        st.caption(t("answer_sources"))
        for c in citations:
            mark = "✓" if c.number in used else "·"
            where = f"  ({c.source})" if c.source else ""
            st.text(f"{mark} [{c.number}] {c.score:.4f}  {c.text}{where}")
