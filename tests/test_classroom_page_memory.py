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
