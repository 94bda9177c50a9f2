"""Real files in, passages a person would call right: each paragraph or section once, with
its heading or its columns. Every file is built here (tests/sample_files.py); the exact
passages are asserted."""

import pytest

from semsearch.cli import main
from semsearch.documents.chunking import ChunkSettings, Passage, chunk_documents, chunk_text
from semsearch.documents.encodings import decode
from semsearch.documents.readers import DocumentError, read_document

from . import sample_files as files
from .fakes import fake_embedder
from .helpers import workbench

PARAGRAPHS = ChunkSettings("paragraph")


def spans(text):
    return fake_embedder().token_spans(text)


def passages(name, data, settings=PARAGRAPHS, cap=200, **options):
    document = read_document(name, data, **options)
    return chunk_documents([document], settings, spans, cap)


def test_pdf_paragraphs_come_from_the_layout_without_running_headers_or_page_numbers():
    found = passages("manual.pdf", files.manual_pdf())
    assert [(p.text, p.place) for p in found] == [
        (
            "The X1 router keeps every device in your home online. It needs no setup disc.",
            "page 1 · ¶ 1",
        ),
        (
            "To reset the router, hold the button on its back for ten seconds until the light blinks.",
            "page 1 · ¶ 2",
        ),
        ("The light turns green once the router is online again.", "page 1 · ¶ 3"),
        (
            "The warranty lasts two years from the date of purchase. Keep your receipt.",
            "page 2 · ¶ 1",
        ),
        ("Repairs under warranty are free; send the router in its box.", "page 2 · ¶ 2"),
        (
            "Firmware updates install themselves at night while the router is idle, so nobody is disturbed.",
            "page 2 · ¶ 3",
        ),
        ("Support answers by phone on weekdays from nine to five.", "page 3 · ¶ 1"),
        ("Recycle the router at any electronics shop.", "page 3 · ¶ 2"),
    ]
    assert found[1].origin == "manual.pdf · page 1 · ¶ 2"


def test_a_one_page_pdf_keeps_its_only_header():
    page = [(72, 750, "Price list 2025"), (72, 700, "Routers cost 99 euros."), (300, 40, "1")]
    found = passages("prices.pdf", files.layout_pdf([page]))
    assert [p.text for p in found] == ["Price list 2025", "Routers cost 99 euros."]


def test_a_scanned_pdf_says_how_to_ocr_it():
    with pytest.raises(DocumentError) as caught:
        read_document("scan.pdf", files.scanned_pdf())
    assert str(caught.value) == (
        "scan.pdf has no text layer: its 2 page(s) are images (a scanned PDF). Add a text "
        "layer with OCR first, e.g. `ocrmypdf scan.pdf ocr-scan.pdf` (add -l chi_sim for "
        "Chinese), and add that file."
    )


def test_markdown_faq_passages_follow_the_headings_with_markup_stripped():
    found = passages("faq.md", files.FAQ_MARKDOWN.encode())
    assert [(p.text, p.place, p.heading) for p in found] == [
        ("Help centre\nAnswers to what customers ask most.", "§ 1", "Help centre"),
        (
            "Help centre › Pricing › Do you offer student discounts?\n"
            "Yes: students get 50% off with a valid student card.",
            "§ 2",
            "Help centre › Pricing › Do you offer student discounts?",
        ),
        (
            "Help centre › Pricing › How do I pay?\n"
            "- By card\n- By bank transfer\n  1. Ask for an invoice\n  2. Pay within 30 days",
            "§ 3",
            "Help centre › Pricing › How do I pay?",
        ),
        (
            "Help centre › Setup\nrouter --reset\nrouter --status",
            "§ 4 · ¶ 1",
            "Help centre › Setup",
        ),
        (
            "Help centre › Setup\nLight | Meaning\ngreen | online\nred | offline",
            "§ 4 · ¶ 2",
            "Help centre › Setup",
        ),
    ]


def test_by_window_a_section_packs_its_whole_blocks():
    found = passages("faq.md", files.FAQ_MARKDOWN.encode(), ChunkSettings("window", 64, 8))
    setup = [p for p in found if p.heading == "Help centre › Setup"]
    assert [(p.text, p.place) for p in setup] == [
        (
            "Help centre › Setup\nrouter --reset\nrouter --status\n\n"
            "Light | Meaning\ngreen | online\nred | offline",
            "§ 4 · ¶ 1–2",
        )
    ]
    tight = passages("faq.md", files.FAQ_MARKDOWN.encode(), ChunkSettings("window", 12, 2))
    code = [p.text for p in tight if p.heading == "Help centre › Setup"]
    assert code[0] == "Help centre › Setup\nrouter --reset\nrouter --status"  # whole: it fits


