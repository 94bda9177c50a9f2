"""Read uploaded files into sections of text: .txt, .md, .csv (one column) and .pdf.

A section is a piece of a file with a place a person can find again: the whole of a text
file, one row of a CSV, one page of a PDF. Splitting sections into passages is
:mod:`semsearch.documents.chunking`'s job. A file that cannot be read raises :class:`DocumentError`
naming the file and the reason; the caller goes on with the other files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import PurePath

from semsearch.errors import SemsearchError

TEXT_TYPES = (".txt", ".md", ".markdown")
TYPES = (*TEXT_TYPES, ".csv", ".pdf")


class DocumentError(SemsearchError):
    """A file could not be read as a document (seen on the page and the CLI)."""


@dataclass(frozen=True)
class Section:
    """Text from one place in a file."""

    text: str
    place: str
    """Where in the file, for people: ``""`` (the whole file), ``"row 3"``, ``"page 2"``."""


@dataclass(frozen=True)
class Document:
    """A file's name and its sections, in order."""

    name: str
    sections: list[Section]


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name} looks binary (it contains NUL bytes), not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name} is not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8."
        ) from None


def csv_columns(name: str, data: bytes) -> list[str]:
    """The header of a CSV file."""
    reader = csv.reader(io.StringIO(_decode(name, data)))
    header = next(reader, None)
    if not header:
        raise DocumentError(f"{name} has no header row; the first row must name the columns.")
    return [column.strip() for column in header]


def best_text_column(name: str, data: bytes) -> str:
    """The CSV column with the longest texts on average: the likely one to search."""
    rows = list(csv.DictReader(io.StringIO(_decode(name, data))))
    columns = csv_columns(name, data)
    return max(columns, key=lambda c: sum(len(row.get(c) or "") for row in rows))


def _csv(name: str, data: bytes, column: str | None) -> list[Section]:
    columns = csv_columns(name, data)
    chosen = column if column is not None else best_text_column(name, data)
    if chosen not in columns:
        raise DocumentError(
            f"{name} has no column {chosen!r}; its columns are {', '.join(columns)}."
        )
    reader = csv.DictReader(io.StringIO(_decode(name, data)), fieldnames=columns)
    next(reader)  # the header
    sections = []
    for number, row in enumerate(reader, start=1):
        text = (row.get(chosen) or "").strip()
        if text:
            sections.append(Section(text, f"row {number}"))
    return sections


def _pdf(name: str, data: bytes) -> list[Section]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{name} is encrypted; save an unprotected copy and upload that.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(
            f"{name} is not a readable PDF ({type(error).__name__}: {error})."
        ) from None
    sections = [
        Section(text.strip(), f"page {n}") for n, text in enumerate(pages, 1) if text.strip()
    ]
    if not sections:
        raise DocumentError(
            f"{name} has no text to extract ({len(pages)} page(s)); a scanned PDF needs OCR first."
        )
    return sections


def read_document(name: str, data: bytes, *, csv_column: str | None = None) -> Document:
    """Read ``data`` as the file called ``name``, by its extension.

    Raises:
        DocumentError: an unsupported type, binary or non-UTF-8 text, a broken or encrypted
            PDF, a CSV without the column, or nothing to read.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_TYPES:
        text = _decode(name, data).strip()
        sections = [Section(text, "")] if text else []
    elif suffix == ".csv":
        sections = _csv(name, data, csv_column)
    elif suffix == ".pdf":
        sections = _pdf(name, data)
    else:
        kinds = ", ".join(TYPES)
        raise DocumentError(
            f"{name}: files of type {suffix or '(none)'} are not supported; use {kinds}."
        )
    if not sections:
        raise DocumentError(f"{name} is empty: it has no text.")
    return Document(name, sections)
