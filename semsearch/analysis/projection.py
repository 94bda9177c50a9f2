"""Flatten embeddings to two dimensions for a map, and pick which points to draw.

PCA (scikit-learn) is the default: fast, deterministic, and its axes are the directions in
which the vectors differ most. UMAP (``umap-learn``, when installed) keeps neighbourhoods
rather than directions, so clusters show better but distances between clusters mean less.
A map of tens of thousands of points is drawn from a sample that always keeps the points
that matter (the top hits).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.util import find_spec

import numpy as np

from semsearch.errors import InvalidArgumentError

METHODS = ("pca", "umap")


def available_methods() -> list[str]:
    """``["pca"]``, plus ``"umap"`` when umap-learn is installed."""
    return ["pca"] + (["umap"] if find_spec("umap") is not None else [])


def project_2d(vectors: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """float32 [n, 2] coordinates of ``vectors`` [n, dim] (n >= 3), the same for the same input.

    Raises:
        InvalidArgumentError: fewer than 3 vectors, an unknown method, or UMAP not installed.
    """
    rows = np.asarray(vectors, dtype=np.float32)
    if rows.ndim != 2 or rows.shape[0] < 3:
        raise InvalidArgumentError(f"A map needs at least 3 vectors, got shape {rows.shape}.")
    if method == "pca":
        from sklearn.decomposition import PCA

        solver = "randomized" if rows.shape[0] > 2000 else "full"
        points = PCA(n_components=2, svd_solver=solver, random_state=seed).fit_transform(rows)
        return np.asarray(points, dtype=np.float32)
    if method == "umap":
        if find_spec("umap") is None:
            raise InvalidArgumentError("UMAP needs the umap-learn package: pip install umap-learn.")
        import umap

        neighbours = min(15, rows.shape[0] - 1)
        reducer = umap.UMAP(
            n_components=2, n_neighbors=neighbours, metric="cosine", random_state=seed
        )
        return np.asarray(reducer.fit_transform(rows), dtype=np.float32)
    raise InvalidArgumentError(
        f"Unknown projection {method!r}: choose one of {', '.join(METHODS)}."
    )


def sample_for_map(count: int, keep: Iterable[int], limit: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of at most ``limit`` of ``count`` points, always including ``keep``."""
    kept = sorted({int(i) for i in keep if 0 <= int(i) < count})
    if count <= limit:
        return np.arange(count)
    rest = np.setdiff1d(np.arange(count), kept)
    chosen = np.random.default_rng(seed).choice(rest, size=max(0, limit - len(kept)), replace=False)
    return np.sort(np.concatenate([np.asarray(kept, dtype=np.int64), chosen]))
