"""JSON Lines files (``.jsonl``): one JSON object a line, one record, read as a CSV row is.

The objects' keys are the columns (in the order they first appear); each object is one
record and one section (:func:`semsearch.documents.tables.record_sections`): the chosen
fields are what the model reads (title, then text), every other field is kept as
metadata, an id (BEIR's ``_id``) included, so that evaluation finds records by it. By
default the fields are ``title`` and ``text`` when the records have them (BEIR's
``corpus.jsonl``: ``{"_id", "title", "text"}``), else the one with the longest texts.
A record's place is its line in the file (``"line 3"``).

What it does not do: read nested values as text (an object or a list is kept as its JSON
in the metadata) or stream a file over the reader's size cap (200 MB) in pieces.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from semsearch.documents.encodings import decode
from semsearch.documents.sections import Document, DocumentError
from semsearch.documents.tables import Table, record_sections

DEFAULT_FIELDS = ("title", "text")
"""The fields read by default when a file has ``text`` (BEIR's corpus), ``title`` first."""


def _value(value: object) -> str:
    """A field's value as text: strings as they are, other scalars and nesting as JSON.

    ``null`` and an empty object or list are nothing: an empty cell.
    """
    if isinstance(value, str):
        return value
    if value is None or value == {} or value == []:
        return ""
    return json.dumps(value, ensure_ascii=False)


def read_records(name: str, data: bytes) -> tuple[Table, list[int]]:
    """The records of a JSON Lines file as a table (keys as columns), and each one's line.

    Blank lines are skipped (so the line numbers may skip too).

    Raises:
        DocumentError: a line that is not a JSON object (naming the line), or no record.
    """
    decoded = decode(name, data)
    records: list[tuple[int, dict[str, object]]] = []
    for number, line in enumerate(decoded.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            raise DocumentError(
                f"{name}, line {number}: not JSON ({error.args[0] if error.args else error}); "
                "a .jsonl file holds one JSON object a line."
            ) from None
        if not isinstance(item, dict):
            raise DocumentError(
                f"{name}, line {number}: a JSON {type(item).__name__}, not an object; a .jsonl "
                'file holds one object a line, e.g. {"_id": "1", "title": "...", "text": "..."}.'
            )
        records.append((number, item))
    if not records:
        raise DocumentError(f"{name} is empty: it has no JSON object.")
    columns: dict[str, None] = {}
    for _, item in records:
        columns.update(dict.fromkeys(str(key) for key in item))
    names = list(columns)
    rows = [[_value(item.get(key)) for key in names] for _, item in records]
    return Table(names, rows, "", decoded.encoding), [number for number, _ in records]


def default_fields(table: Table) -> list[str]:
    """``title`` and ``text`` where there (BEIR), else the field with the longest texts."""
    if "text" in table.columns:
        return [field for field in DEFAULT_FIELDS if field in table.columns]
    totals = [sum(len(row[i].strip()) for row in table.rows) for i in range(len(table.columns))]
    return [table.columns[max(range(len(totals)), key=lambda i: (totals[i], -i))]]


def read_jsonl(
    name: str, data: bytes, chosen: Sequence[str] | None, *, labels: bool = False
) -> Document:
    """Sections of the records of a JSON Lines file (see the module doc).

    Raises:
        DocumentError: a line that is not a JSON object, a chosen field no record has, or
            no record with text in the chosen fields.
    """
    table, lines = read_records(name, data)
    picked = list(chosen) if chosen else default_fields(table)
    return record_sections(name, table, picked, unit="line", numbers=lines, labels=labels)
