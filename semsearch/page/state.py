"""The page's session state behind one typed accessor: every key named once, with its default.

Streamlit keeps what a session remembers between reruns in ``st.session_state``, a mapping
of strings. ``app.py`` hands that mapping to :class:`PageState`; the page and its views then
read and write typed attributes (``state.run``, ``state.threshold``) instead of string keys.
Any mutable mapping with string keys works, so a plain ``dict`` serves the tests. This module
never imports streamlit and decides nothing about search: whether results are stale
(:mod:`.staleness`), which passages and columns are remembered (:mod:`.passages`) and which
index ranks a search (:mod:`.indexes`) are said beside it.

Two kinds of key:

- **Widget keys** (:class:`Keys`): passed as ``key=`` to a widget, whose value Streamlit
  owns. The strings must stay exactly as they are: a widget binds to its value by this
  string, the tests drive widgets by it, and a renamed key silently resets a user's choice.
  The accessor reads them without writing (writing before a widget that has its own default
  makes Streamlit warn; writing after it is drawn in the same run is an error), and writes
  them only where the page means to: a default before the widget is drawn, or a callback.
  Keys made per item (:meth:`Keys.label_switch`, :meth:`Keys.csv_column`) are built here.
  Keys that only name a chart or a table (``key="kw_chart"``), never read or written, stay
  beside their element in the view.
- **Kept keys** (:class:`Kept`): values the page keeps for itself, read and written only
  through this accessor. They hold CPU data only: a GPU tensor in a session is never freed
  (the GPU copy of a search's vectors lives in ``st.cache_resource`` in ``app.py``). What
  grows with use is bounded: a memo (:meth:`PageState.remembered`) keeps its latest entry
  only, and per-file passages only the files on the page.

The last search is one snapshot (:meth:`PageState.keep_run`): the page shows, ranks and
explains it until the next search. A later source of results (a saved base searched in its
store rather than held here) is meant to sit beside it under a new kept key, leaving the
keys below as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

import numpy as np

from semsearch.answers.generation import Citation
from semsearch.documents.chunking import ChunkMode, ChunkSettings, Passage
from semsearch.encoding.disk_cache import shared_disk_cache
from semsearch.encoding.model_source import AUTO, BUNDLED, QWEN3_0_6B, QWEN3_4B, QWEN3_8B
from semsearch.encoding.vector_cache import VectorCache
from semsearch.page.samples import default_sample
from semsearch.page.words import word_key
from semsearch.retrieval.search import SearchRun
from semsearch.settings import Settings

if TYPE_CHECKING:
    from semsearch.encoding.embedder import Embedder

T = TypeVar("T")

CUSTOM = "custom"
"""The model pickers' choice that asks for a model id or folder in a text box."""
MODEL_CHOICES = (AUTO, BUNDLED, QWEN3_0_6B, QWEN3_4B, QWEN3_8B, CUSTOM)
"""The values the sidebar's model picker (:attr:`Keys.MODEL_CHOICE`) offers."""

DEFAULT_THRESHOLD = 0.4  # the model card's unrelated pairs score ~0.14, matching ones 0.6-0.76
DEFAULT_TOP_K = 5
DEFAULT_RERANK_CANDIDATES = 20
DEFAULT_CHUNKS = ChunkSettings("paragraph", 256, 64)


LESSON, WORKBENCH = "lesson", "workbench"
"""The app's two pages (:attr:`Keys.PAGE`): a lesson for a class, a workbench for a developer."""
PAGES = (LESSON, WORKBENCH)


