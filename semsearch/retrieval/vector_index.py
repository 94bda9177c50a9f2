"""Knowledge-base vectors prepared once for many queries, on the GPU when there is one.

The matrix is normalised once when the index is built, so a query costs one matrix-vector
product and a partial selection of the best scores. On CUDA the matrix is kept on the GPU
in half precision (half the memory and memory traffic of fp32) and scored with fp32
accumulation; on the CPU it stays float32 in NumPy. A matrix cut to fewer (Matryoshka)
dimensions is proportionally cheaper to scan. Encoding is not done here.

The hits a search returns are exact either way: on the GPU the half-precision pass only
picks candidates (with a margin larger than its rounding error), and the candidates are
scored again from the float32 rows kept on the host, so a search returns the hits, scores
and order that NumPy's float32 ranking gives. :meth:`VectorIndex.scores` (every row's
score, for charts) stays half precision on the GPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from semsearch.encoding.vectors import normalise
from semsearch.errors import InvalidArgumentError
from semsearch.retrieval.ranking import Hit, top_hits

HALF_MARGIN = 2e-3
"""Bound on how far an fp16 score of two unit vectors (fp32 accumulation) is from the fp32
one: each product is off by at most 2 * 2**-11 of its size, and the sizes sum to at most 1
(Cauchy-Schwarz), so about 1e-3; twice that for safety."""


class VectorIndex:
    """Unit rows of a knowledge base on ``device``, ranked against query vectors.

    ``engine``: ``"auto"`` (torch in half precision on CUDA, NumPy float32 elsewhere),
    ``"numpy"`` or ``"torch"`` (the GPU code path, also runnable on a CPU).
    """

    def __init__(
        self,
        matrix: np.ndarray,
        device: str = "cpu",
        engine: str = "auto",
        *,
        normalised: bool = False,
    ) -> None:
        """Prepare ``matrix`` [n, dim] for queries on ``device``.

        ``normalised=True`` trusts that rows are unit length (as embedders return them) and
        keeps a float32 CPU matrix without copying it.
        """
        rows = np.asarray(matrix)
        if rows.ndim != 2:
            raise InvalidArgumentError(f"matrix must be 2-D [n, dim], got shape {rows.shape}.")
        self.size, self.dim = int(rows.shape[0]), int(rows.shape[1])
        self.device = device
        vectors = np.asarray(rows, dtype=np.float32) if normalised else normalise(rows)
        self._gpu: Any = None
        # float32 rows on the host; on the GPU path they score the hits exactly (no copy
        # when the caller's rows were unit length already).
        self._host = vectors
        self._cpu: np.ndarray | None = None
        # The last query's scores: a page ranks, then explains, the same query in one run.
        self._last: tuple[bytes, Any] | None = None
        if engine not in ("auto", "numpy", "torch"):
            raise InvalidArgumentError(f"engine must be auto, numpy or torch, got {engine!r}.")
        if engine == "torch" or (engine == "auto" and device.startswith("cuda")):
            import torch

            self._gpu = torch.from_numpy(vectors).to(device=device, dtype=torch.float16)
        else:
            self._cpu = vectors

    def _query(self, query_vector: np.ndarray) -> np.ndarray:
        query = np.asarray(query_vector, dtype=np.float32)
        if query.ndim != 1 or query.shape[0] != self.dim:
            raise InvalidArgumentError(
                f"The query has shape {query.shape} but the index holds {self.dim}-dimensional "
                "vectors; encode both with the same model and dimension."
            )
        return query

    def _gpu_scores(self, query: np.ndarray) -> Any:
        import torch

        vector = torch.from_numpy(query).to(self._gpu.device, dtype=torch.float16).unsqueeze(1)
        try:  # fp16 inputs, fp32 accumulation and output
            return torch.mm(self._gpu, vector, out_dtype=torch.float32).squeeze(1)
        except (RuntimeError, TypeError):  # a PyTorch without mm(out_dtype=...)
            return torch.mm(self._gpu, vector).squeeze(1).float()

    def _scores(self, query: np.ndarray) -> Any:
        """Scores on the index's device (NumPy or torch), remembered for the last query."""
        key = query.tobytes()
        if self._last is None or self._last[0] != key:
            self._last = (
                key,
                self._cpu @ query if self._cpu is not None else self._gpu_scores(query),
            )
        return self._last[1]

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """float32 [size] cosine similarity of every row with ``query_vector`` (unit length)."""
        scores = self._scores(self._query(query_vector))
        if self._cpu is not None:
            return np.asarray(scores)
        return np.asarray(scores.cpu().numpy(), dtype=np.float32)

    def search(
        self, query_vector: np.ndarray, top_k: int | None = 5, threshold: float | None = None
    ) -> list[Hit]:
        """The best ``top_k`` rows (all when ``None``) scoring ``>= threshold``, best first.

        Ties keep knowledge-base order, as :func:`semsearch.retrieval.ranking.rank` does.
        """
        if top_k is not None and top_k < 1:
            raise InvalidArgumentError(f"top_k must be at least 1, got {top_k}.")
        scores = self._scores(self._query(query_vector))
        if self._cpu is not None:
            return top_hits(scores, top_k=top_k, threshold=threshold)
        import torch

        # Candidates: every row whose half-precision score could be a hit in float32, i.e.
        # within HALF_MARGIN of the threshold and of the k-th best.
        floor = None if threshold is None else threshold - HALF_MARGIN
        available = self.size if floor is None else int((scores >= floor).sum())
        k = available if top_k is None else min(top_k, available)
        if k == 0:
            return []
        kth = torch.topk(scores, k, sorted=True).values[-1]
        chosen = torch.nonzero(scores >= kth - HALF_MARGIN).squeeze(1).cpu().numpy()
        exact = self._host[chosen] @ self._query(query_vector)
        hits = top_hits(exact, top_k=top_k, threshold=threshold)
        return [Hit(index=int(chosen[h.index]), score=h.score) for h in hits]
