"""The embedder: texts in, unit vectors out, as each model's card says to make them.

Built on one primitive, a backend's ``encode_batch`` (token ids to vectors). On top of it
this module adds the query instruction, the length cap, token-budget batching with
progress, and the output dimension (Matryoshka truncation, then re-normalisation). It does
not cache: :mod:`semsearch.encoding.vector_cache` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from semsearch.encoding.batching import plan_batches
from semsearch.encoding.engines.tokens import Backend, BackendOutOfMemory
from semsearch.encoding.prompts import format_query
from semsearch.encoding.vectors import normalise
from semsearch.errors import InvalidArgumentError

if TYPE_CHECKING:
    from semsearch.encoding.loading import LoadReport

Kind = Literal["document", "query"]
Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each batch."""

DEFAULT_MAX_LENGTH = 512
MIN_DIM = 32


def mrl_dims(native_dim: int) -> list[int]:
    """Output dimensions worth offering: powers of two from 32, and the native size."""
    dims = [d for d in (32, 64, 128, 256, 512, 1024, 2048, 4096) if d < native_dim]
    return [*dims, native_dim]


@dataclass(frozen=True)
class Prompting:
    """How a model wants its inputs written (read from its folder)."""

    default_task: str | None = None
    query_prefix: str = ""
    document_prefix: str = ""


@dataclass(frozen=True)
class EmbeddedBatch:
    """One batch's vectors, with the input positions they belong to."""

    indices: list[int]
    vectors: np.ndarray
    token_counts: list[int]


@dataclass(frozen=True)
class Embedding:
    """Vectors for a list of texts, in input order."""

    vectors: np.ndarray
    """float32 [n, dim], each row of unit length."""
    token_counts: np.ndarray
    """int64 [n]: tokens of each model input before the length cap; above it, it was cut."""


