"""The smaller things a class notices (issue 16 item 5), each pinned on the page (AppTest).

Each test fails on the page as it was before its fix: an offline Answer that named the model
but not what to do, a stale notice that told the user to press a Search that refuses, a
model picker that offered 8 GB downloads as if they were there, a map spinner that gave no
reason for UMAP's first minute, a tokens histogram that counted lines in fractions, a views
caption that named the wrong number of views, an answer kept unmarked once top-k left it
fewer sources.
"""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_views.map import projecting_words

from .helpers import workbench

TIMEOUT = 120
QUESTION = "Which fruit has a lot of vitamin C?"


def page(monkeypatch, on_workbench=True):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    return (workbench(at) if on_workbench else at).run()


def searched(monkeypatch, on_workbench=True):
    at = page(monkeypatch, on_workbench)
    at.text_input(key="query").set_value(QUESTION)
    return at.button(key="search").click().run()


def test_the_offline_answer_says_how_to_get_a_model_or_do_without(monkeypatch, hub_cache):
    for name in ("SEMSEARCH_LLM", "SEMSEARCH_LLM_BASE_URL", "SEMSEARCH_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    at = searched(monkeypatch).button(key="answer").click().run()
    assert not at.exception
    (error,) = [e.value for e in at.main.error if e.value.startswith("No answer")]
    assert error == (
        "No answer: `Could not load the model 'Qwen/Qwen2.5-0.5B-Instruct': it is not in the "
        "local Hugging Face cache and HF_HUB_OFFLINE is set`\n\n"
        "The language model is downloaded once, then works offline: run `hf download "
        "Qwen/Qwen2.5-0.5B-Instruct` while online, then ask again. Or answer with a model you "
        "have: SEMSEARCH_LLM=FOLDER (a local model folder), or SEMSEARCH_LLM_BASE_URL=URL for an "
        "OpenAI-compatible server (vLLM, Ollama); set it before starting the page."
    )


def test_an_emptied_knowledge_base_is_not_told_to_press_search(monkeypatch):
    at = searched(monkeypatch, on_workbench=False)
    at.text_area(key="kb_text").input("").run()
    at = at.button(key="search").click().run()
    assert not at.exception
    assert [w.value for w in at.main.warning] == [
        "Add at least one line to the knowledge base first."
    ]
    notices = [i.value for i in at.main.info]
    assert notices == [
        "These results are from the last search; the knowledge base is empty now. Add lines, "
        "then press Search."
    ]
    at = at.text_area(key="kb_text").input("Oranges contain plenty of vitamin C.").run()
    at = at.text_input(key="query").input("").run()
    assert [i.value for i in at.main.info] == [
        "These results are from the last search; the question is empty now. Type one, then "
        "press Search."
    ]
    at = at.radio(key="lang").set_value("zh").run()
    assert [i.value for i in at.main.info] == [
        "这些是上一次搜索的结果;问题现在是空的。请先输入问题,再点击“开始搜索”。"
    ]


def test_the_picker_marks_the_qwen3_models_that_need_a_download(monkeypatch, hub_cache, tiny_qwen3):
    hub_cache.put("Qwen/Qwen3-Embedding-0.6B", tiny_qwen3)  # cached: no mark
    at = page(monkeypatch)
    picker = at.selectbox(key="model_choice")
    labels = [picker.format_func(option) for option in picker.options]
    assert labels[2:5] == [
        "Qwen/Qwen3-Embedding-0.6B",
        "Qwen/Qwen3-Embedding-4B · needs a download (~8 GB)",
        "Qwen/Qwen3-Embedding-8B · needs a download (~15 GB)",
    ]
    at = at.radio(key="lang").set_value("zh").run()
    picker = at.selectbox(key="model_choice")
    assert picker.format_func("Qwen/Qwen3-Embedding-4B") == (
        "Qwen/Qwen3-Embedding-4B · 需要下载(约 8 GB)"
    )


def test_the_first_umap_says_it_compiles_once():
    from semsearch.analysis.projection_worker import PROCESS as MAPS

    MAPS.stop()  # a fresh map worker: nothing compiled in it yet
    assert projecting_words("en", "umap", 12) == (
        "Projecting 12 lines with UMAP… Its first map since the server started compiles its code "
        "once: up to a minute on a small machine. Later maps take seconds."
    )
    assert projecting_words("en", "pca", 12) == "Projecting 12 lines with PCA…"
    MAPS.project(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.2]] * 5), "umap")
    assert MAPS.has_run("umap")
    assert projecting_words("en", "umap", 12) == "Projecting 12 lines with UMAP…"