class Keys:
    """Widget keys: Streamlit owns their values; the strings must not change."""

    # The header: which page, which language.
    PAGE = "page"
    LANG = "lang"
    # Sidebar (the workbench): the model and its settings.
    MODEL_CHOICE = "model_choice"
    CUSTOM_MODEL = "custom_model"
    DIM = "dim"
    MAX_LENGTH = "max_length"
    INSTRUCTION = "instruction"
    INSTRUCTION_RESET = "instruction_reset"
    RERANK = "rerank"
    RERANK_CANDIDATES = "rerank_candidates"
    # Knowledge base: sample, typed lines, files, saved bases.
    SAMPLE = "sample"
    LOAD_SAMPLE = "load_sample"
    KB_TEXT = "kb_text"
    UPLOADS = "uploads"
    CHUNK_MODE = "chunk_mode"
    CHUNK_WINDOW = "chunk_window"
    CHUNK_OVERLAP = "chunk_overlap"
    CLOSE_BASE = "close_base"
    PUT_BACK = "put_back"
    SAVE_NAME = "save_name"
    SAVE_REPLACE = "save_replace"
    SAVE_BASE = "save_base"
    SAVED_PICK = "saved_pick"
    OPEN_BASE = "open_base"
    DELETE_BASE = "delete_base"
    DELETE_CONFIRM = "delete_confirm"
    DELETED_PICK = "deleted_pick"
    RESTORE_BASE = "restore_base"
    # Query and results.
    QUERY = "query"
    SEARCH = "search"
    THRESHOLD = "threshold"
    TOP_K = "top_k"
    PER_DOCUMENT = "per_document"
    EXPORT_CSV = "export_csv"
    EXPORT_JSON = "export_json"
    EXPORT_NPY = "export_npy"
    EXPORT_PARQUET = "export_parquet"
    ANSWER = "answer"
    # "Why these results?" and "Behind the scenes".
    WHY_TAB = "why_tab"
    BEHIND = "behind"
    KW_HYBRID = "kw_hybrid"
    MAP_METHOD = "map_method"
    COMPARE_MODEL = "compare_model"
    COMPARE_CUSTOM = "compare_custom"
    COMPARE_RUN = "compare_run"
    LABELS_CSV = "labels_csv"
    CAL_CLEAR = "cal_clear"
    CAL_APPLY = "cal_apply"
    # Kept between visits: the disk cache, the labels' file, files from the last visit.
    CACHE_CLEAR = "cache_clear"
    LABELS_DOWNLOAD = "labels_download"
    FORGET_FILES = "forget_files"
    MAP_COLOUR = "map_colour"
    MAP_CHART = "map_chart"
    """The map's chart: its value is the point clicked (``on_select``)."""

    LABEL_PREFIX = "label_"
    CSV_COLUMN_PREFIX = "csv_column_"
    FILTER_PREFIX = "filter_"

    @staticmethod
    def label_switch(query: str, text: str) -> str:
        """The key of the relevant / not relevant switch of ``text`` under ``query``."""
        digest = hashlib.sha1(f"{query}\x1f{text}".encode()).hexdigest()[:16]
        return Keys.LABEL_PREFIX + digest

    @staticmethod
    def csv_column(file_id: str) -> str:
        """The key of the column picker of an uploaded CSV file."""
        return Keys.CSV_COLUMN_PREFIX + file_id

    @staticmethod
    def filter_field(field: str) -> str:
        """The key of the filter control of ``field`` (a source, heading or metadata key)."""
        return Keys.FILTER_PREFIX + field


class Kept:
    """Kept keys: what the page keeps for itself, always through :class:`PageState`."""

    # The last search's snapshot (keep_run writes all five together).
    RUN = "run"
    KB_TEXTS = "kb_texts"
    KB_PASSAGES = "kb_passages"
    KB_EMBEDDINGS = "kb_embeddings"
    QUERY_VECTOR = "query_vector"
    # Long-lived state of the session.
    VECTOR_CACHE = "vector_cache"
    SEARCH_REQUESTED = "search_requested"
    OPENED_BASE = "opened_base"
    PUT_ASIDE = "put_aside"
    OPENED_TEXT = "opened_text"
    SAVED_FLASH = "saved_flash"
    LAST_ANSWER = "last_answer"
    COMPARISON = "comparison"
    LABELS = "labels"
    LABELS_FILES = "labels_files"
    FILE_PASSAGES = "file_passages"
    # Memos: (key, value), the latest entry only (PageState.remembered).
    KB_PARSED = "kb_parsed"
    KB_SUM = "kb_sum"
    KB_COLUMNS = "kb_columns"
    CPU_INDEX = "cpu_index"
    KEYWORD_INDEX = "keyword_index"
    KEYWORD_SCORES = "keyword_scores"
    MAP_POINTS = "map_points"
    RERANK_SCORES = "rerank_scores"
    LANGUAGE_FIT = "language_fit"
    # Kept between visits (semsearch.page.reload): this page's id and what was last kept.
    BROWSER = "browser"
    KEPT_PAGE = "kept_page"
    KEPT_LABELS = "kept_labels"
    KEPT_FILES = "kept_files"
    UPLOADED_FILES = "uploaded_files"
    KEPT_FILES_SAVED = "kept_files_saved"
    FILES_NOT_KEPT = "files_not_kept"
    KEPT_SETTINGS = "kept_settings"
    OWNER = "owner"
    NEW_TOKEN = "new_token"
    VISITING = "visiting"
    SEEN = "seen"
    RESTORE_SEARCH = "restore_search"
    # Memos of the filter and the evaluation tab (latest entry only).
    FACETS = "facets"
    FILTERED = "kb_filtered"
    EVALUATION = "evaluation"


