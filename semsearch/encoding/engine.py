"""The engine contract: texts in, unit vectors out.

An engine is what runs a model: a transformers model in this process
(:class:`semsearch.encoding.engines.tokens.TokenEngine` over a
:class:`~semsearch.encoding.engines.local.TransformerRuntime`) or a server behind an
OpenAI-compatible ``/v1/embeddings`` (:class:`semsearch.encoding.engines.remote.RemoteEngine`:
vLLM, text-embeddings-inference, Ollama). It takes the exact strings the model must read
(the embedder has already applied the query instruction), cuts each to a token cap, and
yields L2-normalised float32 vectors in batches of its own choosing.

What it does not do: prompts, output-dimension policy, caching and progress are built once
on top of it in :class:`semsearch.encoding.embedder.Embedder`.

Tokenisation is a capability, not the contract: an engine that holds the model's tokenizer
also implements :class:`Tokenizing`, which the views that show tokens and the chunker that
cuts token windows ask for. A remote engine does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

UNKNOWN_TOKENS = -1
"""A token count an engine cannot tell (a remote server reports only totals)."""

EngineKind = Literal["local", "remote"]


@dataclass(frozen=True)
class EncodedBatch:
    """One batch's vectors, with the input positions they belong to."""

    indices: list[int]
    """Positions in the input sequence, in the order of :attr:`vectors`' rows."""
    vectors: np.ndarray
    """float32 [len(indices), dim], unit rows."""
    token_counts: list[int]
    """Tokens of each input before the cap (above it, the model saw only the start);
    :data:`UNKNOWN_TOKENS` where the engine cannot tell."""


@runtime_checkable
class Engine(Protocol):
    """A model that turns texts into unit vectors; safe to share between threads."""

    @property
    def kind(self) -> EngineKind:
        """``local`` (a model in this process) or ``remote`` (a server)."""
        ...

    @property
    def name(self) -> str:
        """The model's name: its hub id or folder name, or the name a server serves it under."""
        ...

    @property
    def native_dim(self) -> int:
        """The model's own vector size."""
        ...

    @property
    def model_max_length(self) -> int:
        """The most tokens the model takes per text; callers cap at or below it."""
        ...

    @property
    def device(self) -> str:
        """Where it runs: ``cpu``, ``cuda``..., or a server's base URL."""
        ...

    @property
    def dtype(self) -> str:
        """Precision of the forward pass (``bf16``, ``fp32``...); ``server`` when not known."""
        ...

    @property
    def notices(self) -> list[str]:
        """Things the user should know about how it runs (a fallback, a precision switch)."""
        ...

    def encode(
        self, texts: Sequence[str], *, max_length: int, dim: int | None = None
    ) -> Iterator[EncodedBatch]:
        """Vectors for ``texts`` (already prompted), batch by batch, every index once.

        Each text is cut to ``max_length`` tokens. ``dim`` (``None``: native) is the width
        of the vectors yielded: an engine may ask its model for it (Matryoshka) or cut and
        re-normalise itself; either way every row has unit length.

        Raises:
            SemsearchError: a subclass with the cause and the fix (a text too long for the
                device's memory, an unreachable server, a malformed response...).
        """
        ...


@runtime_checkable
class Tokenizing(Protocol):
    """The model's own tokenizer, for the views that show tokens and for token windows."""

    @property
    def special_tokens(self) -> int:
        """Tokens the tokenizer adds to every text ([CLS]/[SEP], EOS...)."""
        ...

    def count_tokens(self, texts: Sequence[str], max_length: int) -> list[int]:
        """Tokens of each text (special tokens included) before the cap; no forward pass."""
        ...

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens the model reads for ``text`` after the cap, as strings (for display)."""
        ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text``, special tokens left out (to cut it)."""
        ...
