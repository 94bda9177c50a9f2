"""SEMSEARCH_CLASSROOM=1 and the page limits: what one session may do to a shared server."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from semsearch.documents.chunking import Passage
from semsearch.errors import SettingsError
from semsearch.page.limits import LimitError, check_search, projected, token_cap_limit
from semsearch.settings import PageLimits, Settings

from .helpers import workbench

TIMEOUT = 120


def page(monkeypatch, **env):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


def test_settings_read_the_classroom_switch_and_limits():
    assert Settings.from_env({}).limits == PageLimits()
    room = Settings.from_env({"SEMSEARCH_CLASSROOM": "1", "SEMSEARCH_MAX_PASSAGES": "7"})
    assert room.classroom
    assert room.limits == PageLimits(7, 2_000_000, 1024, 5_000)
    with pytest.raises(SettingsError, match="SEMSEARCH_CLASSROOM='maybe' must be 1"):
        Settings.from_env({"SEMSEARCH_CLASSROOM": "maybe"})


def test_limits_refuse_with_the_numbers_and_keep_nothing_from_the_caller():
    limits = PageLimits(max_passages=2, max_characters=10)
    check_search([Passage("abcde"), Passage("fghij")], limits)
    with pytest.raises(LimitError, match="has 3 passages; this server searches at most 2"):
        check_search([Passage("a")] * 3, limits)
    with pytest.raises(LimitError, match="holds 11 characters; this server searches at most 10"):
        check_search([Passage("abcde"), Passage("fghijk")], limits)
    assert token_cap_limit(32768, PageLimits(max_token_cap=1024)) == 1024
    assert token_cap_limit(256, PageLimits(max_token_cap=1024)) == 256
    assert projected(20_000, PageLimits(max_projected=5_000)) == 5_000


def test_a_search_over_the_limit_is_a_message_and_the_text_stays(monkeypatch):
    at = page(monkeypatch, SEMSEARCH_MAX_PASSAGES="3")
    lines = "one apple\ntwo pears\nthree plums\nfour figs"
    at.text_area(key="kb_text").input(lines).run()
    at.text_input(key="query").set_value("fruit")
    at = at.button(key="search").click().run()
    assert not at.exception
    assert at.main.error[0].value.startswith("The search failed: ")
    assert "has 4 passages; this server searches at most 3 per page" in at.main.error[0].value
    assert at.text_area(key="kb_text").value == lines
    assert at.session_state["run"] is None


def test_a_classroom_page_cannot_save_delete_or_clear(monkeypatch, tmp_path):
    # The teacher's base, made outside the page (as `semsearch index` would).
    from semsearch import load_embedder
    from semsearch.encoding.vector_cache import VectorCache
    from semsearch.retrieval.library import save_base
    from semsearch.retrieval.stores import open_store

    save_base(open_store("sqlite"), "lesson", load_embedder("bundled", device="cpu"),
              [Passage("Oranges contain plenty of vitamin C.")], VectorCache())  # fmt: skip
    at = page(monkeypatch, SEMSEARCH_CLASSROOM="1")
    assert not at.exception
    keys = {widget.key for widget in at.button} | {widget.key for widget in at.text_input}
    assert {"save_base", "save_name", "delete_base", "cache_clear"}.isdisjoint(keys)
    assert {"open_base"} <= keys
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("Classroom server: saved knowledge bases can be opened") for c in captions
    )
    assert any(c.startswith("Classroom server: the vector cache is shared") for c in captions)
    at = at.button(key="open_base").click().run()
    assert at.main.success[0].value.startswith("Opened ")
