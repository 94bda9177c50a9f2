"""What a reload keeps besides the text: settings, filters, the open view and the answer.

Plain mappings stand for the session and the URL (no Streamlit), a real page memory in a
temporary folder for the data folder.
"""

from __future__ import annotations

from semsearch.answers.generation import Citation
from semsearch.page.memory import PageMemory
from semsearch.page.reload import keep, restore
from semsearch.page.state import VIEW_KEYS, KeptAnswer, PageState


def test_settings_filters_view_and_answer_survive_a_reload(tmp_path) -> None:
    memory = PageMemory(tmp_path)
    params: dict[str, object] = {}
    first = PageState({"lang": "en"})
    restore(first, memory, params)
    first.mapping.update({
        "kb_text": "a\nb", "query": "q", "threshold": 0.25, "top_k": 3, "dim": 64,
        "max_length": 128, "instruction": "Given a question, find the passage", "rerank": True,
        "filter_source": ["notes.md"], "filter_lang": [], "why_tab": "Tokens",
        "map_colour": "source",
    })  # fmt: skip
    first.last_answer = KeptAnswer("run-1", "q", "b [1]", (Citation(1, 1, "b", 0.5, ""),))
    keep(first, memory, params)

    again = PageState({})
    restore(again, memory, dict(params))
    mapping = again.mapping
    assert {key: mapping[key] for key in ("threshold", "top_k", "dim", "max_length")} == {
        "threshold": 0.25, "top_k": 3, "dim": 64, "max_length": 128,
    }  # fmt: skip
    assert mapping["instruction"] == "Given a question, find the passage"
    assert (mapping["rerank"], mapping["map_colour"]) == (True, "source")
    assert mapping["filter_source"] == ["notes.md"]
    assert "filter_lang" not in mapping  # an empty filter is no setting
    assert mapping["why_tab"] == "Tokens"
    assert again.last_answer == KeptAnswer("", "q", "b [1]", (Citation(1, 1, "b", 0.5, ""),))


def test_the_open_view_comes_back_in_the_language_of_the_link(tmp_path) -> None:
    memory = PageMemory(tmp_path)
    params: dict[str, object] = {}
    first = PageState({"lang": "en"})
    restore(first, memory, params)
    first.mapping.update({"kb_text": "a", "why_tab": "Similarity heatmap"})
    keep(first, memory, params)
    again = PageState({})
    restore(again, memory, {**params, "lang": "zh"})
    assert again.mapping["why_tab"] == "相似度热力图"


def test_the_views_keys_are_the_tabs_of_the_page() -> None:
    from app_views.layout import VIEWS

    assert tuple(key for key, _ in VIEWS) == VIEW_KEYS
