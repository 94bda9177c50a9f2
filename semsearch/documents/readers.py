"""Read uploaded files into sections of text, by type: each type's reader is its own module.

========================  ===========================================  ==================
type                      sections                                     module
========================  ===========================================  ==================
.txt                      the whole file                               here
.md .markdown             the text under each heading, with its path   :mod:`.markup`
.html .htm                the text under each heading, with its path   :mod:`.markup`
.docx                     the text under each heading, with its path   :mod:`.markup`
.csv .tsv                 one row: chosen columns, others as metadata  :mod:`.tables`
.pdf                      one page, paragraphs found from the layout   :mod:`.pdf`
========================  ===========================================  ==================

Text is decoded by :mod:`.encodings` (the encoding found is kept on the document). A file
that cannot be read raises :class:`DocumentError` naming the file and the reason; the
caller goes on with the other files. Splitting sections into passages is
:mod:`semsearch.documents.chunking`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath

from semsearch.documents.encodings import decode
from semsearch.documents.markup import read_markup
from semsearch.documents.pdf import read_pdf
from semsearch.documents.sections import Document, DocumentError, Section
from semsearch.documents.tables import best_text_column, csv_columns, read_csv

__all__ = [
    "TYPES",
    "Document",
    "DocumentError",
    "Section",
    "best_text_column",
    "csv_columns",
    "read_document",
    "read_file",
]

MAX_FILE_BYTES = 200 * 1024**2
"""Largest file read from disk (200 MB, the page's upload limit)."""

TEXT_TYPES = (".txt",)
MARKDOWN_TYPES = (".md", ".markdown")
HTML_TYPES = (".html", ".htm")
TABLE_TYPES = (".csv", ".tsv")
TYPES = (*TEXT_TYPES, *MARKDOWN_TYPES, *HTML_TYPES, ".docx", *TABLE_TYPES, ".pdf")


def read_document(
    name: str, data: bytes, *, csv_column: str | Sequence[str] | None = None
) -> Document:
    """Read ``data`` as the file called ``name``, by its extension.

    ``csv_column``: for a CSV/TSV file, the column (or columns) the model reads; by
    default the one with the longest texts.

    Raises:
        DocumentError: an unsupported type, binary text or an encoding not read, a broken,
            encrypted or scanned PDF, a CSV without the column, or nothing to read.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_TYPES:
        decoded = decode(name, data)
        text = decoded.text.strip()
        document = Document(name, [Section(text, "")] if text else [], decoded.encoding)
    elif suffix in MARKDOWN_TYPES:
        document = read_markup(name, data, "markdown")
    elif suffix in HTML_TYPES:
        document = read_markup(name, data, "html")
    elif suffix == ".docx":
        document = read_markup(name, data, "docx")
    elif suffix in TABLE_TYPES:
        columns = [csv_column] if isinstance(csv_column, str) else list(csv_column or [])
        document = read_csv(name, data, columns)
    elif suffix == ".pdf":
        document = read_pdf(name, data)
    else:
        kinds = ", ".join(TYPES)
        raise DocumentError(
            f"{name}: files of type {suffix or '(none)'} are not supported; use {kinds}."
        )
    if not document.sections:
        raise DocumentError(f"{name} is empty: it has no text.")
    return document


def read_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, at most ``max_bytes`` of them (a device or pipe may never end).

    Raises:
        DocumentError: the file holds more than ``max_bytes``.
        OSError: the file cannot be opened or read (the caller names the file and skips it).
    """
    with path.open("rb") as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DocumentError(
            f"{path.name} holds more than {max_bytes / 1024**2:g} MB (or never ends, as a device "
            "or a pipe may); split it into smaller files."
        )
    return data
