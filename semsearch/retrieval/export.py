"""Export results and knowledge bases: CSV and JSON for results, NumPy or Parquet for vectors.

Every export is bytes, ready for a download button or a file. Vectors travel with their
texts: the ``.npy`` export is a zip of ``vectors.npy`` and ``passages.jsonl`` (one line per
row, same order); the Parquet export is one table with ``text``, ``source``, ``place`` and
``vector`` columns.
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


@dataclass(frozen=True)
class ResultRow:
    """One ranked result as exported."""

    rank: int
    index: int
    text: str
    score: float
    source: str = ""
    place: str = ""


def results_csv(rows: Sequence[ResultRow]) -> bytes:
    """The results as UTF-8 CSV (with a BOM, so that spreadsheet programs read Chinese right)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ResultRow.__dataclass_fields__))
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_json(rows: Sequence[ResultRow], *, query: str, model: str) -> bytes:
    """The results as a JSON object with the query and the model."""
    payload = {"query": query, "model": model, "results": [asdict(row) for row in rows]}
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def vectors_npz(passages: Sequence[Passage], vectors: np.ndarray) -> bytes:
    """A zip of ``vectors.npy`` (float32 [n, dim]) and ``passages.jsonl`` in the same order."""
    matrix = np.asarray(vectors, dtype=np.float32)
    _check(passages, matrix)
    npy = io.BytesIO()
    np.save(npy, matrix)
    lines = "".join(
        json.dumps(
            {"index": i, "text": p.text, "source": p.source, "place": p.place}, ensure_ascii=False
        )
        + "\n"
        for i, p in enumerate(passages)
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("vectors.npy", npy.getvalue())
        bundle.writestr("passages.jsonl", lines)
    return archive.getvalue()


def vectors_parquet(passages: Sequence[Passage], vectors: np.ndarray) -> bytes:
    """A Parquet table: ``text``, ``source``, ``place`` and ``vector`` (a list of float32)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    matrix = np.asarray(vectors, dtype=np.float32)
    _check(passages, matrix)
    table = pa.table(
        {
            "text": [p.text for p in passages],
            "source": [p.source for p in passages],
            "place": [p.place for p in passages],
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1]),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _check(passages: Sequence[Passage], matrix: np.ndarray) -> None:
    if matrix.ndim != 2 or matrix.shape[0] != len(passages):
        raise ValueError(f"{len(passages)} passages but vectors of shape {matrix.shape}.")
