"""The tabs of "Why these results?"; only the open tab is computed.

The lesson page shows the views a class reads (:data:`LESSON_VIEWS`); the workbench all of
them, Compare and the evaluation with them.
"""

from __future__ import annotations

import streamlit as st

from semsearch.page.state import Keys
from semsearch.page.words import LANGUAGES, t, t_in, word_key

from .calibrate import calibrate_view
from .compare import compare_view
from .context import ViewContext, page_state
from .evaluate import evaluate_view
from .heatmap import heatmap_view
from .keywords import keywords_view
from .map import map_view
from .tokens import tokens_view

VIEWS = [
    (word_key("tab_keywords"), keywords_view),
    (word_key("tab_map"), map_view),
    (word_key("tab_heatmap"), heatmap_view),
    (word_key("tab_tokens"), tokens_view),
    (word_key("tab_calibrate"), calibrate_view),
    (word_key("tab_compare"), compare_view),
    (word_key("tab_eval"), evaluate_view),
]
LESSON_VIEWS = VIEWS[:5]
"""Keywords, map, heatmap, tokens and calibration: Compare and the evaluation are tools."""


def why_these_results(ctx: ViewContext, workbench: bool = True) -> None:
    """Lay out the views as tabs under the results (the lesson's five, or all of them)."""
    views = VIEWS if workbench else LESSON_VIEWS
    labels = [t(key) for key, _ in views]
    state = page_state()
    if state.why_tab not in (None, *labels):
        del state.why_tab  # a workbench view: the lesson opens its first
    st.subheader(t("why_header"))
    st.caption(t("why_caption" if workbench else "why_caption_lesson", count=len(views)))
    tabs = st.tabs(labels, key=Keys.WHY_TAB, on_change="rerun")
    for tab, (_, view) in zip(tabs, views, strict=True):
        if tab.open:
            with tab:
                view(ctx)


ENTER_SEARCHES = """<script>
if (!window.semsearchEnterSearches) {
  window.semsearchEnterSearches = true;
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing) return;
    const box = event.target.closest && event.target.closest('.st-key-query');
    if (!box) return;
    const hint = box.querySelector('[data-testid=InputInstructions]');
    if (hint && hint.textContent.trim()) return;  // changed: Streamlit sends it, and searches
    const search = document.querySelector('.st-key-search button');
    if (search && !search.disabled) search.click();
  }, true);
}
</script>"""
"""Enter in an unchanged question presses Search (constants only: no user text goes in).

Streamlit sends a text box's value on Enter only when it changed, and the page searches on
that change; an unchanged question (the one a first visit or Load sample fills in) would
otherwise make Enter do nothing. While the value has changed, Streamlit writes its "Press
Enter to apply" hint under the box and handles Enter itself, so this leaves it alone.
"""


def enter_searches() -> None:
    """Make Enter in the question box search even when the question is unchanged."""
    st.html(ENTER_SEARCHES, unsafe_allow_javascript=True)


def keep_open_tab(lang: str) -> None:
    """After a language switch, keep the open view: tabs are known by their shown label.

    ``lang`` is the new language; the kept label, in whichever language it is, becomes the
    same view's label in ``lang``.
    """
    state = page_state()
    label = state.why_tab
    for key, _ in VIEWS:
        if label in {t_in(other, key) for other in LANGUAGES}:
            state.why_tab = t_in(lang, key)
            return
