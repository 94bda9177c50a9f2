"""Unit-length vectors and their Matryoshka (MRL) truncation, in NumPy.

Cosine similarity is a dot product only between unit vectors, so every vector this package
hands out passes through :func:`normalise`. Kept apart from torch so that ranking and the
command line's fast paths import no deep-learning framework.
"""

from __future__ import annotations

import numpy as np


def normalise(vectors: np.ndarray, dim: int | None = None) -> np.ndarray:
    """Keep the first ``dim`` values of each row (MRL) and scale each row to unit length.

    A zero row stays zero rather than becoming NaN. Returns a new float32 array.
    """
    kept = np.asarray(vectors, dtype=np.float32)
    if dim is not None:
        kept = kept[:, :dim]
    norms = np.linalg.norm(kept, axis=1, keepdims=True)
    return np.divide(kept, np.maximum(norms, 1e-12), dtype=np.float32)
