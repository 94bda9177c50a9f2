"""The semantic-search page: knowledge base on the left, query on the right.

Layout only. Loading, encoding, caching, ranking and every string live in the ``semsearch``
package; this script places widgets, keeps the session's state and shows results. User
text is only ever shown with ``st.text``/``st.code``, never as markdown or HTML.
"""

from __future__ import annotations

import logging

import numpy as np
import streamlit as st

from app_views import ViewContext, why_these_results
from app_views.answer import answer_ui
from app_views.behind import behind_the_scenes_ui
from app_views.context import plain
from app_views.files import files_ui
from app_views.filters import filter_ui, filtered, kept_filter
from app_views.fit import language_fit_ui, score_markdown
from app_views.layout import enter_searches, keep_open_tab
from app_views.memory import (
    browser_owner,
    memory_ui,
    page_memory,
    set_owner_cookie,
    text_not_kept_ui,
)
from app_views.rerank import ranked_hits
from app_views.saved import (
    export_vectors_ui,
    opened_passages,
    page_store,
    saved_ui,
)
from semsearch.analysis.language_fit import reading_of
from semsearch.checkpoints import stoppable
from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder, mrl_dims
from semsearch.encoding.engines import default_device
from semsearch.encoding.loading import load_embedder
from semsearch.encoding.model_source import AUTO, BUNDLED
from semsearch.encoding.precision import precision_note
from semsearch.errors import SemsearchError
from semsearch.page.heap import note_load, settle
from semsearch.page.indexes import ranking_index
from semsearch.page.limits import check_search, token_cap_limit
from semsearch.page.model_box import load_from_box
from semsearch.page.naming import auto_label, fallback_notice, in_use_line, picker_label
from semsearch.page.passages import all_passages, typed_passages
from semsearch.page.reading import sample_label, unreadable_samples
from semsearch.page.reload import keep, park_uploads, restore, take_free_search
from semsearch.page.samples import SAMPLES, sample
from semsearch.page.staleness import SearchInputs, refresh_if_free, search, stale_notice
from semsearch.page.state import (
    CUSTOM,
    DEFAULT_RERANK_CANDIDATES,
    MODEL_CHOICES,
    PAGES,
    WORKBENCH,
    Keys,
    PageState,
)
from semsearch.page.words import LANGUAGES, bind, language, t, t_in, word_key
from semsearch.retrieval.export import result_rows, results_csv, results_json
from semsearch.retrieval.ranking import Hit
from semsearch.retrieval.search import SearchRun
from semsearch.retrieval.tiers import RELATED_AT, STRONG_AT
from semsearch.retrieval.vector_index import VectorIndex
from semsearch.settings import Settings

_log = logging.getLogger("semsearch.page")

# 260 px of sidebar (not 300) leaves both columns room for their buttons at 1024x768.
st.set_page_config(
    page_title="Semantic search", page_icon="🔎", layout="wide", initial_sidebar_state=260
)
state = PageState(st.session_state)

# Streamlit's "magic" shows a bare string in the page script on the page: these two tables
# are described in comments, not docstrings.
# How a model was loaded (LoadReport.how), in words.
LOAD_HOW = {
    "bundled": word_key("load_how_bundled"), "local folder": word_key("load_how_local_folder"),
    "hub cache": word_key("load_how_hub_cache"), "downloaded": word_key("load_how_downloaded"),
    "remote": word_key("load_how_remote"),
}  # fmt: skip
# What the scores' precision means (precision_note), in words.
PRECISION = {
    "exact": word_key("precision_exact"), "half_gpu": word_key("precision_half_gpu"),
    "half_cpu": word_key("precision_half_cpu"), "server": word_key("precision_server"),
}  # fmt: skip


@st.cache_resource(max_entries=4, show_spinner=False)
def gpu_index(run_key: str, device: str, _matrix: np.ndarray) -> VectorIndex:
    """A search's vectors on the GPU in half precision; a few kept, never in session state."""
    return VectorIndex(_matrix, device=device, normalised=True)


def index_of(run: SearchRun, embedder: Embedder | None) -> VectorIndex:
    """The index that ranks ``run``: on the model's GPU (cached above), else in the session."""
    device = embedder.device if embedder else "cpu"
    return ranking_index(state, run, device, lambda r, d: gpu_index(r.key, d, r.kb_embeddings))


