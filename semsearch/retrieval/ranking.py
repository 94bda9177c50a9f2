"""Rank knowledge-base vectors against a query vector: cosine scores, threshold, top-k.

Vectors are unit length, so cosine similarity is one matrix-vector product. Top-k uses a
partial selection (``argpartition``), never a full sort of every score; ties keep the
knowledge base's order. Encoding is not done here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from semsearch.errors import InvalidArgumentError


@dataclass(frozen=True)
class Hit:
    """One ranked knowledge-base entry."""

    index: int
    """Position of the text in the knowledge base (among its non-blank lines)."""
    score: float
    """Cosine similarity to the query, in [-1, 1]."""


def cosine_scores(query_vector: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """float32 [n] cosine similarities of unit ``query_vector`` [d] with unit rows of ``matrix``.

    Raises:
        InvalidArgumentError: shapes do not fit together.
    """
    query = np.asarray(query_vector, dtype=np.float32)
    rows = np.asarray(matrix, dtype=np.float32)
    if query.ndim != 1:
        raise InvalidArgumentError(f"query_vector must be 1-D, got shape {query.shape}.")
    if rows.ndim != 2:
        raise InvalidArgumentError(f"matrix must be 2-D [n, dim], got shape {rows.shape}.")
    if rows.shape[0] and rows.shape[1] != query.shape[0]:
        raise InvalidArgumentError(
            f"The query has {query.shape[0]} dimensions but the knowledge base has "
            f"{rows.shape[1]}; encode both with the same model and dimension."
        )
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    return rows @ query


def check_threshold(threshold: float | None) -> None:
    """An InvalidArgumentError for a threshold that is not a number (NaN, infinities).

    NaN compares false with every score: it would keep nothing and say nothing.
    """
    if threshold is not None and not math.isfinite(threshold):
        raise InvalidArgumentError(
            f"threshold must be a score, a number such as 0.5 (-1 keeps all), got {threshold}."
        )


def top_hits(
    scores: np.ndarray, top_k: int | None = 5, threshold: float | None = None
) -> list[Hit]:
    """The best ``top_k`` of ``scores`` (all when ``None``) at or above ``threshold``, best first.

    Raises:
        InvalidArgumentError: ``top_k`` is below 1, or ``threshold`` is not a number.
    """
    if top_k is not None and top_k < 1:
        raise InvalidArgumentError(f"top_k must be at least 1, got {top_k}.")
    check_threshold(threshold)
    values = np.asarray(scores, dtype=np.float32)
    candidates = np.arange(values.shape[0])
    if threshold is not None:
        candidates = np.flatnonzero(values >= threshold)
    k = len(candidates) if top_k is None else min(top_k, len(candidates))
    if k == 0:
        return []
    chosen = candidates
    if k < len(candidates):
        # Partial selection, then widen to every candidate tied with the k-th best so that
        # ties are broken by knowledge-base order, not by argpartition's internals.
        # Equivalent mutants (mutation testing, docs/mutation.md): ``k <= len`` (the same
        # cut, made on every candidate) and ``partition(..., k - 2)`` (the value it leaves at
        # k - 1 is never above the k-th best, so ``chosen`` only grows and the final top k,
        # taken by lexsort below, is the same).
        kth = -np.partition(-values[candidates], k - 1)[k - 1]
        chosen = candidates[values[candidates] >= kth]
    order = np.lexsort((chosen, -values[chosen]))[:k]
    return [Hit(index=int(chosen[i]), score=float(values[chosen[i]])) for i in order]


def rank(
    query_vector: np.ndarray,
    matrix: np.ndarray,
    top_k: int | None = 5,
    threshold: float | None = None,
) -> list[Hit]:
    """Rank the rows of ``matrix`` by cosine similarity to ``query_vector``.

    Returns at most ``top_k`` hits (all when ``None``), best first, keeping only scores
    ``>= threshold`` when a threshold is given. Both inputs must be L2-normalised, as every
    embedder here returns them.
    """
    return top_hits(cosine_scores(query_vector, matrix), top_k=top_k, threshold=threshold)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], k: int = 60, top_k: int | None = None
) -> list[Hit]:
    """Fuse rankings (indices, best first) by reciprocal rank: score = sum of 1 / (k + rank).

    Ranks count from 1; an index absent from a ranking adds nothing for it. ``k = 60`` is the
    constant of the original paper (Cormack et al., 2009): it damps the weight of the very
    top ranks so that agreement between rankings counts more than one first place.

    Ties (equal fused scores, e.g. ranks 1 and 2 in one ranking, 2 and 1 in the other) go to
    the lower index, whatever the order of the rankings: each sum is exactly rounded
    (``math.fsum``), so equal sums of the same terms are equal floats.
    """
    terms: dict[int, list[float]] = {}
    for ranking in rankings:
        for rank, index in enumerate(ranking, start=1):
            terms.setdefault(int(index), []).append(1.0 / (k + rank))
    # A running float sum depends on the order of its terms (1/61 + 1/67 + 1/62 and
    # 1/67 + 1/62 + 1/61 differ in the last bit), which would break ties by noise.
    fused = {index: math.fsum(parts) for index, parts in terms.items()}
    order = sorted(fused, key=lambda i: (-fused[i], i))
    return [Hit(index=i, score=fused[i]) for i in order[:top_k]]  # [:None] keeps all
