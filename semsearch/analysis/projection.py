"""Flatten embeddings to two dimensions for a map, and pick which points to draw.

Three projections, all installed with the package:

- **PCA** (scikit-learn): fast, deterministic, and its axes are the directions in which the
  vectors differ most. Distances on the map are faithful only along those two directions.
- **UMAP** (``umap-learn``): keeps each point's neighbourhood, so clusters show well; the
  distances *between* clusters mean little.
- **t-SNE** (scikit-learn's ``TSNE``): also keeps neighbourhoods, often with the clearest
  clusters on a few thousand points, but it is the slowest and its cluster sizes mean nothing.

How many points a map draws depends on the method (:data:`DRAW_LIMITS`): a browser draws
tens of thousands of points on a canvas, but UMAP and t-SNE take minutes at that size on a
laptop. Past a method's limit the map is a random sample that always keeps the points that
matter (the query's best lines). :class:`MapLayout` keeps the drawn lines together with their
coordinates, so that nothing can draw one line at another's place. What this module does
not do: draw, or decide what matters (the caller's ``keep``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.util import find_spec

import numpy as np

from semsearch.errors import InvalidArgumentError

METHODS = ("pca", "umap", "tsne")
DRAW_LIMITS = {"pca": 50_000, "umap": 20_000, "tsne": 2_000}
"""The most lines a map draws per method (see bench/projection.py for the times behind them)."""


def available_methods() -> list[str]:
    """The projections that can run here: PCA and t-SNE always, UMAP when umap-learn is installed.

    umap-learn is a dependency of the package; it can only be missing from a hand-made
    environment, and then the page offers the other two rather than failing.
    """
    return [m for m in METHODS if m != "umap" or find_spec("umap") is not None]


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
    elif method == "umap":
        points = _umap(rows, seed)
    elif method == "tsne":
        from sklearn.manifold import TSNE

        # Perplexity must stay below the number of points; 30 is the usual value.
        perplexity = float(min(30.0, (rows.shape[0] - 1) / 3))
        tsne = TSNE(n_components=2, perplexity=perplexity, metric="cosine", init="pca",
                    random_state=seed)  # fmt: skip
        points = tsne.fit_transform(rows)
    else:
        raise InvalidArgumentError(
            f"Unknown projection {method!r}: choose one of {', '.join(METHODS)}."
        )
    return np.asarray(points, dtype=np.float32)


def _umap(rows: np.ndarray, seed: int) -> np.ndarray:
    if find_spec("umap") is None:
        raise InvalidArgumentError("UMAP needs the umap-learn package: pip install umap-learn.")
    import umap

    count = rows.shape[0]
    # Spectral initialisation needs more points than neighbours; tiny maps start at random.
    reducer = umap.UMAP(n_components=2, n_neighbors=min(15, count - 1), metric="cosine",
                        init="spectral" if count > 16 else "random",
                        random_state=seed)  # fmt: skip
    return np.asarray(reducer.fit_transform(rows))


def sample_for_map(count: int, keep: Iterable[int], limit: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of at most ``limit`` of ``count`` points, always including ``keep``."""
    kept = sorted({int(i) for i in keep if 0 <= int(i) < count})
    if count <= limit:
        return np.arange(count)
    rest = np.setdiff1d(np.arange(count), kept)
    chosen = np.random.default_rng(seed).choice(rest, size=max(0, limit - len(kept)), replace=False)
    return np.sort(np.concatenate([np.asarray(kept, dtype=np.int64), chosen]))


@dataclass(frozen=True)
class MapLayout:
    """Where a map draws its lines and the query: the lines and their points travel together."""

    method: str
    lines: np.ndarray
    """int64 [m]: the indices of the drawn lines, ascending (all of them, or a sample)."""
    points: np.ndarray
    """float32 [m, 2]: ``points[i]`` is where line ``lines[i]`` is drawn."""
    query: np.ndarray
    """float32 [2]: where the query is drawn."""
    total: int
    """How many lines the knowledge base has (more than ``len(lines)`` when sampled)."""

    @property
    def sampled(self) -> bool:
        """Whether only a sample of the lines is drawn."""
        return len(self.lines) < self.total

    def position(self) -> dict[int, int]:
        """Line index -> its row in ``lines`` and ``points``."""
        return {int(line): row for row, line in enumerate(self.lines)}


def map_layout(
    vectors: np.ndarray,
    query: np.ndarray,
    keep: Iterable[int],
    method: str = "pca",
    limit: int | None = None,
    seed: int = 0,
    project: Callable[[np.ndarray, str, int], np.ndarray] | None = None,
) -> MapLayout:
    """Project ``vectors`` [n, dim] and ``query`` [dim] together for a map.

    At most ``limit`` lines are drawn (default: the method's :data:`DRAW_LIMITS`); a sample
    always holds ``keep``. The query is projected with the lines, so it lands among them.
    ``project``: what projects (default :func:`project_2d`, in this process; the page passes
    :meth:`~semsearch.analysis.projection_worker.ProjectionWorker.project`).

    Raises:
        InvalidArgumentError: fewer than 2 lines, or an unknown or missing method.
    """
    if method not in DRAW_LIMITS:
        raise InvalidArgumentError(
            f"Unknown projection {method!r}: choose one of {', '.join(METHODS)}."
        )
    total = len(vectors)
    lines = sample_for_map(total, keep, limit or DRAW_LIMITS[method], seed=seed)
    stacked = np.vstack([np.asarray(vectors)[lines], np.asarray(query)[None, :]])
    points = (project or project_2d)(stacked, method, seed)
    return MapLayout(method, lines, points[:-1], points[-1], total)


def source_of(origin: str) -> str:
    """The file a line came from, from its origin (``"manual.pdf · page 2"`` -> ``manual.pdf``).

    ``""`` for a line typed on the page (its origin is empty).
    """
    return origin.split(" · ", 1)[0]
