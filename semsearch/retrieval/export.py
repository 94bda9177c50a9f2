"""Export results and knowledge bases: CSV and JSON for results, NumPy or Parquet for vectors.

Every export is bytes, ready for a download button or a file. Vectors travel with their
texts: the ``.npy`` export is a zip of ``vectors.npy`` and ``passages.jsonl`` (one line per
row, same order); the Parquet export is one table with ``text``, ``source``, ``place``,
``heading``, ``metadata`` and ``vector`` columns. Metadata (a CSV row's other columns) is a
JSON object wherever it goes: in JSON as an object, in CSV and Parquet as its JSON text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.documents.sections import Metadata
from semsearch.errors import check_unicode
from semsearch.retrieval.ranking import Hit


@dataclass(frozen=True)
class ResultRow:
    """One ranked result as exported."""

    rank: int
    index: int
    text: str
    score: float
    source: str = ""
    place: str = ""
    heading: str = ""
    metadata: Metadata = ()


def result_rows(
    hits: Sequence[Hit], texts: Sequence[str], passages: Sequence[Passage]
) -> list[ResultRow]:
    """The rows to export for ``hits`` over ``texts``, with each passage's origin.

    ``passages`` are the searched passages in the order of ``texts`` (for a saved base
    searched in its store: its candidates). A hit past their end (should they ever disagree)
    is exported with its text and no origin rather than another passage's.
    """
    rows = []
    for rank, hit in enumerate(hits, start=1):
        row = ResultRow(rank, hit.index, texts[hit.index], hit.score)
        if hit.index < len(passages) and passages[hit.index].text == texts[hit.index]:
            p = passages[hit.index]
            row = ResultRow(rank, hit.index, row.text, hit.score, p.source, p.place, p.heading,
                            p.metadata)  # fmt: skip
        rows.append(row)
    return rows


def _plain(row: ResultRow) -> dict[str, object]:
    """The row as a dict, its metadata as a JSON object."""
    return {**asdict(row), "metadata": dict(row.metadata)}


def _json(metadata: Metadata) -> str:
    return json.dumps(dict(metadata), ensure_ascii=False)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    """``value``, a text that a spreadsheet would run as a formula prefixed with ``'``.

    Passages come from someone else's documents: ``=HYPERLINK(...)`` in a PDF must stay text
    when a teacher opens ``results.csv`` (OWASP's advice for CSV injection). Numbers (ranks,
    scores) are left alone: a negative score is a number, not a formula.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def results_csv(rows: Sequence[ResultRow]) -> bytes:
    """The results as UTF-8 CSV (with a BOM, so that spreadsheet programs read Chinese right).

    Text cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
    leading ``'`` so that spreadsheets show them instead of evaluating them; nothing else
    changes.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ResultRow.__dataclass_fields__))
    writer.writeheader()
    for row in rows:
        cells = {**asdict(row), "metadata": _json(row.metadata)}
        for value in cells.values():
            if isinstance(value, str):
                check_unicode(value, f"Result {row.rank}")
        writer.writerow({name: _inert(value) for name, value in cells.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_json(rows: Sequence[ResultRow], *, query: str, model: str) -> bytes:
    """The results as a JSON object with the query and the model."""
    payload = {"query": query, "model": model, "results": [_plain(row) for row in rows]}
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def _row(index: int, p: Passage) -> dict[str, object]:
    return {"index": index, "text": p.text, "source": p.source, "place": p.place,
            "heading": p.heading, "metadata": dict(p.metadata)}  # fmt: skip


def vectors_npz(passages: Sequence[Passage], vectors: np.ndarray) -> bytes:
    """A zip of ``vectors.npy`` (float32 [n, dim]) and ``passages.jsonl`` in the same order."""
    matrix = np.asarray(vectors, dtype=np.float32)
    _check(passages, matrix)
    npy = io.BytesIO()
    np.save(npy, matrix)
    lines = "".join(
        json.dumps(_row(i, p), ensure_ascii=False) + "\n" for i, p in enumerate(passages)
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("vectors.npy", npy.getvalue())
        bundle.writestr("passages.jsonl", lines)
    return archive.getvalue()


def vectors_parquet(passages: Sequence[Passage], vectors: np.ndarray) -> bytes:
    """A Parquet table of the passages and their vectors (a list of float32 each).

    Columns: ``text``, ``source``, ``place``, ``heading``, ``metadata`` (JSON text), ``vector``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    matrix = np.asarray(vectors, dtype=np.float32)
    _check(passages, matrix)
    table = pa.table(
        {
            "text": [p.text for p in passages],
            "source": [p.source for p in passages],
            "place": [p.place for p in passages],
            "heading": [p.heading for p in passages],
            "metadata": [_json(p.metadata) for p in passages],
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1]),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _check(passages: Sequence[Passage], matrix: np.ndarray) -> None:
    if matrix.ndim != 2 or matrix.shape[0] != len(passages):
        raise ValueError(f"{len(passages)} passages but vectors of shape {matrix.shape}.")
