"""A browser reload or a server restart loses nothing: the page is restored, then kept.

Where each thing lives, and why:

* **The URL's query parameters** hold what is short and worth sharing in a link: the
  language (``lang``), the query (``q``, up to :data:`QUERY_IN_URL_MAX` characters), the
  page's random id (``id``) and, on the workbench, ``page=workbench``. A reload keeps the
  URL, so these come back even without a data folder, and a link sent to a student opens
  the same query in the same language.
* **The page memory** (:mod:`semsearch.page.memory`, in the data folder) holds, under that
  id, what is too long for a URL or not meant for one: the knowledge-base text, the query,
  the calibration labels and the passages of uploaded files.
* **The disk cache** (:mod:`semsearch.encoding.disk_cache`) holds the vectors, shared by all
  pages: the restored texts encode nothing.

* **Owners**: a page may be changed only by the browser that made it (recognised by the
  hash of a cookie's token, passed in as ``owner``). Anyone else who opens its link sees it
  as it is; their first change makes it a copy of their own under a new id
  (:func:`keep`), so a link handed to a class never carries one browser's edits to another.

:func:`restore` runs on a session's first run only, before any widget is drawn, and fills
only what the session has not set: what the user types in this session is never replaced.
:func:`keep` runs at the end of every run and writes only what changed. This module never
imports streamlit: ``params`` is ``st.query_params`` on the page, a ``dict`` in tests.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, cast

from semsearch.answers.generation import Citation
from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder
from semsearch.page.memory import PageMemory, files_left_out, new_id, valid_id
from semsearch.page.staleness import SearchInputs
from semsearch.page.state import LESSON, PAGES, VIEW_KEYS, KeptAnswer, Keys, PageState
from semsearch.page.words import LANGUAGES, t_in
from semsearch.retrieval.search import needs_encoding

ID, LANG, QUERY, PAGE = "id", "lang", "q", "page"
QUERY_IN_URL_MAX = 200
"""Longer queries are kept in the page memory only: a URL is no place for an essay."""
SETTINGS = (
    Keys.THRESHOLD, Keys.TOP_K, Keys.DIM, Keys.MAX_LENGTH, Keys.INSTRUCTION, Keys.RERANK,
    Keys.RERANK_CANDIDATES, Keys.CHUNK_MODE, Keys.CHUNK_WINDOW, Keys.CHUNK_OVERLAP,
    Keys.MAP_METHOD, Keys.MAP_COLOUR, Keys.KW_HYBRID, Keys.BEHIND, Keys.PER_DOCUMENT,
)  # fmt: skip
"""The working settings kept with the page: their widgets' values, as they are."""
VIEW = "view"
"""The open view, kept by its words' key (``tab_map``): its label depends on the language."""


def _settings(state: PageState) -> dict[str, object]:
    """The page's working settings now: :data:`SETTINGS`, the filters and the open view."""
    kept = state.widget_values(SETTINGS)
    kept.update(state.filter_choices())
    label = state.why_tab
    for view in VIEW_KEYS:
        if label in {t_in(lang, view) for lang in LANGUAGES}:
            kept[VIEW] = view
    return kept


def _restore_settings(state: PageState, settings: dict[str, object], lang: str) -> None:
    for key, value in settings.items():
        if key in SETTINGS or key.startswith(Keys.FILTER_PREFIX):
            state.preset(key, value)
    view = settings.get(VIEW)
    if view in VIEW_KEYS:
        state.preset(Keys.WHY_TAB, t_in(lang, str(view)))


def _answer_json(answer: KeptAnswer | None) -> dict[str, object] | None:
    if answer is None:
        return None
    citations = [[c.number, c.index, c.text, c.score, c.source] for c in answer.citations]
    return {"query": answer.query, "text": answer.text, "citations": citations}


def _answer(kept: dict[str, Any] | None) -> KeptAnswer | None:
    try:
        citations = tuple(Citation(*row) for row in kept["citations"]) if kept else ()
        return KeptAnswer("", kept["query"], kept["text"], citations) if kept else None
    except (KeyError, TypeError):  # written by another version: not worth a message
        return None


def restore(
    state: PageState, memory: PageMemory, params: MutableMapping[str, Any], owner: str = ""
) -> None:
    """First run of a session: the page's id, language, text, query, labels and files.

    A URL without a valid id gets a new one. The URL's ``q`` wins over the kept query (it
    is the link the user opened). ``owner``: this browser's (hashed) token; a page kept for
    another owner is shown as it is and copied on the first change (:func:`keep`). Does
    nothing on later runs.
    """
    if state.browser:
        return
    state.owner = owner
    browser = params.get(ID)
    if not valid_id(browser):
        browser = new_id()
        params[ID] = browser
    state.browser = cast(str, browser)
    lang = params.get(LANG)
    if isinstance(lang, str) and lang in LANGUAGES:  # a repeated parameter is a list
        state.preset(Keys.LANG, lang)
    page = params.get(PAGE)
    if isinstance(page, str) and page in PAGES:
        state.preset(Keys.PAGE, page)
    kept = memory.load(state.browser)
    query = params.get(QUERY) if isinstance(params.get(QUERY), str) else kept.query
    if kept.kb_text is not None:
        state.preset(Keys.KB_TEXT, kept.kb_text)
    if query:
        state.preset(Keys.QUERY, query)
    state.labels.update({key: value for key, value in kept.labels.items()})
    state.kept_files.update(kept.files)
    _restore_settings(state, kept.settings, state.lang)
    state.last_answer = _answer(kept.answer)
    # What is kept now needs no writing back on this run.
    state.kept_page = (kept.kb_text, kept.query)
    state.kept_labels = dict(state.labels)
    state.kept_files_saved = _files_key(kept.files)
    state.kept_settings = (_settings(state), _answer_json(state.last_answer))
    state.ask_restore_search(bool(kept.kb_text or kept.files) and bool(query))
    # Someone else's page (or one kept before pages had owners): a visitor's copy on change.
    state.visiting = kept.kb_text is not None and memory.owner(state.browser) != owner


