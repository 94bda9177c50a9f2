"""The page's session state accessor and the page logic built on it, with a plain dict.

Nothing here runs Streamlit: ``PageState`` takes any mutable mapping, so these tests hand it
a ``dict`` and check exactly which keys and values end up in it. The staleness tests run
real searches with the deterministic fake encoder (tests/fakes.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from semsearch.documents.chunking import ChunkSettings, Passage
from semsearch.encoding.vector_cache import VectorCache
from semsearch.page.indexes import ranking_index
from semsearch.page.passages import all_passages, passage_columns, typed_passages
from semsearch.page.samples import sample
from semsearch.page.staleness import (
    Freshness,
    SearchInputs,
    freshness,
    refresh_if_free,
    search,
)
from semsearch.page.state import (
    CUSTOM,
    KEPT_KEYS,
    WIDGET_KEYS,
    Flash,
    Kept,
    Keys,
    OpenedBase,
    PageState,
)
from semsearch.retrieval.vector_index import VectorIndex
from semsearch.settings import Settings
from tests.fakes import fake_embedder

ROOT = Path(__file__).resolve().parent.parent

# The strings widgets bind to: changing one resets a user's choice and breaks the tests that
# drive the page by key, so a change here must be deliberate.
WIDGETS = {
    "PAGE": "page", "LANG": "lang", "MODEL_CHOICE": "model_choice", "CUSTOM_MODEL": "custom_model", "DIM": "dim",
    "MAX_LENGTH": "max_length", "INSTRUCTION": "instruction",
    "INSTRUCTION_RESET": "instruction_reset", "RERANK": "rerank",
    "RERANK_CANDIDATES": "rerank_candidates", "SAMPLE": "sample", "LOAD_SAMPLE": "load_sample",
    "KB_TEXT": "kb_text", "UPLOADS": "uploads", "CHUNK_MODE": "chunk_mode",
    "CHUNK_WINDOW": "chunk_window", "CHUNK_OVERLAP": "chunk_overlap", "CLOSE_BASE": "close_base",
    "PUT_BACK": "put_back",
    "SAVE_NAME": "save_name", "SAVE_REPLACE": "save_replace", "SAVE_BASE": "save_base",
    "SAVED_PICK": "saved_pick", "OPEN_BASE": "open_base", "DELETE_BASE": "delete_base",
    "DELETE_CONFIRM": "delete_confirm",
    "DELETED_PICK": "deleted_pick", "RESTORE_BASE": "restore_base",
    "QUERY": "query", "SEARCH": "search", "THRESHOLD": "threshold", "TOP_K": "top_k",
    "PER_DOCUMENT": "per_document",
    "EXPORT_CSV": "export_csv", "EXPORT_JSON": "export_json", "EXPORT_NPY": "export_npy",
    "EXPORT_PARQUET": "export_parquet", "ANSWER": "answer", "WHY_TAB": "why_tab",
    "BEHIND": "behind", "KW_HYBRID": "kw_hybrid", "MAP_METHOD": "map_method",
    "COMPARE_MODEL": "compare_model", "COMPARE_CUSTOM": "compare_custom",
    "COMPARE_RUN": "compare_run", "LABELS_CSV": "labels_csv", "CAL_CLEAR": "cal_clear",
    "CAL_APPLY": "cal_apply",
    "CACHE_CLEAR": "cache_clear", "LABELS_DOWNLOAD": "labels_download",
    "FORGET_FILES": "forget_files",
    "MAP_COLOUR": "map_colour", "MAP_CHART": "map_chart",
}  # fmt: skip
# Kept keys the tests and bench/app_rerank.py read from an AppTest's session state.
READ_FROM_OUTSIDE = {"run", "kb_texts", "kb_embeddings", "query_vector", "vector_cache",
                     "labels", "map_points"}  # fmt: skip


def constants(holder: type) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(holder).items()
        if name.isupper() and not name.endswith("_PREFIX")
    }


# --- keys -----------------------------------------------------------------------------------


def test_widget_keys_keep_their_strings() -> None:
    assert constants(Keys) == WIDGETS
    assert set(WIDGETS.values()) == WIDGET_KEYS


def test_kept_keys_are_distinct_from_widget_keys_and_keep_the_names_read_outside() -> None:
    kept = constants(Kept)
    assert len(set(kept.values())) == len(kept)
    assert set(kept.values()) == KEPT_KEYS
    assert not KEPT_KEYS & WIDGET_KEYS
    assert READ_FROM_OUTSIDE <= KEPT_KEYS
    prefixes = (Keys.LABEL_PREFIX, Keys.CSV_COLUMN_PREFIX, Keys.FILTER_PREFIX)
    assert all(not key.startswith(prefixes) for key in KEPT_KEYS)


def test_per_item_widget_keys() -> None:
    key = Keys.label_switch("fruit?", "apples")
    assert key == Keys.label_switch("fruit?", "apples")
    assert re.fullmatch(r"label_[0-9a-f]{16}", key)
    assert key != Keys.label_switch("fruit?", "apples ")
    assert key != Keys.label_switch("fruit", "?apples")  # the separator keeps the parts apart
    assert Keys.csv_column("abc-1") == "csv_column_abc-1"


def test_page_code_has_no_loose_state_keys() -> None:
    """Session state is reached only through PageState; widget keys only through Keys.

    A literal ``key="..."`` is left only to charts and tables, whose key names an element.
    """
    sources = [ROOT / "app.py", *sorted((ROOT / "app_views").glob("*.py"))]
    for path in sources:
        text = path.read_text("utf-8")
        uses = text.count("st.session_state")
        allowed = {"app.py": 1, "context.py": 1}.get(path.name, 0)
        assert uses == allowed, f"{path.name}: st.session_state used {uses} times"
        literals = re.findall(r'key="([^"]*)"', text)
        assert all(name.endswith(("_chart", "_table")) for name in literals), (path.name, literals)
        assert not re.search(r"key=f\"", text.replace('key=f"cmp_table_', "")), path.name


def test_only_page_state_touches_the_mapping() -> None:
    """Every read and write of session state outside state.py goes through a typed accessor."""
    sources = [
        ROOT / "app.py",
        *sorted((ROOT / "app_views").glob("*.py")),
        *sorted((ROOT / "semsearch" / "page").rglob("*.py")),
    ]
    loose = {
        path.name: text.count(".mapping")
        for path in sources
        if path.name != "state.py" and (text := path.read_text("utf-8")).count(".mapping")
    }
    assert loose == {}


# --- the accessor ---------------------------------------------------------------------------


def test_preset_fills_only_a_widget_without_a_value() -> None:
    state = PageState({Keys.QUERY: "typed"})
    state.preset(Keys.QUERY, "from the url")
    state.preset(Keys.LANG, "zh")
    state.preset(Keys.filter_field("source"), ["a.txt"])
    assert state.mapping == {"query": "typed", "lang": "zh", "filter_source": ["a.txt"]}
    with pytest.raises(KeyError, match="'run' is no widget key"):
        state.preset(Kept.RUN, None)


def test_per_item_choices_round_trip_under_their_widget_keys() -> None:
    state = PageState({})
    assert state.filter_choice("source") is None
    assert state.csv_column_choice("f1") is None
    state.set_filter_choice("source", ["a.txt"])
    state.set_filter_choice("lang", [])
    state.set_csv_column_choice("f1", ["text"])
    switch = Keys.label_switch("q", "a")
    state.preset_label_choice(switch, "relevant")
    state.preset_label_choice(switch, "not relevant")  # a choice already made stays
    assert state.filter_choices() == {"filter_source": ["a.txt"]}
    assert state.label_choice(switch) == "relevant"
    assert state.mapping == {
        "filter_source": ["a.txt"], "filter_lang": [], "csv_column_f1": ["text"],
        switch: "relevant",
    }  # fmt: skip


def test_kept_values_read_without_writing_and_a_restore_search_is_used_up() -> None:
    state = PageState({})
    assert (state.visiting, state.seen, state.owner, state.kept_page) == (False, False, "", None)
    assert state.why_tab is None
    assert state.mapping == {}
    state.why_tab = "Map"
    del state.why_tab
    state.ask_restore_search(True)
    assert state.mapping == {"restore_search": True}
    assert state.take_restore_search() is True
    assert state.take_restore_search() is False
    assert state.mapping == {}


def test_reading_a_widget_never_writes_and_gives_its_default() -> None:
    mapping: dict[str, object] = {}
    state = PageState(mapping)
    assert (state.threshold, state.top_k, state.rerank, state.rerank_candidates) == (
        0.4, 5, False, 20
    )  # fmt: skip
    assert (state.query, state.kb_text, state.behind) == ("", "", False)
    assert state.chunk_settings() == ChunkSettings("paragraph", 256, 64)
    assert mapping == {}  # writing before a widget with its own default makes Streamlit warn


def test_kept_values_are_stored_on_first_read_so_they_can_change_in_place() -> None:
    mapping: dict[str, object] = {}
    state = PageState(mapping)
    state.labels[("q", "t")] = True
    state.labels_files.add("upload-1")
    assert mapping == {"labels": {("q", "t"): True}, "labels_files": {"upload-1"}}
    cache = state.vector_cache
    assert isinstance(cache, VectorCache)
    assert state.vector_cache is cache


def test_init_fills_only_gaps() -> None:
    mapping: dict[str, object] = {"threshold": 0.7}
    PageState(mapping).init(Settings())
    assert set(mapping) == {
        "page", "model_choice", "custom_model", "threshold", "top_k", "chunk_mode", "run", "kb_texts",
        "kb_passages", "kb_embeddings", "query_vector", "vector_cache", "search_requested",
        "per_document",
    }  # fmt: skip
    assert mapping["per_document"] is True  # one result per document unless switched off
    assert (mapping["model_choice"], mapping["custom_model"]) == ("auto", "")
    assert mapping["page"] == "lesson"  # the plain address opens the lesson
    assert (mapping["threshold"], mapping["top_k"], mapping["chunk_mode"]) == (0.7, 5, "paragraph")
    assert mapping["run"] is None
    assert mapping["search_requested"] is False
    assert mapping["kb_embeddings"].shape == (0, 0)  # type: ignore[attr-defined]
    assert mapping["query_vector"].dtype == np.float32  # type: ignore[attr-defined]


def test_init_puts_an_unlisted_model_in_the_custom_box() -> None:
    mapping: dict[str, object] = {}
    PageState(mapping).init(Settings(model="/models/mine"))
    assert (mapping["model_choice"], mapping["custom_model"]) == (CUSTOM, "/models/mine")


def test_typed_round_trips_under_the_exact_keys() -> None:
    mapping: dict[str, object] = {}
    state = PageState(mapping)
    state.query = "my phone won't charge"
    state.threshold = 0.55
    state.dim = 32
    state.opened_base = OpenedBase("manuals", (Passage("dust", "a.pdf", "page 1"),))
    assert mapping["query"] == "my phone won't charge"
    assert (mapping["threshold"], mapping["dim"]) == (0.55, 32)
    assert state.opened_base == OpenedBase("manuals", (Passage("dust", "a.pdf", "page 1"),))
    # What widgets hold is converted to the declared type.
    mapping.update(top_k=7.0, chunk_window=128.0, chunk_mode=None, rerank=1)
    assert (state.top_k, state.chunk_window, state.chunk_mode, state.rerank) == (
        7, 128, "paragraph", True
    )  # fmt: skip
    assert type(state.top_k) is int
    assert type(state.chunk_window) is int


def test_fit_model() -> None:
    mapping: dict[str, object] = {"dim": 100, "max_length": 4096}
    state = PageState(mapping)
    state.fit_model([32, 64, 128], native_dim=128, limit=512, max_length=256, default_task="Find")
    assert (state.dim, state.max_length, state.instruction) == (128, 512, "Find")
    state.dim = 64
    state.instruction = "Mine"
    state.fit_model([32, 64, 128], native_dim=128, limit=512, max_length=256, default_task="Find")
    assert (state.dim, state.max_length, state.instruction) == (64, 512, "Mine")
    fresh = PageState({})
    fresh.fit_model([16, 32], native_dim=32, limit=64, max_length=256, default_task=None)
    assert fresh.mapping == {"dim": 32, "max_length": 64}


def test_init_sample() -> None:
    state = PageState({})
    state.init_sample("zh", None)  # no model yet: the English sample
    english = sample("en_fruit")
    assert (state.sample, state.kb_text, state.query) == (
        "en_fruit", english.text, english.example_query["zh"]
    )  # fmt: skip
    other = PageState({})
    other.init_sample("zh", fake_embedder())  # a model that is not the English-only bundled one
    assert other.sample == "zh_fruit"
    other.init_sample("en", None)  # later visits keep what is there
    assert other.sample == "zh_fruit"


def test_search_request_is_used_up_once() -> None:
    state = PageState({})
    assert state.take_search_request() is False
    state.search_requested = True
    assert state.take_search_request() is True
    assert state.take_search_request() is False


def test_flash_is_shown_once() -> None:
    state = PageState({})
    assert state.take_flash() is None
    state.flash("error", "No base 'x'.")
    assert state.take_flash() == Flash("error", "No base 'x'.")
    assert state.take_flash() is None
    assert state.mapping == {}


def test_hold_reassigns_only_a_present_key() -> None:
    mapping: dict[str, object] = {"why_tab": "Map"}
    state = PageState(mapping)
    state.hold(Keys.WHY_TAB)
    state.hold(Keys.BEHIND)
    assert mapping == {"why_tab": "Map"}


def test_reset_label_switches_leaves_the_labels() -> None:
    state = PageState({})
    state.labels[("q", "a")] = True
    switch = Keys.label_switch("q", "a")
    state.mapping[switch] = "relevant"
    state.mapping["labels_csv"] = None
    assert list(state.label_switches()) == [switch]
    state.reset_label_switches()
    assert state.mapping == {"labels": {("q", "a"): True}, "labels_csv": None}


# --- bounded growth -------------------------------------------------------------------------


def test_a_memo_keeps_only_its_latest_entry() -> None:
    state = PageState({})
    made: list[str] = []

    def make(value: str) -> list[str]:
        made.append(value)
        return [value]

    first = state.remembered("memo", "a", lambda: make("a"))
    assert state.remembered("memo", "a", lambda: make("again")) is first
    second = state.remembered("memo", "b", lambda: make("b"))
    assert state.remembered("memo", "a", lambda: make("a2")) == ["a2"]
    assert made == ["a", "b", "a2"]
    assert second == ["b"]
    assert state.mapping == {"memo": ("a", ["a2"])}


def test_forget_files_keeps_only_the_files_on_the_page() -> None:
    state = PageState({})
    kept, gone = ("f1", None, ChunkSettings(), "m"), ("f2", None, ChunkSettings(), "m")
    state.file_passages[kept] = [Passage("one", "a.txt")]
    state.file_passages[gone] = [Passage("two", "b.txt")]
    state.forget_files(keep=[kept])
    assert state.file_passages == {kept: [Passage("one", "a.txt")]}
    state.forget_files(keep=[])
    assert state.file_passages == {}


# --- remembered passages --------------------------------------------------------------------


def test_passages_are_made_again_only_when_their_inputs_change() -> None:
    state = PageState({"kb_text": "apples\n\n oranges \n"})
    typed = typed_passages(state)
    assert typed == [Passage("apples", "", "line 1"), Passage("oranges", "", "line 2")]
    assert typed_passages(state) is typed
    others = [Passage("kiwi", "f.txt", "¶ 1")]
    combined = all_passages(state, typed, others)
    assert combined == [*typed, *others]
    assert all_passages(state, typed, others) is combined
    assert all_passages(state, typed, []) is typed
    columns = passage_columns(state, combined)
    assert columns == (("apples", "oranges", "kiwi"), ("", "", "f.txt · ¶ 1"))
    assert passage_columns(state, combined) is columns
    state.kb_text = "apples"
    assert typed_passages(state) == [Passage("apples", "", "line 1")]


# --- staleness ------------------------------------------------------------------------------

FRUIT = "apples are red\nbananas are yellow\noranges have vitamin c"


@pytest.fixture
def searched() -> tuple[PageState, object, list[Passage]]:
    """A session that searched FRUIT for "vitamin c" with the fake encoder."""
    embedder = fake_embedder()
    state = PageState({"kb_text": FRUIT, "query": " vitamin c "})
    passages = typed_passages(state)
    state.keep_run(search(state, embedder, SearchInputs.on_page(state, passages, None)), passages)
    return state, embedder, passages


def test_keep_run_holds_one_cpu_snapshot(searched) -> None:
    state, _, passages = searched
    run = state.run
    assert run is not None
    assert run.query == "vitamin c"
    assert run.encoded == 3
    assert state.kb_texts == ["apples are red", "bananas are yellow", "oranges have vitamin c"]
    assert state.kb_passages is passages
    assert state.kb_embeddings is run.kb_embeddings
    assert state.query_vector is run.query_vector
    assert all(type(v) is np.ndarray for v in (state.kb_embeddings, state.query_vector))


def test_unchanged_inputs_are_current(searched) -> None:
    state, embedder, passages = searched
    inputs = SearchInputs.on_page(state, passages, None)
    assert freshness(state.run, inputs, embedder, state.vector_cache) is Freshness.CURRENT
    run = state.run
    assert refresh_if_free(state, embedder, passages, None) is True
    assert state.run is run  # nothing run again


def test_cached_inputs_are_refreshed_without_encoding(searched) -> None:
    state, embedder, _ = searched
    state.kb_text = "oranges have vitamin c\napples are red"  # a line dropped, two swapped
    passages = typed_passages(state)
    inputs = SearchInputs.on_page(state, passages, None)
    old = state.run
    assert freshness(old, inputs, embedder, state.vector_cache) is Freshness.REFRESHABLE
    assert refresh_if_free(state, embedder, passages, None) is True
    new = state.run
    assert new is not old
    assert (new.encoded, new.reused) == (0, 2)
    assert new.texts == ("oranges have vitamin c", "apples are red")
    assert state.kb_passages is passages
    np.testing.assert_array_equal(new.query_vector, old.query_vector)


def test_new_inputs_need_the_model(searched) -> None:
    state, embedder, passages = searched
    old = state.run
    cache = state.vector_cache

    def verdict(query: str, texts: tuple[str, ...] | None = None, model: object = embedder,
                instruction: str | None = None) -> Freshness:  # fmt: skip
        inputs = SearchInputs(texts or old.texts, old.origins, query, instruction)
        return freshness(old, inputs, model, cache)  # type: ignore[arg-type]

    assert verdict("vitamin c") is Freshness.CURRENT
    assert verdict("yellow fruit") is Freshness.STALE  # a query never encoded
    assert verdict("vitamin c", (*old.texts, "kiwis are green")) is Freshness.STALE
    assert verdict("vitamin c", instruction="Find fruit") is Freshness.STALE
    assert verdict("vitamin c", model=None) is Freshness.STALE  # no model loaded
    assert verdict("") is Freshness.STALE
    # A smaller (Matryoshka) dimension is cut from the cached full vectors: free.
    assert verdict("vitamin c", model=embedder.with_options(dim=32)) is Freshness.REFRESHABLE
    state.query = "yellow fruit"
    assert refresh_if_free(state, embedder, passages, None) is False
    assert state.run is old


def test_no_search_is_never_current() -> None:
    state = PageState({"kb_text": FRUIT, "query": "vitamin c"})
    assert refresh_if_free(state, fake_embedder(), typed_passages(state), None) is False


# --- the index that ranks -------------------------------------------------------------------


def test_a_cpu_index_is_kept_with_its_search_only(searched) -> None:
    state, embedder, _ = searched
    run = state.run

    def no_gpu(run: object, device: str) -> VectorIndex:
        raise AssertionError("no GPU index on a CPU")

    index = ranking_index(state, run, "cpu", no_gpu)
    assert index.device == "cpu"
    assert index.size == 3
    assert ranking_index(state, run, "cpu", no_gpu) is index
    state.query = "yellow bananas"
    other = search(state, embedder, SearchInputs.on_page(state, state.kb_passages, None))
    assert ranking_index(state, other, "cpu", no_gpu) is not index
    assert state.mapping["cpu_index"][0] == other.key  # one entry, the latest search's


def test_a_gpu_index_comes_from_the_factory_and_stays_out_of_the_session(searched) -> None:
    state, _, _ = searched
    run = state.run
    asked: list[tuple[str, str]] = []
    made = VectorIndex(run.kb_embeddings, normalised=True)

    def gpu(run_: object, device: str) -> VectorIndex:
        asked.append((run_.key, device))  # type: ignore[attr-defined]
        return made

    assert ranking_index(state, run, "cuda:0", gpu) is made
    assert asked == [(run.key, "cuda:0")]
    assert "cpu_index" not in state.mapping