def _constants(holder: type) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(holder).items()
        if name.isupper() and not name.endswith("_PREFIX") and isinstance(value, str)
    }


WIDGET_KEYS = frozenset(_constants(Keys).values())
"""Every fixed widget key; per-item ones start with ``Keys.*_PREFIX``."""
KEPT_KEYS = frozenset(_constants(Kept).values())


@dataclass(frozen=True)
class OpenedBase:
    """A saved base opened on the page.

    A base up to :data:`semsearch.page.bases.IN_PAGE_LIMIT` passages opens into the page:
    its typed lines go back into the text box, its file passages are kept here, and all of
    it is searched with the page's own vectors. A larger one stays in its store
    (``in_store``): nothing of it is copied into the session, and each search asks the
    store for a bounded candidate set (:func:`semsearch.retrieval.search.run_base_search`).
    """

    name: str
    passages: tuple[Passage, ...]
    in_store: bool = False
    total: int = 0
    """Passages in the base (for ``in_store``: none of them are in ``passages``)."""


@dataclass(frozen=True)
class Flash:
    """A message for the next rerun: a callback's outcome, shown once above its panel."""

    kind: str
    """``success`` or ``error``."""
    message: str


@dataclass(frozen=True)
class KeptAnswer:
    """The last generated answer, shown again on reruns of the same search and query."""

    run_key: str
    query: str
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Comparison:
    """Another model's scores for one search (the Compare view)."""

    run_key: str
    model: str
    scores: np.ndarray


class Value(Generic[T]):
    """A value read without writing; ``default`` stands in until it has one.

    For widgets (:class:`Widget`) and for kept values that are replaced, never changed in
    place (a flag, a snapshot to compare with): reading one leaves the mapping as it was.
    ``del`` removes the value, so that the default (or a widget's first option) comes back.
    """

    def __init__(self, key: str, default: T) -> None:
        self.key, self.default = key, default

    @overload
    def __get__(self, state: None, owner: type) -> Value[T]: ...
    @overload
    def __get__(self, state: PageState, owner: type) -> T: ...
    def __get__(self, state: PageState | None, owner: type) -> Value[T] | T:
        if state is None:
            return self
        return self.read(state.mapping.get(self.key, self.default))

    def read(self, value: Any) -> T:
        """The stored value as ``T``."""
        return cast(T, value)

    def __set__(self, state: PageState, value: T) -> None:
        state.mapping[self.key] = value

    def __delete__(self, state: PageState) -> None:
        state.mapping.pop(self.key, None)


class Widget(Value[T]):
    """A widget's value, read without writing; ``default`` stands in until it has one.

    ``convert`` turns what Streamlit holds into the declared type (a number input may hold
    an int or a float; a segmented control ``None`` when nothing is picked).
    """

    def __init__(self, key: str, default: T, convert: Callable[[Any], T] | None = None) -> None:
        super().__init__(key, default)
        self.convert = convert

    def read(self, value: Any) -> T:
        """The widget's value as ``T`` (through ``convert`` when given)."""
        return self.convert(value) if self.convert else cast(T, value)


class Slot(Generic[T]):
    """A kept value; ``make`` builds its default.

    The default is stored on first read, so that it can be changed in place (a cache, a dict
    of labels).
    """

    def __init__(self, key: str, make: Callable[[], T]) -> None:
        self.key, self.make = key, make

    @overload
    def __get__(self, state: None, owner: type) -> Slot[T]: ...
    @overload
    def __get__(self, state: PageState, owner: type) -> T: ...
    def __get__(self, state: PageState | None, owner: type) -> Slot[T] | T:
        if state is None:
            return self
        self.fill(state)
        return cast(T, state.mapping[self.key])

    def fill(self, state: PageState) -> None:
        """Store the default unless there is a value."""
        if self.key not in state.mapping:
            state.mapping[self.key] = self.make()

    def __set__(self, state: PageState, value: T) -> None:
        state.mapping[self.key] = value


