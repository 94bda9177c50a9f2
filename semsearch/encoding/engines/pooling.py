"""Pool a batch of token states into one vector per text.

Pooling is the only model-specific step between a transformer's hidden states and an
embedding: Qwen3-Embedding reads the state of the last real token (the appended EOS),
MiniLM averages the real tokens. Both must ignore padding on either side.
"""

from __future__ import annotations

import torch

from semsearch.encoding.engines.model_files import Pooling


def last_token(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Hidden state of each row's last non-padding token; right for left and right padding."""
    length = mask.shape[1]
    # argmax finds the first 1 of the flipped mask, i.e. the last real token of the row.
    last = length - 1 - mask.flip(1).to(torch.int32).argmax(dim=1)
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]


def mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average of the hidden states of the real tokens (padding excluded)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    total = (hidden * weights).sum(dim=1)
    return total / weights.sum(dim=1).clamp(min=1.0)


def first_token(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Hidden state of the first real token (CLS); right for left and right padding."""
    first = mask.to(torch.int32).argmax(dim=1)
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), first]


POOLERS = {"lasttoken": last_token, "mean": mean, "cls": first_token}


def pool(hidden: torch.Tensor, mask: torch.Tensor, mode: Pooling) -> torch.Tensor:
    """Pool ``hidden`` [batch, tokens, dim] with ``mask`` [batch, tokens] by ``mode``."""
    return POOLERS[mode](hidden, mask)