@st.cache_resource(max_entries=3, show_spinner=False)
def _shared_embedder(spec: str, device: str | None, dtype: str | None, url: str | None) -> Embedder:
    embedder = load_embedder(spec, device=device, dtype=dtype, embed_url=url)
    note_load()
    return embedder


def shared_embedder(spec: str, device: str | None, dtype: str | None) -> Embedder:
    """One loaded model per choice and process, shared by every session (it has a lock).

    With ``SEMSEARCH_EMBED_URL`` set, the model is the one an embedding server serves.
    What a box may load is :mod:`semsearch.page.model_box`'s rule.
    """
    settings = Settings.from_env()
    url = settings.embed.url
    return load_from_box(spec, lambda s: _shared_embedder(s, device, dtype, url), settings)


def chosen_model() -> str:
    """What the model picker asks for (``auto``, ``bundled``, an id or a folder).

    Read from the session before the picker is drawn: its ``auto`` entry names what ``auto``
    resolved to, which is known only once the model is loaded.
    """
    if state.model_choice != CUSTOM:
        return state.model_choice
    return state.custom_model.strip() or AUTO


def model_choice_ui(embedder: Embedder | None, settings: Settings) -> None:
    """The model picker; its ``auto`` entry says what ``auto`` is (or would be) and why."""
    report = embedder.report if embedder is not None else None
    local = embedder is not None and embedder.engine.kind == "local"
    if embedder is not None and not local and (report is None or report.requested != AUTO):
        auto = t("auto_server")
    else:
        device = embedder.device if embedder is not None and local else None
        auto = auto_label(language(), report, device or settings.device or default_device())
    labels = {AUTO: auto, BUNDLED: t("model_bundled"), CUSTOM: t("model_custom")}
    if settings.embed.url is None:  # an embedding server's models are the server's business
        labels |= {c: picker_label(language(), c) for c in MODEL_CHOICES if c not in labels}
    st.selectbox(
        t("model_choice"),
        MODEL_CHOICES,
        key=Keys.MODEL_CHOICE,
        format_func=lambda c: labels.get(c, c),
    )
    if state.model_choice == CUSTOM:
        st.text_input(t("custom_model"), key=Keys.CUSTOM_MODEL)


def load_model_ui(settings: Settings) -> Embedder | None:
    """Load (or reuse) the chosen model, draw the picker, show what is in use.

    ``None`` when the model failed to load (the sidebar says why).
    """
    spec = chosen_model()
    failure: SemsearchError | None = None
    embedder: Embedder | None = None
    try:
        with st.spinner(t("loading_model", model=spec)):
            embedder = shared_embedder(spec, settings.device, settings.dtype)
    except SemsearchError as error:
        failure = error
    model_choice_ui(embedder, settings)
    if embedder is None:
        st.error(t("model_failed", model=spec, cause=getattr(failure, "cause", failure)))
        st.caption(t("model_failed_hint"))
        return None
    report = embedder.report
    st.success(t("ready"), icon="✅")
    st.text(f"{t('info_model')}: {embedder.name}")
    if embedder.engine.kind == "remote":
        st.text(f"{t('info_engine')}: {t('engine_remote')}")
        st.text(f"{t('info_server')}: {embedder.device}")
    else:
        device, dtype = embedder.device, embedder.dtype
        st.text(f"{t('info_device')}: {device} · {t('info_dtype')}: {dtype}")
    st.text(f"{t('info_dim')}: {embedder.native_dim}")
    if report is not None:
        how = t(LOAD_HOW[report.how]) if report.how in LOAD_HOW else report.how
        st.text(t("info_load_line", seconds=report.seconds, how=how))
    for notice in embedder.engine.notices:
        st.warning(t("engine_notice", notice=notice))
    return embedder


def _reset_instruction(task: str) -> None:
    state.instruction = task


def configured(embedder: Embedder, settings: Settings) -> tuple[Embedder, str | None]:
    """The model with the page's output dimension and token cap, and the query instruction.

    Read from the session: the workbench's settings, or their defaults for this model.
    """
    dims = mrl_dims(embedder.native_dim)
    limit = embedder.engine.model_max_length
    state.fit_model(dims, embedder.native_dim, limit, settings.max_length, embedder.default_task)
    instruction = state.instruction if embedder.default_task is not None else None
    return embedder.with_options(dim=state.dim, max_length=state.max_length), instruction


