"""How much of the exact top-k a store's search returns: recall@k, for benchmarks.

The exact answer is brute force in NumPy over the store's own vectors, read ``batch`` rows
at a time through ``rows()`` (memory bounded by the batch, not the base), so the figure
holds for any store: 1.0 for the embedded store and Milvus' FLAT index, below 1 for an
approximate index such as HNSW. Nothing here is timed.
"""

from __future__ import annotations

import numpy as np

from semsearch.retrieval.stores.base import VectorStore


def exact_top_k(
    store: VectorStore, name: str, queries: np.ndarray, *, k: int = 10, batch: int = 50_000
) -> np.ndarray:
    """int64 [len(queries), k]: the ids of the ``k`` best rows per query, by brute force."""
    queries = np.asarray(queries, dtype=np.float32)
    best_ids = np.full((len(queries), 0), -1, dtype=np.int64)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    for rows in store.rows(name, batch=batch):
        scores = queries @ rows.vectors[:, : queries.shape[1]].T
        ids = np.broadcast_to(np.asarray(rows.ids, dtype=np.int64), scores.shape)
        all_scores = np.concatenate([best_scores, scores], axis=1)
        all_ids = np.concatenate([best_ids, ids], axis=1)
        # stable: among equal scores the lower id (earlier column) stays first
        order = np.argsort(-all_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(all_scores, order, axis=1)
        best_ids = np.take_along_axis(all_ids, order, axis=1)
    return best_ids


def recall_at_k(store: VectorStore, name: str, queries: np.ndarray, *, k: int = 10) -> float:
    """Mean share of the exact top ``k`` ids that ``store.search`` returns, over ``queries``.

    ``queries`` are unit rows at the base's full size (or the size the store searches).
    """
    exact = exact_top_k(store, name, queries, k=k)
    shares = []
    for query, truth in zip(np.asarray(queries, dtype=np.float32), exact, strict=True):
        got = {hit.id for hit in store.search(name, query, top_k=k)}
        shares.append(len(got & set(truth.tolist())) / len(truth))
    return float(np.mean(shares)) if shares else 1.0
