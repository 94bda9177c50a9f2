"""The "Why these results?" views, driven through AppTest on the bundled model."""

import numpy as np
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from semsearch.documents.knowledge_base import parse_lines
from semsearch.page.samples import sample

from .helpers import workbench

TIMEOUT = 120
SUPPORT = parse_lines(sample("en_support").text)
TABS = {
    "keywords": "Keyword vs meaning",
    "map": "Embedding map",
    "heatmap": "Similarity heatmap",
    "tokens": "Tokens",
    "calibrate": "Calibrate the threshold",
    "compare": "Compare models",
}


@pytest.fixture
def support(monkeypatch):
    """The page after searching the English support sample for "My phone won't charge"."""
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at.selectbox(key="sample").set_value("en_support").run()
    at.button(key="load_sample").click().run()
    return at.button(key="search").click().run()


def open_tab(at, name):
    at.session_state["why_tab"] = TABS[name]
    return at.run()


def charts(block):
    return block.get("vega_lite_chart")


def tab(at, name):
    return next(t for t in at.tabs if t.label == TABS[name])


def test_keyword_view_shows_what_keywords_and_meaning_each_find(support):
    at = support
    assert not at.exception
    view = tab(at, "keywords")
    meaning, keywords = (frame.value for frame in view.dataframe)
    charging = "Dust in the charging port causes a poor connection."
    assert meaning["text"].iloc[0] == charging
    # BM25 stems as published: "charge" finds "charging", so both find that line.
    assert (keywords["text"].iloc[0], keywords["shared words"].iloc[0]) == (charging, "charge")
    assert list(keywords["found by"]) == ["both", "only keywords", "only keywords"]
    assert (
        keywords["text"].iloc[1] == "You can change the phone number on your account in Settings."
    )
    assert keywords["shared words"].iloc[1] == "phone"
    assert not view.success  # no line found by meaning alone shares no word with the query
    assert len(charts(view)) == 1


def test_hybrid_ranking_fuses_both_lists(support):
    at = support.toggle(key="kw_hybrid").set_value(True).run()
    fused = tab(at, "keywords").dataframe[2].value
    assert list(fused.columns) == ["line", "text", "RRF", "cosine", "BM25"]
    assert fused["RRF"].is_monotonic_decreasing
    assert {
        "Dust in the charging port causes a poor connection.",
        "You can change the phone number on your account in Settings.",
    } <= set(fused["text"])


def test_map_projects_every_line_and_the_query(support):
    at = open_tab(support, "map")
    assert not at.exception
    assert len(charts(tab(at, "map"))) == 1
    key, layout = at.session_state["map_points"]
    assert key == (at.session_state["run"].key, "pca", 50_000)
    assert layout.lines.tolist() == list(range(len(SUPPORT)))  # every line, none sampled
    assert layout.points.shape == (len(SUPPORT), 2)
    assert np.isfinite(layout.points).all()
    assert np.isfinite(layout.query).all()


def test_heatmap_shows_query_and_line_similarities(support):
    at = open_tab(support, "heatmap")
    assert not at.exception
    query_row, grid = charts(tab(at, "heatmap"))
    for chart in (query_row, grid):  # the tooltip prints 0.0976, not 0.09759999811649323
        cosine = convert_arrow_bytes_to_pandas_df(chart.proto.data.data)["cosine"]
        assert cosine.dtype == np.float64
        assert all(value == round(value, 4) for value in cosine)
    assert len(cosine) == 11 * 11  # the 11 support lines, pair by pair


def test_tokens_view_shows_the_model_input(support):
    at = open_tab(support, "tokens")
    view = tab(at, "tokens")
    assert view.markdown[0].value == "The query: 8 tokens (this model takes no instruction)"
    assert view.dataframe[0].value["token"].tolist() == [
        "[CLS]",
        "my",
        "phone",
        "won",
        "'",
        "t",
        "charge",
        "[SEP]",
    ]
    assert len(charts(view)) == 1


