"""The page memory is bounded per page and in total: throwaway sessions cannot fill the disk."""

from __future__ import annotations

from semsearch.documents.chunking import Passage
from semsearch.page import memory
from semsearch.page.memory import PageMemory, new_id


def test_a_page_too_large_is_not_kept_and_says_so(data_dir, monkeypatch):
    monkeypatch.setattr(memory, "MAX_PAGE_BYTES", 1000)
    kept = PageMemory(data_dir)
    page = new_id()
    assert kept.keep_page(page, "small", "q") is True
    assert kept.keep_page(page, "x" * 1001, "q") is False
    assert kept.load(page).kb_text == "small"  # the earlier text stays
    files = {"a.txt": [Passage("a" * 300, "a.txt")], "b.txt": [Passage("b" * 900, "b.txt")]}
    assert kept.keep_files(page, files) is False
    assert list(kept.load(page).files) == ["a.txt"]  # what fits, in order


def test_past_the_total_cap_the_least_recently_visited_pages_go_first(data_dir, monkeypatch):
    monkeypatch.setattr(memory, "MAX_TOTAL_BYTES", 2500)
    kept = PageMemory(data_dir)
    pages = [new_id() for _ in range(5)]
    for page in pages:
        kept.keep_page(page, "t" * 1000, "")
    assert [kept.load(page).kb_text == "t" * 1000 for page in pages] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert kept.pages() == 2


def test_the_page_says_what_was_too_large_to_keep(monkeypatch):
    """A paste or an upload over the per-page cap: searched now, and the page says it is not
    kept for the next visit, with the limit (issue 20 item 4)."""
    from streamlit.testing.v1 import AppTest

    from tests.helpers import workbench

    monkeypatch.setattr(memory, "MAX_PAGE_BYTES", 1000)
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at.text_area(key="kb_text").input("short line").run()
    assert not [w for w in at.main.warning if "between visits" in w.value]
    at.text_area(key="kb_text").input("\n".join(["a line of text"] * 80)).run()
    assert not at.exception
    said = [w.value for w in at.main.warning if "between visits" in w.value]
    assert said == [
        "This text (1.2 KB) is more than a page keeps between visits (1.0 KB): it is searched "
        "now, but a reload will not bring it back. Save it as a knowledge base to keep it."
    ]
    at.text_area(key="kb_text").input("short again").run()
    uploader = at.file_uploader(key="uploads")
    uploader.upload("small.txt", b"one small line\n", "text/plain")
    uploader.upload("big.txt", ("a long line of words\n" * 60).encode(), "text/plain")
    at = uploader.run()
    assert not at.exception
    said = [w.value for w in at.main.warning if "next visit" in w.value]
    assert said == [
        "Not kept for your next visit (a page keeps 1.0 KB of its files' text): `big.txt`. "
        "It is searched now; after a reload, add it again."
    ]
