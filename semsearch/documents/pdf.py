"""PDF pages into paragraphs, found from the layout: one section per page, ¶ per paragraph.

pypdf's layout mode (``extract_text(extraction_mode="layout")``) renders each page as
fixed-width text where a vertical gap becomes a blank line and an indent leading spaces.
From that:

* a paragraph ends at a blank line (a vertical gap) or where the next line is indented
  deeper than the one before (a first-line indent);
* a deeper indent does not start a paragraph when the sentence goes on: a bullet's
  hanging lines (``•   glob elements ... will be given this`` / ``   MIME type ...``) and a
  line continuing in lower case stay in the paragraph;
* lines within a paragraph are joined with a space and the column padding inside lines
  goes; a line ending in ``_`` (an identifier cut: ``ASN1_TAG_`` / ``ERROR``) is joined
  without one;
* a word hyphenated across a line break is mended, whatever its case (``re-`` + ``set``
  -> ``reset``, ``ELE-`` + ``MENT`` -> ``ELEMENT``), **except** where it is a real
  compound: the document writes the same two parts with a hyphen on one line elsewhere
  (``well-known``) and never as one word, or the part after the break is capitalised
  while the one before is not (``non-`` + ``English``), or either part ends or starts in
  a digit (``ISO-`` + ``8859``). Those keep their hyphen (``well-known``);
* a table of contents (lines ending in dot leaders and a page number, ``2.1 Naming . . .
  3``) and its ``Contents`` title are not paragraphs;
* running headers and footers (the first or last two lines of a page, digits ignored) that
  repeat on most pages are dropped, and so are bare page numbers (``3``, ``Page 3 of 9``,
  ``- 3 -``, ``iv``) there;
* a paragraph cut by a page break (no closing punctuation, the next page going on in
  lower case) is kept whole on the page where it starts.

Each page's paragraphs are separated by blank lines, so paragraph chunking numbers them
``page N · ¶ M`` with the real paragraph number. A PDF without a text layer (a scan) and an
encrypted one are refused, each with what to do.

What it does not do: OCR, or read multi-column layouts column by column (their lines are
read across).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from semsearch.documents.sections import Document, DocumentError, Section

if TYPE_CHECKING:
    from pypdf import PdfReader

_PAGE_NUMBER = re.compile(
    r"^\W*(page|p\.|seite|página|第)?\s*(\d+|[ivxlc]{1,6})(\s*(of|/|de|von)\s*\d+)?\s*(页)?\W*$",
    re.IGNORECASE,
)
_ENDS_SENTENCE = re.compile(r"[.!?:;。！？：；…\"”’)\]]$")
_EDGE_LINES = 2
"""Lines at each end of a page that may be a running header or footer."""


def _lines(layout: str) -> list[tuple[int, str]]:
    """(indent, text) per line; blank lines as (-1, "")."""
    found = []
    for raw in layout.splitlines():
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip()) if stripped else -1
        found.append((indent, re.sub(r"\s{2,}", " ", stripped)))
    return found


def _edges(lines: list[tuple[int, str]]) -> list[int]:
    """Positions of the first and last non-blank lines of a page (header/footer candidates)."""
    filled = [i for i, (_, text) in enumerate(lines) if text]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _shape(text: str) -> str:
    """A line with its digits ignored: "Page 3" and "Page 4" repeat as one running footer."""
    return re.sub(r"\d+", "#", text.casefold())


def _drop_running(pages: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """Pages without the running headers, footers and page numbers at their edges."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(lines[i][1]) for i in _edges(lines)})
    filled = sum(1 for lines in pages if any(text for _, text in lines))
    repeated = {shape for shape, n in counts.items() if filled >= 2 and n > filled / 2}
    kept = []
    for lines in pages:
        drop = {
            i for i in _edges(lines)
            if _shape(lines[i][1]) in repeated or _PAGE_NUMBER.match(lines[i][1])
        }  # fmt: skip
        kept.append([line if i not in drop else (-1, "") for i, line in enumerate(lines)])
    return kept