def test_html_page_scripts_and_navigation_left_out():
    found = passages("shop.html", files.HTML_PAGE.encode())
    assert [(p.text, p.place) for p in found] == [
        ("Delivery\nWe ship to every country in the EU.", "§ 1"),
        ("Delivery › Costs\nDelivery is free above 50 euros.", "§ 2 · ¶ 1"),
        ("Delivery › Costs\n- Standard: 3 days\n- Express: next day", "§ 2 · ¶ 2"),
        ("Delivery › Returns\nReturn any item within 30 days.", "§ 3 · ¶ 1"),
        ("Delivery › Returns\nItem | Refund\nUnopened | Full", "§ 3 · ¶ 2"),
    ]


def test_word_file_headings_lists_and_tables():
    found = passages("handbook.docx", files.docx())
    assert [(p.text, p.place) for p in found] == [
        (
            "Employee handbook › Holidays\nEveryone gets 25 days of paid holiday a year.",
            "§ 1 · ¶ 1",
        ),
        (
            "Employee handbook › Holidays\n- Ask your manager\n- Book it in the calendar",
            "§ 1 · ¶ 2",
        ),
        ("Employee handbook › Expenses\nItem | Limit\nHotel | 150 euros", "§ 2"),
    ]


def test_semicolon_csv_in_gb18030_with_chosen_columns_and_the_rest_as_metadata():
    document = read_document("prices.csv", files.GB18030_CSV, csv_column=["名称", "描述"])
    assert document.encoding == "GB18030"
    assert document.notes == (
        "empty cells (价格 in rows 3) are left out of those rows' text and fields.",
    )
    found = chunk_documents([document], PARAGRAPHS, spans, 200)
    # Title first, then the text, no column labels: the first column is the heading.
    assert found == [
        Passage(
            "学生折扣\n学生凭证件享受半价优惠。",
            "prices.csv",
            "row 1",
            "学生折扣",
            (("价格", "50元"),),
        ),
        Passage(
            "路由器\n家用无线路由器，支持双频。",
            "prices.csv",
            "row 2",
            "路由器",
            (("价格", "299元"),),
        ),
        Passage("保修\n两年免费保修。", "prices.csv", "row 3", "保修"),
    ]
    assert found[0].origin == "prices.csv · row 1 · 价格: 50元"
    one = read_document("prices.csv", files.GB18030_CSV)  # the longest texts: 描述, bare
    assert (one.sections[0].text, one.sections[0].metadata) == (
        "学生凭证件享受半价优惠。", (("名称", "学生折扣"), ("价格", "50元")),
    )  # fmt: skip


def test_ragged_rows_and_empty_rows_are_said_never_dropped_silently():
    data = b"q\tanswer\tprice\nreset?\tHold it.\t5\textra cell\nwarranty?\tTwo years.\n\t\t9\n"
    document = read_document("faq.tsv", data, csv_column="answer")
    assert [(s.text, s.place, s.metadata) for s in document.sections] == [
        ("Hold it.", "row 1", (("q", "reset?"), ("price", "5"), ("column 4", "extra cell"))),
        ("Two years.", "row 2", (("q", "warranty?"),)),
    ]
    assert document.notes == (
        "rows 1 have more cells than the header's 3: the extra cells are kept as 'column N' fields.",
        "rows 2 have fewer cells than the header's 3: the missing cells are read as empty.",
        "rows 3 have nothing in answer: not indexed (choose other columns to include them).",
        "empty cells (price in rows 2) are left out of those rows' text and fields.",
    )
    with pytest.raises(
        DocumentError, match=r"faq\.tsv has no column 'body'; its columns are q, answer, price"
    ):
        read_document("faq.tsv", data, csv_column=["answer", "body"])


