"""An engine for models that run in this process: token ids in, vectors out, batched here.

A :class:`TokenRuntime` is a loaded model that turns texts into token ids and batches of
token ids into pooled, L2-normalised vectors of its native size
(:class:`semsearch.encoding.engines.local.TransformerRuntime` is the PyTorch one; the tests
have a deterministic one). :class:`TokenEngine` turns any runtime into an
:class:`~semsearch.encoding.engine.Engine`: it tokenises, plans batches by a token budget
(longest first), halves that budget when the device runs out of memory, and cuts vectors to
the asked dimension. Because it holds the tokenizer it also offers
:class:`~semsearch.encoding.engine.Tokenizing`.

The texts of one call are tokenised :data:`TOKENIZE_CHUNK` at a time, so that a session
tokenising a 200,000-line paste lets another's query through between chunks, and can be
stopped between them (:func:`~semsearch.checkpoints.checkpoint`) (the runtime's
forward passes take turns the same way, batch by batch: see
:class:`~semsearch.encoding.turns.FairLock`).

What it does not do: prompts (the embedder writes the exact model input) or caching.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from semsearch.checkpoints import checkpoint
from semsearch.encoding.batching import plan_batches
from semsearch.encoding.engine import EncodedBatch, EngineKind
from semsearch.encoding.vectors import normalise
from semsearch.errors import DeviceOutOfMemory, InvalidArgumentError

TOKENIZE_CHUNK = 1024
"""Texts tokenised in one call of the runtime (milliseconds for a fast tokenizer)."""


@dataclass(frozen=True)
class Tokenized:
    """Token ids ready for the model, and how long each text was before any cut."""

    ids: list[list[int]]
    full_lengths: list[int]


class TokenRuntime(Protocol):
    """A loaded model that embeds token ids; one forward pass at a time."""

    native_dim: int
    model_max_length: int
    device: str
    dtype: str
    notices: list[str]
    token_budget: int
    """Most tokens per batch (padding included unless :attr:`packs`)."""
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
            DeviceOutOfMemory: the batch did not fit in the device's memory.
        """
        ...


class TokenEngine:
    """A :class:`TokenRuntime` as an engine: token-budget batches, out-of-memory halving.

    Shared by every session of a page, so the one piece of state it changes (the token
    budget, halved for good when the device runs out of memory) changes under a lock.
    """

    def __init__(self, runtime: TokenRuntime, *, name: str) -> None:
        self.runtime = runtime
        self._name = name
        self._budget_lock = threading.Lock()

    @property
    def kind(self) -> EngineKind:
        """Always ``local``: the model runs in this process."""
        return "local"

    @property
    def name(self) -> str:
        """The model's name (hub id or folder name)."""
        return self._name

    @property
    def native_dim(self) -> int:
        """The model's own vector size."""
        return self.runtime.native_dim

    @property
    def model_max_length(self) -> int:
        """The most tokens the model takes per text."""
        return self.runtime.model_max_length

    @property
    def device(self) -> str:
        """Where the model runs (``cpu``, ``cuda``...)."""
        return self.runtime.device

    @property
    def dtype(self) -> str:
        """Precision of the forward pass."""
        return self.runtime.dtype

    @property
    def notices(self) -> list[str]:
        """What the runtime wants the user to know (packing off, a precision switch)."""
        return self.runtime.notices

    def encode(
        self, texts: Sequence[str], *, max_length: int, dim: int | None = None
    ) -> Iterator[EncodedBatch]:
        """Vectors for ``texts`` batch by batch, longest first, by token budget.

        When the device runs out of memory the budget is halved (for good: memory is short
        on this device) and the texts not yet encoded are planned again.

        Raises:
            InvalidArgumentError: a single text does not fit in the device's memory.
        """
        runtime = self.runtime
        tokens = self._tokenize(texts, max_length)
        lengths = [len(ids) for ids in tokens.ids]
        pending = list(range(len(texts)))
        while pending:
            budget = runtime.token_budget
            plan = plan_batches(
                [lengths[i] for i in pending],
                budget,
                runtime.max_batch,
                padded=not runtime.packs,
            )
            batches = [[pending[j] for j in batch] for batch in plan]
            for done, batch in enumerate(batches):
                try:
                    encoded = runtime.encode_batch([tokens.ids[i] for i in batch])
                except DeviceOutOfMemory as error:
                    if len(batch) == 1:
                        raise InvalidArgumentError(
                            f"{error} One text of {lengths[batch[0]]} tokens does not fit: "
                            "lower the token cap (max_length) or use a smaller model."
                        ) from None
                    self._halve_budget(budget)
                    pending = [i for rest in batches[done:] for i in rest]
                    break
                counts = [tokens.full_lengths[i] for i in batch]
                cut = dim is not None and dim != encoded.shape[1]
                vectors = normalise(encoded, dim) if cut else encoded
                yield EncodedBatch(batch, vectors, counts)
            else:
                pending = []

    def _tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        """The runtime's tokenisation, :data:`TOKENIZE_CHUNK` texts per call."""
        if len(texts) <= TOKENIZE_CHUNK:
            return self.runtime.tokenize(texts, max_length)
        ids: list[list[int]] = []
        lengths: list[int] = []
        for start in range(0, len(texts), TOKENIZE_CHUNK):
            checkpoint()  # a closed tab stops a paste here, before its first batch
            part = self.runtime.tokenize(texts[start : start + TOKENIZE_CHUNK], max_length)
            ids.extend(part.ids)
            lengths.extend(part.full_lengths)
        return Tokenized(ids, lengths)

    def _halve_budget(self, planned: int) -> None:
        """Halve the budget a failed plan used; sessions failing at once halve it only once."""
        with self._budget_lock:
            if self.runtime.token_budget == planned:
                self.runtime.token_budget = max(1, planned // 2)

    @property
    def special_tokens(self) -> int:
        """Tokens the tokenizer adds to every text."""
        return self.runtime.special_tokens

    def count_tokens(self, texts: Sequence[str], max_length: int) -> list[int]:
        """Tokens of each text before the cap (no forward pass)."""
        return self._tokenize(texts, max_length).full_lengths

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens the model reads for ``text`` after the cap, as strings."""
        return self.runtime.token_strings(text, max_length)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text``, special tokens left out."""
        return self.runtime.token_spans(text)
