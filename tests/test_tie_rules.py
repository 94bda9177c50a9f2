"""Tie rules and rank statistics that a plausible mistake would break.

Calibration: tied scores are predicted together, and among equal F1s the highest threshold
wins (equal F1s must be equal floats for that). Reciprocal rank fusion: equal fused scores go
to the lower index, whatever the order of the rankings. Spearman is a rank correlation, not
Pearson's: non-linear monotone data correlates exactly 1.
"""

import itertools

import numpy as np
import pytest
from scipy.stats import pearsonr, spearmanr

from semsearch.analysis.calibration import best_on_grid, best_threshold, threshold_sweep
from semsearch.analysis.comparison import spearman
from semsearch.retrieval.ranking import reciprocal_rank_fusion


def test_tied_scores_are_predicted_together():
    sweep = threshold_sweep([0.5, 0.5, 0.2, 0.5], [True, False, False, True])
    assert sweep == [(0.2, 0.5, 1.0, pytest.approx(2 / 3)), (0.5, 2 / 3, 1.0, 0.8)]


def test_equal_f1_goes_to_the_highest_threshold():
    # At 0.75: 3 of 5 predicted are relevant, 3 of 4 relevant found: F1 = 6/9 = 2/3.
    # At 0.6: 4 of 8 predicted, 4 of 4 found: F1 = 8/12 = 2/3. Equal: 0.75 must win.
    scores = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6]
    labels = [True, False, True, False, True, False, False, True]
    sweep = threshold_sweep(scores, labels)
    f1 = {threshold: row_f1 for threshold, _, _, row_f1 in sweep}
    assert f1[0.75] == f1[0.6] == 2 / 3
    assert best_threshold(sweep)[0] == 0.75
    assert best_on_grid(scores, labels, [0.6, 0.75]) == (0.75, 2 / 3)
    assert best_on_grid(scores, labels, [0.75, 0.6]) == (0.75, 2 / 3)


def test_every_equal_f1_is_an_equal_float():
    from fractions import Fraction

    # Every labelling of 8 ranked scores: the exact best (F1, then threshold) is chosen.
    scores = [round(0.95 - 0.05 * i, 2) for i in range(8)]
    for labels in itertools.product([True, False], repeat=8):
        positives = sum(labels)
        if not positives:
            continue
        sweep = threshold_sweep(scores, labels)
        exact = []
        for threshold, *_ in sweep:
            predicted = [s >= threshold for s in scores]
            hits = sum(p and y for p, y in zip(predicted, labels, strict=True))
            exact.append((Fraction(2 * hits, sum(predicted) + positives), threshold))
        assert best_threshold(sweep)[0] == max(exact)[1], labels


def test_rrf_ties_go_to_the_lower_index():
    # 5 and 3 each get one first place: equal scores, the lower index first.
    assert [h.index for h in reciprocal_rank_fusion([[5], [3]])] == [3, 5]
    assert [h.index for h in reciprocal_rank_fusion([[5, 3], [3, 5]])] == [3, 5]
    assert [h.index for h in reciprocal_rank_fusion([[5, 3], [3, 5]], top_k=1)] == [3]


def test_rrf_ties_do_not_depend_on_the_order_of_the_terms():
    # 20 ranks 1, 7, 2 and 10 ranks 7, 2, 1: the same three terms, summed in another order.
    # A running float sum makes 20's total one bit larger; the lower index must still win.
    def ranking(first: int, second: int) -> list[int]:
        rest = iter(range(100, 200))
        return [{first: 20, second: 10}.get(rank) or next(rest) for rank in range(1, 11)]

    fused = reciprocal_rank_fusion([ranking(1, 7), ranking(7, 2), ranking(2, 1)])
    tied = [h for h in fused if h.index in (10, 20)]
    assert [h.index for h in tied] == [10, 20]
    assert tied[0].score == tied[1].score


def test_spearman_is_a_rank_correlation_not_pearson():
    x = np.linspace(-3.0, 5.0, 40)
    assert spearman(x, x**3) == 1.0
    assert spearman(x, np.exp(x)) == 1.0
    assert spearman(x, -(x**5)) == -1.0
    assert pearsonr(x, np.exp(x)).statistic < 0.8  # what Pearson would have said


def test_spearman_equals_scipy_with_ties_and_noise():
    rng = np.random.default_rng(7)
    a = rng.normal(size=200)
    b = np.round(a**3 + rng.normal(scale=2.0, size=200), 1)  # non-linear, noisy, with ties
    b[:10] = b[0]
    assert spearman(a, b) == pytest.approx(spearmanr(a, b).statistic, abs=1e-12)
    assert spearman(a, b) != pytest.approx(pearsonr(a, b).statistic, abs=1e-3)


def test_rrf_scores_are_sums_of_one_over_k_plus_rank():
    fused = reciprocal_rank_fusion([[3, 1, 4], [1, 5]])
    assert [(h.index, h.score) for h in fused] == [
        (1, 1 / 62 + 1 / 61),
        (3, 1 / 61),
        (5, 1 / 62),
        (4, 1 / 63),
    ]
    assert [(h.index, h.score) for h in reciprocal_rank_fusion([[2, 0]], k=1)] == [
        (2, 0.5),
        (0, 1 / 3),
    ]


def test_rrf_top_k_and_empty_rankings():
    assert [h.index for h in reciprocal_rank_fusion([[3, 1, 4], [1, 5]], top_k=2)] == [1, 3]
    assert reciprocal_rank_fusion([[3, 1, 4], [1, 5]], top_k=9) == reciprocal_rank_fusion(
        [[3, 1, 4], [1, 5]]
    )
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []
    assert [h.index for h in reciprocal_rank_fusion([np.array([7, 2])])] == [7, 2]
    assert all(type(h.index) is int for h in reciprocal_rank_fusion([np.array([7, 2])]))
