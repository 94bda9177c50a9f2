"""Files in: reading each type, refusing what cannot be read, splitting without loss."""

import io
from typing import Any, cast

import pytest

from semsearch.documents.chunking import (
    ChunkSettings,
    Passage,
    chunk_documents,
    chunk_text,
    windows,
)
from semsearch.documents.readers import DocumentError, best_text_column, read_document
from semsearch.errors import InvalidArgumentError

from .fakes import fake_embedder
from .helpers import make_pdf


def test_text_is_read_whole_and_markdown_by_heading():
    doc = read_document("notes.md", "\ufeff# Title\n\nBody text.\n".encode())
    assert [(s.text, s.place, s.heading) for s in doc.sections] == [("Body text.", "§ 1", "Title")]
    assert doc.encoding == "UTF-8 with BOM"
    assert read_document("a.TXT", b"plain").sections[0].text == "plain"


def test_csv_reads_the_chosen_column_row_by_row():
    data = b"id,question,answer\n1,How to reset?,Hold the button ten seconds.\n2,Warranty?,Two years.\n3,,\n"
    doc = read_document("faq.csv", data, csv_column="answer")
    assert [(s.text, s.place) for s in doc.sections] == [
        ("Hold the button ten seconds.", "row 1"),
        ("Two years.", "row 2"),
    ]
    assert best_text_column("faq.csv", data) == "answer"
    with pytest.raises(
        DocumentError, match=r"faq\.csv has no column 'body'; its columns are id, question, answer"
    ):
        read_document("faq.csv", data, csv_column="body")


def test_pdf_pages_keep_their_numbers():
    pdf = make_pdf([["Reset: hold the button.", "It turns green."], [], ["Warranty: two years."]])
    doc = read_document("manual.pdf", pdf)
    assert [(s.text, s.place) for s in doc.sections] == [
        ("Reset: hold the button. It turns green.", "page 1"),
        ("Warranty: two years.", "page 3"),
    ]


def test_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["secret"]]))))
    writer.encrypt("password")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentError, match=r"locked\.pdf is encrypted"):
        read_document("locked.pdf", out.getvalue())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.png", b"\x89PNG", r"photo.png: files of type .png are not supported"),
        ("notes.txt", b"abc\x00\x01", "notes.txt looks binary"),
        (
            "notes.txt",
            "Привет, как дела? Это файл.".encode("cp1251"),
            r"notes.txt is not text in an encoding semsearch reads \(it looks like",
        ),
        ("empty.md", b"  \n ", "empty.md is empty"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "broken.pdf is not a readable PDF"),
        ("scan.pdf", make_pdf([[]]), "scan.pdf has no text to extract"),
        ("faq.csv", b"", "faq.csv has no header row"),
    ],
)
def test_unreadable_files_say_why(name, data, message):
    with pytest.raises(DocumentError, match=message):
        read_document(name, data)


def spans(text):
    return fake_embedder().token_spans(text)


def test_lines_and_paragraphs_keep_their_place():
    text = "first line\nsecond line\n\n\nthird after a gap\n"
    by_line = chunk_text(
        text, ChunkSettings("line"), spans, cap=100, source="a.txt", place="page 2"
    )
    assert [(p.text, p.origin) for p in by_line] == [
        ("first line", "a.txt · page 2 · line 1"),
        ("second line", "a.txt · page 2 · line 2"),
        ("third after a gap", "a.txt · page 2 · line 5"),
    ]
    by_paragraph = chunk_text(text, ChunkSettings("paragraph"), spans, cap=100, source="a.txt")
    assert [(p.text, p.place) for p in by_paragraph] == [
        ("first line\nsecond line", "¶ 1"),
        ("third after a gap", "¶ 2"),
    ]


def test_windows_overlap_and_cover_every_token():
    words = [f"w{i}" for i in range(23)]
    text = " ".join(words)
    found = windows(text, spans, size=10, overlap=3)
    assert [(first, end) for _, first, end in found] == [(0, 10), (7, 17), (14, 23)]
    assert found[0][0] == " ".join(words[:10])
    covered = {i for _, first, end in found for i in range(first, end)}
    assert covered == set(range(23))


@pytest.mark.parametrize("mode", ["line", "paragraph", "window"])
def test_nothing_is_longer_than_the_cap_and_nothing_is_lost(mode):
    long_line = " ".join(f"t{i}" for i in range(50))
    text = f"short\n\n{long_line}\n\nend"
    passages = chunk_text(text, ChunkSettings(mode, window=8, overlap=2), spans, cap=12)
    assert all(len(p.text.split()) <= 12 for p in passages)
    assert all(len(p.text.split()) <= 8 for p in passages) or mode != "window"
    kept = {word for p in passages for word in p.text.split()}
    assert kept == set(text.split())
    assert any("tokens" in p.place for p in passages)  # the long line was windowed, and says so


def test_documents_become_passages_with_their_file():
    docs = [read_document("a.txt", b"one\n\ntwo"), read_document("b.pdf", make_pdf([["three"]]))]
    passages = chunk_documents(docs, ChunkSettings("paragraph"), spans, cap=50)
    assert passages == [
        Passage("one", "a.txt", "¶ 1"),
        Passage("two", "a.txt", "¶ 2"),
        Passage("three", "b.pdf", "page 1 · ¶ 1"),
    ]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (ChunkSettings(cast(Any, "sentence")), "Unknown chunking 'sentence'"),
        (ChunkSettings("window", 4, 0), "A window of 4 tokens"),
        (ChunkSettings("window", 64, 64), "overlap smaller than the window"),
    ],
)
def test_bad_chunk_settings(settings, message):
    with pytest.raises(InvalidArgumentError, match=message):
        chunk_text("text", settings, spans, cap=100)


def test_real_tokenizer_windows_are_original_text(bundled):
    text = "Résumé: the café's Wi-Fi router — reset it by holding the button. " * 40
    passages = chunk_text(
        text, ChunkSettings("window", 64, 16), bundled.token_spans, bundled.passage_tokens
    )
    assert len(passages) > 1
    assert all(p.text in text for p in passages)
    assert max(bundled.count_tokens([p.text for p in passages])) <= bundled.max_length
