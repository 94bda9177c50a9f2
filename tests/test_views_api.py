"""The analysis API behind the "why" views, against values computed by hand."""

import math

import numpy as np
import pytest

from semsearch import (
    InvalidArgumentError,
    bm25_rank,
    project_2d,
    reciprocal_rank_fusion,
    threshold_sweep,
)
from semsearch.analysis.calibration import best_on_grid, best_threshold, read_labels_csv
from semsearch.analysis.comparison import overlap_at_k, spearman
from semsearch.analysis.keywords import KeywordIndex, keyword_terms
from semsearch.analysis.projection import sample_for_map


def lucene_bm25(tf, doc_len, avg_len, docs, docs_with_term, k1=1.5, b=0.75):
    idf = math.log(1 + (docs - docs_with_term + 0.5) / (docs_with_term + 0.5))
    return idf * tf / (tf + k1 * (1 - b + b * doc_len / avg_len))


def test_bm25_matches_the_lucene_formula():
    texts = ["apple pie", "banana bread", "apple apple tart", "the of and"]  # last: stop words only
    hits = bm25_rank("apple", texts, top_k=4)
    average = (2 + 2 + 3 + 0) / 4
    expected = {2: lucene_bm25(2, 3, average, 4, 2), 0: lucene_bm25(1, 2, average, 4, 2)}
    assert [h.index for h in hits[:2]] == [2, 0]
    assert hits[0].score == pytest.approx(expected[2], rel=1e-5)
    assert hits[1].score == pytest.approx(expected[0], rel=1e-5)
    assert [(h.index, h.score) for h in hits[2:]] == [(1, 0.0), (3, 0.0)]  # no shared term: 0


def test_bm25_knows_stems_but_no_synonyms():
    texts = [
        "Dust in the charging port causes a poor connection.",
        "You can change the phone number.",
        "The mobile battery drains overnight.",
    ]
    index = KeywordIndex(texts)
    scores = index.scores("My phone won't charge")
    assert scores[0] > 0.0  # charge and charging: one stem, as published BM25 has it
    assert scores[1] > 0.0
    assert index.scores("cell phone")[2] == 0.0  # mobile is no keyword for phone
    assert index.shared_terms("My phone won't charge", 0) == ["charge"]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("My phone won't charge", ["my", "phone", "won", "charg"]),
        ("The apples and THE pies, charging", ["appl", "pie", "charg"]),
        ("手机充不进电", ["手机", "充不进", "电"]),
        ("您可以修改手机号", ["您", "可以", "修改", "手机", "手机号"]),
        ("苹果的Apple", ["苹果", "appl"]),
        ("", []),
    ],
)
def test_keyword_terms(text, terms):
    assert keyword_terms(text) == terms


def test_shared_terms_explain_a_keyword_hit():
    index = KeywordIndex(["You can track your parcel under My orders", "phone phone number"])
    assert index.shared_terms("my phone", 0) == ["my"]
    assert index.shared_terms("my phone", 1) == ["phone"]
    assert index.search("", top_k=2)[0].score == 0.0  # an empty query matches nothing


def test_reciprocal_rank_fusion_by_hand():
    fused = reciprocal_rank_fusion([[3, 1, 2], [1, 4]], k=60)
    expected = {1: 1 / 62 + 1 / 61, 3: 1 / 61, 4: 1 / 62, 2: 1 / 63}
    assert [h.index for h in fused] == [1, 3, 4, 2]
    assert all(h.score == pytest.approx(expected[h.index]) for h in fused)
    assert [h.index for h in reciprocal_rank_fusion([[3, 1, 2], [1, 4]], top_k=2)] == [1, 3]


def test_threshold_sweep_by_hand():
    scores = [0.9, 0.8, 0.7, 0.4, 0.3]
    labels = [True, False, True, True, False]
    sweep = threshold_sweep(scores, labels)
    assert [row[0] for row in sweep] == pytest.approx([0.3, 0.4, 0.7, 0.8, 0.9])
    by_threshold = {round(t, 1): (p, r, f) for t, p, r, f in sweep}
    assert by_threshold[0.9] == pytest.approx((1.0, 1 / 3, 0.5))
    assert by_threshold[0.8] == pytest.approx((0.5, 1 / 3, 0.4))
    assert by_threshold[0.7] == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert by_threshold[0.4] == pytest.approx((0.75, 1.0, 6 / 7))
    assert by_threshold[0.3] == pytest.approx((0.6, 1.0, 0.75))
    assert best_threshold(sweep)[0] == pytest.approx(0.4)


