"""The half-precision GPU index ranks exactly as the float32 CPU index: order, threshold, ties.

fp16 rounding would make a plain comparison a matter of tolerance, so the vectors here are
exact in fp16 and their dot products exact in any accumulation: 16 entries of +-1/4 (unit
length) among the first 64 dimensions, the rest zero. Scores are then multiples of 1/16,
with thousands of ties at every level, and the planted copies of a query tie at 1.0.
"""

import numpy as np
import pytest

from semsearch.retrieval.vector_index import VectorIndex

from .devices import CUDA

DIM = 2560
ASKED = [(10, None), (1000, None), (None, 0.5), (50, 0.25), (None, 0.875), (1, None), (5, 1.0)]
"""(top_k, threshold) pairs: cuts through ties, thresholds that equal a score exactly."""


def dyadic_rows(rows: int, seed: int) -> np.ndarray:
    """``rows`` unit vectors of 16 entries of +-1/4 in the first 64 of ``DIM`` dimensions."""
    rng = np.random.default_rng(seed)
    matrix = np.zeros((rows, DIM), dtype=np.float32)
    for start in range(0, rows, 65536):  # in chunks: 1M rows of 64 sort keys is 0.5 GB
        stop = min(rows, start + 65536)
        places = np.argsort(rng.random((stop - start, 64)), axis=1)[:, :16]
        signs = rng.choice(np.array([-0.25, 0.25], dtype=np.float32), size=places.shape)
        matrix[np.arange(start, stop)[:, None], places] = signs
    return matrix


@pytest.mark.parametrize(
    ("device", "rows"),
    [
        pytest.param("cpu", 20_000, id="cpu-20k"),
        pytest.param("cuda", 1_000_000, id="cuda-1M", marks=CUDA),
    ],
)
def test_gpu_index_ranks_exactly_as_the_cpu_index(device, rows):
    matrix = dyadic_rows(rows, seed=rows)
    queries = dyadic_rows(4, seed=1)
    for row in (rows - 1, 5, rows // 2):  # three exact copies of the first query: a tie at 1.0
        matrix[row] = queries[0]
    cpu = VectorIndex(matrix, "cpu", engine="numpy", normalised=True)
    half = VectorIndex(matrix, device, engine="torch", normalised=True)  # fp16, as on CUDA
    assert np.array_equal(half.scores(queries[0]), cpu.scores(queries[0]))
    assert half.search(queries[0], top_k=3) == cpu.search(queries[0], top_k=3)
    assert [hit.index for hit in half.search(queries[0], top_k=3)] == [5, rows // 2, rows - 1]
    for query in queries:
        for top_k, threshold in ASKED:
            expected = cpu.search(query, top_k=top_k, threshold=threshold)
            assert half.search(query, top_k=top_k, threshold=threshold) == expected, (
                top_k,
                threshold,
            )
    # The cases above cut through ties and meet scores exactly at the threshold.
    scores = cpu.scores(queries[1])
    tenth = np.sort(scores)[-10]
    assert (scores == tenth).sum() > 1
    assert (scores == 0.5).any()
