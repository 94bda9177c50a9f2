"""Real files of every type, built byte by byte in the tests: nothing is downloaded.

``layout_pdf`` places each line at a point on the page (so paragraphs, indents, running
headers and page numbers are where a word processor would put them); ``scanned_pdf`` is a
page that is only an image; ``docx`` is written by python-docx with Word's own styles.
"""

from __future__ import annotations

import io
import zlib

from .helpers import pdf_from_objects

Line = tuple[float, float, str]
"""(x, y, text): where a line of 11-point Helvetica starts, in points from the bottom left."""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _stream(content: bytes, extra: str = "") -> bytes:
    return (
        b"<< /Length %d %s>>\nstream\n" % (len(content), extra.encode())
        + content
        + (b"\nendstream")
    )


def layout_pdf(pages: list[list[Line]]) -> bytes:
    """A PDF with one page per item, each line of (Latin-1) text placed at its point."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font = 3 + 2 * len(pages)
    for i, lines in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        content = " ".join(
            f"BT /F1 11 Tf 1 0 0 1 {x} {y} Tm ({_escape(text)}) Tj ET" for x, y, text in lines
        )
        objects.append(_stream(content.encode("latin-1")))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_from_objects(objects)


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages are each one grey image and no text: what a scanner makes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    image = 3 + 2 * pages
    for i in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /XObject << /Im1 {image} 0 R >> >> >>".encode()
        )
        objects.append(_stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"))
    pixels = zlib.compress(bytes([128]) * 64)
    image_keys = (
        "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
        "/BitsPerComponent 8 /Filter /FlateDecode "
    )
    objects.append(_stream(pixels, image_keys))
    return pdf_from_objects(objects)


def _page(number: int, paragraphs: list[list[str]]) -> list[Line]:
    """A manual's page: running header, paragraphs (first line indented, a gap between
    them), and a page number at the foot."""
    lines: list[Line] = [(72, 750, "ACME Router X1 - User Manual"), (300, 40, f"Page {number}")]
    y = 700.0
    for paragraph in paragraphs:
        for k, line in enumerate(paragraph):
            lines.append((90 if k == 0 else 72, y, line))
            y -= 14
        y -= 14  # the gap between paragraphs
    return lines


MANUAL_PAGES = [
    [
        ["The X1 router keeps every device in your home online. It needs", "no setup disc."],
        ["To reset the router, hold the button on its back for ten sec-",
         "onds until the light blinks."],
        ["The light turns green once the router is online again."],
    ],
    [
        ["The warranty lasts two years from the date of purchase. Keep", "your receipt."],
        ["Repairs under warranty are free; send the router in its box."],
        ["Firmware updates install themselves at night while the router"],
    ],
    [
        ["is idle, so nobody is disturbed."],
        ["Support answers by phone on weekdays from nine to five."],
        ["Recycle the router at any electronics shop."],
    ],
]  # fmt: skip
"""Three pages of three paragraphs; a word hyphenated across a line, a paragraph across a
page break."""


def manual_pdf() -> bytes:
    """The three-page manual: paragraphs by indent and gap, running header, page numbers."""
    return layout_pdf([_page(n, page) for n, page in enumerate(MANUAL_PAGES, start=1)])


FAQ_MARKDOWN = """\
# Help centre

Answers to what customers ask most.

## Pricing

### Do you offer student discounts?

Yes: **students** get *50%* off with a valid [student card](https://example.com/card).

### How do I pay?

- By card
- By bank transfer
  1. Ask for an invoice
  2. Pay within `30` days

## Setup

```bash
router --reset
router --status
```

| Light | Meaning |
|-------|---------|
| green | online |
| red   | offline |
"""

HTML_PAGE = """\
<!doctype html>
<html><head><title>Shop</title><style>p { color: red }</style>
<script>var tracking = "do not index me";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/faq">FAQ</a></nav>
<main>
<h1>Delivery</h1>
<p>We ship to <b>every</b> country in the EU.</p>
<h2>Costs</h2>
<p>Delivery is free above 50&nbsp;euros.</p>
<ul><li>Standard: 3 days</li><li>Express: next day</li></ul>
<h2>Returns</h2>
<div>Return any item within 30 days.</div>
<table><tr><th>Item</th><th>Refund</th></tr><tr><td>Unopened</td><td>Full</td></tr></table>
</main>
</body></html>
"""

GB18030_CSV = (
    "名称;价格;描述\n"
    "学生折扣;50元;学生凭证件享受半价优惠。\n"
    "路由器;299元;家用无线路由器，支持双频。\n"
    "保修;;两年免费保修。\n"
).encode("gb18030")


def docx() -> bytes:
    """A Word file: a title, headings, a paragraph, a bulleted list and a table."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Employee handbook", level=1)
    document.add_heading("Holidays", level=2)
    document.add_paragraph("Everyone gets 25 days of paid holiday a year.")
    document.add_paragraph("Ask your manager", style="List Bullet")
    document.add_paragraph("Book it in the calendar", style="List Bullet")
    document.add_heading("Expenses", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Item", "Limit"), ("Hotel", "150 euros")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