def settings_ui(embedder: Embedder, settings: Settings) -> tuple[Embedder, str | None]:
    """Output dimension, token cap and query instruction; returns the configured embedder."""
    dims = mrl_dims(embedder.native_dim)
    limit = token_cap_limit(embedder.engine.model_max_length, settings.limits)
    state.fit_model(dims, embedder.native_dim, limit, settings.max_length, embedder.default_task)
    with st.expander(t("settings_header"), expanded=False):
        dim = st.select_slider(t("dim"), options=dims, key=Keys.DIM, help=t("dim_help"))
        max_length = st.number_input(
            t("max_length"), min_value=8, max_value=limit, step=64, key=Keys.MAX_LENGTH,
            help=t("max_length_help"),
        )  # fmt: skip
        instruction: str | None = None
        if embedder.default_task is not None:
            instruction = st.text_area(
                t("instruction"),
                key=Keys.INSTRUCTION,
                height=90,
                help=t("instruction_help"),
            )
            st.button(
                t("instruction_reset"),
                key=Keys.INSTRUCTION_RESET,
                on_click=_reset_instruction,
                args=(embedder.default_task,),
            )
        else:
            st.caption(t("instruction_unused"))
        st.toggle(t("rerank"), key=Keys.RERANK, help=t("rerank_help"))
        if state.rerank:
            st.number_input(
                t("rerank_candidates"), 2, 100, DEFAULT_RERANK_CANDIDATES, 1,
                key=Keys.RERANK_CANDIDATES,
            )  # fmt: skip
    return embedder.with_options(dim=int(dim), max_length=int(max_length)), instruction


def _load_sample(lang: str) -> None:
    chosen = sample(state.sample)
    state.kb_text = chosen.text
    state.query = chosen.example_query[lang]


def _request_search() -> None:
    state.search_requested = True


def kb_ui(embedder: Embedder | None, workbench: bool) -> list[Passage]:
    """The knowledge base: typed lines, then an opened saved base and uploaded files.

    The lesson shows the typed lines and says which base is open; the files' passages come
    along without their uploader (:func:`park_uploads`).
    """
    if workbench:  # the lesson's boxes say it in their labels: the results start higher
        st.subheader(t("kb_header"))
    unreadable = unreadable_samples(reading_of(embedder)) if embedder else frozenset()
    titles = {s.key: sample_label(language(), s, s.key not in unreadable) for s in SAMPLES}
    # A row that wraps rather than squeezes: the button keeps its whole label on a projector.
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.selectbox(t("sample"), list(titles), key=Keys.SAMPLE, format_func=titles.__getitem__)
    row.button(t("load_sample"), key=Keys.LOAD_SAMPLE, on_click=_load_sample, args=(language(),))
    height = 340 if workbench else 300
    st.text_area(t("kb_text"), key=Keys.KB_TEXT, height=height, help=t("kb_help"))
    text_not_kept_ui(state.kb_text, state.query)
    typed = typed_passages(state)
    st.caption(t("kb_count", count=len(typed)))
    opened = opened_passages(closable=workbench)
    files = files_ui(embedder) if workbench else park_uploads(state)
    others = opened + files
    if others:
        total = len(typed) + len(others)
        st.caption(t("kb_total", total=total, typed=len(typed), files=len(others)))
    return all_passages(state, typed, others)


def query_ui(workbench: bool) -> tuple[bool, float, int]:
    """Query, Search button, threshold and top-k; returns (search now?, threshold, top_k).

    The lesson puts Search, the threshold and top-k on one row (it wraps on a narrow
    screen), so that the results start higher.
    """
    if workbench:
        st.subheader(t("query_header"))
    st.text_input(
        t("query"),
        key=Keys.QUERY,
        placeholder=t("query_placeholder"),
        on_change=_request_search,
    )
    # Wraps rather than squeezes: top-k keeps its +/- buttons at 1024x768.
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    clicked = (row if not workbench else st).button(
        t("search"), key=Keys.SEARCH, type="primary", icon="🔎"
    )
    if workbench:
        row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    threshold = row.slider(
        t("threshold"), 0.1, 0.9, step=0.05, key=Keys.THRESHOLD,
        help=t("threshold_help"), width=160 if not workbench else "stretch",
    )  # fmt: skip
    top_k = row.number_input(
        t("top_k"),
        min_value=1,
        max_value=100,
        step=1,
        key=Keys.TOP_K,
        help=t("top_k_help"),
        width=130,
    )
    if workbench:
        st.toggle(t("per_document"), key=Keys.PER_DOCUMENT, help=t("per_document_help"))
    asked = state.take_search_request()  # used up even when the button was clicked too
    return clicked or asked, float(threshold), int(top_k)