def _chunk_mode(value: Any) -> ChunkMode:
    return cast(ChunkMode, value or DEFAULT_CHUNKS.mode)  # None: the control was clicked off


def _empty_matrix() -> np.ndarray:
    return np.zeros((0, 0), dtype=np.float32)


def _empty_vector() -> np.ndarray:
    return np.zeros(0, dtype=np.float32)


def _session_cache() -> VectorCache:
    # Reads through the process's disk cache: a reload or a restart encodes nothing seen.
    return VectorCache(disk=shared_disk_cache())


class PageState:
    """Typed access to one session's state (``st.session_state`` on the page).

    Construct it as often as convenient: it holds nothing but the mapping.
    """

    # Widgets (Streamlit owns these values).
    page = Widget(Keys.PAGE, LESSON, str)
    lang = Widget(Keys.LANG, "en", str)
    model_choice = Widget(Keys.MODEL_CHOICE, AUTO, str)
    custom_model = Widget(Keys.CUSTOM_MODEL, "", str)
    dim = Widget(Keys.DIM, 0, int)
    max_length = Widget(Keys.MAX_LENGTH, 0, int)
    instruction = Widget(Keys.INSTRUCTION, "", str)
    rerank = Widget(Keys.RERANK, False, bool)
    rerank_candidates = Widget(Keys.RERANK_CANDIDATES, DEFAULT_RERANK_CANDIDATES, int)
    sample = Widget(Keys.SAMPLE, "", str)
    kb_text = Widget(Keys.KB_TEXT, "", str)
    chunk_mode = Widget[ChunkMode](Keys.CHUNK_MODE, DEFAULT_CHUNKS.mode, _chunk_mode)
    chunk_window = Widget(Keys.CHUNK_WINDOW, DEFAULT_CHUNKS.window, int)
    chunk_overlap = Widget(Keys.CHUNK_OVERLAP, DEFAULT_CHUNKS.overlap, int)
    query = Widget(Keys.QUERY, "", str)
    threshold = Widget(Keys.THRESHOLD, DEFAULT_THRESHOLD, float)
    top_k = Widget(Keys.TOP_K, DEFAULT_TOP_K, int)
    per_document = Widget(Keys.PER_DOCUMENT, True, bool)
    """One result per document (its best passage), or every passage on its own."""
    behind = Widget(Keys.BEHIND, False, bool)
    why_tab = Widget[str | None](Keys.WHY_TAB, None)
    """The open view's tab, by its shown label (``None`` until a tab was opened)."""
    map_chart = Widget[Any](Keys.MAP_CHART, None)
    """The map's selection event (Streamlit's dict), ``None`` before a click."""
    delete_confirm = Widget(Keys.DELETE_CONFIRM, False, bool)

    # The last search's snapshot: written together by keep_run.
    run = Slot[SearchRun | None](Kept.RUN, lambda: None)
    kb_texts = Slot[list[str]](Kept.KB_TEXTS, list)
    kb_passages = Slot[list[Passage]](Kept.KB_PASSAGES, list)
    kb_embeddings = Slot(Kept.KB_EMBEDDINGS, _empty_matrix)
    """float32 [passages, dim] of the last search (the same array as ``run.kb_embeddings``)."""
    query_vector = Slot(Kept.QUERY_VECTOR, _empty_vector)

    # What the session keeps besides.
    vector_cache = Slot(Kept.VECTOR_CACHE, _session_cache)
    """This session's vectors, reading through the disk cache shared by every session."""
    search_requested = Slot(Kept.SEARCH_REQUESTED, lambda: False)
    """Enter was pressed in the query box: search on this rerun, as the button would."""
    opened_base = Slot[OpenedBase | None](Kept.OPENED_BASE, lambda: None)
    put_aside = Slot[str](Kept.PUT_ASIDE, str)
    """The lines typed before a saved base was opened in their place ("" when none)."""
    opened_text = Slot[str](Kept.OPENED_TEXT, str)
    """What the last opened base wrote into the text box (not the user's: not put aside)."""
    last_answer = Slot[KeptAnswer | None](Kept.LAST_ANSWER, lambda: None)
    comparison = Slot[Comparison | None](Kept.COMPARISON, lambda: None)
    labels = Slot[dict[tuple[str, str], bool]](Kept.LABELS, dict)
    """The user's relevance labels, by (query, text): they outlive searches and edits."""
    labels_files = Slot[set[str]](Kept.LABELS_FILES, set)
    """Upload ids of the label files already read (each is read once)."""
    file_passages = Slot[dict[object, list[Passage]]](Kept.FILE_PASSAGES, dict)
    """Passages per (upload, column, chunk settings, model); see :meth:`forget_files`."""
    browser = Slot[str](Kept.BROWSER, str)
    """This page's id in the URL, under which it is kept between visits ("" until restored)."""
    kept_files = Slot[dict[str, list[Passage]]](Kept.KEPT_FILES, dict)
    """Passages of files uploaded in an earlier visit, by name (the files are gone)."""
    uploaded_files = Slot[dict[str, list[Passage]]](Kept.UPLOADED_FILES, dict)
    """Passages of the files in the workbench's uploader on its last run, by name."""

    # Kept between visits (semsearch.page.reload): whose page this is, what was last written.
    owner = Value(Kept.OWNER, "")
    """The hash of the browser's cookie token (``""`` until restored)."""
    new_token = Value[str | None](Kept.NEW_TOKEN, None)
    """A token made for a browser that came without a cookie, to be set as its cookie."""
    visiting = Value(Kept.VISITING, False)
    """The page is someone else's: shown as it is, copied on the first change."""
    seen = Value(Kept.SEEN, False)
    """The page has been drawn once in this session."""
    kept_page = Value[tuple[str | None, str | None] | None](Kept.KEPT_PAGE, None)
    """(knowledge-base text, query) as last written to the page memory."""
    kept_labels = Value[dict[tuple[str, str], bool] | None](Kept.KEPT_LABELS, None)
    """The labels as last written (a copy)."""
    kept_files_saved = Value[object](Kept.KEPT_FILES_SAVED, None)
    """A cheap key of the files as last written."""
    files_not_kept = Value[tuple[str, ...]](Kept.FILES_NOT_KEPT, ())
    """The files left out of the page memory for their size when last written (named)."""
    kept_settings = Value[object](Kept.KEPT_SETTINGS, None)
    """(settings, answer) as last written."""

    def __init__(self, mapping: MutableMapping[Any, Any]) -> None:
        # Any key type: Streamlit's session state is typed as taking ``str | int`` keys and
        # a test's ``dict[str, Any]`` as ``str``; the page only ever uses the strings below.
        self.mapping = mapping

    def init(self, settings: Settings) -> None:
        """Every default that needs no model; call it first on every rerun (it only fills gaps).

        Widget defaults are set here rather than passed to the widgets, so that a callback
        or another view may set them too without Streamlit's warning about both.
        """
        preset = settings.model if settings.model in MODEL_CHOICES else CUSTOM
        defaults: dict[str, Any] = {
            Keys.MODEL_CHOICE: preset,
            Keys.CUSTOM_MODEL: settings.model if preset == CUSTOM else "",
            Keys.PAGE: LESSON,
            Keys.THRESHOLD: DEFAULT_THRESHOLD,
            Keys.TOP_K: DEFAULT_TOP_K,
            Keys.PER_DOCUMENT: True,
            Keys.CHUNK_MODE: DEFAULT_CHUNKS.mode,
        }
        for key, value in defaults.items():
            self.mapping.setdefault(key, value)
        PageState.run.fill(self)
        PageState.kb_texts.fill(self)
        PageState.kb_passages.fill(self)
        PageState.kb_embeddings.fill(self)
        PageState.query_vector.fill(self)
        PageState.vector_cache.fill(self)
        PageState.search_requested.fill(self)

    def init_sample(self, lang: str, embedder: Embedder | None) -> None:
        """First visit: a sample knowledge base and a query to try, fitting the model in use.

        English while no model is loaded or the bundled (English-only) one is.
        """
        english_only = embedder is None or (
            embedder.report is not None and embedder.report.how == "bundled"
        )
        first = default_sample(english_only, lang)
        self.mapping.setdefault(Keys.SAMPLE, first.key)
        self.mapping.setdefault(Keys.KB_TEXT, first.text)
        self.mapping.setdefault(Keys.QUERY, first.example_query[lang])

    def fit_model(
        self, dims: Collection[int], native_dim: int, limit: int, max_length: int,
        default_task: str | None,
    ) -> None:  # fmt: skip
        """Settings the loaded model can take: its dimensions, its length cap, its instruction.

        A dimension the model does not offer (first visit, another model) becomes its native
        one; the token cap is cut to ``limit``, starting from ``max_length`` (the settings').
        """
        if self.mapping.get(Keys.DIM) not in dims:
            self.mapping[Keys.DIM] = native_dim
        self.mapping[Keys.MAX_LENGTH] = min(
            int(self.mapping.get(Keys.MAX_LENGTH, max_length)), limit
        )
        if default_task is not None:
            self.mapping.setdefault(Keys.INSTRUCTION, default_task)

    def preset(self, key: str, value: object) -> None:
        """Give the widget ``key`` a value unless it has one (before it is drawn).

        For values restored from elsewhere (the URL, the page memory) that must never replace
        what the user chose in this session.
        """
        if key not in WIDGET_KEYS and not key.startswith(Keys.FILTER_PREFIX):
            raise KeyError(f"{key!r} is no widget key; use one of Keys (semsearch.page.state).")
        self.mapping.setdefault(key, value)

    def widget_values(self, keys: Collection[str]) -> dict[str, object]:
        """The values of those ``keys`` whose widgets have one, as they are."""
        return {key: self.mapping[key] for key in keys if key in self.mapping}

    def filter_choice(self, field: str) -> list[str] | None:
        """The values picked in the filter control of ``field``; ``None`` before it is drawn."""
        picked = self.mapping.get(Keys.filter_field(field))
        return None if picked is None else list(picked)

    def set_filter_choice(self, field: str, values: list[str]) -> None:
        """Pick ``values`` in the filter control of ``field`` (before it is drawn)."""
        self.mapping[Keys.filter_field(field)] = values

    def filter_choices(self) -> dict[str, list[str]]:
        """Every filter control with something picked, by its widget key."""
        return {
            str(key): list(value)
            for key, value in list(self.mapping.items())
            if str(key).startswith(Keys.FILTER_PREFIX) and value
        }

    def label_choice(self, key: str) -> str | None:
        """The word picked on the label switch ``key`` (:meth:`Keys.label_switch`), if any."""
        choice = self.mapping.get(key)
        return choice if isinstance(choice, str) else None

    def preset_label_choice(self, key: str, word: str | None) -> None:
        """Show ``word`` on the label switch ``key`` unless it holds a choice already."""
        self.mapping.setdefault(key, word)

    def csv_column_choice(self, file_id: str) -> list[str] | None:
        """The columns picked for an uploaded CSV file; ``None`` before its picker is drawn."""
        chosen = self.mapping.get(Keys.csv_column(file_id))
        return chosen if isinstance(chosen, list) else None

    def set_csv_column_choice(self, file_id: str, columns: list[str]) -> None:
        """Pick ``columns`` for an uploaded CSV file (before its picker is drawn)."""
        self.mapping[Keys.csv_column(file_id)] = columns

    def take_restore_search(self) -> bool:
        """Whether the restored page asked for one free search; the request is used up."""
        return bool(self.mapping.pop(Kept.RESTORE_SEARCH, False))

    def ask_restore_search(self, wanted: bool) -> None:
        """Ask (or not) for one free search on this run (:meth:`take_restore_search`)."""
        self.mapping[Kept.RESTORE_SEARCH] = wanted

    def chunk_settings(self) -> ChunkSettings:
        """How uploaded files are split, as chosen on the page."""
        return ChunkSettings(self.chunk_mode, self.chunk_window, self.chunk_overlap)

    def take_search_request(self) -> bool:
        """Whether Enter asked for a search since the last rerun; the request is used up."""
        requested = bool(self.search_requested)
        self.search_requested = False
        return requested

    def keep_run(self, run: SearchRun, passages: list[Passage]) -> None:
        """Keep a search as the page's current results (CPU arrays only)."""
        self.run = run
        self.kb_texts = list(run.texts)
        self.kb_passages = passages
        self.kb_embeddings = run.kb_embeddings
        self.query_vector = run.query_vector

    def remembered(self, name: str, key: object, make: Callable[[], T]) -> T:
        """The value kept under ``name`` while ``key`` stays the same; else ``make()``'s.

        For per-search results that are slow to make (a keyword index, a projection) and
        for the passages of an unchanged knowledge base. Only the latest entry is kept: a new
        ``key`` replaces the value, so a memo never grows with the session.
        """
        slot = self.mapping.get(name)
        if slot is None or slot[0] != key:
            slot = (key, make())
            self.mapping[name] = slot
        return cast(T, slot[1])

    def forget_files(self, keep: Collection[object]) -> None:
        """Drop the passages of files no longer on the page (or split in another way)."""
        passages = self.file_passages
        for key in [key for key in passages if key not in keep]:
            del passages[key]

    def flash(self, kind: str, message: str) -> None:
        """Leave a message for the next rerun (a callback cannot draw)."""
        self.mapping[Kept.SAVED_FLASH] = Flash(kind, message)

    def take_flash(self) -> Flash | None:
        """The message left by :meth:`flash`, once."""
        return cast(Flash | None, self.mapping.pop(Kept.SAVED_FLASH, None))

    def label_switches(self) -> Iterator[str]:
        """The keys of the calibration view's label switches now in the session."""
        return (key for key in list(self.mapping) if str(key).startswith(Keys.LABEL_PREFIX))

    def reset_label_switches(self) -> None:
        """Forget the switches' values, so that they show the labels again when drawn."""
        for key in list(self.label_switches()):
            del self.mapping[key]

    def hold(self, key: str) -> None:
        """Keep a widget's value through a rerun that does not draw the widget.

        Streamlit drops the value of a widget that a run leaves out; assigning it again
        makes it the page's, so the widget finds it when it is drawn again.
        """
        if key in self.mapping:
            self.mapping[key] = self.mapping[key]

    def hold_workbench(self) -> None:
        """Keep the workbench's choices through a run of the lesson page, which draws none."""
        for key in list(self.mapping):
            name = str(key)
            if name in WORKBENCH_ONLY or name.startswith(WORKBENCH_ONLY_PREFIXES):
                self.hold(name)

    def keep_choices(self) -> None:
        """Keep every choice on the page through a change of the page's language.

        The browser tells Streamlit a select box's or a radio's choice by its shown label;
        once the labels are translated, the old label matches no option and the widget
        falls back to its first option (a sample in another language) or hands back the old
        label as if it were a value (a model named "bundled: all-MiniLM…"). Called from the
        language switch's callback, while the old labels still read as values, this makes
        each value the page's own. The calibration switches, whose values are the words
        themselves, are forgotten instead: they show the kept labels in the new words.
        """
        for key in TRANSLATED_CHOICES:
            self.hold(key)
        self.reset_label_switches()


