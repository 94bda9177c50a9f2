"""Read uploaded files into sections of text, by type: each type's reader is its own module.

========================  ===========================================  ==================
type                      sections                                     module
========================  ===========================================  ==================
.txt                      the whole file                               here
.md .markdown             the text under each heading, with its path   :mod:`.markup`
.html .htm                the text under each heading, with its path   :mod:`.markup`
.docx                     the text under each heading, with its path   :mod:`.markup`
.csv .tsv                 one row: chosen columns, others as metadata  :mod:`.tables`
.jsonl                    one object: chosen fields, others as metadata :mod:`.json_lines`
.pdf                      one page, paragraphs found from the layout   :mod:`.pdf`
no extension              the whole file, when it is text (README)     here
``.gz`` of any of these   as the file inside                           here
========================  ===========================================  ==================

Text without an extension: a file named without one (``README``, ``FAQ``, ``LICENSE``,
``changelog``, ``Makefile``), or one of the names documentation goes by with any other
ending (``README.Debian``, ``LICENSE.rst``: :data:`DOC_NAMES`), is read as plain text when
it is text; a binary one is refused as such. A ``.gz`` file is unpacked (at most
:data:`MAX_FILE_BYTES`, so a small file that inflates to gigabytes is refused) and read
by the name inside (``NEWS.gz`` as ``NEWS``, ``notes.md.gz`` as Markdown).

Text is decoded by :mod:`.encodings` (the encoding found is kept on the document). A file
that cannot be read raises :class:`DocumentError` naming the file and the reason; the
caller goes on with the other files. Splitting sections into passages is
:mod:`semsearch.documents.chunking`'s job.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from pathlib import Path, PurePath

from semsearch.documents import json_lines, tables
from semsearch.documents.encodings import decode
from semsearch.documents.markup import read_markup
from semsearch.documents.pdf import read_pdf
from semsearch.documents.sections import Document, DocumentError, Section
from semsearch.documents.tables import read_csv

__all__ = [
    "TYPES",
    "Document",
    "DocumentError",
    "Section",
    "best_text_column",
    "csv_columns",
    "default_columns",
    "is_readable_name",
    "read_document",
    "read_file",
]

MAX_FILE_BYTES = 200 * 1024**2
"""Largest file read from disk (200 MB, the page's upload limit)."""

TEXT_TYPES = (".txt",)
MARKDOWN_TYPES = (".md", ".markdown")
HTML_TYPES = (".html", ".htm")
TABLE_TYPES = (".csv", ".tsv")
RECORD_TYPES = (*TABLE_TYPES, ".jsonl")
"""Files of records: one row or object is one document (its chosen columns or fields)."""
TYPES = (*TEXT_TYPES, *MARKDOWN_TYPES, *HTML_TYPES, ".docx", *RECORD_TYPES, ".pdf")
DOC_NAMES = frozenset(
    {"readme", "faq", "license", "licence", "copying", "copyright", "changelog", "changes",
     "news", "authors", "install", "todo", "thanks", "history", "notice", "contributing"}
)  # fmt: skip
"""Names documentation files go by: read as text whatever follows them (``README.Debian``)."""


def file_type(name: str) -> str:
    """The extension of ``name``, lower-case: ``.csv`` for ``notes.csv`` and for ``.csv``.

    A name that is only an extension (an upload called ``.csv``) is of that type, not a
    dotfile without one (which :class:`~pathlib.PurePath` would make it).
    """
    path = PurePath(name)
    if not path.suffix and path.name.startswith(".") and path.name.lower() in TYPES:
        return path.name.lower()
    return path.suffix.lower()


def is_plain_text_name(name: str) -> bool:
    """Whether ``name`` is read as plain text by its name alone.

    So it is without an extension, or as a documentation name (:data:`DOC_NAMES`) with an
    ending that is no known type.
    """
    path = PurePath(name)
    if file_type(name) in TYPES:
        return False
    stem = path.name.split(".", 1)[0].lower()
    return not path.suffix or stem in DOC_NAMES


def is_readable_name(name: str) -> bool:
    """Whether :func:`read_document` reads a file of this name.

    By the name only: a file without an extension must still turn out to be text.
    """
    inner = name[:-3] if name.lower().endswith(".gz") else name
    if not PurePath(inner).name or PurePath(inner).name.startswith("."):
        return False
    return PurePath(inner).suffix.lower() in TYPES or is_plain_text_name(inner)


def _gunzip(name: str, data: bytes, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inner = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise DocumentError(f"{name} is not a readable .gz file ({error}).") from None
    if len(inner) > max_bytes:
        raise DocumentError(
            f"{name} unpacks to more than {max_bytes / 1024**2:g} MB (from "
            f"{len(data) // 1024} KB); it may be a decompression bomb and was not read."
        )
    return inner


def _plain(name: str, data: bytes) -> Document:
    decoded = decode(name, data)
    if any(ord(c) < 32 and c not in "\t\n\r\f\v" for c in decoded.text[:4096]):
        raise DocumentError(f"{name} looks binary (it holds control characters), not text.")
    text = decoded.text.strip()
    return Document(name, [Section(text, "")] if text else [], decoded.encoding)


def _is_jsonl(name: str) -> bool:
    return PurePath(name).suffix.lower() == ".jsonl"


def csv_columns(name: str, data: bytes) -> list[str]:
    """The columns of a CSV/TSV file, or the fields of a JSON Lines file."""
    if _is_jsonl(name):
        return json_lines.read_records(name, data)[0].columns
    return tables.csv_columns(name, data)


def best_text_column(name: str, data: bytes) -> str:
    """The column (or JSON Lines field) with the longest texts: the likely one to search."""
    if _is_jsonl(name):
        table = json_lines.read_records(name, data)[0]
        return table.columns[max(range(len(table.columns)), key=lambda i: (
            sum(len(row[i].strip()) for row in table.rows), -i))]  # fmt: skip
    return tables.best_text_column(name, data)


def default_columns(name: str, data: bytes) -> list[str]:
    """The columns a records file is read by when none is chosen.

    ``title`` and ``text`` for JSON Lines that have them (BEIR), else the column with the
    longest texts.
    """
    if _is_jsonl(name):
        return json_lines.default_fields(json_lines.read_records(name, data)[0])
    return [tables.best_text_column(name, data)]


def read_document(
    name: str,
    data: bytes,
    *,
    csv_column: str | Sequence[str] | None = None,
    labels: bool = False,
) -> Document:
    """Read ``data`` as the file called ``name``, by its extension.

    ``csv_column``: for a CSV/TSV or JSON Lines file, the column(s) or field(s) the model
    reads, title first (see :func:`semsearch.documents.tables.record_text`); by default
    :func:`default_columns`. ``labels``: several as ``column: value`` lines instead.

    Raises:
        DocumentError: an unsupported type, binary text or an encoding not read, a broken,
            encrypted or scanned PDF, a CSV without the column, or nothing to read.
    """
    if name.lower().endswith(".gz") and len(name) > 3:
        inner = read_document(name[:-3], _gunzip(name, data), csv_column=csv_column, labels=labels)
        return dataclasses.replace(inner, name=name)
    suffix = file_type(name)
    if suffix in TEXT_TYPES or is_plain_text_name(name):
        document = _plain(name, data)
    elif suffix in MARKDOWN_TYPES:
        document = read_markup(name, data, "markdown")
    elif suffix in HTML_TYPES:
        document = read_markup(name, data, "html")
    elif suffix == ".docx":
        document = read_markup(name, data, "docx")
    elif suffix in RECORD_TYPES:
        columns = [csv_column] if isinstance(csv_column, str) else list(csv_column or [])
        read = json_lines.read_jsonl if suffix == ".jsonl" else read_csv
        document = read(name, data, columns, labels=labels)
    elif suffix == ".pdf":
        document = read_pdf(name, data)
    else:
        kinds = ", ".join(TYPES)
        raise DocumentError(
            f"{name}: files of type {suffix} are not supported; use {kinds}, text without "
            "an extension, or any of these .gz-compressed."
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