_BULLET = re.compile(r"([•◦▪‣∙●○■□➢►–—*-]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))\s")
"""A list item's marker at the start of a line: ``•``, ``-``, ``1.``, ``a)``, ``(iv)``."""
_TOC_LINE = re.compile(r"(\.\s?){4,}\s*(\d+|[ivxlcdm]+)$", re.IGNORECASE)
"""A table-of-contents line: dot leaders, then a page number (``2.1 Naming . . . . 3``)."""
_TOC_TITLES = frozenset({"contents", "table of contents", "inhaltsverzeichnis", "目录", "目錄"})
_PAIR = re.compile(r"(?=(?<![^\W_])([^\W_]+)-([^\W_]+))")
"""Every word-hyphen-word pair on a line, overlapping (``state-of-the-art``: four pairs)."""
_WORD = re.compile(r"[^\W_]+")


class _Words:
    """What the document itself says about hyphens.

    Which pairs it writes hyphenated on one line (``well-known``), and which words it
    writes whole (``wellknown``).
    """

    def __init__(self, lines: list[str]) -> None:
        self.hyphenated: set[tuple[str, str]] = set()
        self.whole: set[str] = set()
        for line in lines:
            self.hyphenated.update((a.casefold(), b.casefold()) for a, b in _PAIR.findall(line))
            self.whole.update(word.casefold() for word in _WORD.findall(line))

    def keeps_hyphen(self, head: str, tail: str) -> bool:
        """Whether ``head-`` at a line end and ``tail`` on the next are a real compound.

        The rule (module doc): the document writes ``head-tail`` on one line elsewhere and
        never ``headtail``; or ``tail`` is capitalised where ``head`` is not (``non-`` +
        ``English``); or a digit meets the hyphen (``ISO-`` + ``8859``, ``Qwen3-`` +
        ``Embedding``). Otherwise the break only cut a word, and the hyphen goes.
        """
        pair = (head.casefold(), tail.casefold())
        if pair in self.hyphenated and "".join(pair) not in self.whole:
            return True
        if tail[:1].isupper() and not head.isupper():
            return True
        return head[-1:].isdigit() or tail[:1].isdigit()


def _join(lines: list[str], words: _Words) -> str:
    """Lines of one paragraph as one line, words cut at a break mended (module doc).

    A line starting with a list marker starts a line of its own, so a list stays a list.
    """
    text = ""
    for line in lines:
        head = re.search(r"([^\W_]+)-$", text)
        tail = _WORD.match(line)
        if not text:
            text = line
        elif head and tail:
            text = (text if words.keeps_hyphen(head.group(1), tail.group(0)) else text[:-1]) + line
        elif text.endswith("_") and tail:
            text += line
        elif _BULLET.match(line):
            text += "\n" + line
        elif _is_cjk(text[-1]) and _is_cjk(line[0]):
            text += line
        else:
            text += " " + line
    return text


def _is_cjk(char: str) -> bool:
    point = ord(char)
    return 0x2E80 <= point <= 0x9FFF or 0xF900 <= point <= 0xFAFF or 0xFF00 <= point <= 0xFFEF


def _goes_on(paragraph: list[str], line: str) -> bool:
    """Whether ``line``, indented deeper than the paragraph's last line, continues it.

    It does when the last line does not end a sentence and either the paragraph is a list
    item (its hanging lines sit deeper than the marker) or the line goes on in lower case;
    a new list item never continues the one before.
    """
    last = paragraph[-1]
    if _BULLET.match(line) or _ENDS_SENTENCE.search(last):
        return False
    return bool(_BULLET.match(paragraph[0])) or line[:1].islower() or last.endswith(("-", "_"))


def _is_contents(paragraph: list[str]) -> bool:
    """Whether most lines of a paragraph are table-of-contents lines."""
    return 2 * sum(1 for line in paragraph if _TOC_LINE.search(line)) >= len(paragraph)