def test_calibration_from_an_uploaded_csv_applies_the_best_threshold(support):
    at = open_tab(support, "calibrate")
    query = "My phone won't charge"
    rows = ["query,text,relevant", f'"{query}","{SUPPORT[0]}",1', f'"{query}","{SUPPORT[1]}",1']
    rows += [f'"{query}","{text}",0' for text in SUPPORT[2:8]]
    at.file_uploader(key="labels_csv").upload(
        "labels.csv", "\n".join(rows).encode(), "text/csv"
    ).run()
    assert not at.exception
    view = tab(at, "calibrate")
    assert view.success[0].value == "8 labels read from `labels.csv`."
    assert "8 labelled pairs over 1 query (2 relevant)." in [c.value for c in view.caption]
    best = next(m.value for m in view.markdown if m.value.startswith("Best F1"))
    assert best.startswith("Best F1 1.000 at threshold")
    apply = at.button(key="cal_apply")
    value = float(apply.label.split()[1])
    at = apply.click().run()
    assert at.slider(key="threshold").value == value
    run = at.session_state["run"]
    scores = run.kb_embeddings @ run.query_vector
    assert set(np.flatnonzero(scores >= value)) == {0, 1}  # exactly the lines labelled relevant
    assert len(charts(tab(at, "calibrate"))) == 1


def test_labels_from_the_switches_survive_edits_of_other_lines(support):
    at = open_tab(support, "calibrate")
    switches = tab(at, "calibrate").get("button_group")
    assert len(switches) == len(SUPPORT)
    switches[0].set_value("relevant").run()
    tab(at, "calibrate").get("button_group")[1].set_value("not relevant").run()
    assert at.session_state["labels"] == {
        ("My phone won't charge", SUPPORT[0]): True,
        ("My phone won't charge", SUPPORT[1]): False,
    }
    edited = at.text_area(key="kb_text").value.replace(
        "Restarting the router", "Rebooting the router"
    )
    at.text_area(key="kb_text").input(edited).run()
    at = at.button(key="search").click().run()
    assert len(at.session_state["labels"]) == 2
    assert "2 labelled pairs over 1 query (1 relevant)." in [
        c.value for c in tab(at, "calibrate").caption
    ]
    assert tab(at, "calibrate").get("button_group")[0].value == "relevant"


def test_a_bad_labels_file_is_a_message(support):
    at = open_tab(support, "calibrate")
    at.file_uploader(key="labels_csv").upload("labels.csv", b"query,text\nq,t\n", "text/csv").run()
    assert not at.exception
    assert (
        tab(at, "calibrate")
        .error[0]
        .value.startswith("`labels.csv`: `The labels file needs a header with the columns")
    )


def test_compare_with_a_second_model(support, tiny_qwen3):
    at = open_tab(support, "compare")
    at.selectbox(key="compare_model").set_value("custom").run()
    at.text_input(key="compare_custom").input(str(tiny_qwen3)).run()
    at = at.button(key="compare_run").click().run()
    assert not at.exception
    view = tab(at, "compare")
    overlap, rho = view.metric
    assert overlap.label == "Overlap of the top 5"
    assert overlap.value.endswith("%")
    assert rho.label == "Spearman rank correlation over all lines"
    assert -1.0 <= float(rho.value) <= 1.0
    assert len(view.dataframe) == 2
    assert len(charts(view)) == 1


def test_compare_with_a_model_that_cannot_load(support):
    at = open_tab(support, "compare")
    at.selectbox(key="compare_model").set_value("custom").run()
    at.text_input(key="compare_custom").input("Qwen/Qwen3-Embedding-0.6B").run()
    at = at.button(key="compare_run").click().run()
    assert not at.exception
    assert (
        tab(at, "compare")
        .error[0]
        .value.startswith("The model Qwen/Qwen3-Embedding-0.6B could not be compared")
    )


def test_views_follow_the_language(support):
    at = support.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.tabs[0].label == "关键词 vs 语义"
