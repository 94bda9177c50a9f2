"""CSV and TSV files: delimiter and encoding found, chosen columns embedded, the rest kept.

Each data row is one record, and one record is one section (:func:`record_sections`, which
JSON Lines files share). The chosen columns are what the model reads, as a person reads
them: one column as its bare value; several as the first (a title) on a line of its own,
then the others' values (the text), with no ``column:`` labels unless asked
(``labels=True``). The title is the section's heading, so when a long record is cut into
windows every window still starts with it. Every other non-empty cell is kept as the
section's metadata (an ``id`` column too: evaluation finds records by it), shown with each
result and exported. Nothing is dropped without a word: a row with more cells than the
header keeps the extra ones as ``column N`` metadata, a short row is read with its missing
cells empty, and a row with nothing in the chosen columns is left out; each of these is
said once in the document's notes.

What it does not do: infer types (every value is text) or read spreadsheets (.xlsx).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from semsearch.documents.encodings import decode
from semsearch.documents.sections import Document, DocumentError, Section

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_ROWS = 50


@dataclass(frozen=True)
class Table:
    """A CSV file read: its header (made unique) and rows, with how it was read."""

    columns: list[str]
    rows: list[list[str]]
    delimiter: str
    encoding: str


def _delimiter(text: str, name: str) -> str:
    """The candidate that splits the first rows into the same number (> 1) of cells most.

    A ``.tsv`` file is tab-separated by name; otherwise the sample decides, ties going to
    the earlier candidate in :data:`DELIMITERS` (a one-column file is comma-separated).
    """
    if name.lower().endswith(".tsv"):
        return "\t"
    sample = "\n".join(text.splitlines()[:_SAMPLE_ROWS])
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        rows = [row for row in csv.reader(io.StringIO(sample), delimiter=candidate) if row]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(len(row) == width for row in rows), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _unique(header: Sequence[str]) -> list[str]:
    """Header names stripped, blanks named ``column N``, repeats numbered ``name (2)``."""
    names: list[str] = []
    for n, raw in enumerate(header, start=1):
        base = raw.strip() or f"column {n}"
        name, k = base, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


def read_table(name: str, data: bytes) -> Table:
    """The header and rows of a CSV/TSV file (blank lines skipped).

    Raises:
        DocumentError: no header row, an unreadable encoding, or a cell csv cannot read.
    """
    decoded = decode(name, data)
    try:
        delimiter = _delimiter(decoded.text, name)
        rows = [row for row in csv.reader(io.StringIO(decoded.text), delimiter=delimiter)
                if any(cell.strip() for cell in row)]  # fmt: skip
    except csv.Error as error:
        # The usual cause: a cell over csv's field limit (131,072 characters), e.g. a quote
        # never closed, so that the rest of the file reads as one cell.
        raise DocumentError(
            f'{name} is not a readable CSV ({error}): look for a quote (") that is never '
            f"closed, or split cells longer than {csv.field_size_limit():,} characters."
        ) from None
    if not rows:
        raise DocumentError(f"{name} has no header row; the first row must name the columns.")
    return Table(_unique(rows[0]), rows[1:], delimiter, decoded.encoding)


def csv_columns(name: str, data: bytes) -> list[str]:
    """The header of a CSV/TSV file."""
    return read_table(name, data).columns


def best_text_column(name: str, data: bytes) -> str:
    """The column with the longest texts on average: the likely one to search."""
    table = read_table(name, data)
    totals = [0] * len(table.columns)
    for row in table.rows:
        for i, cell in enumerate(row[: len(totals)]):
            totals[i] += len(cell.strip())
    return table.columns[max(range(len(totals)), key=lambda i: (totals[i], -i))]


def _ranges(numbers: list[int]) -> str:
    """``[3, 4, 5, 9]`` as ``"3–5, 9"`` (at most ten runs, then ``…``)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    shown = [f"{a}–{b}" if a != b else str(a) for a, b in runs[:10]]
    return ", ".join(shown) + (", …" if len(runs) > 10 else "")


def read_csv(
    name: str, data: bytes, chosen: Sequence[str] | None, *, labels: bool = False
) -> Document:
    """Sections of the rows of ``data``: ``chosen`` columns as text, others as metadata.

    ``chosen`` empty or None: the column with the longest texts. ``labels``: several
    columns as ``column: value`` lines instead of title, then text.

    Raises:
        DocumentError: no header row, a chosen column that is not there, or no row with
            text in the chosen columns.
    """
    table = read_table(name, data)
    picked = list(chosen) if chosen else [best_text_column(name, data)]
    return record_sections(name, table, picked, labels=labels)


