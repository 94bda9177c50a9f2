import numpy as np
import pytest

from semsearch import InvalidArgumentError
from semsearch.encoding.vectors import normalise
from semsearch.retrieval.vector_index import VectorIndex

from .test_ranking import brute_force


@pytest.mark.parametrize("engine", ["numpy", "torch"])
@pytest.mark.parametrize("n", [1, 5, 17, 2000])
@pytest.mark.parametrize(
    ("top_k", "threshold"), [(1, None), (5, None), (17, 0.1), (None, 0.2), (None, None)]
)
def test_index_matches_brute_force(engine, n, top_k, threshold):
    rng = np.random.default_rng(n)
    raw = rng.normal(size=(n, 32)) * rng.uniform(0.5, 3, size=(n, 1))  # rows of any length
    matrix = normalise(raw)
    query = normalise(rng.normal(size=(1, 32)))[0]
    index = VectorIndex(raw, engine=engine)
    hits = index.search(query, top_k=top_k, threshold=threshold)
    expected = brute_force(query, matrix, top_k, threshold)
    assert [h.index for h in hits] == expected
    # The GPU path picks candidates in half precision, then scores them from float32 rows:
    # the hits' scores are NumPy's float32 ones, to the last bit or nearly.
    exact = VectorIndex(raw, engine="numpy").search(query, top_k=top_k, threshold=threshold)
    assert [h.index for h in hits] == [h.index for h in exact]
    np.testing.assert_allclose([h.score for h in hits], [h.score for h in exact], atol=1e-6)
    np.testing.assert_allclose(
        index.scores(query), matrix @ query, atol=2e-3 if engine == "torch" else 1e-6
    )


def test_index_normalises_rows_once():
    index = VectorIndex(np.array([[3.0, 4.0], [0.0, 2.0]]))
    np.testing.assert_allclose(
        index.scores(np.array([0.6, 0.8], dtype=np.float32)), [1.0, 0.8], rtol=1e-6
    )


def test_query_of_the_wrong_size_is_refused():
    with pytest.raises(
        InvalidArgumentError, match=r"shape \(3,\) but the index holds 2-dimensional"
    ):
        VectorIndex(np.ones((4, 2))).search(np.ones(3))


@pytest.mark.parametrize("engine", ["numpy", "torch"])
def test_nothing_above_threshold(engine):
    index = VectorIndex(np.eye(3), engine=engine)
    assert index.search(np.array([0, 0, 1], dtype=np.float32), threshold=1.5) == []
    with pytest.raises(InvalidArgumentError, match="top_k must be at least 1"):
        index.search(np.array([0, 0, 1], dtype=np.float32), top_k=0)


# Rows whose every score with QUERY is exact in fp16 (multiples of 1/4), with ties and
# scores equal to the thresholds tried: the GPU code path must then give NumPy's answer
# exactly, order, ties and ">=" included (an ascending sort or a strict ">" would differ).
HALVES = np.array(
    [[0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0], [0.5, 0.5, -0.5, -0.5], [0, 1, 0, 0],
     [0.5, -0.5, 0.5, -0.5], [-1, 0, 0, 0], [0.5, 0.5, 0.5, -0.5], [0, 0, 1, 0],
     [0.5, 0.5, 0.5, 0.5], [-0.5, -0.5, -0.5, -0.5]],
    dtype=np.float32,
)  # fmt: skip
QUERY = np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32)


@pytest.mark.parametrize("top_k", [1, 2, 3, 4, 7, None])
@pytest.mark.parametrize("threshold", [None, 1.0, 0.5, 0.0, -1.0, 0.75])
def test_the_gpu_path_ranks_exactly_as_numpy(top_k, threshold):
    numpy_hits = VectorIndex(HALVES, engine="numpy", normalised=True).search(
        QUERY, top_k=top_k, threshold=threshold
    )
    torch_hits = VectorIndex(HALVES, engine="torch", normalised=True).search(
        QUERY, top_k=top_k, threshold=threshold
    )
    assert torch_hits == numpy_hits
    scores = [h.score for h in torch_hits]
    assert scores == sorted(scores, reverse=True)  # best first
    kept = [i for i, s in enumerate(HALVES @ QUERY) if threshold is None or s >= threshold]
    assert len(torch_hits) == (len(kept) if top_k is None else min(top_k, len(kept)))


def test_the_gpu_path_keeps_a_score_equal_to_the_threshold_and_orders_ties_by_index():
    index = VectorIndex(HALVES, engine="torch", normalised=True)
    hits = index.search(QUERY, top_k=None, threshold=0.5)
    assert [(h.index, h.score) for h in hits] == [
        (0, 1.0), (8, 1.0), (1, 0.5), (3, 0.5), (6, 0.5), (7, 0.5)
    ]  # fmt: skip
