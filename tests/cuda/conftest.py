"""Where the CUDA suite runs: tests marked ``cuda`` skip with the reason when no GPU is seen.

Each property is written once and parametrised over devices (:data:`tests.cuda.devices.DEVICES`):
the ``cpu`` variant runs in ``make test`` and proves the test itself; the ``cuda`` variant
(marked ``cuda``) runs only where PyTorch sees a GPU. Models are built on the spot: the tiny
random Qwen3 of the main suite, and the first layers of the exact Qwen3-Embedding-4B shape.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest


@functools.cache
def cuda_missing() -> str | None:
    """Why the CUDA tests cannot run here, or ``None`` when a CUDA device is usable."""
    import torch

    if not torch.cuda.is_available():
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        hint = f", CUDA_VISIBLE_DEVICES={visible!r}" if visible is not None else ""
        return f"no CUDA device: torch {torch.__version__} sees no GPU{hint}"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every ``cuda``-marked test, with the reason, where no GPU is seen."""
    marked = [item for item in items if item.get_closest_marker("cuda")]
    reason = cuda_missing() if marked else None
    if reason is None:
        return
    for item in marked:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def qwen4b_layers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two layers of the exact Qwen3-Embedding-4B shape (hidden 2560, 32/8 heads, vocab 151665).

    Built in bf16 on the GPU in seconds (about 1.2 GB); only the ``cuda`` variants use it.
    """
    from semsearch.encoding.twins import build_qwen3_twin

    folder = tmp_path_factory.mktemp("qwen3-4b-2layers")
    return build_qwen3_twin(folder, "4b", layers=2, dtype="bf16", device="cuda")
