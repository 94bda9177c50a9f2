"""The page memory (per browser id, in the data folder) and the restore / keep rules."""

import sqlite3
import time

import pytest

from semsearch.documents.chunking import Passage
from semsearch.page import memory as memory_module
from semsearch.page.memory import FILE_NAME, MAX_FILES, KeptPage, PageMemory, new_id, valid_id
from semsearch.page.reload import QUERY_IN_URL_MAX, keep, keep_files, restore
from semsearch.page.state import Keys, PageState

from .test_disk_cache import read_only

FILES = {
    "手册.pdf": [Passage("按住复位键十秒。", "手册.pdf", "page 1 · ¶ 1")],
    "notes.md": [Passage('Dust, "quotes" and\nnew lines', "notes.md", "¶ 2")],
}


def test_a_page_is_kept_whole_and_apart_from_others(tmp_path):
    memory = PageMemory(tmp_path)
    mine, other = new_id(), new_id()
    memory.keep_page(mine, "apples\npears", "fruit?")
    memory.keep_labels(mine, {("fruit?", "apples"): True, ("fruit?", "pears"): False})
    memory.keep_files(mine, FILES)
    memory.keep_page(other, "buses", "when?")
    again = PageMemory(tmp_path).load(mine)  # another process
    assert again == KeptPage(
        "apples\npears", "fruit?", {("fruit?", "apples"): True, ("fruit?", "pears"): False}, FILES
    )
    assert list(again.files) == ["手册.pdf", "notes.md"]
    assert PageMemory(tmp_path).load(other).kb_text == "buses"
    assert PageMemory(tmp_path).load(new_id()) == KeptPage()


def test_labels_and_files_are_replaced_not_added(tmp_path):
    memory, page = PageMemory(tmp_path), new_id()
    memory.keep_labels(page, {("q", "a"): True})
    memory.keep_labels(page, {("q", "b"): False})
    memory.keep_files(page, FILES)
    memory.keep_files(page, {"notes.md": FILES["notes.md"]})
    kept = memory.load(page)
    assert (kept.labels, list(kept.files)) == ({("q", "b"): False}, ["notes.md"])


def test_only_the_last_files_are_kept(tmp_path):
    memory, page = PageMemory(tmp_path), new_id()
    files = {f"f{i}.txt": [Passage(f"text {i}", f"f{i}.txt", "line 1")] for i in range(25)}
    memory.keep_files(page, files)
    assert list(memory.load(page).files) == [f"f{i}.txt" for i in range(25 - MAX_FILES, 25)]


def test_pages_unvisited_for_long_are_forgotten(tmp_path):
    memory, old, recent = PageMemory(tmp_path), new_id(), new_id()
    memory.keep_page(old, "old text", "")
    memory.keep_labels(old, {("q", "t"): True})
    memory.keep_page(recent, "recent text", "")
    with sqlite3.connect(tmp_path / FILE_NAME) as connection:
        connection.execute(
            "UPDATE pages SET updated = ? WHERE browser = ?", (time.time() - 91 * 86_400, old)
        )
    reopened = PageMemory(tmp_path)
    assert (reopened.load(old), reopened.pages()) == (KeptPage(), 1)
    assert reopened.load(recent).kb_text == "recent text"


def test_a_read_only_folder_reads_and_keeps_nothing_new(tmp_path, monkeypatch):
    page = new_id()
    PageMemory(tmp_path).keep_page(page, "kept text", "q")
    read_only(monkeypatch, tmp_path)
    memory = PageMemory(tmp_path)
    assert memory.status == "read-only"
    assert "is read-only" in memory.notice
    memory.keep_page(page, "new text", "q")
    assert memory.load(page).kb_text == "kept text"


def test_a_damaged_file_is_moved_aside_and_a_new_one_started(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"not a database at all" * 50)
    memory = PageMemory(tmp_path)
    assert memory.status == "on"
    assert "was damaged (file is not a database)" in memory.notice
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{FILE_NAME}.damaged-")]
    assert [p.read_bytes() for p in aside] == [b"not a database at all" * 50]
    page = new_id()
    memory.keep_page(page, "text", "q")
    assert PageMemory(tmp_path).load(page).kb_text == "text"


