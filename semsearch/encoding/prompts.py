"""How queries are written for instruction-aware models such as Qwen3-Embedding.

The model card's format is exactly ``f"Instruct: {task}\\nQuery:{query}"``: a newline after
the task and no space after ``Query:``. Documents carry no instruction. Models that were not
trained with instructions (the bundled MiniLM) get bare queries; that choice is made by the
embedder, not here.
"""

from __future__ import annotations

import re

DEFAULT_TASK = "Given a web search query, retrieve relevant passages that answer the query"

_QWEN_PROMPT = re.compile(r"\AInstruct: (?P<task>.*)\nQuery:\Z", re.DOTALL)


def format_query(query: str, task: str | None) -> str:
    """Return the text the model reads for ``query`` under ``task``.

    ``task=None`` or a blank task gives the bare query: no instruction at all.
    """
    if task is None or not task.strip():
        return query
    return f"Instruct: {task.strip()}\nQuery:{query}"


def task_from_prompt(prompt: str | None) -> str | None:
    """Read the task out of a stored query prompt such as ``"Instruct: ...\\nQuery:"``.

    Returns ``None`` when the prompt is not in the Qwen3 instruction format.
    """
    if not prompt:
        return None
    match = _QWEN_PROMPT.match(prompt)
    return match.group("task") if match else None
