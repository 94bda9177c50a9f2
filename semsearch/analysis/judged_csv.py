"""The one reader of judgement CSVs: which passages should be found for which query.

The page's label files (``query,text,relevant``, written by the Calibrate view) and the
judgements ``semsearch eval`` reads (``query,text`` or ``query,passage_id``, ``relevant``
optional) are the same format, read here once: calibration
(:func:`semsearch.analysis.calibration.read_labels_csv`) and evaluation
(:func:`semsearch.analysis.evaluation.read_judgements`) both call :func:`read_judged_csv`,
so a file one accepts the other reads the same way, and the messages agree.

Header names are matched without case or surrounding blanks; values are stripped. What it
does not do: read files or decode bytes (each caller caps and decodes its own input), or
match rows to passages.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from semsearch.errors import InvalidArgumentError

RELEVANT = frozenset({"1", "true", "yes", "y", "relevant", "是", "相关"})
"""Values of the ``relevant`` column that mean relevant (compared in lower case)."""
NOT_RELEVANT = frozenset({"0", "false", "no", "n", "not relevant", "irrelevant", "否", "不相关"})
"""Values of the ``relevant`` column that mean not relevant."""


@dataclass(frozen=True)
class JudgedRow:
    """One row: whether the passage ``target`` names should be found for ``query``."""

    query: str
    target: str
    """The passage's text (or a part of it), or its id: see :attr:`JudgedCsv.by`."""
    relevant: bool


@dataclass(frozen=True)
class JudgedCsv:
    """The rows of a judgements file, in file order, and how they name passages."""

    rows: list[JudgedRow]
    by: Literal["text", "id"]
    """``text``: a ``text`` column; ``id``: a ``passage_id`` column."""


def parse_relevant(value: str, where: str) -> bool:
    """``value`` of a ``relevant`` cell as a bool; an InvalidArgumentError naming ``where``."""
    verdict = value.strip().lower()
    if verdict not in RELEVANT | NOT_RELEVANT:
        raise InvalidArgumentError(
            f"{where}: relevant={value.strip()!r} is not a label; use 1 or 0."
        )
    return verdict in RELEVANT


def read_judged_csv(
    text: str, what: str, *, by_id: bool = True, need_relevant: bool = False, tabs: bool = False
) -> JudgedCsv:
    """The judgements in ``text``, a CSV with a header (``tabs``: tab-separated).

    Columns: ``query``, and ``text`` or (with ``by_id``) ``passage_id``; ``relevant`` (see
    :data:`RELEVANT`) is required with ``need_relevant`` (a label file: every row must
    say), else optional, a missing column or a blank cell meaning relevant (judgements list
    what is relevant). ``what`` names the input in messages (``"The labels file"``, a path).

    Raises:
        InvalidArgumentError: not a readable CSV (a quote never closed), a missing column, a
            row with more cells than the header, or a ``relevant`` value that is no label,
            naming the row.
    """
    reader = csv.DictReader(io.StringIO(text), dialect=csv.excel_tab if tabs else csv.excel)
    try:
        rows = list(reader)
    except csv.Error as error:  # e.g. a field over csv's size limit: a quote never closed
        raise InvalidArgumentError(
            f"{what} is not a readable CSV (line {reader.line_num}: {error}); check for a "
            "quote that is never closed."
        ) from None
    header = [name for name in reader.fieldnames or [] if name]
    columns = {name.strip().lower(): name for name in header}
    by: Literal["text", "id"] = "id" if by_id and "text" not in columns and (
        "passage_id" in columns) else "text"  # fmt: skip
    target = "text" if by == "text" else "passage_id"
    missing = [name for name in ("query", target) if name not in columns]
    if need_relevant and "relevant" not in columns:
        missing.append("relevant")
    if missing:
        wanted = (
            "query,text or query,passage_id (and optionally relevant)"
            if by_id
            else "query,text,relevant"
            if need_relevant
            else "query,text (and optionally relevant)"
        )
        raise InvalidArgumentError(
            f"{what} needs a header with the columns {wanted}; missing: {', '.join(missing)} "
            f"(it has: {', '.join(columns) or 'none'})."
        )
    width = len(reader.fieldnames or [])
    judged = []
    for number, row in enumerate(rows, start=2):
        if None in row:  # DictReader keeps the cells past the header under the key None
            extra = row[None]
            raise InvalidArgumentError(
                f"{what}, row {number} has {width + len(extra)} cells, more than the header's "
                f"{width} columns (extra: {', '.join(map(repr, extra))}): put a query or text "
                'that holds a comma in double quotes ("a, b").'
            )
        cell = (row.get(columns["relevant"]) or "") if "relevant" in columns else ""
        relevant = (
            parse_relevant(cell, f"{what}, row {number}") if cell.strip() or need_relevant else True
        )
        judged.append(
            JudgedRow(
                (row.get(columns["query"]) or "").strip(),
                (row.get(columns[target]) or "").strip(),
                relevant,
            )
        )
    return JudgedCsv(judged, by)