def keep(state: PageState, memory: PageMemory, params: MutableMapping[str, Any]) -> None:
    """Write what changed since the last run: the URL's parameters and the page memory.

    A visitor's page (:func:`restore`) is written nowhere until it changes; its first
    change makes it a page of its own (a new id in the URL, this browser its owner), so
    the page the link named stays as its author left it.
    """
    browser = state.browser
    if not browser:
        return
    page = (state.kb_text, state.query)
    settings = (_settings(state), _answer_json(state.last_answer))
    if state.visiting:
        if not state.seen:  # the first run shows the page: nothing changed yet
            state.kept_page, state.kept_settings = page, settings
        elif _changed(state, page, settings):
            _own_copy(state, memory, params)
            browser = state.browser
    state.seen = True
    _set_param(params, ID, browser)
    _set_param(params, LANG, state.lang)
    _set_param(params, PAGE, state.page if state.page != LESSON else None)
    query = state.query
    _set_param(params, QUERY, query if 0 < len(query) <= QUERY_IN_URL_MAX else None)
    if state.visiting:
        return
    if state.kept_page != page:
        memory.keep_page(browser, *page)
        memory.claim(browser, state.owner)
        state.kept_page = page
    if state.kept_labels != state.labels:
        memory.keep_labels(browser, state.labels)
        state.kept_labels = dict(state.labels)
    if state.kept_settings != settings:
        memory.keep_settings(browser, *settings)
        state.kept_settings = settings


def _changed(state: PageState, page: tuple[str, str], settings: object) -> bool:
    return (
        state.kept_page != page
        or state.kept_labels != state.labels
        or state.kept_settings != settings
    )


def _own_copy(state: PageState, memory: PageMemory, params: MutableMapping[str, Any]) -> None:
    """A visitor's first change: the page becomes a copy of their own under a new id."""
    state.browser = new_id()
    params[ID] = state.browser
    state.visiting = False
    state.kept_page = state.kept_labels = state.kept_settings = None
    memory.keep_files(state.browser, state.kept_files)  # the visited page's files, copied
    state.kept_files_saved = _files_key(state.kept_files)


def keep_files(
    state: PageState, memory: PageMemory, uploaded: dict[str, list[Passage]]
) -> list[Passage]:
    """Keep the passages of the files on the page; returns those of earlier visits' files.

    ``uploaded``: the passages of each file now in the uploader, by name. A file kept from
    an earlier visit counts until it is uploaded again (then the upload replaces it) or
    forgotten (:func:`forget_kept_files`). A file removed from the uploader is forgotten.
    """
    earlier = state.kept_files
    for name in uploaded:
        earlier.pop(name, None)
    files = {**earlier, **uploaded}
    key = _files_key(files)
    if state.visiting and state.kept_files_saved != key:
        state.kept_page = None  # a change of files: the visitor's own copy
        return [passage for passages in earlier.values() for passage in passages]
    if state.browser and state.kept_files_saved != key:
        complete = memory.keep_files(state.browser, files)
        # The page says which were too large to keep (app_views.memory): named once here.
        state.files_not_kept = () if complete else tuple(files_left_out(files))
        state.kept_files_saved = key
    return [passage for passages in earlier.values() for passage in passages]


def park_uploads(state: PageState) -> list[Passage]:
    """The passages of every file, for a page without the uploader (the lesson).

    Streamlit forgets an uploader's files once a run does not draw it; their passages move
    to the files kept from earlier, where the workbench lists them when it is back.
    """
    state.kept_files.update(state.uploaded_files)
    state.uploaded_files = {}
    return [passage for passages in state.kept_files.values() for passage in passages]


def forget_kept_files(state: PageState) -> None:
    """Drop the files of earlier visits (the next :func:`keep_files` forgets them on disk)."""
    state.kept_files = {}


def take_free_search(
    state: PageState, embedder: Embedder | None, passages: list[Passage], instruction: str | None
) -> bool:
    """Whether a restored page should search now: once, and only if it encodes nothing.

    A reload then shows its results again at once; a page whose vectors are gone (another
    model, a cleared cache) waits for the Search button, as a first visit does.
    """
    if not state.take_restore_search() or embedder is None:
        return False
    inputs = SearchInputs.on_page(state, passages, instruction)
    if inputs.base is not None or not inputs.texts or not inputs.query:
        return False
    cache = state.vector_cache
    return not needs_encoding(
        embedder, cache, inputs.texts, inputs.query, instruction=inputs.instruction
    )


def _files_key(files: dict[str, list[Passage]]) -> tuple[tuple[str, int, int], ...]:
    # Cheap to compare on every run: the lists are the same objects until a file changes.
    return tuple((name, len(passages), id(passages)) for name, passages in files.items())


def _set_param(params: MutableMapping[str, Any], name: str, value: str | None) -> None:
    """Set (or with ``None`` remove) a URL parameter, only when it differs."""
    if value is None:
        if name in params:
            del params[name]
    elif params.get(name) != value:
        params[name] = value
