"""The page, driven through Streamlit's AppTest by widget keys, on the bundled model."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from semsearch.documents.knowledge_base import parse_lines
from semsearch.encoding.engines.local import default_dtype
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.page.samples import sample

from .helpers import workbench

FRUIT = parse_lines(sample("en_fruit").text)
TIMEOUT = 120


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


def search(at, query=None):
    if query is not None:
        at.text_input(key="query").set_value(query)
    return at.button(key="search").click().run()


def result_texts(at):
    """The knowledge-base lines shown as results, in order (``st.text`` in bordered boxes)."""
    run = at.session_state["run"]
    return [t.value for t in at.main.text if t.value in run.texts]


def markdown_values(at):
    return [m.value for m in at.main.markdown]


def test_first_visit_shows_the_model_and_an_english_sample(app):
    assert not app.exception
    sidebar = [t.value for t in app.sidebar.text]
    assert "Model: sentence-transformers/all-MiniLM-L6-v2" in sidebar
    assert f"Device: cpu · Precision: {default_dtype('cpu')}" in sidebar
    assert "Dimensions: 384" in sidebar
    assert app.sidebar.success[0].value == "Vector space ready"
    assert app.text_area(key="kb_text").value == sample("en_fruit").text
    assert app.selectbox(key="sample").value == "en_fruit"
    assert f"{len(FRUIT)} lines" in [c.value for c in app.caption]
    assert (app.slider(key="threshold").value, app.number_input(key="top_k").value) == (0.4, 5)


def test_search_shows_the_right_lines_with_scores_bars_and_tiers(app):
    at = search(app, "Which fruit has a lot of vitamin C?")
    assert not at.exception
    shown = result_texts(at)
    assert shown[0] == "Oranges contain plenty of vitamin C."
    run = at.session_state["run"]
    scores = run.kb_embeddings @ run.query_vector
    expected = [FRUIT[i] for i in np.argsort(-scores) if scores[i] >= 0.4][:5]
    assert shown == expected
    header = next(m for m in markdown_values(at) if m.startswith("#1"))
    assert header == f"#1 &nbsp; :green[**{scores.max():.4f}** · strong match]"
    assert [p.value for p in at.main.get("progress")][: len(shown)] == [
        int(min(max(scores[FRUIT.index(t)], 0), 1) * 100) for t in shown
    ]


def test_state_holds_cpu_arrays_of_the_search(app):
    at = search(app, "vitamin C")
    assert at.session_state["kb_texts"] == FRUIT
    matrix, query = at.session_state["kb_embeddings"], at.session_state["query_vector"]
    assert isinstance(matrix, np.ndarray)
    assert isinstance(query, np.ndarray)
    assert (matrix.shape, query.shape) == ((len(FRUIT), 384), (384,))


def test_slider_and_top_k_rerank_without_encoding(app):
    at = search(app, "Which fruit has a lot of vitamin C?")
    run, cache_size = at.session_state["run"], len(at.session_state["vector_cache"])
    at.slider(key="threshold").set_value(0.1).run()
    at.number_input(key="top_k").set_value(3).run()
    assert at.session_state["run"] is run  # same snapshot: nothing was encoded again
    assert len(at.session_state["vector_cache"]) == cache_size
    assert len(result_texts(at)) == 3
    at.slider(key="threshold").set_value(0.9).run()
    assert not [m for m in markdown_values(at) if m.startswith("#")]  # no result cards
    info = at.main.info[0].value
    best = float((run.kb_embeddings @ run.query_vector).max())
    assert info == f"No line reaches the threshold 0.90. The best score is {best:.4f}, for:"
    assert "Oranges contain plenty of vitamin C." in [t.value for t in at.main.text]


def test_editing_one_line_encodes_that_line_only(app):
    at = search(app, "Which fruit has a lot of vitamin C?")
    assert at.session_state["run"].encoded == len(FRUIT)
    edited = app.text_area(key="kb_text").value.replace(
        "Kiwis are bright green", "Kiwis are very green"
    )
    at.text_area(key="kb_text").input(edited).run()
    assert "Press Search to update them." in at.main.info[0].value  # stale until searched
    at = search(at)
    assert (at.session_state["run"].encoded, at.session_state["run"].reused) == (1, len(FRUIT) - 1)
    assert any("1 line encoded, 11 from the cache" in c.value for c in at.caption)


def test_user_text_is_shown_literally(app):
    tricky = "<b>bold</b> **stars** [link](http://x) :smile: $x$ `code`"
    at = app.text_area(key="kb_text").input(f"{tricky}\nbananas are yellow").run()
    at = search(at, "stars and links")
    at.slider(key="threshold").set_value(0.1).run()
    assert tricky in [t.value for t in at.main.text]
    assert not any(tricky in value for value in markdown_values(at))


def test_blank_zero_width_lines_are_ignored(app):
    at = app.text_area(key="kb_text").input("\n  apples  \n\u200b\n\t\noranges\n").run()
    assert "2 lines" in [c.value for c in at.caption]
    at = search(at, "fruit")
    assert at.session_state["kb_texts"] == ["apples", "oranges"]


@pytest.mark.parametrize(
    ("kb", "query", "warning"),
    [("", "fruit", "Add at least one line"), ("apples", "  ", "Type a question first")],
)
def test_empty_input_warns_and_keeps_the_text(app, kb, query, warning):
    at = app.text_area(key="kb_text").input(kb).run()
    at = search(at, query)
    assert not at.exception
    assert at.main.warning[0].value.startswith(warning)
    assert at.text_area(key="kb_text").value == kb
    assert at.session_state["run"] is None


def test_enter_in_the_query_box_searches(app):
    at = app.text_input(key="query").input("When did the first iPhone come out?").run()
    assert result_texts(at)[0] == "Apple released the first iPhone in 2007."


def test_behind_the_scenes_shows_the_query_vector(app):
    at = search(app, "vitamin C")
    assert not at.main.expander[-1].children  # closed: nothing computed
    at.session_state["behind"] = True  # what opening the panel does
    at = at.run()
    expander = at.main.expander[-1]
    assert expander.label == "Behind the scenes: the vectors"
    assert "**384** numbers" in expander.markdown[0].value
    codes = [c.value for c in expander.code]
    assert codes[0] == "vitamin C"  # the bundled model reads the query as typed
    values = [float(v) for v in codes[1].strip("[]").split(", ")]
    np.testing.assert_allclose(values, at.session_state["query_vector"][:50], atol=5e-5)
    assert len(values) == 50
    assert len(expander.get("vega_lite_chart")) == 2


def test_output_dimension_reranks_from_the_cache(app):
    at = search(app, "Which fruit has a lot of vitamin C?")
    size = len(at.session_state["vector_cache"])
    at.select_slider(key="dim").set_value(128).run()
    assert at.session_state["kb_embeddings"].shape == (len(FRUIT), 128)
    assert at.session_state["query_vector"].shape == (128,)
    assert len(at.session_state["vector_cache"]) == size
    assert not at.main.info  # current, not stale


def test_chinese_switch_keeps_the_users_text(app):
    at = app.text_area(key="kb_text").input("my own line\nanother").run()
    at = search(at, "own")
    at.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.text_area(key="kb_text").value == "my own line\nanother"
    assert at.text_area(key="kb_text").label == "每行一条文本"
    assert at.button(key="search").label == "开始搜索"
    assert at.main.subheader[2].value == "匹配结果"


def test_load_sample_replaces_the_knowledge_base(app):
    app.selectbox(key="sample").set_value("en_support").run()
    at = app.button(key="load_sample").click().run()
    assert at.text_area(key="kb_text").value == sample("en_support").text
    assert at.text_input(key="query").value == "My phone won't charge"
    at = search(at)
    assert result_texts(at)[0] == "Dust in the charging port causes a poor connection."


def test_a_model_that_cannot_load_is_an_error_not_a_traceback(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "./no-such-model")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    assert not at.exception
    assert at.sidebar.error[0].value.startswith(
        "The model ./no-such-model could not be loaded: no such folder"
    )
    at.text_area(key="kb_text").input("kept text").run()
    at = search(at, "anything")
    assert not at.exception
    assert at.text_area(key="kb_text").value == "kept text"
    assert at.main.error[0].value.startswith("Pick another model")


def test_bad_environment_setting_is_reported(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_DTYPE", "int3")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    assert not at.exception
    assert at.error[0].value == "SEMSEARCH_DTYPE='int3' is not a dtype: use bf16, fp16 or fp32."


def test_long_lines_are_reported_as_cut(app):
    long_line = "apple " * 400
    at = app.text_area(key="kb_text").input(f"short line\n{long_line}").run()
    at = search(at, "apple")
    warning = at.main.warning[0].value
    assert warning == "1 line is longer than 256 tokens; the model read only its start:"
    assert "line 2: 402 tokens" in [t.value for t in at.main.text]


def test_switching_model_in_the_sidebar_to_a_folder(app, tiny_qwen3):
    app.selectbox(key="model_choice").set_value("custom").run()
    at = app.text_input(key="custom_model").input(str(tiny_qwen3)).run()
    assert not at.exception
    assert f"Model: {tiny_qwen3.resolve()}" in [t.value for t in at.sidebar.text]
    assert at.text_area(key="instruction").value.startswith("Given a web search query")
    at = search(at, "vitamin C")
    run = at.session_state["run"]
    assert run.query_input == f"Instruct: {DEFAULT_TASK}\nQuery:vitamin C"
    at.text_area(key="instruction").input("").run()
    assert at.main.info  # a different instruction needs the query encoded again
    at = search(at)
    assert at.session_state["run"].query_input == "vitamin C"
    assert at.session_state["run"].encoded == 0