def search_ui(
    embedder: Embedder | None,
    passages: list[Passage],
    instruction: str | None,
    workbench: bool = True,
) -> None:
    """Run a search with a progress bar; problems become messages, never tracebacks."""
    inputs = SearchInputs.on_page(state, passages, instruction)
    if embedder is None:
        st.error(t("model_failed_hint" if workbench else "model_failed_hint_lesson"))
        return
    if not passages and inputs.base is None:
        st.warning(t("need_kb"))
        return
    if not inputs.query:
        st.warning(t("need_query"))
        return
    bar = st.progress(0.0)

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("encoding", done=done, total=total))

    def preparing() -> None:
        bar.progress(0.0, text=t("preparing", total=len(passages)))

    try:
        if inputs.base is None:
            check_search(passages, Settings.from_env().limits)
        store = page_store() if inputs.base is not None else None
        # Reading a long paste's lines before the first batch touches the bar now and then,
        # so that a closed tab stops the work there (semsearch.checkpoints).
        with stoppable(preparing):
            run = search(state, embedder, inputs, progress, store=store)
    except (SemsearchError, RuntimeError) as error:  # RuntimeError: e.g. GPU out of memory
        st.error(t("search_failed", cause=plain(error)))
    else:
        state.keep_run(run, list(run.scope.passages) if run.scope is not None else passages)
    finally:
        bar.empty()


def results_ui(run: SearchRun, hits: list[Hit], judged: dict[int, float],
               stale: str | None, index: VectorIndex, threshold: float, fresh: bool,
               embedder: Embedder | None = None, workbench: bool = True,
               readable: bool = True,
               more: dict[int, tuple[Hit, ...]] | None = None) -> None:  # fmt: skip
    """The ranked lines: rank, score and its colour tier, a bar, the text as typed, its origin.

    The first result says what its number is. The workbench adds how the scores were
    computed (:func:`encoding_ui`). ``stale``: the key of the notice that the results
    answer an earlier page (:func:`stale_notice`), ``None`` when they are current.

    Without tier word or colour when the model cannot read the query or lines (``readable``).
    ``more``: by result, its document's other passages found (said under it).
    """
    more = more or {}
    if stale is not None:
        st.info(t(stale), icon="ℹ️")
    if workbench:
        st.subheader(t("results_header"))
    st.text(t("results_for", query=run.query))
    if workbench:
        encoding_ui(run, fresh, embedder)
    if run.scope is not None:
        scope = run.scope
        st.caption(t("base_scope", total=scope.total, base=plain(scope.base),
                     candidates=scope.candidates, sampled=scope.sampled))  # fmt: skip
    if run.query_token_count > run.max_length:
        st.warning(t("query_truncated", tokens=run.query_token_count, cap=run.max_length))
    if run.truncated:
        st.warning(t("truncated", count=len(run.truncated), cap=run.max_length))
        counts = run.kb_token_counts
        lines = [t("truncated_line", index=i + 1, tokens=int(counts[i])) for i in run.truncated]
        st.text("\n".join(lines[:20]))
    for number, hit in enumerate(hits, start=1):
        # Borderless on the lesson: five results and the views' tabs within a screen.
        with st.container(border=workbench, gap="small"):
            score = score_markdown(hit.score, readable)
            second = f" · {t('rerank_score', score=f'{judged[hit.index]:.3f}')}" if judged else ""
            # Rank, score and bar on one row: five results and the views fit a projector.
            top = st.container(horizontal=True, vertical_alignment="center")
            top.markdown(f"{t('rank', rank=number)} &nbsp; {score}{second}")
            top.progress(min(max(hit.score, 0.0), 1.0))
            st.text(run.texts[hit.index])
            if run.origins[hit.index]:
                st.text(t("origin", origin=run.origins[hit.index]))
            if hit.index in more:
                others = more[hit.index]
                st.caption(t("more_passages" if workbench else "more_passages_lesson",
                             count=len(others), best=f"{others[0].score:.4f}"))  # fmt: skip
            if number == 1:  # the tiers are explained only where results carry them
                means = t("score_means" if readable else "score_means_unread",
                          strong=STRONG_AT, related=RELATED_AT)  # fmt: skip
                st.caption(means)
    if not hits and index.size:
        best = index.search(run.query_vector, top_k=1)[0]
        st.info(t("none_pass", threshold=threshold, best=best.score))
        st.text(run.texts[best.index])


