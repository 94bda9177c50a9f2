import numpy as np
import pytest

from semsearch.encoding.engines.pooling import first_token, last_token, mean
from semsearch.encoding.vectors import normalise


def test_rows_become_unit_length():
    rows = np.random.default_rng(0).normal(size=(7, 33)).astype(np.float64)
    out = normalise(rows)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)


def test_zero_row_stays_zero_not_nan():
    out = normalise(np.zeros((2, 4)))
    assert np.array_equal(out, np.zeros((2, 4), dtype=np.float32))


def test_mrl_keeps_first_values_then_renormalises():
    row = np.array([[3.0, 4.0, 100.0, -7.0]])
    np.testing.assert_allclose(normalise(row, dim=2), [[0.6, 0.8]], rtol=1e-6)


torch = pytest.importorskip("torch")


def _batch():
    hidden = torch.arange(2 * 4 * 3, dtype=torch.float32).reshape(2, 4, 3)
    left = torch.tensor([[0, 0, 1, 1], [1, 1, 1, 1]])
    right = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    return hidden, left, right


def test_last_token_with_left_and_right_padding():
    hidden, left, right = _batch()
    assert torch.equal(last_token(hidden, left), hidden[[0, 1], [3, 3]])
    assert torch.equal(last_token(hidden, right), hidden[[0, 1], [1, 3]])


def test_mean_ignores_padding():
    hidden, left, right = _batch()
    assert torch.allclose(mean(hidden, left)[0], hidden[0, 2:].mean(dim=0))
    assert torch.allclose(mean(hidden, right)[0], hidden[0, :2].mean(dim=0))
    assert torch.allclose(mean(hidden, right)[1], hidden[1].mean(dim=0))


def test_first_token_with_left_and_right_padding():
    hidden, left, right = _batch()
    assert torch.equal(first_token(hidden, left), hidden[[0, 1], [2, 0]])
    assert torch.equal(first_token(hidden, right), hidden[[0, 1], [0, 0]])


def test_preview_vector_summarises_one_vector():
    from semsearch.analysis.inspection import preview_vector

    vector = normalise(np.arange(1, 101, dtype=np.float32)[None, :])[0]
    preview = preview_vector(vector, head=50, bins=10)
    assert preview.dim == 100
    np.testing.assert_allclose(preview.head, vector[:50])
    assert preview.norm == pytest.approx(1.0, abs=1e-6)
    assert (preview.minimum, preview.maximum) == (float(vector[0]), float(vector[-1]))
    assert sum(preview.histogram_counts) == 100
    assert len(preview.histogram_edges) == 11
