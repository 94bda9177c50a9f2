"""The lesson page and the workbench in AppTest: what each shows, and what they share.

The lesson (the default page) shows the knowledge base, the question, Search, the results
with what their numbers mean and five "why" views; the workbench every tool. Both are one
script and one session: a switch keeps the knowledge base, the query, the results and every
choice made on the other page. What only a browser shows (what is on the first screen, how
many controls are visible) is in test_browser_lesson.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .helpers import workbench
from .test_app_reload import NOTES

TIMEOUT = 120
LESSON_TABS = [
    "Keyword vs meaning",
    "Embedding map",
    "Similarity heatmap",
    "Tokens",
    "Calibrate the threshold",
]
MEANS_EN = (
    "What the number means: the cosine similarity of the question's and this line's vectors "
    "(both of length 1): 1 = same direction, 0 = unrelated. "
    "≥ 0.6 strong match · 0.4–0.6 related · < 0.4 weak."
)
MEANS_ZH = (
    "这个数字的含义:问题与这一行的向量(长度都为 1)的余弦相似度:1 = 方向相同,0 = 毫不相关。"
    "≥ 0.6 高度相关 · 0.4–0.6 相关 · < 0.4 弱相关。"
)


@pytest.fixture
def lesson(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    return AppTest.from_file("../app.py", default_timeout=TIMEOUT).run()


def captions(at) -> list[str]:
    return [c.value for c in at.main.caption]


def test_the_lesson_is_the_first_page_and_has_no_sidebar(lesson):
    assert not lesson.exception
    assert lesson.radio(key="page").value == "lesson"
    assert "page" not in lesson.query_params  # the plain address is the lesson
    assert len(lesson.sidebar.children) == 0  # no sidebar: the columns get its width
    assert [w.key for w in lesson.get("selectbox")] == ["sample"]
    assert "✅ Vector space ready" in captions(lesson)


def test_the_first_result_says_what_its_number_means_in_both_languages(lesson):
    at = lesson.button(key="search").click().run()
    assert MEANS_EN in captions(at)
    assert captions(at).count(MEANS_EN) == 1  # under the first result only
    assert [t.label for t in at.tabs] == LESSON_TABS
    # The workbench's notes on encoding stay there: a student reads the scores first.
    assert not any(c.startswith(("Scores computed", "12 lines encoded")) for c in captions(at))
    at = at.radio(key="lang").set_value("zh").run()
    assert MEANS_ZH in captions(at)
    assert len(at.tabs) == 5


def test_the_workbench_is_one_click_away_and_shares_text_query_and_results(lesson):
    lesson.text_area(key="kb_text").input("Oranges contain plenty of vitamin C.\nBuses.")
    lesson.text_input(key="query").input("vitamin C")
    at = lesson.button(key="search").click().run()
    run = at.session_state["run"]
    at = at.radio(key="page").set_value("workbench").run()
    assert not at.exception
    assert at.query_params["page"] == "workbench"
    assert at.text_area(key="kb_text").value == "Oranges contain plenty of vitamin C.\nBuses."
    assert at.text_input(key="query").value == "vitamin C"
    assert at.session_state["run"] is run  # nothing searched again
    assert [t.label for t in at.tabs] == [
        *LESSON_TABS,
        "Compare models",
        "Does it work on my data?",
    ]
    assert at.sidebar.success[0].value == "Vector space ready"
    assert any(c.startswith("Scores computed in fp32") for c in captions(at))


def test_choices_made_on_the_workbench_outlive_a_visit_to_the_lesson(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at.select_slider(key="dim").set_value(128)
    at.number_input(key="max_length").set_value(200)
    at.segmented_control(key="chunk_mode").set_value("window")
    at = at.button(key="search").click().run()
    assert at.session_state["kb_embeddings"].shape[1] == 128
    at = at.radio(key="page").set_value("lesson").run()
    assert not at.exception
    at.text_input(key="query").input("Which fruit is yellow?")
    at = at.button(key="search").click().run()  # the lesson searches as the workbench set it
    assert at.session_state["kb_embeddings"].shape[1] == 128
    assert at.session_state["run"].max_length == 200
    at = at.radio(key="page").set_value("workbench").run()
    assert at.select_slider(key="dim").value == 128
    assert at.number_input(key="max_length").value == 200
    assert at.segmented_control(key="chunk_mode").value == "window"


def test_files_uploaded_on_the_workbench_stay_in_the_lessons_knowledge_base(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at.text_area(key="kb_text").input("Oranges contain plenty of vitamin C.")
    at = at.file_uploader(key="uploads").upload("notes.md", NOTES, "text/markdown").run()
    at = at.radio(key="page").set_value("lesson").run()
    assert "3 passages: 1 typed, 2 from files" in captions(at)
    at.text_input(key="query").input("my phone charges badly")
    at = at.button(key="search").click().run()
    run = at.session_state["run"]
    assert len(run.texts) == 3
    assert run.origins[1].startswith("notes.md")
    at = at.radio(key="page").set_value("workbench").run()
    assert "notes.md: 2 passages" in [t.value for t in at.main.text]
    assert "3 passages: 1 typed, 2 from files" in captions(at)


def test_a_view_only_the_workbench_has_leaves_the_lesson_on_its_first_view(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at = at.button(key="search").click().run()
    at.session_state["why_tab"] = "Compare models"
    at = at.run()
    at = at.radio(key="page").set_value("lesson").run()
    assert not at.exception
    assert [t.label for t in at.tabs] == LESSON_TABS
