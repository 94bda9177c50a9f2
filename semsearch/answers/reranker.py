"""A second stage: Qwen3-Reranker judges each (query, passage) pair as a yes/no question.

The embedding ranks a whole knowledge base cheaply; the reranker reads the query and one
passage together, so it sees how they relate, at the price of one forward pass per pair.
It is used on the top N only. As the model card says, it is a causal language model asked
whether the Document meets the Query under the Instruct, with an empty thinking block in
the assistant's turn; the score is the probability of "yes" against "no" at the last
position.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.errors import ModelLoadError

DEFAULT_RERANKER = "Qwen/Qwen3-Reranker-0.6B"
PREFIX = (
    "<|im_start|>system\nJudge whether the Document meets the requirements based on the Query "
    'and the Instruct provided. Note that the answer can only be "yes" or "no".<|im_end|>\n'
    "<|im_start|>user\n"
)
SUFFIX = "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"


def pair_text(query: str, document: str, task: str = DEFAULT_TASK) -> str:
    """The user turn for one pair: ``<Instruct>: ...\\n<Query>: ...\\n<Document>: ...``."""
    return f"<Instruct>: {task}\n<Query>: {query}\n<Document>: {document}"


class Reranker:
    """Scores (query, passage) pairs with a Qwen3-Reranker model; one batch at a time."""

    def __init__(self, model: Any, tokenizer: Any, name: str, max_length: int = 2048) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.max_length = max_length
        self.prefix_ids = tokenizer(PREFIX, add_special_tokens=False)["input_ids"]
        self.suffix_ids = tokenizer(SUFFIX, add_special_tokens=False)["input_ids"]
        self.yes_id = tokenizer.convert_tokens_to_ids("yes")
        self.no_id = tokenizer.convert_tokens_to_ids("no")
        unknown = tokenizer.unk_token_id
        if None in (self.yes_id, self.no_id) or unknown in (self.yes_id, self.no_id):
            raise ModelLoadError(name, 'its tokenizer has no single "yes" and "no" tokens')
        self.pad_id = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
        self._lock = threading.Lock()

    @classmethod
    def load(cls, spec: str = DEFAULT_RERANKER, *, device: str, dtype: str) -> Reranker:
        """Load a reranker (hub id or folder) onto ``device``.

        Raises:
            ModelLoadError: it cannot be found, downloaded or loaded.
        """
        from semsearch.answers.causal_lm import load_causal_lm

        model, tokenizer, name = load_causal_lm(spec, device=device, dtype=dtype)
        return cls(model, tokenizer, name)

    def _ids(self, query: str, document: str, task: str) -> list[int]:
        body = self.tokenizer(pair_text(query, document, task), add_special_tokens=False)[
            "input_ids"
        ]
        room = self.max_length - len(self.prefix_ids) - len(self.suffix_ids)
        return [*self.prefix_ids, *body[: max(room, 1)], *self.suffix_ids]

    def score(
        self, query: str, documents: Sequence[str], task: str = DEFAULT_TASK, batch_size: int = 8
    ) -> np.ndarray:
        """P(yes) in [0, 1] for each document, in order."""
        import torch

        rows = [self._ids(query, document, task) for document in documents]
        scores = np.zeros(len(rows), dtype=np.float32)
        device = next(self.model.parameters()).device
        with self._lock, torch.inference_mode():
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                width = max(len(row) for row in batch)
                ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for i, row in enumerate(batch):  # left padding: the last position is the answer's
                    ids[i, width - len(row) :] = torch.tensor(row)
                    mask[i, width - len(row) :] = 1
                logits = self.model(
                    input_ids=ids.to(device), attention_mask=mask.to(device)
                ).logits[:, -1]
                pair = torch.stack([logits[:, self.no_id], logits[:, self.yes_id]], dim=1).float()
                scores[start : start + len(batch)] = torch.softmax(pair, dim=1)[:, 1].cpu().numpy()
        return scores