TEXT = "Prix : 50 € pour les étudiants. Où ? À Zürich, «café» compris.\n学生折扣"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.encode("utf-8-sig"), "UTF-8 with BOM"),
        (TEXT.encode("utf-16"), "UTF-16 LE with BOM"),
        ("\ufeff".encode("utf-16-be") + TEXT.encode("utf-16-be"), "UTF-16 BE with BOM"),
        (TEXT.encode("utf-16-le"), "UTF-16 LE"),
        (TEXT.encode("gb18030"), "GB18030"),
    ],
)
def test_unicode_and_chinese_encodings_are_read_and_named(data, encoding):
    assert (decode("f.txt", data).text, decode("f.txt", data).encoding) == (TEXT, encoding)


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [
        (
            "Le café est fermé le dimanche. Où est la crème brûlée ?",
            "latin-1",
            "Latin-1 (Windows-1252)",
        ),
        ("He said “hello” — it’s 5 €.", "cp1252", "Latin-1 (Windows-1252)"),
        ("學生折扣：憑學生證享半價優惠。路由器支援雙頻。", "big5", "Big5"),
        (
            "学生割引：学生証で半額になります。ルーターはデュアルバンド対応です。",
            "shift_jis",
            "Shift-JIS",
        ),
    ],
)
def test_legacy_encodings_are_detected(text, codec, encoding):
    document = read_document("notes.txt", text.encode(codec))
    assert (document.sections[0].text, document.encoding) == (text, encoding)


def test_no_passage_starts_mid_sentence_unless_one_sentence_is_over_the_cap():
    text = "One two three four. Five six seven eight nine. Ten eleven. " + " ".join(
        f"w{i}" for i in range(14)
    )
    found = chunk_text(text, ChunkSettings("window", 10, 0), spans, cap=100)
    assert [(p.text, p.place) for p in found] == [
        ("One two three four. Five six seven eight nine.", "tokens 0–9"),
        ("Ten eleven. w0 w1 w2 w3 w4 w5 w6 w7", "tokens 9–19"),
        ("w8 w9 w10 w11 w12 w13", "tokens 19–25"),  # one sentence of 14 words: cut at words
    ]
    overlapping = chunk_text(text, ChunkSettings("window", 10, 4), spans, cap=100)
    assert [p.place for p in overlapping] == ["tokens 0–9", "tokens 9–19", "tokens 15–25"]


def test_cli_indexes_chosen_columns_and_names_the_encoding(tmp_path, capsys):
    (tmp_path / "prices.csv").write_bytes(files.GB18030_CSV)
    code = main(["index", str(tmp_path / "prices.csv"), "--name", "prices", "--column", "名称,描述",
                 "--model", "bundled"])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert f"semsearch: read {tmp_path / 'prices.csv'} (GB18030)" in err
    assert "empty cells (价格 in rows 3)" in err
    from semsearch.retrieval.stores import open_store

    stored = open_store("sqlite").passages("prices", [0, 1])
    assert stored[1] == Passage(
        "路由器\n家用无线路由器，支持双频。",
        "prices.csv",
        "row 2",
        "路由器",
        (("价格", "299元"),),
    )


def test_the_page_offers_csv_columns_and_names_the_encoding(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    uploader = at.file_uploader(key="uploads")
    at = uploader.upload("prices.csv", files.GB18030_CSV, "text/csv").run()
    assert not at.exception
    picker = at.multiselect[0]
    assert picker.value == ["描述"]  # the longest texts
    shown = [t.value for t in at.main.text]
    assert "prices.csv (GB18030): 3 passages" in shown
    from app_views.context import plain

    note = "prices.csv: empty cells (价格 in rows 3) are left out of those rows' text and fields."
    assert plain(note) in [c.value for c in at.caption]
    at = picker.set_value(["名称", "描述"]).run()
    passages = [p for ps in at.session_state["file_passages"].values() for p in ps]
    assert passages[1] == Passage(
        "路由器\n家用无线路由器，支持双频。",
        "prices.csv",
        "row 2",
        "路由器",
        (("价格", "299元"),),
    )


def test_a_csv_is_read_once_not_on_every_rerun(monkeypatch):
    """Its columns are remembered per upload: detecting the encoding reads the whole file."""
    from streamlit.testing.v1 import AppTest

    import app_views.files
    from semsearch.documents.readers import csv_columns

    reads: list[str] = []

    def counted(name: str, data: bytes) -> list[str]:
        reads.append(name)
        return csv_columns(name, data)

    monkeypatch.setattr(app_views.files, "csv_columns", counted)
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at = at.file_uploader(key="uploads").upload("prices.csv", files.GB18030_CSV, "text/csv").run()
    for threshold in (0.3, 0.5, 0.6):
        at = at.slider(key="threshold").set_value(threshold).run()
    assert not at.exception
    assert reads == ["prices.csv"]
