"""The devices and texts every CUDA-suite property runs over, and how vectors are compared."""

from __future__ import annotations

import numpy as np
import pytest

DEVICES = [pytest.param("cpu", id="cpu"), pytest.param("cuda", id="cuda", marks=pytest.mark.cuda)]
"""The ``cpu`` variant proves the test on any machine; the ``cuda`` one the GPU path."""

CUDA = pytest.mark.cuda
"""For properties that mean nothing on a CPU (out-of-memory, GPU memory, the page on CUDA)."""

TEXTS = [
    "Oranges contain plenty of vitamin C.",
    "x",
    "Instruct: Given a web search query, retrieve relevant passages that answer the query\n"
    "Query:which fruit has vitamin C?",
    "香蕉富含钾元素,有助于维持血压稳定",
    "import numpy as np; print('hello world')",
    " ".join(["the quick brown fox jumps over the lazy dog"] * 12),
    "fox",
    "苹果是一种很好吃的水果 " * 5,
]
"""Mixed lengths (1 to ~130 tokens), scripts and an instruction: padding matters in a batch."""


def needed(dtype: str) -> float:
    """The cosine two correct paths must reach: 0.9999 in fp32, 0.999 in half precision."""
    return 0.9999 if dtype == "fp32" else 0.999


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two matrices of vectors."""
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
