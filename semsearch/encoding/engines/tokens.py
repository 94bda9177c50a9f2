"""The contract between an embedder and a model runtime.

A backend turns texts into token ids and batches of token ids into pooled, L2-normalised
vectors of its native size. Everything else (prompts, batching, output dimension, caching)
is built once on top of it. :class:`semsearch.encoding.engines.local.TransformerBackend` is the
PyTorch implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from semsearch.errors import SemsearchError


class BackendOutOfMemory(SemsearchError):  # noqa: N818 - reads as what happened
    """The device ran out of memory on a batch; a smaller batch may fit (the embedder retries)."""


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
    token_budget: int
    """Most tokens per batch (padding included unless :attr:`packs`); the embedder halves it
    when the device runs out of memory."""
    max_batch: int
    packs: bool
    """True when batches run without padding, so a batch costs the sum of its lengths."""

    def tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        """Token ids of each text cut to ``max_length`` (special tokens kept)."""
        ...

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens of one text as strings, for display."""
        ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text``, special tokens left out (for chunking)."""
        ...

    @property
    def special_tokens(self) -> int:
        """Tokens the tokenizer adds to every text ([CLS]/[SEP], EOS...)."""
        ...

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """float32 [len(batch), native_dim] unit vectors for rows of token ids.

        Raises:
            BackendOutOfMemory: the batch did not fit in the device's memory.
        """
        ...
