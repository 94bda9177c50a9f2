"""Nothing lost on reload: a second AppTest with the same URL and data folder is the reload.

A browser reload starts a new Streamlit session with the same URL (query parameters); a
server restart starts a new process with the same data folder. Both are a new AppTest here,
given the first one's ``query_params``.
"""

import pytest
from streamlit.testing.v1 import AppTest

from semsearch.analysis.calibration import Label, labels_csv, read_labels_csv
from semsearch.encoding.disk_cache import FILE_NAME, shared_disk_cache
from semsearch.page.memory import PageMemory
from semsearch.page.samples import sample
from semsearch.per_folder import PerFolder

from .test_disk_cache import read_only

TIMEOUT = 120
KB = "Oranges contain plenty of vitamin C.\nBananas are rich in potassium.\nThe bus leaves at nine."
QUERY = "Which fruit has vitamin C?"
NOTES = (
    b"# Notes\n\nDust in the charging port causes a poor connection.\n\nRefunds take five days.\n"
)


def page(monkeypatch, params=None):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    return at.run()


def reload(monkeypatch, at):
    """The same URL in a new session (and, for the disk, as good as a new process)."""
    return page(monkeypatch, dict(at.query_params))


WORKBENCH = {"page": "workbench"}  # the page with the sidebar's panel and the uploader


def typed_and_searched(monkeypatch, params=None):
    at = page(monkeypatch, params)
    at.text_area(key="kb_text").input(KB)
    at.text_input(key="query").set_value(QUERY)
    return at.button(key="search").click().run()


def test_a_reload_brings_back_text_query_language_and_results_encoding_nothing(monkeypatch):
    at = typed_and_searched(monkeypatch)
    at = at.radio(key="lang").set_value("zh").run()
    assert at.session_state["run"].encoded == 3  # the three lines (the query is apart)
    assert set(at.query_params) == {"id", "lang", "q"}
    assert (at.query_params["lang"], at.query_params["q"]) == ("zh", QUERY)

    again = reload(monkeypatch, at)
    assert not again.exception
    assert again.text_area(key="kb_text").value == KB
    assert again.text_input(key="query").value == QUERY
    assert again.radio(key="lang").value == "zh"
    run = again.session_state["run"]  # searched on its own: every vector was on disk
    assert (run.encoded, run.reused, run.texts) == (0, 3, tuple(KB.splitlines()))
    assert again.query_params["id"] == at.query_params["id"]

    again = again.button(key="search").click().run()
    assert again.session_state["run"].encoded == 0


def test_a_new_browser_gets_its_own_page(monkeypatch):
    at = typed_and_searched(monkeypatch)
    other = page(monkeypatch)
    assert other.query_params["id"] != at.query_params["id"]
    assert other.text_area(key="kb_text").value == sample("en_fruit").text
    assert other.session_state["run"] is None


def test_a_link_with_a_query_and_a_language_opens_them(monkeypatch):
    at = page(monkeypatch, {"lang": "zh", "q": "哪种水果富含维生素C?", "id": "not valid!"})
    assert at.radio(key="lang").value == "zh"
    assert at.text_input(key="query").value == "哪种水果富含维生素C?"
    assert at.query_params["id"] != "not valid!"
    assert len(at.query_params["id"]) == 16


def test_what_is_typed_in_the_session_is_never_replaced(monkeypatch, data_dir):
    at = typed_and_searched(monkeypatch)
    # Another tab with the same link keeps other text meanwhile.
    PageMemory(data_dir).keep_page(at.query_params["id"], "something else", "another query")
    at = at.text_input(key="query").set_value("Which fruit is yellow?").run()
    assert at.text_area(key="kb_text").value == KB
    assert at.text_input(key="query").value == "Which fruit is yellow?"
    assert at.query_params["q"] == "Which fruit is yellow?"


def test_a_long_query_is_kept_but_left_out_of_the_url(monkeypatch):
    at = page(monkeypatch)
    long = "fruit " * 50
    at = at.text_input(key="query").set_value(long).run()
    assert "q" not in at.query_params
    assert reload(monkeypatch, at).text_input(key="query").value == long


