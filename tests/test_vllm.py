"""The remote engine against a real vLLM server on a loopback port (marker ``vllm``).

Two servers start once per session, side by side, from ``.venv-vllm`` (``make vllm-env``):
the bundled all-MiniLM-L6-v2 folder, and a tiny random Qwen3 folder (head width 32: vLLM on
CPU needs at least that) served with Matryoshka on. Both run in float32, so their vectors
must equal this process's to a cosine of 0.9999. Without ``.venv-vllm`` the tests skip and
say how to get it, except under ``CI=true``, where they fail: CI always builds it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from semsearch import load_embedder
from semsearch.encoding.embedder import Embedder
from semsearch.encoding.loading import load_remote_embedder
from semsearch.encoding.model_source import bundled_folder
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.errors import UnknownServedModelError
from semsearch.settings import RemoteSettings

pytestmark = pytest.mark.vllm

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 240
MINILM = "all-MiniLM-L6-v2"
SAME = 0.9999
TEXTS = [
    "Oranges contain plenty of vitamin C.",
    "Bananas are rich in potassium.",
    "苹果是一种很好吃的水果",
    "import numpy as np; print('hello world')",
    "x",
    "The quick brown fox jumps over the lazy dog. " * 12,
]
QUERIES = ["which fruit has vitamin C?", "a fast animal", "香蕉"]
SETTINGS = RemoteSettings(batch_size=64, concurrency=4, timeout=120.0)


def vllm_python() -> Path:
    """The interpreter of the vLLM virtualenv (``VLLM_VENV`` or ``.venv-vllm``)."""
    return Path(os.environ.get("VLLM_VENV", ROOT / ".venv-vllm")) / "bin" / "python"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class VllmServer:
    """``vllm.entrypoints.openai.api_server`` in its own process group, logging to a file."""

    def __init__(self, folder: Path, name: str, log: Path, extra: list[str]) -> None:
        self.name = name
        self.log = log
        port = _free_port()
        self.root = f"http://127.0.0.1:{port}"
        self.url = f"{self.root}/v1"
        command = [
            str(vllm_python()), "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(folder), "--served-model-name", name, "--runner", "pooling",
            "--dtype", "float32", "--host", "127.0.0.1", "--port", str(port), *extra,
        ]  # fmt: skip
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        # 1 GiB of KV cache is plenty for tests; no usage reports, no hub.
        env.update(VLLM_CPU_KVCACHE_SPACE="1", VLLM_NO_USAGE_STATS="1", DO_NOT_TRACK="1",
                   HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")  # fmt: skip
        self._log_file: IO[bytes] = log.open("wb")
        self.process = subprocess.Popen(
            command, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
            env=env,
        )  # fmt: skip

    def wait_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"vLLM serving {self.name} exited early:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.root}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        pytest.fail(f"vLLM serving {self.name} not healthy in {STARTUP_SECONDS} s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        # The API server forks an engine core and workers: end the whole process group.
        for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
        self._log_file.close()


@pytest.fixture(scope="session")
def vllm_ready() -> Path:
    """The vLLM interpreter; skips (fails under CI=true) when ``.venv-vllm`` is missing."""
    if not vllm_python().is_file():
        reason = (
            f"vLLM is not installed at {vllm_python().parent.parent}: run `make vllm-env` "
            "(about 4 GB) to test the remote engine against a real vLLM server."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} CI must build it (.ci/run does).")
        pytest.skip(reason)
    return vllm_python()


@pytest.fixture(scope="session")
def qwen_folder(vllm_ready: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from semsearch.encoding.twins import build_qwen3_twin

    return build_qwen3_twin(tmp_path_factory.mktemp("qwen3-hd32"), "tiny", head_dim=32)


@pytest.fixture(scope="session")
def servers(
    tmp_path_factory: pytest.TempPathFactory, qwen_folder: Path
) -> Iterator[dict[str, VllmServer]]:
    """Both vLLM servers, started together once per session and stopped at its end."""
    logs = tmp_path_factory.mktemp("vllm-logs")
    started = {
        "bundled": VllmServer(bundled_folder(), MINILM, logs / "minilm.log", []),
        "qwen": VllmServer(qwen_folder, str(qwen_folder), logs / "qwen.log",
                           ["--hf-overrides", '{"is_matryoshka": true}']),
    }  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in started.values():
            server.wait_healthy(deadline)
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="session")
def local_minilm() -> Embedder:
    return load_embedder("bundled", device="cpu", dtype="fp32")


@pytest.fixture(scope="session")
def local_qwen(qwen_folder: Path) -> Embedder:
    return load_embedder(str(qwen_folder), device="cpu", dtype="fp32")


def remote(server: VllmServer, *, batch_size: int = 64, concurrency: int = 4) -> Embedder:
    settings = RemoteSettings(batch_size=batch_size, concurrency=concurrency, timeout=120.0)
    return load_remote_embedder(server.url, server.name, settings=settings)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    assert a.shape == b.shape
    return np.sum(a * b, axis=1)


def test_minilm_remote_vectors_equal_the_local_engines(servers, local_minilm):
    embedder = remote(servers["bundled"])
    assert (embedder.engine.kind, embedder.native_dim, embedder.engine.model_max_length) == (
        "remote",
        384,
        256,
    )
    assert embedder.default_task is None
    assert (
        cosines(embedder.encode_documents(TEXTS), local_minilm.encode_documents(TEXTS)).min()
        >= SAME
    )
    assert (
        cosines(embedder.encode_queries(QUERIES), local_minilm.encode_queries(QUERIES)).min()
        >= SAME
    )


def test_qwen3_queries_carry_the_instruction_and_match_the_local_engine(servers, local_qwen):
    embedder = remote(servers["qwen"])
    assert embedder.default_task == DEFAULT_TASK  # read from the served folder's files
    assert embedder.model_input("q", kind="query") == f"Instruct: {DEFAULT_TASK}\nQuery:q"
    documents = embedder.encode_documents(TEXTS)
    queries = embedder.encode_queries(QUERIES)
    assert cosines(documents, local_qwen.encode_documents(TEXTS)).min() >= SAME
    assert cosines(queries, local_qwen.encode_queries(QUERIES)).min() >= SAME
    # The instruction reached the server: a query's vector is not its bare text's.
    bare = embedder.encode_documents(QUERIES)
    assert cosines(queries, bare).max() < 0.99


def test_vllm_pools_the_eos_token_the_tokenizer_appends(servers, qwen_folder):
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(qwen_folder)
    model = AutoModel.from_pretrained(qwen_folder, dtype=torch.float32).eval()

    def last_token(ids: list[int]) -> np.ndarray:
        with torch.inference_mode():
            hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0, -1]
        vector = hidden.numpy()
        return vector / np.linalg.norm(vector)

    text = TEXTS[0]
    with_eos = tokenizer(text)["input_ids"]
    assert with_eos[-1] == tokenizer.eos_token_id
    served = remote(servers["qwen"]).encode_documents([text])[0]
    assert float(served @ last_token(with_eos)) >= SAME
    assert float(served @ last_token(with_eos[:-1])) < 0.99


def test_dimensions_on_a_matryoshka_server_equal_local_truncation(servers, local_qwen):
    embedder = remote(servers["qwen"]).with_options(dim=32)
    vectors = embedder.encode_documents(TEXTS)
    assert vectors.shape == (len(TEXTS), 32)
    expected = local_qwen.with_options(dim=32).encode_documents(TEXTS)
    assert cosines(vectors, expected).min() >= SAME
    assert embedder.engine.notices == []  # the server cut them: no fallback was needed


def test_dimensions_without_matryoshka_fall_back_to_local_truncation(servers, local_minilm):
    embedder = remote(servers["bundled"]).with_options(dim=128)
    vectors = embedder.encode_documents(TEXTS)
    expected = local_minilm.with_options(dim=128).encode_documents(TEXTS)
    assert cosines(vectors, expected).min() >= SAME
    assert len(embedder.engine.notices) == 1
    assert "does not support Matryoshka embeddings" in embedder.engine.notices[0]


def test_batching_over_several_concurrent_requests(servers, local_minilm):
    embedder = remote(servers["bundled"], batch_size=3, concurrency=2)
    texts = [f"sentence {i} about fruit number {i * 7}" for i in range(10)]
    batches = list(embedder.embed_batches(texts))
    assert sorted(len(b.indices) for b in batches) == [1, 3, 3, 3]
    assert sorted(i for b in batches for i in b.indices) == list(range(10))
    assert (
        cosines(embedder.encode_documents(texts), local_minilm.encode_documents(texts)).min()
        >= SAME
    )


def test_an_unknown_model_lists_what_vllm_serves(servers):
    with pytest.raises(UnknownServedModelError) as caught:
        load_remote_embedder(servers["bundled"].url, "Qwen/Qwen3-Embedding-4B", settings=SETTINGS)
    assert f"it serves: '{MINILM}'" in str(caught.value)


@pytest.mark.parametrize("cap", [64, 512])
def test_an_over_long_text_is_cut_like_the_local_engine_cuts_it(servers, local_minilm, cap):
    long_text = " ".join(f"word{i} sits in a long document" for i in range(400))  # > 2,000 tokens
    embedder = remote(servers["bundled"]).with_options(max_length=cap)
    assert embedder.max_length == min(cap, 256)  # never above the server's max_model_len
    vectors = embedder.encode_documents([long_text, "short"])
    expected = local_minilm.with_options(max_length=cap).encode_documents([long_text, "short"])
    assert cosines(vectors, expected).min() >= SAME
