"""Read how a model folder says it must be used: pooling, normalisation, length, prompts.

The files are the ones sentence-transformers writes and reads (``modules.json``,
``1_Pooling/config.json``, ``sentence_bert_config.json``, ``config_sentence_transformers.json``)
plus ``config.json``. Reading them keeps this package faithful to each model card without
depending on sentence-transformers at run time. Loading weights is not done here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from semsearch.encoding.prompts import DEFAULT_TASK, task_from_prompt
from semsearch.errors import ModelLoadError

Pooling = Literal["lasttoken", "mean", "cls"]

# Model families whose card asks for last-token pooling and an instruction on queries,
# used when a folder lacks the sentence-transformers files.
_INSTRUCTION_FAMILIES = {"qwen3", "qwen2"}

_SAVED_DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


@dataclass(frozen=True)
class ModelFiles:
    """What a model folder declares about its own use."""

    model_type: str
    hidden_size: int
    pooling: Pooling
    max_seq_length: int | None
    default_task: str | None
    """Task of the ``Instruct: {task}\\nQuery:{query}`` format, or ``None`` for other models."""
    query_prefix: str = ""
    """Literal prefix for queries of models with another prompt style (e.g. ``"query: "``)."""
    document_prefix: str = ""
    """Literal prefix for documents; empty for Qwen3-Embedding (documents go in bare)."""
    saved_dtype: str | None = None
    """Precision the weights were saved in (``config.json``'s ``dtype``/``torch_dtype``):
    ``bf16``, ``fp16`` or ``fp32``; ``None`` when the file does not say (older models)."""


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelLoadError(str(path.parent), f"{path.name} is not valid JSON ({error})") from None
    return data if isinstance(data, dict) else None


def _pooling_from(config: dict[str, Any] | None, model_type: str) -> Pooling:
    if config is None:
        return "lasttoken" if model_type in _INSTRUCTION_FAMILIES else "mean"
    if config.get("pooling_mode_lasttoken"):
        return "lasttoken"
    if config.get("pooling_mode_mean_tokens"):
        return "mean"
    if config.get("pooling_mode_cls_token"):
        return "cls"
    modes = sorted(key for key, value in config.items() if key.startswith("pooling_mode") and value)
    raise ModelLoadError(
        "pooling",
        f"pooling {modes or 'none'} is not supported; semsearch supports last-token, mean and CLS",
    )


def _pooling_folder(folder: Path) -> Path:
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    for module in modules:
        if str(module.get("type", "")).endswith("Pooling"):
            return folder / str(module.get("path", "1_Pooling"))
    return folder / "1_Pooling"


def read_model_files(folder: Path) -> ModelFiles:
    """Read the use instructions stored in ``folder``.

    Raises:
        ModelLoadError: ``config.json`` is missing or a file declares something unsupported.
    """
    config = _read_json(folder / "config.json")
    if config is None:
        raise ModelLoadError(str(folder), "the folder has no config.json; is it a model folder?")
    model_type = str(config.get("model_type", ""))
    hidden_size = int(config.get("hidden_size", 0))

    pooling_dir = (
        _pooling_folder(folder) if (folder / "modules.json").is_file() else folder / "1_Pooling"
    )
    pooling = _pooling_from(_read_json(pooling_dir / "config.json"), model_type)

    st_config = _read_json(folder / "sentence_bert_config.json") or {}
    max_seq = st_config.get("max_seq_length")

    prompts = (_read_json(folder / "config_sentence_transformers.json") or {}).get("prompts") or {}
    query_prompt = prompts.get("query")
    default_task = task_from_prompt(query_prompt)
    if default_task is None and not query_prompt and model_type in _INSTRUCTION_FAMILIES:
        default_task = DEFAULT_TASK

    saved = str(config.get("dtype") or config.get("torch_dtype") or "")
    return ModelFiles(
        model_type=model_type,
        hidden_size=hidden_size,
        pooling=pooling,
        max_seq_length=int(max_seq) if max_seq else None,
        default_task=default_task,
        query_prefix="" if default_task is not None else str(query_prompt or ""),
        document_prefix=str(prompts.get("document") or ""),
        saved_dtype=_SAVED_DTYPES.get(saved),
    )
