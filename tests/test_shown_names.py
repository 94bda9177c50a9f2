"""Names and errors on the page show, and copy back, exactly as they are: no markup applied.

``plain`` wraps a user's value in a markdown code span; markdown-it (CommonMark, as the
page's renderer) must read back the very same text, and nothing but one code span.
"""

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from app_views.context import plain

from .helpers import workbench
from .test_app_views import TABS

HOSTILE = [
    "my\\-base\\.v1",
    "\\u200b",
    "**B**",
    "$$x^2$$",
    "[x](http://example.com/x)",
    "![i](http://example.com/i.png)",
    "a: :smile: :red[b] :material/home:",
    "`tick` and ``two``",
    "`",
    " lead and trail ",
    "  ",
    "<script>alert(1)</script>",
    "名前: 価格",
    "Error: http://127.0.0.1:8000/v1 answered HTTP 500",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_is_one_code_span_that_reads_back_exactly(value):
    tokens = MarkdownIt("commonmark").parseInline(f"Deleted {plain(value)}.")[0].children
    assert [tok.type for tok in tokens] == ["text", "code_inline", "text"]
    assert tokens[1].content == value
    assert "\u200b" not in plain(value)


def code_spans(markdown):
    """The contents of the code spans in a message, as markdown-it reads them."""
    tokens = MarkdownIt("commonmark").parseInline(markdown)[0].children
    return [tok.content for tok in tokens if tok.type == "code_inline"]


@pytest.mark.parametrize("name", ["my\\-base\\.v1", "\\u200b", "**B**", "$$x^2$$"])
def test_a_saved_base_name_shows_exactly(monkeypatch, name):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at.text_area(key="kb_text").input("One line to keep.").run()
    at.text_input(key="save_name").input(name).run()
    at = at.button(key="save_base").click().run()
    assert not at.exception
    message = at.main.success[0].value
    assert code_spans(message)[0] == name
    assert "\u200b" not in message


@pytest.mark.parametrize(
    "file_name", ["[x](http://127.0.0.1:9/x).csv", "![i](http://127.0.0.1:9/i).csv"]
)
def test_a_labels_file_name_in_an_error_is_no_link_or_image(monkeypatch, file_name):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at.text_area(key="kb_text").input("Apples are red.\nOranges are orange.").run()
    at = at.button(key="search").click().run()
    at.session_state["why_tab"] = TABS["calibrate"]
    at = at.run()
    at.file_uploader(key="labels_csv").upload(file_name, b"query,text\nq,t\n", "text/csv").run()
    assert not at.exception
    error = next(e.value for e in at.error if "labels file" in e.value)
    assert code_spans(error)[0] == file_name
    inline = MarkdownIt("commonmark").parseInline(error)[0].children
    assert not [tok.type for tok in inline if tok.type in ("link_open", "image")]
