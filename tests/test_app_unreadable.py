"""Honest where the model cannot read (issue 16 item 4): Chinese on the bundled English model.

No tier word or colour on the results, the keyword view gives the model no credit, the main
column names the two ways out, and keyword ranking is one switch away. Both languages.
"""

from streamlit.testing.v1 import AppTest

TIMEOUT = 120
QUERY = "哪种水果富含维生素C?"
TIER_WORDS = ("strong match", "related", "weak", "高度相关", "相关", "弱相关")


def searched(monkeypatch, key, query):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()
    at.selectbox(key="sample").set_value(key).run()
    at.button(key="load_sample").click().run()
    at.text_input(key="query").set_value(query)
    return at.button(key="search").click().run()


def ranked(at):
    return [m.value for m in at.main.markdown if "&nbsp;" in m.value]


def test_results_carry_no_tier_and_the_page_names_both_ways_out(monkeypatch):
    at = searched(monkeypatch, "zh_fruit", QUERY)
    assert not at.exception
    lines = ranked(at)
    assert len(lines) == 5
    assert all("no tier: the model cannot read this" in line for line in lines)
    assert not any(word in line for line in lines for word in TIER_WORDS[:3])
    assert not any(":green" in line or ":gray" in line for line in lines)
    (warning,) = [w.value for w in at.main.warning if "cannot read" in w.value]
    assert warning.endswith(
        "Two ways out: rank this search by keywords (BM25, jieba for Chinese) with the switch "
        "below, or run `hf download Qwen/Qwen3-Embedding-0.6B` once while online, then choose "
        "`Qwen/Qwen3-Embedding-0.6B` on the 🛠️ Workbench page (it reads 100+ languages)."
    )  # the lesson page has no sidebar: the warning names the page that has the picker
    (means,) = [c.value for c in at.main.caption if c.value.startswith("What the number means")]
    assert means.endswith(  # no tiers to explain: the results carry none
        "1 = same direction, 0 = unrelated. Here it means little: the model cannot read this "
        "text, so no tier word is given."
    )
    at = at.radio(key="lang").set_value("zh").run()
    lines = ranked(at)
    assert all("不分级:模型读不懂这些文字" in line for line in lines)
    assert not any(word in line for line in lines for word in ("高度相关", "· 相关", "弱相关"))
    (warning,) = [w.value for w in at.main.warning if "读不懂" in w.value]
    assert "两种办法:用下面的开关按关键词(BM25,中文用 jieba 分词)为本次搜索排序" in warning
    assert warning.endswith(
        "或联网时运行一次 `hf download Qwen/Qwen3-Embedding-0.6B`,然后在 🛠️ 工作台页面"
        "选择 `Qwen/Qwen3-Embedding-0.6B`(支持 100 多种语言)。"
    )
    assert not [c for c in at.main.caption if "≥ 0.6" in c.value]  # no tier thresholds


def test_keyword_ranking_is_one_switch_away(monkeypatch):
    at = searched(monkeypatch, "zh_fruit", QUERY)
    assert at.toggle(key="fit_keywords").label == "Rank this search by keywords (BM25) instead"
    assert "BM25" not in at.main.dataframe[0].value.columns  # the views' first table
    at = at.toggle(key="fit_keywords").set_value(True).run()
    assert not at.exception
    table = at.main.dataframe[0].value
    assert list(table.columns) == ["line", "text", "BM25", "shared words"]
    assert table.iloc[0]["text"] == "橙子含有丰富的维生素C"
    assert table.iloc[0]["shared words"] == "维生, 维生素"  # jieba cuts the words


def test_the_keyword_view_gives_the_model_no_credit(monkeypatch):
    at = searched(monkeypatch, "zh_fruit", QUERY)
    at.session_state["why_tab"] = "Keyword vs meaning"
    at = at.run()
    assert not at.exception
    assert not [s.value for s in at.success if "would miss" in s.value]
    assert [i.value for i in at.info if i.value.startswith("The model cannot read these lines")]


def test_english_on_the_english_model_keeps_its_tiers(monkeypatch):
    at = searched(monkeypatch, "en_fruit", "Which fruit is rich in vitamin C?")
    lines = ranked(at)
    assert lines == [
        "#1 &nbsp; :green[**0.7170** · strong match]",
        "#2 &nbsp; :green-background[**0.4755** · related]",
    ]
    assert all(":green" in line or ":gray" in line for line in lines)
    assert not any("no tier" in line for line in lines)
    assert not [t for t in at.toggle if t.key == "fit_keywords"]
