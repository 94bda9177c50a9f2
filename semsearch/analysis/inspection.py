"""Numbers that let a person look inside one vector: its head, its spread, its length.

Used by the page's "behind the scenes" panel and usable from a notebook. Plotting is left
to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VectorPreview:
    """A summary of one embedding vector."""

    dim: int
    head: list[float]
    """The first values, in order."""
    norm: float
    minimum: float
    maximum: float
    histogram_counts: list[int]
    histogram_edges: list[float]
    """``len(histogram_counts) + 1`` bin edges over all values."""


def preview_vector(vector: np.ndarray, head: int = 50, bins: int = 40) -> VectorPreview:
    """Summarise ``vector``: its size, first ``head`` values, norm, range and a histogram."""
    values = np.asarray(vector, dtype=np.float32).ravel()
    counts, edges = np.histogram(values, bins=bins)
    return VectorPreview(
        dim=int(values.shape[0]),
        head=[float(x) for x in values[:head]],
        norm=float(np.linalg.norm(values)),
        minimum=float(values.min()) if values.size else 0.0,
        maximum=float(values.max()) if values.size else 0.0,
        histogram_counts=[int(c) for c in counts],
        histogram_edges=[float(e) for e in edges],
    )