def test_the_tokens_histogram_counts_whole_lines_in_whole_token_bins(monkeypatch):
    at = searched(monkeypatch)
    at.session_state["why_tab"] = "Tokens"
    at = at.run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    (layers,) = [s["layer"] for s in specs if "layer" in s and
                 s["layer"][0]["encoding"].get("x", {}).get("field") == "tokens"]  # fmt: skip
    # Lines of 8-16 tokens: no rule at the cap (256) to squeeze the bars into a sliver.
    assert len(layers) == 1
    assert "**Tokens per knowledge-base line (all far under the cap, 256)**" in [
        m.value for m in at.main.markdown
    ]
    bars = layers[0]["encoding"]
    assert bars["x"]["bin"] == {"maxbins": 20, "minstep": 1}
    assert bars["x"]["axis"] == {"format": "d", "labelOverlap": True}
    assert bars["y"]["axis"] == {"format": "d", "tickMinStep": 1}


@pytest.mark.parametrize(
    ("lang", "on_workbench", "caption"),
    [
        ("en", True, "7 ways to look inside the search."),
        ("en", False, "5 ways to look inside the search;"),
        ("zh", True, "7 种方式"),
        ("zh", False, "5 种方式"),
    ],
)
def test_the_views_caption_counts_the_tabs_it_shows(monkeypatch, lang, on_workbench, caption):
    at = searched(monkeypatch, on_workbench)
    at = at.radio(key="lang").set_value(lang).run()
    assert len(at.tabs) == (7 if on_workbench else 5)
    assert [c.value for c in at.main.caption if c.value.startswith(caption)]


def test_an_answer_is_marked_stale_when_top_k_leaves_it_fewer_sources(monkeypatch):
    from .helpers import ChatServer

    with ChatServer(reply="Oranges [1].") as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        at = searched(monkeypatch)
        at.slider(key="threshold").set_value(0.1).run()
        at = at.button(key="answer").click().run()
    assert not [i for i in at.main.info if i.value.startswith("This answer was made")]
    at = at.number_input(key="top_k").set_value(2).run()
    assert [i for i in at.main.info if i.value.startswith("This answer was made")]
    assert "Oranges [1]." in [t.value for t in at.main.text]  # kept, marked, not dropped


def test_opening_a_base_puts_the_typed_lines_aside_and_opens_an_editable_copy(
    monkeypatch, data_dir
):
    from semsearch.retrieval.stores import open_store

    at = page(monkeypatch)
    at.text_area(key="kb_text").input("Tea is brewed from leaves.\nCoffee is brewed from beans.")
    at.text_input(key="save_name").input("drinks").run()
    at = at.button(key="save_base").click().run()
    at = at.text_area(key="kb_text").input("My own line about oranges.").run()
    at.selectbox(key="saved_pick").set_value("drinks")
    at = at.button(key="open_base").click().run()
    assert not at.exception
    assert at.text_area(key="kb_text").value == (
        "Tea is brewed from leaves.\nCoffee is brewed from beans."
    )
    assert [s.value for s in at.main.success if s.value.startswith("Opened")] == [
        "Opened '`drinks`': 2 passages, with their vectors (nothing to encode). The 1 line you "
        "had typed is put aside: “Put back my typed lines” (under the text box) returns it."
    ]
    assert at.button(key="put_back").label == "Put back my typed lines (1)"
    # Editable, as a copy: the box's lines are searched; the saved base stays as it was.
    edited = "Tea is brewed from leaves.\nWater is poured over the leaves."
    at = at.text_area(key="kb_text").input(edited).run()
    at.text_input(key="query").set_value("water")
    at = at.button(key="search").click().run()
    assert at.session_state["run"].texts == (
        "Tea is brewed from leaves.",
        "Water is poured over the leaves.",
    )
    assert open_store("sqlite", data_dir=data_dir).info("drinks").passages == 2
    at = at.button(key="close_base").click().run()  # closing keeps the offer
    at = at.button(key="put_back").click().run()
    assert at.text_area(key="kb_text").value == "My own line about oranges."
    assert not [b for b in at.button if b.key == "put_back"]


def test_the_page_script_has_no_bare_strings_that_streamlit_would_show():
    """Streamlit's magic writes a bare string of the page script onto the page (seen in
    Chromium: two attribute docstrings above the title); only the module docstring is
    exempt."""
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).parent.parent / "app.py").read_text(encoding="utf-8"))
    bare = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and node is not tree.body[0]
        and not any(
            isinstance(parent, (ast.FunctionDef, ast.ClassDef)) and parent.body[0] is node
            for parent in ast.walk(tree)
        )
    ]
    assert bare == []
