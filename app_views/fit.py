"""Honest where the model cannot read: the warning, keyword ranking instead, no tier words.

When :mod:`semsearch.analysis.language_fit` says the model in use cannot read the query or
the lines (Chinese on the bundled English model), its cosines are confident and meaningless.
The page then says so in the main column with the two ways out (keyword ranking for this
search, one toggle away; a multilingual model, with its download command), shows the results
without a tier word or colour, and the keyword view stops crediting the model. What this
does not do: judge how well a model reads a language it declares.
"""

from __future__ import annotations

import streamlit as st

from semsearch.analysis.keywords import KeywordIndex
from semsearch.analysis.language_fit import LanguageFit, language_fit, reading_of
from semsearch.encoding.embedder import Embedder
from semsearch.encoding.model_source import auto_model
from semsearch.page.reading import fit_warning
from semsearch.page.state import Kept
from semsearch.page.words import language, t, word_key
from semsearch.retrieval.search import SearchRun
from semsearch.retrieval.tiers import Tier, tier_of

from .context import hit_table, page_state, plain

KEYWORDS_INSTEAD = "fit_keywords"
"""Widget key of the toggle that ranks this search by keywords."""


def _made_by(run: SearchRun, embedder: Embedder | None) -> bool:
    return embedder is not None and run.fingerprint.startswith(embedder.model_fingerprint + "|")


def run_fit(run: SearchRun, embedder: Embedder) -> tuple[LanguageFit, LanguageFit]:
    """(fit of the lines, fit of the query) for ``run``, computed once per search and model."""

    def check() -> tuple[LanguageFit, LanguageFit]:
        reading = reading_of(embedder)
        fix = auto_model(embedder.device if embedder.engine.kind == "local" else "cpu")
        return (language_fit(reading, run.texts, fix=fix),
                language_fit(reading, [run.query], fix=fix))  # fmt: skip

    key = (run.key, embedder.name)
    return page_state().remembered(Kept.LANGUAGE_FIT, key, check)


def cannot_read(run: SearchRun, embedder: Embedder | None) -> bool:
    """Whether the model that made ``run`` cannot read its query or its lines.

    ``False`` when another model made the results (they are stale, and said to be).
    """
    if embedder is None or not _made_by(run, embedder):
        return False
    kb, query = run_fit(run, embedder)
    return not (kb.fits and query.fits)


def language_fit_ui(
    run: SearchRun, embedder: Embedder | None, top_k: int = 5, workbench: bool = True
) -> bool:
    """The warning beside the results and keyword ranking on request; ``True``: unreadable.

    ``workbench``: the page with the model picker (the lesson's warning names that page).
    """
    if embedder is None or not cannot_read(run, embedder):
        return False
    kb, query = run_fit(run, embedder)
    warning = fit_warning(language(), kb, query, escape=plain, workbench=workbench)
    if warning is not None:
        st.warning(warning, icon="🌐")
    if st.toggle(t("fit_keywords_toggle"), key=KEYWORDS_INSTEAD):
        _keyword_ranking(run, top_k)
    return True


def _keyword_ranking(run: SearchRun, top_k: int) -> None:
    """The search ranked by BM25 (jieba cuts Chinese into words), the model left out."""
    state = page_state()
    index = state.remembered(Kept.KEYWORD_INDEX, run.key, lambda: KeywordIndex(run.texts))
    hits = [hit for hit in index.search(run.query, top_k=None) if hit.score > 0][:top_k]
    if not hits:
        st.info(t("kw_none"))
        return
    table = hit_table(run.texts, hits, {
        t("col_bm25"): [round(hit.score, 3) for hit in hits],
        t("col_terms"): [", ".join(index.shared_terms(run.query, h.index)) for h in hits],
    })  # fmt: skip
    st.dataframe(table, hide_index=True, key="fit_keyword_table")


_TIER_WORDS = {Tier.STRONG: word_key("tier_strong"), Tier.RELATED: word_key("tier_related"),
               Tier.WEAK: word_key("tier_weak")}  # fmt: skip


def score_markdown(score: float, readable: bool) -> str:
    """A result's score as markdown: with its tier word and colour only when the model reads."""
    if not readable:
        return t("score_unread", score=f"**{score:.4f}**")
    tier = tier_of(score)
    line = t("score_line", score=f"**{score:.4f}**", tier=t(_TIER_WORDS[tier]))
    return f":{tier.markdown}[{line}]"
