"""A deterministic stand-in for a model runtime, for testing the logic around it.

Each word becomes one token id (its CRC-32 modulo a small vocabulary) and a text ends with
an EOS id, like Qwen3's tokenizer. A vector counts token ids into ``native_dim`` buckets,
so equal texts get equal vectors and the tests can predict every score. The runtime
records every batch it is asked to encode; :func:`fake_embedder` runs it through the real
:class:`~semsearch.encoding.engines.tokens.TokenEngine`, and :func:`open_words` opens it as
an engine kind of its own (the engine contract suite registers it in ``ENGINES``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from semsearch.encoding.engines.opening import EngineRequest, OpenedEngine
from semsearch.encoding.engines.tokens import DeviceOutOfMemory, Tokenized
from semsearch.encoding.vectors import normalise

EOS_ID = 0


def word_id(word: str) -> int:
    return 1 + zlib.crc32(word.lower().encode()) % 997


class WordRuntime:
    """``memory``: the most padded tokens a batch may hold before it "runs out of memory"."""

    def __init__(
        self, native_dim: int = 48, model_max_length: int = 64, memory: int | None = None
    ) -> None:
        self.native_dim = native_dim
        self.model_max_length = model_max_length
        self.device = "cpu"
        self.dtype = "fp32"
        self.notices: list[str] = []
        self.token_budget = 4096
        self.max_batch = 64
        self.packs = False
        self.memory = memory
        self.batches: list[list[list[int]]] = []
        self.failed: list[int] = []

    @property
    def encoded_rows(self) -> int:
        return sum(len(batch) for batch in self.batches)

    def tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        full = [[word_id(word) for word in text.split()] + [EOS_ID] for text in texts]
        ids = [row if len(row) <= max_length else [*row[: max_length - 1], EOS_ID] for row in full]
        return Tokenized(ids, [len(row) for row in full])

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]

    @property
    def special_tokens(self) -> int:
        return 1  # the EOS

    def token_strings(self, text: str, max_length: int) -> list[str]:
        return [str(i) for i in self.tokenize([text], max_length).ids[0]]

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        padded = len(batch) * max(len(row) for row in batch)
        if self.memory is not None and padded > self.memory:
            self.failed.append(padded)
            raise DeviceOutOfMemory(
                f"cpu ran out of memory on a batch of {len(batch)} texts ({padded} tokens)."
            )
        self.batches.append([list(row) for row in batch])
        vectors = np.zeros((len(batch), self.native_dim), dtype=np.float32)
        for row, ids in enumerate(batch):
            for token in ids:
                if token != EOS_ID:
                    vectors[row, token % self.native_dim] += 1.0
        return normalise(vectors)


def open_words(request: EngineRequest) -> OpenedEngine:
    """The fake as an engine kind for :data:`semsearch.encoding.engines.ENGINES` (tests only)."""
    from semsearch.encoding.embedder import Prompting
    from semsearch.encoding.engines import OpenedEngine, TokenEngine

    engine = TokenEngine(WordRuntime(), name=request.model)
    return OpenedEngine(engine, request.model, Prompting(), "(in memory)", "local folder", 0.0)


def fake_embedder(
    token_budget: int = 4096, max_batch: int = 64, memory: int | None = None, **options: object
):
    from semsearch.encoding.embedder import Embedder, Prompting
    from semsearch.encoding.engines.tokens import TokenEngine
    from semsearch.encoding.prompts import DEFAULT_TASK

    runtime = WordRuntime(memory=memory)
    runtime.token_budget, runtime.max_batch = token_budget, max_batch
    prompting = Prompting(default_task=DEFAULT_TASK)
    engine = TokenEngine(runtime, name="fake-words")
    return Embedder(engine, name="fake-words", prompting=prompting, **options)  # type: ignore[arg-type]
