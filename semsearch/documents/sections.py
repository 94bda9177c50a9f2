"""What reading a file gives: a :class:`Document` of :class:`Section` s, or a DocumentError.

A section is a piece of a file with a place a person can find again (the whole of a text
file, one row of a CSV, one page of a PDF, the text under one heading of Markdown, HTML or
Word) and, where the file has them, its heading path and its other fields (a CSV's other
columns). Splitting sections into passages is :mod:`semsearch.documents.chunking`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

from semsearch.errors import DocumentError as DocumentError  # its home before errors.py

HEADING_SEPARATOR = " › "
"""Between the headings of a path: ``"Pricing › Student discounts"``."""

Metadata = tuple[tuple[str, str], ...]
"""(field, value) pairs in the file's order: hashable, so a passage stays frozen."""


@dataclass(frozen=True)
class Section:
    """Text from one place in a file."""

    text: str
    """What the model reads and the page shows: markup stripped, lists and tables readable."""
    place: str
    """Where in the file, for people: ``""`` (the whole file), ``"row 3"``, ``"page 2"``."""
    heading: str = ""
    """The headings above it, outermost first, joined by :data:`HEADING_SEPARATOR`."""
    metadata: Metadata = ()
    blocks: tuple[str, ...] = ()
    """The paragraphs, lists, code blocks and tables ``text`` is made of, for structured
    files: a splitter keeps each whole where it fits (empty: split ``text`` by blank lines)."""


@dataclass(frozen=True)
class Document:
    """A file's name and its sections, in order, with how it was read."""

    name: str
    sections: list[Section]
    encoding: str = ""
    """The text encoding found (``"UTF-8"``, ``"GB18030"``), for text files; else empty."""
    notes: tuple[str, ...] = ()
    """What reading it could not take as it was (ragged CSV rows, empty cells), said once."""
