"""The page attacked through AppTest on the bundled model: hostile text shown as typed, and
repeated lines (which a user types, or gets from a file that repeats a typed line) in every
view."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from semsearch.documents.knowledge_base import is_blank

from .helpers import workbench
from .test_attack_text import HOSTILE, LINE_BREAKS

TIMEOUT = 120
TABS = ["Keyword vs meaning", "Embedding map", "Similarity heatmap", "Tokens",
        "Calibrate the threshold", "Compare models"]  # fmt: skip

SHOWN = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters=LINE_BREAKS
)
"""What a browser can send in a text box: no lone surrogates, no control characters."""
TYPED = st.lists(
    st.one_of(st.sampled_from([h for h in HOSTILE if h not in ("\ud800", "\udfff", "\x00")]),
              st.text(SHOWN, max_size=8)),
    min_size=1, max_size=5,
).map("".join).map(str.strip).filter(lambda s: not is_blank(s))  # fmt: skip


@pytest.fixture(scope="module")
def page():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMSEARCH_MODEL", "bundled")
        yield workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=TYPED, query=TYPED)
def test_a_typed_line_and_a_query_are_shown_exactly(page, line, query):
    at = page
    at.text_area(key="kb_text").input(f"{line}\nbananas are yellow").run()
    at.text_input(key="query").set_value(query)
    at = at.button(key="search").click().run()
    assert not at.exception
    assert f"Results for: {query}" in [t.value for t in at.main.text]
    assert at.text_input(key="query").value == query
    at.text_input(key="query").set_value(line)  # its own line scores highest: it is listed
    at = at.button(key="search").click().run()
    assert not at.exception
    assert line in [t.value for t in at.main.text]
    assert at.text_area(key="kb_text").value == f"{line}\nbananas are yellow"


def test_repeated_lines_open_every_view(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at.text_area(key="kb_text").input("apples are red\napples are red\nbananas are yellow").run()
    at.text_input(key="query").set_value("red fruit")
    at = at.button(key="search").click().run()
    for name in TABS:
        at.session_state["why_tab"] = name
        at = at.run()
        assert not at.exception, name
        assert not at.error, (name, [e.value for e in at.error])  # not even a caught failure