def test_sweep_ties_and_no_positives():
    sweep = threshold_sweep([0.5, 0.5, 0.2], [True, False, False])
    assert len(sweep) == 2  # one row per distinct score
    assert threshold_sweep([0.5, 0.2], [False, False]) == [
        (0.2, 0.0, 0.0, 0.0),
        (0.5, 0.0, 0.0, 0.0),
    ]


@pytest.mark.parametrize(("scores", "labels"), [([0.1], []), ([], [])])
def test_sweep_needs_one_label_per_score(scores, labels):
    with pytest.raises(InvalidArgumentError):
        threshold_sweep(scores, labels)


def test_best_on_the_slider_grid():
    scores, labels = [0.9, 0.8, 0.7, 0.4, 0.3], [True, False, True, True, False]
    grid = [round(0.1 + 0.05 * i, 2) for i in range(17)]
    threshold, f1 = best_on_grid(scores, labels, grid)
    assert (threshold, f1) == (pytest.approx(0.4), pytest.approx(6 / 7))


def test_labels_csv():
    data = (
        "query,text,relevant\n"
        "phone won't charge,Dust in the port,1\n"
        "phone won't charge,Refunds,no\n"
    )
    labels = read_labels_csv(("\ufeff" + data).encode())
    assert [(label.text, label.relevant) for label in labels] == [
        ("Dust in the port", True),
        ("Refunds", False),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"query,text\nq,t\n", "missing: relevant"),
        (
            b"query,text,relevant\nq,t,maybe\n",
            "The labels file, row 2: relevant='maybe' is not a label",
        ),
        ("query,text,relevant\nq,café,1\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_labels_csv_names_the_problem(data, message):
    with pytest.raises(InvalidArgumentError, match=message):
        read_labels_csv(data)


def test_pca_recovers_a_plane_up_to_rotation():
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(50, 2)) * [5.0, 1.0]
    basis = np.linalg.qr(rng.normal(size=(64, 2)))[0]  # an orthonormal 2-D basis in 64-D
    points = project_2d(plane @ basis.T + 3.0)
    assert points.shape == (50, 2)
    distances = lambda x: np.linalg.norm(x[:, None] - x[None], axis=-1)  # noqa: E731
    np.testing.assert_allclose(distances(points), distances(plane), atol=1e-3)
    np.testing.assert_array_equal(points, project_2d(plane @ basis.T + 3.0))  # deterministic


@pytest.mark.parametrize(
    ("vectors", "method", "message"),
    [
        (np.ones((2, 4)), "pca", "at least 3"),
        (np.ones((5, 4)), "isomap", "Unknown projection 'isomap'"),
    ],
)
def test_projection_errors(vectors, method, message):
    with pytest.raises(InvalidArgumentError, match=message):
        project_2d(vectors, method=method)


def test_map_sample_keeps_the_points_that_matter():
    chosen = sample_for_map(50_000, keep=[7, 49_999, 123], limit=5000)
    assert len(chosen) == 5000
    assert {7, 123, 49_999} <= set(chosen.tolist())
    assert np.all(np.diff(chosen) > 0)
    assert sample_for_map(10, keep=[3], limit=5000).tolist() == list(range(10))


def test_rank_agreement():
    assert overlap_at_k([1, 2, 3, 4], [3, 1, 9, 8], k=2) == 0.5
    assert overlap_at_k([1, 2, 3], [1, 2, 3], k=3) == 1.0
    assert spearman(np.array([0.1, 0.5, 0.3]), np.array([1.0, 3.0, 2.0])) == pytest.approx(1.0)
    assert spearman(np.array([0.1, 0.5, 0.3]), np.array([3.0, 1.0, 2.0])) == pytest.approx(-1.0)
    with pytest.raises(InvalidArgumentError, match="must match"):
        spearman(np.ones(3), np.ones(4))
