"""Passages from real files cut as a person would cut them (issue 17, item 6).

Each defect was found on documentation Debian installs (shared-mime-info-spec.pdf,
libtasn1.pdf, valgrind's faq.html); each test rebuilds its shape in a file made here
(PDFs placed line by line with ``tests/sample_files.layout_pdf``) and asserts the exact
passages.
"""

from semsearch.documents.chunking import ChunkSettings, chunk_documents
from semsearch.documents.readers import read_document

from . import sample_files as files
from .fakes import fake_embedder
from .helpers import workbench


def spans(text):
    return fake_embedder().token_spans(text)


def texts(name, data):
    document = read_document(name, data)
    return [p.text for p in chunk_documents([document], ChunkSettings("paragraph"), spans, 200)]


def test_a_bullet_whose_sentence_goes_on_past_the_line_stays_one_passage():
    # \xb7 is the bullet (•) in the standard encoding of the PDF's Helvetica.
    page = [
        (72, 700, "Each node may contain the following elements:"),
        (72, 672, "\xb7   glob elements have a pattern. Any file whose name matches will be given this"),
        (86, 658, "MIME type (subject to other rules, of course)."),
        (72, 630, "\xb7   magic elements contain a list of match elements, any of which"),
        (86, 616, "may match."),
        (72, 588, "Rules are read in order."),
    ]  # fmt: skip
    assert texts("spec.pdf", files.layout_pdf([page])) == [
        "Each node may contain the following elements:",
        "• glob elements have a pattern. Any file whose name matches will be given this MIME "
        "type (subject to other rules, of course).",
        "• magic elements contain a list of match elements, any of which may match.",
        "Rules are read in order.",
    ]


def test_a_first_line_indent_still_starts_a_paragraph():
    page = [
        (72, 700, "Setup"),
        (90, 672, "Plug the router in. It starts by"),
        (72, 658, "itself."),
        (90, 644, "Then open the app."),
    ]
    assert texts("setup.pdf", files.layout_pdf([page])) == [
        "Setup",
        "Plug the router in. It starts by itself.",
        "Then open the app.",
    ]


def test_words_cut_at_a_line_end_are_mended_in_any_case_and_compounds_keep_their_hyphen():
    page = [
        (72, 700, "Returns ASN1_ELEMENT_NOT_FOUND if ELE-"),
        (72, 686, "MENT is empty, ASN1_TAG_"),
        (72, 672, "ERROR if the tag differs, and a well-"),
        (72, 658, "known error otherwise; re-"),
        (72, 644, "set it with non-"),
        (72, 630, "English names or ISO-"),
        (72, 616, "8859 bytes."),
        (72, 588, "This is a well-known rule."),
    ]
    assert texts("libtasn1.pdf", files.layout_pdf([page])) == [
        "Returns ASN1_ELEMENT_NOT_FOUND if ELEMENT is empty, ASN1_TAG_ERROR if the tag "
        "differs, and a well-known error otherwise; reset it with non-English names or "
        "ISO-8859 bytes.",
        "This is a well-known rule.",
    ]


def test_a_table_of_contents_and_its_roman_page_number_are_no_passages():
    contents = [
        (72, 750, "Table of Contents"),
        (72, 720, "1    Introduction . . . . . . . . . . . . . . . . 1"),
        (72, 706, "2    Structures  . . . . . . . . . . . . . . . . 2"),
        (86, 692, "2.1    Naming  . . . . . . . . . . . . . . . . 3"),
        (300, 40, "ii"),
    ]
    body = [(72, 720, "Introduction"), (72, 690, "The library reads DER."), (300, 40, "1")]
    assert texts("manual.pdf", files.layout_pdf([contents, body])) == [
        "Introduction",
        "The library reads DER.",
    ]


