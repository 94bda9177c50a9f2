"""A deterministic stand-in for a model runtime, for testing the logic around it.

Each word becomes one token id (its CRC-32 modulo a small vocabulary) and a text ends with
an EOS id, like Qwen3's tokenizer. A vector counts token ids into ``native_dim`` buckets,
so equal texts get equal vectors and the tests can predict every score. The backend
records every batch it is asked to encode.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from semsearch.backend import Tokenized
from semsearch.vectors import normalise

EOS_ID = 0


def word_id(word: str) -> int:
    return 1 + zlib.crc32(word.lower().encode()) % 997


class WordBackend:
    def __init__(self, native_dim: int = 48, model_max_length: int = 64) -> None:
        self.native_dim = native_dim
        self.model_max_length = model_max_length
        self.device = "cpu"
        self.dtype = "fp32"
        self.notices: list[str] = []
        self.batches: list[list[list[int]]] = []

    @property
    def encoded_rows(self) -> int:
        return sum(len(batch) for batch in self.batches)

    def tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        full = [[word_id(word) for word in text.split()] + [EOS_ID] for text in texts]
        ids = [row if len(row) <= max_length else [*row[: max_length - 1], EOS_ID] for row in full]
        return Tokenized(ids, [len(row) for row in full])

    def token_strings(self, text: str, max_length: int) -> list[str]:
        return [str(i) for i in self.tokenize([text], max_length).ids[0]]

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        self.batches.append([list(row) for row in batch])
        vectors = np.zeros((len(batch), self.native_dim), dtype=np.float32)
        for row, ids in enumerate(batch):
            for token in ids:
                if token != EOS_ID:
                    vectors[row, token % self.native_dim] += 1.0
        return normalise(vectors)


def fake_embedder(**options: object):
    from semsearch.embedder import Embedder, Prompting
    from semsearch.prompts import DEFAULT_TASK

    backend = WordBackend()
    prompting = Prompting(default_task=DEFAULT_TASK)
    return Embedder(backend, name="fake-words", prompting=prompting, **options)  # type: ignore[arg-type]
