"""The page names the model in use, warns when it cannot read the text, compares offline models.

Driven through AppTest on this offline machine: ``auto`` falls back to the bundled model, and
the Hugging Face cache is a folder of the test's own (empty, or holding the tiny Qwen3 twin).
"""

from streamlit.testing.v1 import AppTest

from semsearch.encoding.model_source import BUNDLED_NAME

from .helpers import workbench

TIMEOUT = 120
ESCAPED_NAME = "`sentence-transformers/all-MiniLM-L6-v2`"


def page(monkeypatch, model=None):
    if model is None:
        monkeypatch.delenv("SEMSEARCH_MODEL", raising=False)
    else:
        monkeypatch.setenv("SEMSEARCH_MODEL", model)
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


def search_sample(at, key, query=None):
    at.selectbox(key="sample").set_value(key).run()
    at.button(key="load_sample").click().run()
    if query is not None:
        at.text_input(key="query").set_value(query)
    return at.button(key="search").click().run()


def language_warnings(at):
    return [w.value for w in at.main.warning if "cannot read" in w.value or "读不懂" in w.value]


def test_auto_offline_names_the_bundled_model_at_the_top_and_says_why(monkeypatch, hub_cache):
    at = page(monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Semantic search"
    assert at.main.text[0].value == (
        f"Model in use: {BUNDLED_NAME} (bundled with semsearch; auto fell back to it)"
    )
    assert at.main.warning[0].value == (
        f"auto fell back to {ESCAPED_NAME} (`Qwen3-Embedding-0.6B` not cached: offline). "
        "To use it, run `hf download Qwen/Qwen3-Embedding-0.6B` once while online, then reload."
    )
    picker = at.selectbox(key="model_choice")
    assert picker.value == "auto"
    assert picker.options[0] == "auto → all-MiniLM-L6-v2 (Qwen3-Embedding-0.6B not cached: offline)"
    assert not at.sidebar.warning  # the fallback is said in the main column, once


def test_the_names_follow_the_language(monkeypatch, hub_cache):
    at = page(monkeypatch).radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "语义搜索"
    assert at.main.text[0].value == f"当前模型:{BUNDLED_NAME}(semsearch 内置;auto 回退到了它)"
    assert at.main.warning[0].value.startswith(f"auto 回退到了 {ESCAPED_NAME}(`Qwen3")
    assert at.selectbox(key="model_choice").options[0] == (
        "auto → all-MiniLM-L6-v2(Qwen3-Embedding-0.6B 未缓存:离线)"
    )


def test_a_model_chosen_by_name_is_named_and_auto_says_what_it_would_load(monkeypatch):
    at = page(monkeypatch, "bundled")
    assert at.main.text[0].value == f"Model in use: {BUNDLED_NAME} (bundled with semsearch)"
    assert not at.main.warning
    options = at.selectbox(key="model_choice").options
    assert options[0] == "auto: Qwen3-Embedding-0.6B here, else the bundled model"


def test_chinese_on_the_english_model_is_warned_with_the_fix(monkeypatch):
    at = page(monkeypatch, "bundled")
    assert at.selectbox(key="sample").options == [
        "Fruit (English)",
        "Fruit (Chinese) · the model in use cannot read it",
        "Customer support (English)",
        "Customer support (Chinese) · the model in use cannot read it",
    ]
    at = search_sample(at, "zh_fruit", "哪种水果维C含量高?")
    assert not at.exception
    (warning,) = language_warnings(at)
    assert warning.startswith(
        f"{ESCAPED_NAME} cannot read the query and 12 of 12 lines: it reads English only"
    )
    assert "Chinese characters" in warning
    assert warning.endswith(
        "or run `hf download Qwen/Qwen3-Embedding-0.6B` once while online, then choose "
        "`Qwen/Qwen3-Embedding-0.6B` in the sidebar (it reads 100+ languages)."
    )
    at = at.radio(key="lang").set_value("zh").run()
    (warning,) = language_warnings(at)
    assert warning.startswith(f"{ESCAPED_NAME} 读不懂查询和 12 行中的 12 行:它只读英文")
    assert at.selectbox(key="sample").options[1] == "水果(中文) · 当前模型读不懂"


def test_english_is_not_warned_and_a_chinese_query_alone_is(monkeypatch):
    at = search_sample(page(monkeypatch, "bundled"), "en_support", "My phone won't charge")
    assert not language_warnings(at)
    at.text_input(key="query").set_value("手机充不进电")
    at = at.button(key="search").click().run()
    (warning,) = language_warnings(at)
    assert warning.startswith(f"{ESCAPED_NAME} cannot read the query: it reads English only")


def test_a_multilingual_model_reads_chinese_without_a_warning(monkeypatch, tiny_qwen3):
    at = page(monkeypatch, str(tiny_qwen3))
    assert at.main.text[0].value == f"Model in use: {tiny_qwen3} (from a local folder)"
    assert "·" not in " ".join(at.selectbox(key="sample").options)  # no sample is marked
    at = search_sample(at, "zh_fruit", "哪种水果维C含量高?")
    assert not at.exception
    assert not language_warnings(at)


TABS_COMPARE = "Compare models"


def open_compare(at):
    at.session_state["why_tab"] = TABS_COMPARE
    return at.run()


def compare_tab(at):
    return next(t for t in at.tabs if t.label == TABS_COMPARE)


def test_compare_offers_nothing_that_needs_a_download_and_says_how_to_get_more(
    monkeypatch, hub_cache
):
    at = open_compare(search_sample(page(monkeypatch, "bundled"), "en_fruit"))
    view = compare_tab(at)
    assert at.selectbox(key="compare_model").options == [
        "other: a Hugging Face id or a local folder"
    ]
    assert view.info[0].value == "No other model can run here without a download."
    assert any(
        "run `hf download Qwen/Qwen3-Embedding-0.6B` once while online" in c.value
        for c in view.caption
    )


def test_compare_offers_cached_models_and_clears_an_old_comparison(
    monkeypatch, hub_cache, tiny_qwen3
):
    hub_cache.put("test-org/tiny-qwen3", tiny_qwen3)
    at = open_compare(search_sample(page(monkeypatch, "bundled"), "en_fruit"))
    picker = at.selectbox(key="compare_model")
    assert picker.options == [
        "test-org/tiny-qwen3 (Hugging Face cache)",
        "other: a Hugging Face id or a local folder",
    ]
    at = at.button(key="compare_run").click().run()
    assert not at.exception
    view = compare_tab(at)
    assert [m.label for m in view.metric] == [
        "Overlap of the top 5",
        "Spearman rank correlation over all lines",
    ]
    assert -1.0 <= float(view.metric[1].value) <= 1.0
    assert at.session_state["comparison"].model == "test-org/tiny-qwen3"
    # A new attempt that fails: its error stands alone, the old comparison is gone.
    at.selectbox(key="compare_model").set_value("custom").run()
    at.text_input(key="compare_custom").input("/no/such/model").run()
    at = at.button(key="compare_run").click().run()
    view = compare_tab(at)
    assert view.error[0].value.startswith("The model /no/such/model could not be compared")
    assert not view.metric
    assert not view.dataframe
    assert at.session_state["comparison"] is None


def test_compare_offers_the_bundled_model_when_another_one_is_in_use(
    monkeypatch, hub_cache, tiny_qwen3
):
    at = open_compare(search_sample(page(monkeypatch, str(tiny_qwen3)), "en_fruit"))
    assert at.selectbox(key="compare_model").options == [
        "bundled: all-MiniLM-L6-v2 (offline, English only)",
        "other: a Hugging Face id or a local folder",
    ]
    at = at.button(key="compare_run").click().run()
    assert not at.exception
    assert at.session_state["comparison"].model == BUNDLED_NAME
    assert len(compare_tab(at).dataframe) == 2


def test_the_load_line_is_in_the_pages_language(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.query_params["page"] = "workbench"
    at = at.run()
    (line,) = [x.value for x in at.sidebar.text if x.value.startswith("Load time")]
    assert line.endswith(" s (bundled)")
    at = at.radio(key="lang").set_value("zh").run()
    (line,) = [x.value for x in at.sidebar.text if x.value.startswith("加载耗时")]
    assert line.startswith("加载耗时:")
    assert line.endswith(" 秒(内置)")