VALGRIND_FAQ = """\
<html><body>
<div><table class="nav" width="100%" summary="Navigation header"><tr>
<td><a href="FAQ.html"><img src="prev.png" alt="Prev"></a></td>
<td><a href="FAQ.html"><img src="up.png" alt="Up"></a></td>
<th>Valgrind FAQ</th>
<td><a href="next.html"><img src="next.png" alt="Next"></a></td>
</tr></table></div>
<h1>Valgrind Frequently Asked Questions</h1>
<dl>
<dt>1. <a href="#background">Background</a></dt>
<dd>1.1. <a href="#pronounce">How do you pronounce "Valgrind"?</a></dd>
</dl>
<table width="100%" summary="Q and A Div">
<tr><td colspan="2"><h3>1. Background</h3></td></tr>
<tr class="toc"><td colspan="2">1.1. <a href="#pronounce">How do you pronounce it?</a></td></tr>
<tr><td colspan="2">&nbsp;</td></tr>
<tr class="question"><td><b>1.1.</b></td><td><b>How do you pronounce "Valgrind"?</b></td></tr>
<tr class="answer"><td></td><td><p>The "Val" as in the word "value".</p>
<p>Don't feel bad: almost everyone gets it wrong at first.</p></td></tr>
<tr class="question"><td><b>1.2.</b></td>
<td><b>Where does the name come from?</b><pre>make: Assertion failed.</pre></td></tr>
</table>
<table><tr><td><a href="FAQ.html">&lt;&lt; Valgrind FAQ</a></td><td><a href="index.html">Home</a>
</td><td><a href="tech.html">Technical Documentation &gt;&gt;</a></td></tr></table>
</body></html>
"""


def test_html_layout_tables_are_read_through_and_navigation_and_contents_left_out():
    assert texts("faq.html", VALGRIND_FAQ.encode()) == [
        'Valgrind Frequently Asked Questions › 1. Background\n1.1. How do you pronounce "Valgrind"?',
        'Valgrind Frequently Asked Questions › 1. Background\nThe "Val" as in the word "value".',
        "Valgrind Frequently Asked Questions › 1. Background\n"
        "Don't feel bad: almost everyone gets it wrong at first.",
        "Valgrind Frequently Asked Questions › 1. Background\n1.2. Where does the name come from?",
        "Valgrind Frequently Asked Questions › 1. Background\nmake: Assertion failed.",
    ]


def test_a_data_table_stays_one_passage():
    page = "<h1>Prices</h1><table><tr><th>Item</th><th>Price</th></tr>" \
        "<tr><td><a href='/r'>Router</a></td><td>99 euros</td></tr></table>"  # fmt: skip
    assert texts("prices.html", page.encode()) == ["Prices\nItem | Price\nRouter | 99 euros"]


def test_a_markdown_contents_list_is_no_passage_but_a_list_with_words_is():
    page = (
        "# Guide\n\n- [Install](#install)\n- [Use](#use)\n\n## Install\n\n"
        "- Run [the installer](setup.exe) once\n- Restart\n"
    )
    assert texts("guide.md", page.encode()) == [
        "Guide › Install\n- Run the installer once\n- Restart"
    ]


def test_text_files_without_an_extension_and_gz_files_are_read():
    import gzip

    assert texts("README", b"Valgrind is a tool.\n\nRun it on any program.") == [
        "Valgrind is a tool.",
        "Run it on any program.",
    ]
    assert texts("README.Debian", b"Built without MPI.") == ["Built without MPI."]
    news = gzip.compress(b"Version 3.22 adds a new tool.")
    document = read_document("NEWS.gz", news)
    assert (document.name, [s.text for s in document.sections]) == (
        "NEWS.gz",
        ["Version 3.22 adds a new tool."],
    )
    assert texts("faq.md.gz", gzip.compress(b"# FAQ\n\nAsk away.")) == ["FAQ\nAsk away."]


