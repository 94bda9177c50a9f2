import numpy as np
import pytest

from semsearch import Hit, InvalidArgumentError, rank
from semsearch.encoding.vectors import normalise
from semsearch.retrieval.ranking import cosine_scores, top_hits


def brute_force(query, matrix, top_k, threshold):
    scores = [float(np.dot(row.astype(np.float64), query)) for row in matrix]
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    kept = [i for i in order if threshold is None or scores[i] >= threshold]
    return kept if top_k is None else kept[:top_k]


@pytest.mark.parametrize("n", [0, 1, 5, 17, 1000])
@pytest.mark.parametrize("top_k", [1, 5, 17, None])
@pytest.mark.parametrize("threshold", [None, -1.0, 0.0, 0.2, 0.99])
def test_rank_matches_brute_force(n, top_k, threshold):
    rng = np.random.default_rng(n)
    matrix = normalise(rng.normal(size=(n, 24)))
    query = normalise(rng.normal(size=(1, 24)))[0]
    hits = rank(query, matrix, top_k=top_k, threshold=threshold)
    assert [h.index for h in hits] == brute_force(query, matrix, top_k, threshold)
    assert all(isinstance(h, Hit) and isinstance(h.score, float) for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(threshold is None or s >= threshold for s in scores)


def test_scores_are_cosines():
    matrix = normalise(np.array([[1.0, 0.0], [1.0, 1.0], [-1.0, 0.0]]))
    query = np.array([1.0, 0.0], dtype=np.float32)
    np.testing.assert_allclose(cosine_scores(query, matrix), [1.0, np.sqrt(0.5), -1.0], rtol=1e-6)


def test_threshold_is_inclusive():
    matrix = np.array([[0.4, 0.0], [0.39999, 0.0]], dtype=np.float32)
    hits = rank(np.array([1.0, 0.0], dtype=np.float32), matrix, threshold=0.4)
    assert [h.index for h in hits] == [0]


def test_ties_keep_knowledge_base_order_across_the_cut():
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.1, 0.5], dtype=np.float32)
    assert [h.index for h in top_hits(scores, top_k=3)] == [1, 0, 2]
    assert [h.index for h in top_hits(scores, top_k=5)] == [1, 0, 2, 3, 5]


def test_nothing_above_threshold_is_empty():
    matrix = normalise(np.eye(3))[:2]
    assert rank(np.array([0, 0, 1], dtype=np.float32), matrix, threshold=0.5) == []


@pytest.mark.parametrize("top_k", [0, -3])
def test_top_k_below_one_is_refused(top_k):
    with pytest.raises(InvalidArgumentError, match=f"top_k must be at least 1, got {top_k}"):
        rank(np.ones(2, dtype=np.float32), np.ones((1, 2), dtype=np.float32), top_k=top_k)


def test_dimension_mismatch_names_both_sizes():
    with pytest.raises(
        InvalidArgumentError, match="query has 3 dimensions but the knowledge base has 2"
    ):
        rank(np.ones(3), np.ones((4, 2)))


@pytest.mark.parametrize(
    ("query", "matrix"), [(np.ones((1, 2)), np.ones((1, 2))), (np.ones(2), np.ones(2))]
)
def test_wrong_shapes(query, matrix):
    with pytest.raises(InvalidArgumentError, match="must be"):
        rank(query, matrix)


def test_a_negative_kth_best_score_still_cuts_at_it():
    # Every score negative: the k-th best (-0.5 here) is negative, and the selection must
    # compare against it, not against its opposite (which would keep nothing).
    scores = np.array([-0.5, -0.9, -0.7], dtype=np.float32)
    assert top_hits(scores, top_k=1) == [Hit(index=0, score=-0.5)]
    assert top_hits(scores, top_k=2) == [Hit(0, -0.5), Hit(2, float(np.float32(-0.7)))]
    assert [h.index for h in top_hits(-np.array([0.1, 0.3, 0.2]), top_k=2)] == [0, 2]


def test_mixed_signs_cut_at_a_negative_kth_best():
    scores = np.array([0.2, -0.4, -0.1, -0.4, -0.8], dtype=np.float32)
    assert [h.index for h in top_hits(scores, top_k=3)] == [0, 2, 1]
    assert [h.index for h in top_hits(scores, top_k=4)] == [0, 2, 1, 3]


def test_scores_come_back_as_the_float32_values():
    scores = np.array([0.1, 0.7, 0.3], dtype=np.float64)
    hits = top_hits(scores, top_k=None)
    assert hits == [Hit(1, float(np.float32(0.7))), Hit(2, float(np.float32(0.3))),
                    Hit(0, float(np.float32(0.1)))]  # fmt: skip
    assert all(type(h.index) is int and type(h.score) is float for h in hits)


def test_threshold_and_top_k_together():
    scores = np.array([0.3, 0.9, 0.5, 0.45, 0.8], dtype=np.float32)
    assert [h.index for h in top_hits(scores, top_k=2, threshold=0.5)] == [1, 4]
    assert [h.index for h in top_hits(scores, top_k=9, threshold=0.5)] == [1, 4, 2]
    assert [h.index for h in top_hits(scores, top_k=1, threshold=0.95)] == []


@pytest.mark.parametrize("threshold", [float("nan"), float("inf"), float("-inf")])
def test_a_threshold_that_is_not_a_number_is_refused(threshold):
    with pytest.raises(InvalidArgumentError) as error:
        top_hits(np.ones(2, dtype=np.float32), threshold=threshold)
    assert str(error.value) == (
        f"threshold must be a score, a number such as 0.5 (-1 keeps all), got {threshold}."
    )


def test_an_empty_knowledge_base_scores_nothing():
    scores = cosine_scores(np.ones(3, dtype=np.float32), np.zeros((0, 3)))
    assert scores.dtype == np.float32
    assert scores.shape == (0,)
    assert rank(np.ones(3), np.zeros((0, 7))) == []  # no rows: no dimension to disagree with


def test_shape_errors_name_the_shapes():
    with pytest.raises(InvalidArgumentError) as error:
        rank(np.ones((1, 2)), np.ones((1, 2)))
    assert str(error.value) == "query_vector must be 1-D, got shape (1, 2)."
    with pytest.raises(InvalidArgumentError) as error:
        rank(np.ones(2), np.ones(2))
    assert str(error.value) == "matrix must be 2-D [n, dim], got shape (2,)."
    with pytest.raises(InvalidArgumentError) as error:
        rank(np.ones(3), np.ones((4, 2)))
    assert str(error.value) == (
        "The query has 3 dimensions but the knowledge base has 2; encode both with the same "
        "model and dimension."
    )


def test_scores_are_float32_whatever_the_inputs():
    # float64 on one side only: a product in float64 would give other last digits.
    for query, matrix in [(np.ones(2), np.ones((1, 2), dtype=np.float32)),
                          (np.ones(2, dtype=np.float32), np.ones((1, 2))),
                          ([1, 0], [[1, 0], [0, 1]])]:  # fmt: skip
        assert cosine_scores(query, matrix).dtype == np.float32