def record_text(values: Sequence[tuple[str, str]], *, labels: bool = False) -> tuple[str, str]:
    """(heading, text) of one record from its chosen (field, value) pairs, in that order.

    One field: its value. Several: the first is the title (the heading, its blanks
    squeezed to one line) and the others' non-empty values, one a line, are the text; a
    record whose title is its only value reads as that value. ``labels``: every non-empty
    field as a ``field: value`` line, no heading.
    """
    shown = [(field, value) for field, value in values if value]
    if labels and len(values) > 1:
        return "", "\n".join(f"{field}: {value}" for field, value in shown)
    if len(values) == 1:
        return "", shown[0][1] if shown else ""
    title = " ".join(values[0][1].split())
    body = "\n".join(value for _, value in values[1:] if value)
    return (title, body) if body else ("", values[0][1])


def record_sections(
    name: str,
    table: Table,
    picked: Sequence[str],
    *,
    unit: str = "row",
    numbers: Sequence[int] | None = None,
    labels: bool = False,
) -> Document:
    """One section per record of ``table``: ``picked`` fields as text, the rest as metadata.

    A record's place is ``unit`` and its number (``"row 3"``, ``"line 3"``): ``numbers``,
    one per row, or the rows counted from 1. See :func:`record_text`.

    Raises:
        DocumentError: a picked field that is not there, or no record with text in them.
    """
    columns = table.columns
    picked = list(picked)
    missing = [c for c in picked if c not in columns]
    if missing:
        raise DocumentError(
            f"{name} has no column {', '.join(map(repr, missing))}; its columns are "
            f"{', '.join(columns)}."
        )
    index = {column: i for i, column in enumerate(columns)}
    long_rows: list[int] = []
    short_rows: list[int] = []
    empty_rows: list[int] = []
    blanks: dict[str, list[int]] = {}
    sections = []
    counted = numbers if numbers is not None else range(1, len(table.rows) + 1)
    for number, row in zip(counted, table.rows, strict=True):
        if len(row) > len(columns):
            long_rows.append(number)
        elif len(row) < len(columns):
            short_rows.append(number)
        cells = [*row, *[""] * (len(columns) - len(row))]
        names = columns + [f"column {n}" for n in range(len(columns) + 1, len(cells) + 1)]
        heading, text = record_text([(c, cells[index[c]].strip()) for c in picked],
                                    labels=labels)  # fmt: skip
        if not text:
            empty_rows.append(number)
            continue
        for column, value in zip(columns, cells, strict=False):
            if not value.strip():
                blanks.setdefault(column, []).append(number)
        metadata = tuple(
            (column, value.strip())
            for column, value in zip(names, cells, strict=True)
            if column not in picked and value.strip()
        )
        sections.append(
            Section(text, f"{unit} {number}", heading, metadata=metadata, blocks=(text,))
        )
    notes = _notes(len(columns), picked, long_rows, short_rows, empty_rows, blanks, unit)
    if not sections:
        raise DocumentError(f"{name} has no text in the column(s) {', '.join(picked)}.")
    return Document(name, sections, table.encoding, notes)


def _notes(
    width: int,
    picked: list[str],
    long_rows: list[int],
    short_rows: list[int],
    empty_rows: list[int],
    blanks: dict[str, list[int]],
    unit: str = "row",
) -> tuple[str, ...]:
    """What was not read as it stood, one sentence per kind (``unit``: row or line)."""
    notes = []
    if long_rows:
        notes.append(
            f"{unit}s {_ranges(long_rows)} have more cells than the header's {width}: "
            "the extra cells are kept as 'column N' fields."
        )
    if short_rows:
        notes.append(
            f"{unit}s {_ranges(short_rows)} have fewer cells than the header's {width}: "
            "the missing cells are read as empty."
        )
    if empty_rows:
        notes.append(
            f"{unit}s {_ranges(empty_rows)} have nothing in {', '.join(picked)}: not indexed "
            "(choose other columns to include them)."
        )
    if blanks:
        cells = "; ".join(f"{column} in {unit}s {_ranges(rows)}" for column, rows in blanks.items())
        notes.append(f"empty cells ({cells}) are left out of those {unit}s' text and fields.")
    return tuple(notes)
