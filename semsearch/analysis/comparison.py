"""How much two rankings of the same knowledge base agree.

Used to compare models (say Qwen3-Embedding-4B and the bundled MiniLM) on one query:
overlap@k asks whether they show the same lines; Spearman's rank correlation asks whether
they order all lines alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semsearch.errors import InvalidArgumentError


def overlap_at_k(first: Sequence[int], second: Sequence[int], k: int) -> float:
    """Share of the top ``k`` of ``first`` that is also in the top ``k`` of ``second``."""
    if k < 1:
        raise InvalidArgumentError(f"k must be at least 1, got {k}.")
    top_first, top_second = set(list(first)[:k]), set(list(second)[:k])
    return len(top_first & top_second) / k


def spearman(first_scores: np.ndarray, second_scores: np.ndarray) -> float:
    """Spearman's rank correlation of two score vectors over the same texts (ties averaged)."""
    from scipy.stats import spearmanr

    a, b = np.asarray(first_scores), np.asarray(second_scores)
    if a.shape != b.shape or a.ndim != 1:
        raise InvalidArgumentError(f"Score vectors must match: {a.shape} vs {b.shape}.")
    if a.size < 2:
        raise InvalidArgumentError("Spearman's correlation needs at least 2 texts.")
    return float(spearmanr(a, b).statistic)