VIEW_KEYS = tuple(
    word_key(key)
    for key in ("tab_keywords", "tab_map", "tab_heatmap", "tab_tokens", "tab_calibrate",
                "tab_compare", "tab_eval")
)  # fmt: skip
"""The "why" views, by the key of their tab's words, in the order of the tabs."""

WORKBENCH_ONLY = (
    Keys.MODEL_CHOICE, Keys.CUSTOM_MODEL, Keys.DIM, Keys.MAX_LENGTH, Keys.INSTRUCTION,
    Keys.RERANK, Keys.RERANK_CANDIDATES, Keys.CHUNK_MODE, Keys.CHUNK_WINDOW, Keys.CHUNK_OVERLAP,
    Keys.SAVE_NAME, Keys.SAVE_REPLACE, Keys.SAVED_PICK, Keys.COMPARE_MODEL, Keys.COMPARE_CUSTOM,
    Keys.PER_DOCUMENT,
)  # fmt: skip
"""Value widgets drawn on the workbench only (with the per-file and per-field ones, by prefix).

The lesson page holds them (:meth:`PageState.hold_workbench`): Streamlit forgets the value of
a widget a run does not draw, and a choice made on the workbench must outlive a visit to the
lesson. Buttons and the file uploader hold no value that could be kept this way.
"""
WORKBENCH_ONLY_PREFIXES = (Keys.FILTER_PREFIX, Keys.CSV_COLUMN_PREFIX)

TRANSLATED_CHOICES = (Keys.PAGE, Keys.MODEL_CHOICE, Keys.SAMPLE, Keys.CHUNK_MODE,
                      Keys.COMPARE_MODEL, Keys.MAP_COLOUR)  # fmt: skip
"""Choice widgets whose shown labels depend on the page's language."""
