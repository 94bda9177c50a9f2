"""Time the map's projections at the sizes the page draws (``DRAW_LIMITS``).

    python bench/projection.py     # PCA at 50,000, UMAP at 5,000 and 20,000, t-SNE at 2,000

Random unit vectors of 384 dimensions (the bundled model's size); a warm-up run first, so
that UMAP's one-off compilation (numba, cached on disk afterwards) is not counted. The
limits in ``semsearch.analysis.projection.DRAW_LIMITS`` are chosen so that each method
finishes in well under a minute on a 2-core laptop.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from semsearch.analysis.projection import DRAW_LIMITS, project_2d

SIZES = {"pca": [DRAW_LIMITS["pca"]], "umap": [5_000, DRAW_LIMITS["umap"]],
         "tsne": [1_000, DRAW_LIMITS["tsne"]]}  # fmt: skip


def vectors(count: int, dim: int = 384) -> np.ndarray:
    """Unit vectors in a few loose clusters, as a knowledge base's would be."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(20, dim))
    rows = centres[rng.integers(0, 20, count)] + rng.normal(size=(count, dim)) * 0.8
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def main(methods: list[str]) -> None:
    """Print one line per method and size: seconds for one projection."""
    for method in methods:
        # Warm-up: imports and compilation (UMAP compiles its approximate neighbour search
        # only for 4,096 points or more).
        project_2d(vectors(4_200 if method == "umap" else 200), method=method)
        for count in SIZES[method]:
            data = vectors(count)
            start = time.perf_counter()
            project_2d(data, method=method)
            seconds = time.perf_counter() - start
            print(f"{method:5s} {count:>7,d} lines  {seconds:6.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or list(SIZES))
