import random

import pytest

from semsearch.encoding.batching import plan_batches


@pytest.mark.parametrize(
    "lengths",
    [
        [],
        [1],
        [5] * 17,
        [1, 200, 3, 3, 50, 7, 7, 7, 100, 2],
        [random.Random(s).randint(1, 300) for s in range(101)],
    ],
)
@pytest.mark.parametrize(("budget", "max_batch"), [(64, 4), (256, 64), (1000, 5), (1, 1)])
def test_every_text_once_within_budget_longest_first(lengths, budget, max_batch):
    batches = plan_batches(lengths, budget, max_batch)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert len(batch) <= max_batch
        assert len(batch) == 1 or len(batch) * width <= budget
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)


def test_budget_packs_many_short_or_few_long():
    assert [len(b) for b in plan_batches([10] * 8, 40, 100)] == [4, 4]
    assert [len(b) for b in plan_batches([100, 100, 10, 10], 200, 100)] == [2, 2]


def test_text_longer_than_budget_gets_its_own_batch():
    assert plan_batches([500, 3, 3], 100, 10) == [[0], [1, 2]]


@pytest.mark.parametrize(("budget", "max_batch"), [(0, 1), (1, 0)])
def test_invalid_limits(budget, max_batch):
    with pytest.raises(ValueError, match="must be >= 1"):
        plan_batches([1], budget, max_batch)


@pytest.mark.parametrize("lengths", [[5] * 17, [1, 200, 3, 3, 50, 7, 7, 7, 100, 2]])
def test_packed_batches_count_real_tokens_only(lengths):
    batches = plan_batches(lengths, 64, 1000, padded=False)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or sum(lengths[i] for i in batch) <= 64


def test_packing_fits_more_texts_than_padding():
    lengths = [60, 10, 10, 10, 10]
    assert len(plan_batches(lengths, 100, 100, padded=True)) == 2  # [60], [10 x 4]
    assert len(plan_batches(lengths, 100, 100, padded=False)) == 1