def test_binary_files_without_an_extension_and_gz_bombs_are_refused_with_why():
    import gzip

    import pytest

    from semsearch.documents import readers
    from semsearch.documents.readers import DocumentError, _gunzip

    with pytest.raises(DocumentError) as caught:
        read_document("tool", b"\x7fELF\x02\x01\x01\x00\x00\x00")
    assert str(caught.value) == "tool looks binary (it contains NUL bytes), not text."
    with pytest.raises(DocumentError) as caught:
        read_document("LICENSE", b"\x7fELF\x02\x01\x01\x03\x04 binary")
    assert str(caught.value) == "LICENSE looks binary (it holds control characters), not text."
    bomb = gzip.compress(b"a" * 5000)
    with pytest.raises(DocumentError) as caught:
        _gunzip("big.txt.gz", bomb, max_bytes=4096)
    assert str(caught.value) == (
        "big.txt.gz unpacks to more than 0.00390625 MB (from 0 KB); it may be a "
        "decompression bomb and was not read."
    )
    with pytest.raises(DocumentError) as caught:
        read_document("notes.txt.gz", b"not gzip at all")
    assert str(caught.value).startswith("notes.txt.gz is not a readable .gz file (")
    assert readers.is_readable_name("changelog.Debian.gz")
    assert not readers.is_readable_name("photo.png")


def test_a_folder_index_lists_every_file_it_skipped_and_why(tmp_path, capsys, data_dir):
    from semsearch.cli import main

    docs = tmp_path / "docs"
    (docs / ".git" / "objects").mkdir(parents=True)
    (docs / ".git" / "HEAD").write_text("ref", "utf-8")
    (docs / ".git" / "objects" / "ab").write_bytes(b"\x00")
    (docs / ".notes.txt").write_text("hidden", "utf-8")
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n")
    (docs / "README").write_text("The router keeps you online.", "utf-8")
    (docs / "tool").write_bytes(b"\x7fELF\x00\x00")
    code = main(["index", str(docs), "--name", "docs", "--model", "bundled"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("semsearch: skipped")]
    assert code == 0
    assert lines == [
        f"semsearch: skipped {docs / '.git'}: a hidden folder (2 file(s) in it not read)",
        f"semsearch: skipped {docs / '.notes.txt'}: a hidden file",
        f"semsearch: skipped {docs / 'logo.png'}: files of type .png are not read (semsearch "
        "reads .txt, .md, .markdown, .html, .htm, .docx, .csv, .tsv, .jsonl, .pdf, text without an "
        "extension, and .gz of these)",
        f"semsearch: skipped {docs / 'tool'}: tool looks binary (it contains NUL bytes), not text.",
    ]
    assert "indexed 1 passages from 1 file(s) into 'docs'" in err


def test_a_judgements_row_with_more_cells_than_columns_is_an_error_naming_it(tmp_path):
    import pytest

    from semsearch.analysis.evaluation import read_judgements
    from semsearch.errors import InvalidArgumentError

    path = tmp_path / "judgements.csv"
    path.write_text("query,text\nreset,Hold the button.\ncharge it, please,Plug it in.\n", "utf-8")
    with pytest.raises(InvalidArgumentError) as caught:
        read_judgements(path, ["Hold the button.", "Plug it in."])
    assert str(caught.value) == (
        f"{path}, row 3 has 3 cells, more than the header's 2 columns (extra: 'Plug it in.'): "
        'put a query or text that holds a comma in double quotes ("a, b").'
    )


def test_the_page_takes_a_readme_and_a_gz_file(monkeypatch):
    import gzip

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    uploader = at.file_uploader(key="uploads")
    assert list(uploader.proto.type) == []  # any file: the browser offers a README too
    uploader.upload("README", b"The router keeps you online.", "application/octet-stream")
    at = uploader.upload("NEWS.gz", gzip.compress(b"Version 2 is out."), "application/gzip").run()
    assert not at.exception
    shown = [t.value for t in at.main.text]
    assert "README (UTF-8): 1 passages" in shown
    assert "NEWS.gz (UTF-8): 1 passages" in shown