def test_a_new_server_process_encodes_nothing_seen(monkeypatch, data_dir):
    at = typed_and_searched(monkeypatch)
    old = shared_disk_cache(data_dir)
    old.close()  # the old process is gone, its file stays
    from semsearch.encoding import disk_cache

    monkeypatch.setattr(disk_cache, "_SHARED", PerFolder(disk_cache.DiskVectorCache))
    again = reload(monkeypatch, at)
    assert again.session_state["vector_cache"].disk is not old
    assert again.session_state["run"].encoded == 0


LABELS_TAB = "Calibrate the threshold"


def test_labels_come_back_after_a_reload_and_download_as_csv(monkeypatch):
    at = typed_and_searched(monkeypatch)
    at.session_state["why_tab"] = LABELS_TAB
    at = at.run()
    view = next(t for t in at.tabs if t.label == LABELS_TAB)
    switches = view.get("button_group")
    switches[0].set_value("relevant").run()
    view = next(t for t in at.tabs if t.label == LABELS_TAB)
    view.get("button_group")[1].set_value("not relevant").run()
    labels = {(QUERY, KB.splitlines()[0]): True, (QUERY, KB.splitlines()[1]): False}
    assert at.session_state["labels"] == labels
    buttons = [b.label for b in at.get("download_button")]
    assert "Download labels (CSV)" in buttons

    again = reload(monkeypatch, at)
    assert again.session_state["labels"] == labels
    again.session_state["why_tab"] = LABELS_TAB
    again = again.run()
    view = next(t for t in again.tabs if t.label == LABELS_TAB)
    assert [g.value for g in view.get("button_group")][:3] == ["relevant", "not relevant", None]
    assert "2 labelled pairs over 1 query (1 relevant)." in [c.value for c in view.caption]

    again.button(key="cal_clear").click().run()
    assert reload(monkeypatch, again).session_state["labels"] == {}


def test_labels_csv_round_trips_with_chinese_and_commas():
    labels = [Label("哪种水果?", "橙子, 富含维生素C", True), Label("q", 'say "hi"', False)]
    data = labels_csv(labels)
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "query,text,relevant",
        'q,"say ""hi""",0',
        '哪种水果?,"橙子, 富含维生素C",1',
    ]
    assert sorted(read_labels_csv(data), key=lambda x: x.query) == sorted(
        labels, key=lambda x: x.query
    )


def test_uploaded_files_passages_come_back_without_the_files(monkeypatch):
    at = page(monkeypatch, WORKBENCH)
    at.text_area(key="kb_text").input("Oranges contain plenty of vitamin C.")
    at.file_uploader(key="uploads").upload("notes.md", NOTES, "text/markdown").run()
    at.text_input(key="query").set_value("my phone charges badly")
    at = at.button(key="search").click().run()
    assert at.session_state["run"].encoded == 3

    again = reload(monkeypatch, at)
    assert not again.exception
    shown = [t.value for t in again.main.text]
    assert "notes.md: 2 passages" in shown
    assert any(c.value.startswith("From an earlier visit") for c in again.main.caption)
    assert "3 passages: 1 typed, 2 from files" in [c.value for c in again.caption]
    run = again.session_state["run"]
    assert run.encoded == 0
    assert "Notes\nDust in the charging port causes a poor connection." in run.texts
    assert "notes.md · § 1 · ¶ 2" in run.origins

    again = again.button(key="forget_files").click().run()
    assert "notes.md: 2 passages" not in [t.value for t in again.main.text]
    assert "notes.md: 2 passages" not in [t.value for t in reload(monkeypatch, again).main.text]


def test_the_sidebar_clears_the_vector_cache(monkeypatch, data_dir):
    at = typed_and_searched(monkeypatch, WORKBENCH)
    assert "Vector cache: 4 vectors, " in at.sidebar.caption[-1].value
    at = at.button(key="cache_clear").click().run()
    assert at.sidebar.success[-1].value == "4 vectors removed from the disk cache."
    assert at.sidebar.caption[-1].value.startswith("Vector cache: 0 vectors, ")
    assert len(at.session_state["vector_cache"]) == 0  # this session forgets them too
    again = reload(monkeypatch, at)
    assert again.session_state["run"] is None  # nothing is free any more: wait for Search
    assert again.button(key="search").click().run().session_state["run"].encoded == 3


