"""The page's metadata filter and its "Does it work on my data?" tab, through AppTest."""

import pytest
from streamlit.testing.v1 import AppTest

from .helpers import workbench
from .test_evaluation import FAQ, QA, dcg

TIMEOUT = 120
CSV = "topic,answer\n" + "".join(
    f"{'home' if n < 4 else 'shop'},{text}\n" for n, text in enumerate(FAQ)
)


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


def search(at, query):
    at.text_input(key="query").set_value(query)
    return at.button(key="search").click().run()


def test_the_filter_keeps_only_matching_passages_for_the_results_and_views(page):
    at = page
    at.text_area(key="kb_text").set_value("Students can ask the library for a discount.\n")
    at = at.file_uploader(key="uploads").upload("faq.csv", CSV.encode(), "text/csv").run()
    assert not at.exception
    assert at.multiselect(key="filter_source").options == ["(typed lines)", "faq.csv"]
    assert at.multiselect(key="filter_topic").options == ["home", "shop"]
    at = at.multiselect(key="filter_topic").set_value(["shop"]).run()
    assert "Searching 4 of 9 passages: topic=shop" in [c.value for c in at.caption]
    at = search(at, "is there a discount for students?")
    assert not at.exception
    run = at.session_state["run"]
    assert run.texts == tuple(FAQ[4:])
    assert all(origin.endswith("topic: shop") for origin in run.origins)
    assert [p.fields for p in at.session_state["kb_passages"]] == [{"topic": "shop"}] * 4
    shown = [t.value for t in at.main.text]
    assert FAQ[6] in shown
    assert "Students can ask the library for a discount." not in shown
    # Either source: the typed line joins the shop rows; no match says so.
    at = at.multiselect(key="filter_topic").set_value([]).run()
    at = at.multiselect(key="filter_source").set_value(["", "faq.csv"]).run()
    at = search(at, "is there a discount for students?")
    assert len(at.session_state["run"].texts) == 9
    at = at.multiselect(key="filter_source").set_value([""]).run()
    at = at.multiselect(key="filter_topic").set_value(["home"]).run()
    assert "No passage matches the filter; clear a choice to search again." in [
        w.value for w in at.warning
    ]


def test_the_eval_tab_compares_the_model_bm25_and_hybrid_on_the_labels(page):
    at = page
    at.text_area(key="kb_text").set_value("\n".join(FAQ))
    at.number_input(key="top_k").set_value(1)
    at = search(at, "which fruit has vitamin c?")
    at.session_state["why_tab"] = "Does it work on my data?"
    at = at.run()
    assert not at.exception
    assert "No labelled query yet" in at.info[0].value
    rows = [line.split(",", 1) for line in QA.splitlines()[1:]]
    labels = {(q, next(f for f in FAQ if text in f)): True for q, text in rows}
    labels[("which fruit has vitamin c?", FAQ[3])] = False
    at.session_state["labels"] = labels
    at = at.run()
    assert not at.exception
    view = next(tab for tab in at.tabs if tab.label == "Does it work on my data?")
    metrics, misses = (frame.value for frame in view.dataframe)
    assert list(metrics["Method"]) == ["Embedding model", "BM25 (keywords)", "Hybrid (RRF)"]
    # BM25 stems as published: "charge" finds "charging" (as in semsearch eval).
    assert list(metrics["recall@1"]) == pytest.approx([1.0, 0.4, 1.0])
    assert list(metrics["MRR@10"]) == pytest.approx([1.0, 0.5, 1.0])
    assert list(metrics["nDCG@10"]) == pytest.approx([1.0, (2 + dcg([2])) / 5, 1.0])
    assert list(misses["Method"]) == ["BM25 (keywords)"] * 3
    assert list(misses["Rank"]) == ["2", "not ranked", "not ranked"]
    assert "5 labelled queries" in [t.value for t in view.text]