def encoding_ui(run: SearchRun, fresh: bool, embedder: Embedder | None) -> None:
    """The workbench's notes on a search: the precision, and what it encoded.

    What the search encoded is said on the rerun that searched (``fresh``); on later reruns
    (a slider moved) that nothing was encoded, which is what happened.
    """
    if embedder is not None and embedder.fingerprint == run.fingerprint:
        # The precision the scores were computed in, next to them: students compare them
        # with sentence-transformers' (fp32) output and with each other's machines.
        note = precision_note(embedder.dtype, embedder.device)
        st.caption(t(PRECISION[note], dtype=embedder.dtype, device=embedder.device))
    if run.scope is not None:
        return  # the scope's caption says what was read
    if fresh:
        st.caption(t("search_stats", encoded=run.encoded, reused=run.reused, seconds=run.seconds))
    else:
        st.caption(t("search_reranked"))


def export_ui(run: SearchRun, hits: list[Hit], model: str) -> None:
    """Downloads: the results (CSV, JSON) and the knowledge base's vectors with its texts."""
    passages = state.kb_passages
    rows = result_rows(hits, run.texts, passages)
    with st.expander(t("export_header")):
        left, right = st.columns(2)
        left.download_button(
            t("export_results_csv"), results_csv(rows), "results.csv", "text/csv",
            key=Keys.EXPORT_CSV, on_click="ignore",
        )  # fmt: skip
        right.download_button(
            t("export_results_json"), results_json(rows, query=run.query, model=model),
            "results.json", "application/json", key=Keys.EXPORT_JSON, on_click="ignore",
        )  # fmt: skip
        export_vectors_ui(run, passages)


def _switch_language() -> None:
    """Callback: keep every choice and the open view through the new labels."""
    state.keep_choices()
    keep_open_tab(state.lang)


def main() -> None:
    """Lay out the page; whatever escapes it becomes a message, never a traceback.

    A SemsearchError a view did not catch is shown as it is (it names the value and the
    fix); anything else is a bug: a short message on the page, the traceback in the log.
    ``st.stop()`` ends the run as "stopped early", so Streamlit keeps the value of every
    widget the failed run did not reach (a completed run would drop them as stale).
    Streamlit's own controls (``st.stop``, ``st.rerun``) are BaseExceptions and pass.
    """
    try:
        _page()
    except SemsearchError as error:
        st.error(plain(error))
        st.stop()
    except Exception:  # noqa: BLE001 - the top level: every bug becomes a message
        _log.exception("The page failed")
        st.error(t_in(state.lang, "page_failed"))  # perhaps before the run bound its language
        st.stop()


def header_ui() -> bool:
    """The title, the page switch and the language; returns whether this is the workbench.

    Both pages draw it, so that the other page is one click away and the switches stay put.
    """
    title, switches = st.columns([2, 3], vertical_alignment="center")
    row = switches.container(horizontal=True, horizontal_alignment="right", gap="medium")
    row.radio(
        "Language / 语言",
        list(LANGUAGES),
        key=Keys.LANG,
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        on_change=_switch_language,
        label_visibility="collapsed",
        width="content",
    )
    pages = {page: t("page_workbench" if page == WORKBENCH else "page_lesson") for page in PAGES}
    row.radio(
        t("page_switch"),
        PAGES,
        key=Keys.PAGE,
        format_func=pages.__getitem__,
        horizontal=True,
        label_visibility="collapsed",
        width="content",
    )
    title.title(t("page_title"), anchor=False)
    return state.page == WORKBENCH


def lesson_model(settings: Settings) -> Embedder | None:
    """The model chosen on the workbench, loaded without its picker (the lesson's)."""
    spec = chosen_model()
    try:
        with st.spinner(t("loading_model", model=spec)):
            return shared_embedder(spec, settings.device, settings.dtype)
    except SemsearchError as error:
        cause = plain(getattr(error, "cause", error))
        st.error(t("lesson_model_failed", model=plain(spec), cause=cause))
        return None


