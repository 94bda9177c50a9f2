"""Choose a threshold from labelled results instead of habit: precision, recall and F1.

Seed 002 §5: prepare typical queries, label what should and should not match, draw the
precision-recall curve, pick the best F1. Labels are (query, text, relevant) triples; a
threshold predicts "relevant" when a score is at or above it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from semsearch.analysis.judged_csv import read_judged_csv
from semsearch.errors import InvalidArgumentError


@dataclass(frozen=True)
class Label:
    """Whether ``text`` should be found for ``query``."""

    query: str
    text: str
    relevant: bool


def threshold_sweep(
    scores: ArrayLike, labels: ArrayLike
) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, f1) for each distinct score as threshold, ascending.

    At threshold t every score >= t is predicted relevant, so tied scores are predicted
    together (one row per distinct score). Precision is the share of predicted pairs that
    are relevant, recall the share of relevant pairs predicted; F1 is their harmonic mean
    (0 when both are 0). With no relevant label, recall and F1 are 0.

    Raises:
        InvalidArgumentError: the two sequences differ in length or are empty.
    """
    values = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(labels, dtype=bool)
    if values.shape != truth.shape or values.ndim != 1:
        raise InvalidArgumentError(
            f"{len(values)} scores but {len(truth)} labels; give one label per score."
        )
    if values.size == 0:
        raise InvalidArgumentError("No labelled scores: label some results first.")
    positives = int(truth.sum())
    rows = []
    for threshold in np.unique(values):
        predicted = values >= threshold
        rows.append((float(threshold), *_scores(predicted, truth, positives)))
    return rows


def _scores(predicted: np.ndarray, truth: np.ndarray, positives: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of one prediction; 0 where a ratio has nothing to count."""
    hits = int((predicted & truth).sum())
    chosen = int(predicted.sum())
    precision = hits / chosen if chosen else 0.0
    recall = hits / positives if positives else 0.0
    # F1 as one ratio of counts, 2TP / (predicted + relevant): equal F1s are then equal
    # floats, so the tie rules below (highest threshold) are not decided by rounding
    # (2PR / (P + R) gives 0.33333333333333337 for 1/3 and 0.3333333333333333 for 2/6).
    f1 = 2 * hits / (chosen + positives) if hits else 0.0
    return precision, recall, f1


def best_threshold(
    sweep: Sequence[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    """The row with the best F1; among equals, the highest threshold (fewer false alarms)."""
    if not sweep:
        raise InvalidArgumentError("The sweep is empty: label some results first.")
    return max(sweep, key=lambda row: (row[3], row[0]))


def best_on_grid(
    scores: ArrayLike, labels: ArrayLike, grid: Sequence[float]
) -> tuple[float, float]:
    """The value of ``grid`` (e.g. the slider's steps) with the best F1, and that F1."""
    values = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(labels, dtype=bool)
    positives = int(truth.sum())
    best = (float(grid[0]), -1.0)
    for threshold in grid:
        f1 = _scores(values >= threshold, truth, positives)[2]
        if f1 > best[1] or (f1 == best[1] and threshold > best[0]):
            best = (float(threshold), f1)
    return best


def read_labels_csv(data: bytes) -> list[Label]:
    """Labels from a CSV with the columns ``query,text,relevant`` (header required).

    ``relevant`` accepts 1/0, true/false, yes/no (and 是/否); rows without a query or a text
    are left out. Read by :func:`semsearch.analysis.judged_csv.read_judged_csv`, as
    ``semsearch eval`` reads its judgements.

    Raises:
        InvalidArgumentError: not UTF-8, a missing column, or a value that is not a label,
            naming the row.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidArgumentError(
            "The labels file is not UTF-8 text; save it as UTF-8 CSV."
        ) from None
    read = read_judged_csv(text, "The labels file", by_id=False, need_relevant=True)
    return [
        Label(row.query, row.target, row.relevant) for row in read.rows if row.query and row.target
    ]


def labels_csv(labels: Iterable[Label]) -> bytes:
    """Labels as the CSV :func:`read_labels_csv` reads: ``query,text,relevant`` (1 or 0).

    UTF-8 with a BOM, so that spreadsheet programs read Chinese right; sorted by query, then
    text, so that the same labels always give the same file.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["query", "text", "relevant"])
    for label in sorted(labels, key=lambda label: (label.query, label.text)):
        writer.writerow([label.query, label.text, int(label.relevant)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
