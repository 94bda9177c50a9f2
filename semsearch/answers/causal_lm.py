"""Load a causal language model (an instruct model, or Qwen3-Reranker) by id or folder.

Shared by :mod:`semsearch.answers.generation` and :mod:`semsearch.answers.reranker`: where
the files come from is :func:`semsearch.encoding.model_source.locate`'s decision, loading
failures become :class:`ModelLoadError` with the cause.
"""

from __future__ import annotations

from typing import Any

from semsearch.errors import ModelLoadError


def load_causal_lm(spec: str, *, device: str, dtype: str) -> tuple[Any, Any, str]:
    """(model on ``device`` in eval mode, tokenizer, model name) for ``spec``.

    Raises:
        ModelLoadError: it cannot be found, downloaded or loaded.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from semsearch.encoding.engines import DTYPES
    from semsearch.encoding.model_source import locate

    location = locate(spec)
    try:
        tokenizer = AutoTokenizer.from_pretrained(location.folder)
        model: Any = AutoModelForCausalLM.from_pretrained(location.folder, dtype=DTYPES[dtype])
    except Exception as error:  # noqa: BLE001 - every failure to load is reported as such
        raise ModelLoadError(spec, f"{type(error).__name__}: {error}") from None
    return model.to(device).eval(), tokenizer, location.name
