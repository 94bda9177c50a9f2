"""Hostile structure: each crash or silent loss found against a classroom server, pinned."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from semsearch.analysis.keywords import KeywordIndex
from semsearch.documents.markup import MAX_HTML_DEPTH, read_markup
from semsearch.documents.readers import read_document
from semsearch.retrieval.filters import MAX_FACET_FIELDS, facets

from .helpers import workbench

TIMEOUT = 120


def test_html_nested_a_thousand_divs_is_read_and_says_what_it_flattened():
    html = "<h1>Top</h1><p>before</p>" + "<div>" * 1000 + "deep text" + "</div>" * 1000
    document = read_markup("deep.html", (html + "<p>after</p>").encode(), "html")
    assert [s.text for s in document.sections] == ["before\n\ndeep text\n\nafter"]
    assert document.notes == (
        f"Elements nested more than {MAX_HTML_DEPTH} deep were read as plain text (1 <div> "
        "and below): their headings, lists and tables are not told apart.",
    )


def test_html_lists_nested_three_thousand_deep_keep_the_text_after_them():
    html = "<h1>Top</h1>" + "<ul><li>x" * 3000 + "</li></ul>" * 3000 + "<p>after</p>"
    document = read_markup("deep.html", html.encode(), "html")
    text = document.sections[0].text
    assert text.endswith("\n\nafter")
    assert text.count("x") == 3000
    assert len(document.notes) == 1


@pytest.mark.parametrize("depth", [12, 40, 2000])
def test_a_markdown_list_nested_deep_keeps_the_rest_of_the_file(depth):
    items = "".join("  " * i + f"- item {i}\n" for i in range(depth))
    text = f"# T\n\nbefore\n\n{items}\nafter the list\n\n## Later\n\nlast paragraph\n"
    document = read_markup("deep.md", text.encode(), "markdown")
    first, later = document.sections
    assert (first.heading, later.heading, later.text) == ("T", "T › Later", "last paragraph")
    assert first.text.startswith("before\n\n- item 0\n  - item 1\n")
    assert first.text.endswith(f"item {depth - 1}\n\nafter the list")
    assert len(document.notes) == (depth > 20)


@pytest.mark.parametrize("depth", [25, 2000])
def test_a_markdown_quote_nested_deep_keeps_its_text_and_the_rest(depth):
    text = f"# T\n\nbefore\n\n{'>' * depth} quoted\n\nafter the quote\n\n## Later\n\nlast\n"
    document = read_markup("deep.md", text.encode(), "markdown")
    first, later = document.sections
    assert "quoted" in first.text
    assert first.text.endswith("after the quote")
    assert later.text == "last"


@pytest.mark.parametrize("texts", [["😀 😀", "🎉"], ["a", "b", "c"], ["x"]])
def test_keywords_over_texts_without_a_keyword_term_score_zero(texts):
    index = KeywordIndex(texts)
    assert index.scores("a 😀").tolist() == [0.0] * len(texts)
    assert [hit.score for hit in index.search("a", top_k=2)] == [0.0] * min(2, len(texts))


def test_a_csv_of_ten_thousand_columns_gets_a_handful_of_filter_fields(bundled):
    from semsearch.documents.chunking import ChunkSettings, chunk_documents

    header = ",".join(["text"] + [f"c{i}" for i in range(9_999)])
    rows = [",".join([f"row {r}"] + [str((r + i) % 2) for i in range(9_999)]) for r in range(3)]
    document = read_document("wide.csv", "\n".join([header, *rows]).encode(), csv_column="text")
    passages = chunk_documents(
        [document], ChunkSettings("paragraph"), bundled.token_spans, bundled.passage_tokens
    )
    assert len(passages) == 3
    found = facets(passages)
    assert list(found) == [f"c{i}" for i in range(MAX_FACET_FIELDS)]


def page(monkeypatch, **env):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


def test_an_upload_whose_name_holds_a_nul_is_a_message_and_the_rest_goes_in(monkeypatch):
    at = page(monkeypatch)
    uploader = at.file_uploader(key="uploads")
    uploader.upload("bad\x00name.txt", b"hidden", "text/plain")
    at = uploader.upload("good.txt", b"Oranges are orange.", "text/plain").run()
    assert not at.exception
    assert "good.txt (UTF-8): 1 passages" in [t.value for t in at.main.text]
    assert at.main.error[0].value.startswith("A file name holds a NUL character")


def test_keyword_view_of_a_base_without_keyword_terms(monkeypatch):
    at = page(monkeypatch)
    at.text_area(key="kb_text").input("😀\n🎉\na\nb").run()
    at.text_input(key="query").set_value("a")
    at = at.button(key="search").click().run()
    assert not at.exception
    assert not at.main.error


def model_error(at):
    return next(e.value for e in at.sidebar.error)


def test_the_model_box_says_the_same_for_every_folder_that_is_not_a_model(monkeypatch, tmp_path):
    secret = tmp_path / "ssh"
    secret.mkdir()
    (secret / "id_ed25519").write_text("key")
    at = page(monkeypatch)
    at.selectbox(key="model_choice").set_value("custom").run()
    answers = []
    for spec in (str(secret), str(tmp_path / "missing"), "~root/.ssh", "~/", "./"):
        at = at.text_input(key="custom_model").input(spec).run()
        assert not at.exception
        answers.append(model_error(at).replace(spec, "SPEC"))
    expected = (
        "The model SPEC could not be loaded: it is not a model this server can load (no such "
        "model folder or model id here); check the spelling, or pick a model from the list"
    )
    assert answers == [expected] * 5


def test_a_classroom_loads_only_the_listed_models(monkeypatch, tiny_qwen3):
    at = page(monkeypatch, SEMSEARCH_CLASSROOM="1")
    at.selectbox(key="model_choice").set_value("custom").run()
    for spec in (str(tiny_qwen3), "someone/any-model"):
        at = at.text_input(key="custom_model").input(spec).run()
        assert model_error(at) == (
            f"The model {spec} could not be loaded: this classroom server loads only the "
            "models in its list; pick one of them (the server's owner can add models to its "
            "Hugging Face cache)"
        )
    at = at.text_input(key="custom_model").input("bundled").run()
    assert not at.sidebar.error


def test_the_cli_indexes_good_files_beside_a_deeply_nested_one(tmp_path, capsys):
    from semsearch.cli import main

    (tmp_path / "deep.html").write_text("<p>top</p>" + "<div>" * 1000 + "deep" + "</div>" * 1000)
    (tmp_path / "good.txt").write_text("Oranges contain plenty of vitamin C.")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 not really")
    argv = ["index", str(tmp_path), "--name", "mixed", "--model", "bundled"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"semsearch: skipped {tmp_path / 'bad.pdf'}" in err
    assert f"semsearch: {tmp_path / 'deep.html'}: Elements nested more than 200" in err
    assert "indexed 3 passages from 2 file(s) into 'mixed'" in err