@pytest.mark.parametrize(
    ("value", "valid"),
    [("abcdefgh", True), (new_id(), True), ("short", False), ("has space x", False),
     ("../../etc/passwd", False), (None, False), (["abcdefgh"], False)],
    # Fixed ids: a fresh new_id() in the name would differ between pytest-xdist's workers.
    ids=["plain", "new_id", "short", "space", "path", "none", "list"],
)  # fmt: skip
def test_only_plain_ids_are_taken_from_the_url(value, valid):
    assert valid_id(value) is valid


# --- restore and keep ---------------------------------------------------------------------


def test_restore_fills_only_what_the_session_lacks_and_runs_once(tmp_path):
    memory, page = PageMemory(tmp_path), new_id()
    memory.keep_page(page, "apples\npears", "fruit?")
    memory.keep_labels(page, {("fruit?", "apples"): True})
    memory.keep_files(page, FILES)
    mapping: dict[str, object] = {Keys.QUERY: "typed already"}
    state, params = PageState(mapping), {"id": page, "lang": "zh"}
    restore(state, memory, params)
    assert (state.kb_text, state.query, state.lang) == ("apples\npears", "typed already", "zh")
    assert state.labels == {("fruit?", "apples"): True}
    assert state.kept_files == FILES
    memory.keep_page(page, "changed elsewhere", "other")
    restore(state, memory, params)  # a later run: nothing happens
    assert state.kb_text == "apples\npears"


def test_the_url_query_wins_and_a_bad_id_is_replaced(tmp_path):
    memory, page = PageMemory(tmp_path), new_id()
    memory.keep_page(page, "text", "kept query")
    state, params = PageState({}), {"id": page, "q": "linked query", "lang": "xx"}
    restore(state, memory, params)
    assert (state.query, state.lang) == ("linked query", "en")
    restore(PageState({}), memory, {"lang": ["zh", "en"]})  # repeated: ignored, no error
    fresh, params = PageState({}), {"id": "bad id!"}
    restore(fresh, memory, params)
    assert valid_id(params["id"])
    assert fresh.browser == params["id"]


def test_keep_writes_the_url_and_the_memory_only_when_changed(tmp_path):
    memory = PageMemory(tmp_path)
    state, params = PageState({}), {}
    restore(state, memory, params)
    state.mapping[Keys.KB_TEXT] = "apples"
    state.mapping[Keys.QUERY] = "fruit?"
    state.labels[("fruit?", "apples")] = True
    keep(state, memory, params)
    assert params == {"id": state.browser, "lang": "en", "q": "fruit?"}
    assert memory.load(state.browser) == KeptPage("apples", "fruit?", {("fruit?", "apples"): True})

    def visited():
        with sqlite3.connect(tmp_path / FILE_NAME) as connection:
            query = "SELECT updated FROM pages WHERE browser = ?"
            return connection.execute(query, (state.browser,)).fetchone()[0]

    before = visited()
    keep(state, memory, params)
    assert visited() == before  # nothing changed: nothing written
    state.mapping[Keys.QUERY] = "x" * (QUERY_IN_URL_MAX + 1)
    keep(state, memory, params)
    assert visited() > before
    assert "q" not in params  # too long for a URL, kept in the memory
    assert memory.load(state.browser).query == "x" * (QUERY_IN_URL_MAX + 1)


def test_files_from_an_earlier_visit_count_until_uploaded_again(tmp_path):
    memory, page = PageMemory(tmp_path), new_id()
    memory.keep_files(page, FILES)
    memory.claim(page, "this-browser")  # the same browser's earlier visit: its own page
    state = PageState({})
    restore(state, memory, {"id": page}, "this-browser")
    earlier = keep_files(state, memory, {})
    assert earlier == [*FILES["手册.pdf"], *FILES["notes.md"]]
    upload = [Passage("Dust in the port.", "notes.md", "¶ 1")]
    assert keep_files(state, memory, {"notes.md": upload}) == FILES["手册.pdf"]
    assert memory.load(page).files == {"手册.pdf": FILES["手册.pdf"], "notes.md": upload}
    assert keep_files(state, memory, {}) == FILES["手册.pdf"]  # the upload was removed
    assert memory.load(page).files == {"手册.pdf": FILES["手册.pdf"]}


def test_the_shared_memory_is_one_object_per_folder(tmp_path):
    first = memory_module.shared_page_memory(tmp_path)
    assert memory_module.shared_page_memory(tmp_path) is first
    assert memory_module.shared_page_memory(tmp_path / "other") is not first