def _paragraphs(lines: list[tuple[int, str]], words: _Words) -> list[str]:
    """Paragraphs of one page: split at blank lines and at deeper first-line indents.

    A table of contents, and its title, are left out.
    """
    found: list[list[str]] = []
    current: list[str] = []
    previous = -1
    for indent, text in lines:
        if not text:
            if current:
                found.append(current)
            current, previous = [], -1
            continue
        if current and previous >= 0 and indent > previous + 1 and not _goes_on(current, text):
            found.append(current)
            current = []
        current.append(text)
        previous = indent
    if current:
        found.append(current)
    kept = [paragraph for paragraph in found if not _is_contents(paragraph)]
    if len(kept) < len(found):
        kept = [p for p in kept if " ".join(p).casefold().strip(" :") not in _TOC_TITLES]
    return [_join(paragraph, words) for paragraph in kept]


def _continues(paragraphs: list[str], following: list[str]) -> bool:
    """Whether a page's last paragraph goes on at the top of the next page."""
    return bool(
        paragraphs and following and not _ENDS_SENTENCE.search(paragraphs[-1])
        and following[0][:1].islower()
    )  # fmt: skip


def _open(name: str, data: bytes) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:  # many PDFs are encrypted only to restrict printing: no password to open
                opened = bool(reader.decrypt(""))
            except Exception:  # noqa: BLE001 - a missing crypto library or a broken file
                opened = False
            if not opened:
                raise DocumentError(
                    f"{name} is encrypted (it needs a password to open); save an unprotected "
                    "copy (e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf) and add that."
                )
        return reader
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(_unreadable(name, error)) from None


def _unreadable(name: str, error: Exception) -> str:
    from pypdf.errors import LimitReachedError

    if isinstance(error, LimitReachedError):
        # pypdf's guard against decompression bombs: a small file that inflates to gigabytes.
        return (
            f"{name} holds a compressed part that expands past pypdf's safety limit ({error}); "
            "it may be a decompression bomb. If you trust it, print it to a new PDF and add that."
        )
    return f"{name} is not a readable PDF ({type(error).__name__}: {error})."


def read_pdf(name: str, data: bytes) -> Document:
    """One section per page with text, its paragraphs separated by blank lines.

    Raises:
        DocumentError: not a PDF, encrypted with a password, or no text layer (a scan:
            the message says how to add one with OCR).
    """
    from pypdf.errors import PyPdfError

    reader = _open(name, data)
    pages = reader.pages
    try:
        layouts = [page.extract_text(extraction_mode="layout") or "" for page in pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, ZeroDivisionError) as error:
        # PyPdfError: PdfReadError and LimitReachedError (a decompression bomb) alike.
        raise DocumentError(_unreadable(name, error)) from None
    page_lines = _drop_running([_lines(t) for t in layouts])
    words = _Words([text for lines in page_lines for _, text in lines])
    texts = [_paragraphs(lines, words) for lines in page_lines]
    for n in range(len(texts) - 1):
        if _continues(texts[n], texts[n + 1]):
            texts[n][-1] = f"{texts[n][-1]} {texts[n + 1].pop(0)}"
    sections = [
        Section("\n\n".join(paragraphs), f"page {n}")
        for n, paragraphs in enumerate(texts, start=1)
        if paragraphs
    ]
    if not sections:
        raise DocumentError(_no_text(name, pages))
    return Document(name, sections)


def _no_text(name: str, pages: Any) -> str:
    count = len(pages)
    try:
        images = sum(len(page.images) for page in pages)
    except Exception:  # noqa: BLE001 - a broken image does not change the answer
        images = 0
    if images:
        return (
            f"{name} has no text layer: its {count} page(s) are images (a scanned PDF). "
            f"Add a text layer with OCR first, e.g. `ocrmypdf {name} ocr-{name}` "
            "(add -l chi_sim for Chinese), and add that file."
        )
    return f"{name} has no text to extract ({count} page(s)); a scanned PDF needs OCR first."
