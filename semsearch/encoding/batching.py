"""Group texts into batches by a token budget rather than a fixed count.

Padding makes every row of a batch as long as its longest row, so a batch costs
``rows x longest`` tokens of work. Sorting by length keeps rows of a batch alike (little
padding), and a token budget keeps each batch the same size in work: many short texts or a
few long ones. Longest first means a batch that does not fit in memory fails at once.
"""

from __future__ import annotations

from collections.abc import Sequence


def plan_batches(
    lengths: Sequence[int], token_budget: int, max_batch: int, *, padded: bool = True
) -> list[list[int]]:
    """Split indices ``0..len(lengths)-1`` into batches, longest texts first.

    Each batch holds at most ``max_batch`` rows and at most ``token_budget`` tokens: padded
    (rows x its longest row) or, for packed batches (``padded=False``), the sum of its
    lengths. A single text longer than the budget gets a batch of its own. Every index
    appears exactly once.
    """
    if token_budget < 1 or max_batch < 1:
        raise ValueError(f"token_budget ({token_budget}) and max_batch ({max_batch}) must be >= 1")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    tokens = 0
    for index in order:
        # Sorted longest first, so the batch's first row fixes its padded width.
        width = lengths[current[0]] if current else lengths[index]
        cost = (len(current) + 1) * width if padded else tokens + lengths[index]
        if current and (len(current) >= max_batch or cost > token_budget):
            batches.append(current)
            current, tokens = [], 0
        current.append(index)
        tokens += lengths[index]
    if current:
        batches.append(current)
    return batches
