"""The contract between an embedder and a model runtime.

A backend turns texts into token ids and batches of token ids into pooled, L2-normalised
vectors of its native size. Everything else (prompts, batching, output dimension, caching)
is built once on top of it. :class:`semsearch.transformer_backend.TransformerBackend` is the
PyTorch implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Tokenized:
    """Token ids ready for the model, and how long each text was before any cut."""

    ids: list[list[int]]
    full_lengths: list[int]


class Backend(Protocol):
    """A loaded model that embeds token ids; one forward pass at a time."""

    native_dim: int
    model_max_length: int
    device: str
    dtype: str
    notices: list[str]

    def tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        """Token ids of each text cut to ``max_length`` (special tokens kept)."""
        ...

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens of one text as strings, for display."""
        ...

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """float32 [len(batch), native_dim] unit vectors for rows of token ids."""
        ...