def test_a_read_only_data_folder_does_not_break_the_page(monkeypatch, data_dir):
    typed_and_searched(monkeypatch)
    from semsearch.encoding import disk_cache
    from semsearch.page import memory

    monkeypatch.setattr(
        disk_cache, "_SHARED", PerFolder(disk_cache.DiskVectorCache)
    )  # a new process, on a read-only folder
    monkeypatch.setattr(memory, "_SHARED", PerFolder(memory.PageMemory))
    read_only(monkeypatch, data_dir)
    at = page(monkeypatch, WORKBENCH)
    assert not at.exception
    warnings = [w.value for w in at.sidebar.warning]
    assert any(w.startswith("The data folder is read-only: vectors already kept") for w in warnings)
    assert any(w.startswith("This page's text, query and labels are not kept") for w in warnings)
    at.text_area(key="kb_text").input(KB)
    at.text_input(key="query").set_value(QUERY)
    at = at.button(key="search").click().run()
    assert not at.exception
    assert at.session_state["run"].encoded == 0  # read from the read-only cache
    assert at.button(key="cache_clear").disabled
    assert (data_dir / FILE_NAME).exists()


@pytest.mark.parametrize("value", ["0", "off"])
def test_with_the_disk_cache_off_the_page_says_so_and_works(monkeypatch, value):
    monkeypatch.setenv("SEMSEARCH_CACHE_MAX", value)
    from semsearch.encoding import disk_cache

    monkeypatch.setattr(disk_cache, "_SHARED", PerFolder(disk_cache.DiskVectorCache))
    at = typed_and_searched(monkeypatch, WORKBENCH)
    assert not at.exception
    assert any(w.value.startswith("The disk cache is off") for w in at.sidebar.warning)
    assert at.session_state["run"].encoded == 3
    assert reload(monkeypatch, at).session_state["run"] is None


def test_a_reload_keeps_the_working_settings_and_the_open_view(monkeypatch):
    at = typed_and_searched(monkeypatch, WORKBENCH)
    at.slider(key="threshold").set_value(0.2)
    at.number_input(key="top_k").set_value(2)
    at.select_slider(key="dim").set_value(128)
    at.number_input(key="max_length").set_value(100)
    at = at.button(key="search").click().run()
    at.session_state["why_tab"] = "Embedding map"
    at = at.run()
    at = at.radio(key="map_method").set_value("tsne").run()
    at = at.radio(key="lang").set_value("zh").run()

    again = reload(monkeypatch, at)
    assert not again.exception
    assert again.slider(key="threshold").value == 0.2
    assert again.number_input(key="top_k").value == 2
    assert again.select_slider(key="dim").value == 128
    assert again.number_input(key="max_length").value == 100
    assert again.radio(key="map_method").value == "tsne"  # the map is open: its control shows
    assert again.session_state["why_tab"] == "向量地图"  # the same view, in the page's language
    run = again.session_state["run"]  # searched on its own, with the kept settings
    assert (run.kb_embeddings.shape[1], run.max_length, run.encoded) == (128, 100, 0)


def test_a_reload_keeps_the_answer_and_marks_it_stale_once_its_sources_change(monkeypatch):
    from .helpers import ChatServer

    reply = "Oranges [1]."
    with ChatServer(reply=reply) as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        at = typed_and_searched(monkeypatch, WORKBENCH)
        at = at.button(key="answer").click().run()
    assert reply in [t.value for t in at.main.text]
    again = reload(monkeypatch, at)
    assert not again.exception
    assert reply in [t.value for t in again.main.text]
    assert not [i for i in again.main.info if i.value.startswith("This answer was made")]
    again = again.slider(key="threshold").set_value(0.9).run()  # no source passes any more
    stale = [i.value for i in again.main.info if i.value.startswith("This answer was made")]
    assert stale == [
        f"This answer was made from another search (question: `{QUERY}`) or other results: "
        "press “Answer from these results” to make it again from the results above."
    ]
    assert reply in [t.value for t in again.main.text]