class Embedder:
    """Encodes documents and queries into L2-normalised float32 vectors of size :attr:`dim`.

    Cheap to copy with other options (:meth:`with_options`); copies share the loaded model.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        name: str,
        prompting: Prompting | None = None,
        dim: int | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
        report: LoadReport | None = None,
    ) -> None:
        self.backend = backend
        self.name = name
        self.report = report
        """How the model was loaded (``None`` for an embedder built by hand)."""
        self.prompting = prompting or Prompting()
        self.native_dim = backend.native_dim
        self.dim = self._check_dim(dim)
        if max_length < 8:
            raise InvalidArgumentError(f"max_length must be at least 8 tokens, got {max_length}.")
        self.max_length = min(max_length, backend.model_max_length)

    def _check_dim(self, dim: int | None) -> int:
        if dim is None:
            return self.native_dim
        low = min(MIN_DIM, self.native_dim)
        if not low <= dim <= self.native_dim:
            raise InvalidArgumentError(
                f"Output dimension {dim} is out of range for {self.name}: "
                f"choose {low}..{self.native_dim}."
            )
        return int(dim)

    def with_options(self, *, dim: int | None = None, max_length: int | None = None) -> Embedder:
        """A copy with another output dimension or length cap, sharing the loaded model."""
        return Embedder(
            self.backend,
            name=self.name,
            prompting=self.prompting,
            dim=self.dim if dim is None else dim,
            max_length=self.max_length if max_length is None else max_length,
            report=self.report,
        )

    @property
    def device(self) -> str:
        """Where the model runs (``"cpu"``, ``"cuda"``...)."""
        return self.backend.device

    @property
    def dtype(self) -> str:
        """Precision of the forward pass (``"bf16"``, ``"fp16"``, ``"fp32"``)."""
        return self.backend.dtype

    @property
    def default_task(self) -> str | None:
        """The task used for queries when none is given; ``None``: the model takes none."""
        return self.prompting.default_task

    @property
    def instruction_aware(self) -> bool:
        """Whether queries carry an ``Instruct: ...`` line for this model."""
        return self.prompting.default_task is not None

    @property
    def model_fingerprint(self) -> str:
        """What changes a full-size vector besides the text: model, precision, length cap."""
        return f"{self.name}|{self.dtype}|max={self.max_length}"

    @property
    def fingerprint(self) -> str:
        """:attr:`model_fingerprint` plus the output dimension: identifies a vector space."""
        return f"{self.model_fingerprint}|dim={self.dim}"

    def model_input(
        self, text: str, *, kind: Kind = "document", instruction: str | None = None
    ) -> str:
        """The exact string the model reads for ``text``.

        Queries of instruction-aware models get ``Instruct: {task}\\nQuery:{text}``, with the
        default task when ``instruction`` is ``None`` and no instruction when it is blank.
        Other models get their own prefix, if any. Documents get the document prefix (none
        for Qwen3-Embedding).
        """
        if kind == "document":
            return self.prompting.document_prefix + text
        if self.instruction_aware:
            task = self.prompting.default_task if instruction is None else instruction
            return format_query(text, task)
        return self.prompting.query_prefix + text

    def embed_batches(
        self, texts: Sequence[str], *, kind: Kind = "document", instruction: str | None = None
    ) -> Iterator[EmbeddedBatch]:
        """Encode ``texts`` batch by batch (longest first, by token budget) as a generator.

        Lets a caller keep each batch's vectors before the next one runs; :meth:`embed`
        collects them in input order. When the device runs out of memory, the backend's
        token budget is halved (for good: memory is short on this device) and the texts not
        yet encoded are planned again.

        Raises:
            InvalidArgumentError: a single text does not fit in the device's memory.
        """
        inputs = [self.model_input(text, kind=kind, instruction=instruction) for text in texts]
        tokens = self.backend.tokenize(inputs, self.max_length)
        lengths = [len(ids) for ids in tokens.ids]
        pending = list(range(len(inputs)))
        while pending:
            backend = self.backend
            plan = plan_batches(
                [lengths[i] for i in pending],
                backend.token_budget,
                backend.max_batch,
                padded=not backend.packs,
            )
            batches = [[pending[j] for j in batch] for batch in plan]
            for done, batch in enumerate(batches):
                try:
                    encoded = backend.encode_batch([tokens.ids[i] for i in batch])
                except BackendOutOfMemory as error:
                    if len(batch) == 1:
                        raise InvalidArgumentError(
                            f"{error} One text of {lengths[batch[0]]} tokens does not fit: "
                            "lower the token cap (max_length) or use a smaller model."
                        ) from None
                    backend.token_budget = max(1, backend.token_budget // 2)
                    pending = [i for rest in batches[done:] for i in rest]
                    break
                counts = [tokens.full_lengths[i] for i in batch]
                yield EmbeddedBatch(batch, normalise(encoded, self.dim), counts)
            else:
                pending = []

    def embed(
        self,
        texts: Sequence[str],
        *,
        kind: Kind = "document",
        instruction: str | None = None,
        progress: Progress | None = None,
    ) -> Embedding:
        """Vectors and token counts for ``texts``, batched by token budget, in input order."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        counts = np.zeros(len(texts), dtype=np.int64)
        done = 0
        for batch in self.embed_batches(texts, kind=kind, instruction=instruction):
            vectors[batch.indices] = batch.vectors
            counts[batch.indices] = batch.token_counts
            done += len(batch.indices)
            if progress is not None:
                progress(done, len(texts))
        return Embedding(vectors, counts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """float32 [n, dim] unit vectors for knowledge-base texts (no instruction)."""
        return self.embed(texts, kind="document").vectors

    def encode_queries(self, texts: Sequence[str], instruction: str | None = None) -> np.ndarray:
        """float32 [n, dim] unit vectors for queries.

        ``instruction`` is the task text (``None``: the model's default task; ``""``: no
        instruction). Models without instructions ignore it.
        """
        return self.embed(texts, kind="query", instruction=instruction).vectors

    def count_tokens(
        self, texts: Sequence[str], *, kind: Kind = "document", instruction: str | None = None
    ) -> list[int]:
        """Tokens of each model input before the length cap (no forward pass)."""
        inputs = [self.model_input(text, kind=kind, instruction=instruction) for text in texts]
        return self.backend.tokenize(inputs, self.max_length).full_lengths

    @property
    def passage_tokens(self) -> int:
        """Most tokens of a document's own text that fit under the cap.

        The special tokens and the document prefix take the rest.
        """
        prefix = len(self.backend.token_spans(self.prompting.document_prefix))
        return max(1, self.max_length - self.backend.special_tokens - prefix)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text`` (no special tokens): where to cut it."""
        return self.backend.token_spans(text)

    def tokens(
        self, text: str, *, kind: Kind = "query", instruction: str | None = None
    ) -> list[str]:
        """The tokens the model reads for ``text`` after prompts and the cap (for display)."""
        model_text = self.model_input(text, kind=kind, instruction=instruction)
        return self.backend.token_strings(model_text, self.max_length)
