"""The embedder: texts in, unit vectors out, as each model's card says to make them.

Built on one primitive, an engine's ``encode`` (texts to unit vectors, see
:mod:`semsearch.encoding.engine`): a model in this process or a server. On top of it this
module adds the query instruction, the length cap, progress and the output dimension
(Matryoshka truncation, then re-normalisation). Batching is the engine's: it knows its
device or its server. The embedder does not cache: :mod:`semsearch.encoding.vector_cache`
does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from semsearch.encoding.approximate_tokens import approximate_token_spans
from semsearch.encoding.engine import EncodedBatch, Engine, Tokenizing
from semsearch.encoding.load_report import LoadReport
from semsearch.encoding.prompts import format_query
from semsearch.errors import (
    InvalidArgumentError,
    NoTokenizerError,
    SemsearchError,
    check_unicode,
)

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
        engine: Engine,
        *,
        name: str,
        prompting: Prompting | None = None,
        dim: int | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
        report: LoadReport | None = None,
    ) -> None:
        self.engine = engine
        self.name = name
        self.report = report
        """How the model was loaded (``None`` for an embedder built by hand)."""
        self.prompting = prompting or Prompting()
        self.native_dim = engine.native_dim
        self.dim = self._check_dim(dim)
        if max_length < 8:
            raise InvalidArgumentError(f"max_length must be at least 8 tokens, got {max_length}.")
        self.max_length = min(max_length, engine.model_max_length)

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
            self.engine,
            name=self.name,
            prompting=self.prompting,
            dim=self.dim if dim is None else dim,
            max_length=self.max_length if max_length is None else max_length,
            report=self.report,
        )

    @property
    def device(self) -> str:
        """Where the model runs (``"cpu"``, ``"cuda"``...)."""
        return self.engine.device

    @property
    def dtype(self) -> str:
        """Precision of the forward pass (``"bf16"``, ``"fp16"``, ``"fp32"``)."""
        return self.engine.dtype

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
    ) -> Iterator[EncodedBatch]:
        """Encode ``texts`` batch by batch, as the engine batches them, as a generator.

        Lets a caller keep each batch's vectors before the next one runs; :meth:`embed`
        collects them in input order.

        Raises:
            SemsearchError: from the engine (a text too big for the device, a server fault).
        """
        inputs = [self.model_input(text, kind=kind, instruction=instruction) for text in texts]
        for n, text in enumerate(inputs):
            check_unicode(text, f"Text {n + 1}")
        for batch in self.engine.encode(inputs, max_length=self.max_length, dim=self.dim):
            if batch.vectors.shape != (len(batch.indices), self.dim):
                raise SemsearchError(
                    f"The engine {self.engine.name} returned vectors of shape "
                    f"{batch.vectors.shape} for {len(batch.indices)} texts at dimension "
                    f"{self.dim}."
                )
            yield batch

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

    @cached_property
    def tokenizer(self) -> Tokenizing | None:
        """The engine's tokenizer, or ``None`` when it has none to offer (a remote server)."""
        # Looked up once: isinstance against a runtime-checkable Protocol reads every member,
        # and special_tokens tokenises a probe (~2 ms; splitting a file asks per passage).
        return self.engine if isinstance(self.engine, Tokenizing) else None

    def _tokenizer(self) -> Tokenizing:
        tokenizer = self.tokenizer
        if tokenizer is None:
            raise NoTokenizerError(
                f"{self.name} runs on {self.engine.device}, which does not share its tokenizer: "
                "token counts, token views and token windows need the model loaded locally "
                "(leave SEMSEARCH_EMBED_URL unset), or cut by lines or paragraphs instead."
            )
        return tokenizer

    def count_tokens(
        self, texts: Sequence[str], *, kind: Kind = "document", instruction: str | None = None
    ) -> list[int]:
        """Tokens of each model input before the length cap (no forward pass).

        Raises:
            NoTokenizerError: the engine has no tokenizer to offer.
        """
        inputs = [self.model_input(text, kind=kind, instruction=instruction) for text in texts]
        return self._tokenizer().count_tokens(inputs, self.max_length)

    @property
    def passage_tokens(self) -> int:
        """Most tokens of a document's own text that fit under the cap.

        The special tokens and the document prefix take the rest. Without a tokenizer (a
        remote engine) two tokens are set aside, as Qwen3 and BERT-style models add at most
        two.
        """
        tokenizer = self.tokenizer
        if tokenizer is None:
            prefix = len(approximate_token_spans(self.prompting.document_prefix))
            return max(1, self.max_length - 2 - prefix)
        prefix = len(tokenizer.token_spans(self.prompting.document_prefix))
        return max(1, self.max_length - tokenizer.special_tokens - prefix)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text`` (no special tokens): where to cut it.

        Without a tokenizer (a remote engine) the spans are an estimate that errs on the
        side of more, shorter tokens (see :func:`approximate_token_spans`), so that windows
        cut with it stay under the cap.
        """
        tokenizer = self.tokenizer
        return approximate_token_spans(text) if tokenizer is None else tokenizer.token_spans(text)

    def tokens(
        self, text: str, *, kind: Kind = "query", instruction: str | None = None
    ) -> list[str]:
        """The tokens the model reads for ``text`` after prompts and the cap (for display)."""
        model_text = self.model_input(text, kind=kind, instruction=instruction)
        return self._tokenizer().token_strings(model_text, self.max_length)
