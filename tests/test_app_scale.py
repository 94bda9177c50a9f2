"""The page on a saved base too large to copy into a session: searched in its store (AppTest).

A base is indexed with the bundled model into the embedded store and into Milvus Lite; the
page's limits are lowered so that a few hundred passages count as "large". Opening it must
copy nothing into the session but a bounded candidate set, and the results must be those
the store gives for the same query.
"""

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from semsearch.documents.chunking import ChunkSettings
from semsearch.retrieval.indexing import index_files
from semsearch.retrieval.stores import open_store

from .helpers import workbench

TIMEOUT = 120
TOPICS = ["vitamin C in oranges", "charging a phone", "resetting a router", "the stock market",
          "baking bread", "a warranty claim", "learning Python", "a train timetable"]  # fmt: skip


@pytest.fixture(scope="module")
def exact():
    """The bundled model in fp32, as the page below loads it."""
    from semsearch import load_embedder

    return load_embedder("bundled", dtype="fp32")


@pytest.fixture(params=["sqlite", "milvus"])
def large_base(request, tmp_path, monkeypatch, exact):
    """A base of 240 passages, 'large' for a page whose limit is lowered to 100."""
    if request.param == "milvus":
        monkeypatch.setenv("SEMSEARCH_STORE", f"milvus:{tmp_path}/bases.db")
    monkeypatch.setattr("semsearch.page.bases.IN_PAGE_LIMIT", 100)
    monkeypatch.setattr("semsearch.retrieval.search.DEFAULT_CANDIDATES", 30)
    monkeypatch.setattr("semsearch.retrieval.search.DEFAULT_SAMPLE", 20)
    lines = [f"Note {n}: a remark about {TOPICS[n % len(TOPICS)]}." for n in range(240)]
    path = tmp_path / "notes.txt"
    path.write_text("\n".join(lines), "utf-8")
    store = open_store()
    index_files(store, "notes", exact, [path], ChunkSettings("line"))
    return store


def open_page(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    monkeypatch.setenv("SEMSEARCH_DTYPE", "fp32")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at.text_area(key="kb_text").input("A typed line that the base search leaves alone.").run()
    return at.button(key="open_base").click().run()


def test_a_large_base_is_searched_in_its_store_not_copied(large_base, monkeypatch, exact):
    at = open_page(monkeypatch)
    assert not at.exception
    assert at.main.success[0].value.startswith("Opened '`notes`': 240 passages, searched where")
    assert at.text_area(key="kb_text").value == "A typed line that the base search leaves alone."
    assert "(240 passages) in its store" in " ".join(c.value for c in at.main.caption)
    at.text_input(key="query").set_value("How do I restart my router?")
    at = at.button(key="search").click().run()
    assert not at.exception
    run = at.session_state["run"]
    # The session holds the candidates and the sample, never the 240 passages.
    assert run.kb_embeddings.shape == (50, 384)
    assert (run.scope.total, run.scope.candidates, run.scope.sampled) == (240, 30, 20)
    query = exact.encode_queries(["How do I restart my router?"])[0]
    expected = large_base.search("notes", query, top_k=5, threshold=0.4)
    shown = [t.value for t in at.main.text]
    results = [text for text in shown if text.startswith("Note ")]
    assert results == [hit.passage.text for hit in expected]
    assert len(results) == 5
    assert "resetting a router" in results[0]
    scores = [
        float(s) for m in at.main.markdown for s in re.findall(r"\*\*(-?\d\.\d{4})\*\*", m.value)
    ]
    np.testing.assert_allclose(scores, [hit.score for hit in expected], atol=5e-5)
    assert any("Searched all 240 passages of '`notes`'" in c.value for c in at.main.caption)


def test_threshold_and_top_k_filter_the_candidates_without_asking_again(large_base, monkeypatch):
    at = open_page(monkeypatch)
    at.text_input(key="query").set_value("baking bread at home")
    at = at.button(key="search").click().run()
    key = at.session_state["run"].key
    at = at.number_input(key="top_k").set_value(12).run()
    at = at.slider(key="threshold").set_value(0.1).run()
    assert not at.exception
    assert at.session_state["run"].key == key  # the same search: nothing encoded or asked
    results = [t.value for t in at.main.text if t.value.startswith("Note ")]
    assert len(results) == 12
    assert all("baking bread" in text for text in results[:5])


def test_closing_the_base_searches_the_page_again(large_base, monkeypatch):
    at = open_page(monkeypatch)
    at = at.button(key="close_base").click().run()
    at.text_input(key="query").set_value("typed line")
    at = at.button(key="search").click().run()
    run = at.session_state["run"]
    assert run.scope is None
    assert run.texts == ("A typed line that the base search leaves alone.",)


def test_every_view_explains_a_base_search_from_its_candidates(large_base, monkeypatch):
    from .test_app_views import TABS

    at = open_page(monkeypatch)
    at.text_input(key="query").set_value("charging a phone")
    at = at.button(key="search").click().run()
    for name in TABS:
        at.session_state["why_tab"] = TABS[name]
        at = at.run()
        assert not at.exception, name
    assert any("The vectors of '`notes`' stay in its store" in c.value for c in at.main.caption)