def model_ui(settings: Settings, workbench: bool) -> tuple[Embedder | None, str | None]:
    """The model, configured, and its instruction; the line naming it under the title.

    The workbench draws the picker and the settings in the sidebar; the lesson uses what
    they hold and keeps them for the workbench.
    """
    instruction: str | None = None
    if workbench:
        with st.sidebar:
            st.header(t("model_header"))
            embedder = load_model_ui(settings)
            if embedder is not None:
                embedder, instruction = settings_ui(embedder, settings)
    else:
        state.hold_workbench()  # the workbench's choices outlive a visit to the lesson
        embedder = lesson_model(settings)
        if embedder is not None:
            embedder, instruction = configured(embedder, settings)
    if embedder is not None:
        line = st.container(horizontal=True, vertical_alignment="center", gap="small")
        if not workbench:
            line.caption(f"✅ {t('ready')}", width="content")
        line.text(in_use_line(language(), embedder), width="content")  # plain text, never markdown
        notice = fallback_notice(language(), embedder.report, escape=plain, workbench=workbench)
        if notice is not None:
            st.warning(notice)
    st.caption(t("page_caption" if workbench else "lesson_caption"))
    return embedder, instruction


def _page() -> None:
    """Lay out the page: the lesson, or the workbench (a sidebar, and every tool)."""
    try:
        settings = Settings.from_env()
    except SemsearchError as error:
        st.error(str(error))
        st.stop()
    # First run: what the last visit kept; someone else's page is shown, and copied on change.
    restore(state, page_memory(), st.query_params, browser_owner())
    state.init(settings)  # then the defaults of what was not kept
    bind(state.lang)  # the words of this run: a switch's new language is already in state
    workbench = header_ui()
    embedder, instruction = model_ui(settings, workbench)
    state.init_sample(language(), embedder)
    left, right = st.columns(2, gap="medium")
    with left:
        passages = kb_ui(embedder, workbench)
        if workbench:
            saved_ui(embedder, passages, state.vector_cache, instruction)
    with right:
        requested, threshold, top_k = query_ui(workbench)
        where = filter_ui(passages) if workbench else kept_filter(passages)
        searched = filtered(passages, where)
        restored = take_free_search(state, embedder, searched, instruction)  # a reload: free
        before = state.run
        if requested or restored:
            search_ui(embedder, searched, instruction, workbench)
        current = refresh_if_free(state, embedder, searched, instruction)
        run = state.run
        if run is None:
            st.caption(t("hint_start"))
        else:
            index = index_of(run, embedder)
            hits, judged, more = ranked_hits(
                run, index, threshold, top_k, embedder, state.kb_passages
            )
            unread = language_fit_ui(run, embedder, top_k, workbench)
            fresh = run is not before  # searched on this rerun, not re-ranked by a slider
            stale = (
                None
                if current
                else stale_notice(SearchInputs.on_page(state, searched, instruction))
            )
            results_ui(run, hits, judged, stale, index, threshold, fresh, embedder,
                       workbench, readable=not unread, more=more)  # fmt: skip
            if workbench:
                export_ui(run, hits, embedder.name if embedder else "")
                if embedder is not None:
                    answer_ui(run, hits, embedder.device, embedder.dtype)
    state.hold(Keys.WHY_TAB)  # keep the chosen view while the views are hidden (model switch)
    # The views explain the last search; they need its model, not necessarily its inputs.
    if embedder is not None and run is not None and run.fingerprint == embedder.fingerprint:
        context = ViewContext(
            embedder=embedder,
            run=run,
            index=index,
            threshold=threshold,
            top_k=top_k,
            cache=state.vector_cache,
            load_model=lambda spec: shared_embedder(spec, settings.device, settings.dtype),
        )
        why_these_results(context, workbench)
    behind_the_scenes_ui()
    if workbench:
        with st.sidebar:
            memory_ui()  # last: its count includes what this run encoded
    keep(state, page_memory(), st.query_params)  # for the next visit: URL and page memory
    set_owner_cookie()
    enter_searches()
    if run is not None:
        settle()  # once per loaded model, after its first search: later reruns skip it in GC


main()
