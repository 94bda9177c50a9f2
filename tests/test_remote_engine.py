"""The remote engine against a misbehaving OpenAI-compatible server on a loopback port.

Every fault a real server or network can produce is played by
:class:`tests.embedding_server.EmbeddingServer`; each test asserts the exact result or the
key facts of the one error message. Waits are kept short with small backoffs and timeouts.
"""

from __future__ import annotations

import socket
import time

import numpy as np
import pytest

from semsearch.encoding.engine import UNKNOWN_TOKENS, Engine
from semsearch.encoding.engines.remote import UNSTATED_MAX_LENGTH, RemoteEngine, RemoteOptions
from semsearch.errors import (
    BadServerResponseError,
    DimensionMismatchError,
    EmbeddingServerError,
    InvalidArgumentError,
    ServerAuthError,
    ServerUnreachableError,
    UnknownServedModelError,
)
from tests.embedding_server import EmbeddingServer

FAST = RemoteOptions(batch_size=4, concurrency=2, timeout=5, tries=3, backoff=0.01)
TEXTS = [f"text number {i}" for i in range(10)]


def collect(engine: RemoteEngine, texts, *, dim=None, max_length=64):
    width = dim or engine.native_dim
    out = np.full((len(texts), width), np.nan, dtype=np.float32)
    batches = list(engine.encode(texts, max_length=max_length, dim=dim))
    for batch in batches:
        out[batch.indices] = batch.vectors
    return out, batches


@pytest.fixture
def server():
    with EmbeddingServer() as running:
        yield running


@pytest.fixture
def engine(server):
    engine = RemoteEngine.connect(server.url, server.model, options=FAST)
    yield engine
    engine.close()


# -- correct behaviour ---------------------------------------------------------------------


def test_connect_reads_the_listing_and_probes_the_dimension(server, engine):
    assert isinstance(engine, Engine)
    assert (engine.kind, engine.name, engine.device, engine.dtype) == (
        "remote",
        "test-embed",
        server.url,
        "server",
    )
    assert engine.native_dim == 8
    assert engine.model_max_length == 128
    assert engine.notices == []
    assert len(server.embed_requests) == 1  # the probe


def test_vectors_come_back_in_input_order_and_of_unit_length(server, engine):
    vectors, batches = collect(engine, TEXTS)
    np.testing.assert_allclose(vectors, server.vectors(TEXTS), atol=1e-6)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert all(b.token_counts == [UNKNOWN_TOKENS] * len(b.indices) for b in batches)


def test_batches_hold_batch_size_texts_and_every_index_once(server, engine):
    _, batches = collect(engine, TEXTS)
    sent = [r["input"] for r in server.embed_requests[1:]]
    assert sorted(len(s) for s in sent) == [2, 4, 4]
    assert sorted(i for b in batches for i in b.indices) == list(range(10))
    assert sorted(tuple(b.indices) for b in batches) == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9)]
    for request in server.embed_requests[1:]:
        assert request["encoding_format"] == "float"
        assert request["truncate_prompt_tokens"] == 64
        assert "dimensions" not in request


def test_the_length_cap_sent_never_exceeds_the_servers(server, engine):
    collect(engine, ["a"], max_length=4096)
    assert server.embed_requests[-1]["truncate_prompt_tokens"] == 128


def test_requests_run_concurrently_up_to_the_setting():
    with EmbeddingServer(delay=0.4) as server:
        options = RemoteOptions(batch_size=2, concurrency=4, timeout=10)
        engine = RemoteEngine.connect(server.url, server.model, options=options)
        server.peak = 0
        vectors, batches = collect(engine, TEXTS * 2)
        engine.close()
    assert len(batches) == 10
    assert server.peak == 4
    np.testing.assert_allclose(vectors, server.vectors(TEXTS * 2), atol=1e-6)


def test_closing_the_generator_early_sends_no_more_batches():
    with EmbeddingServer(delay=0.2) as server:
        options = RemoteOptions(batch_size=1, concurrency=2, timeout=10)
        engine = RemoteEngine.connect(server.url, server.model, options=options)
        stream = engine.encode(TEXTS, max_length=64)
        next(stream)
        stream.close()
        time.sleep(0.5)
        engine.close()
    assert len(server.embed_requests) - 1 <= 3  # 2 in flight, 1 sent on the first answer


def test_a_smaller_dimension_is_asked_of_the_server(server, engine):
    vectors, _ = collect(engine, TEXTS, dim=4)
    assert all(r["dimensions"] == 4 for r in server.embed_requests[1:])
    np.testing.assert_allclose(vectors, server.vectors(TEXTS, dim=4), atol=1e-6)
    assert engine.notices == []


def test_without_matryoshka_the_engine_cuts_locally_and_says_so_once():
    with EmbeddingServer(matryoshka=False) as server:
        engine = RemoteEngine.connect(server.url, server.model, options=FAST)
        first, _ = collect(engine, TEXTS, dim=4)
        second, _ = collect(engine, TEXTS[:3], dim=4)
        engine.close()
    np.testing.assert_allclose(first, server.vectors(TEXTS, dim=4), atol=1e-6)
    np.testing.assert_allclose(second, server.vectors(TEXTS[:3], dim=4), atol=1e-6)
    assert len(engine.notices) == 1
    assert "does not support Matryoshka" in engine.notices[0]
    assert "cut and re-normalised here" in engine.notices[0]
    assert "dimensions" not in server.embed_requests[-1]  # not asked again


def test_a_server_without_a_model_list_gets_the_default_cap_and_a_notice():
    with EmbeddingServer(listing=False) as server:
        engine = RemoteEngine.connect(server.url, server.model, options=FAST)
        engine.close()
    assert engine.native_dim == 8
    assert engine.model_max_length == UNSTATED_MAX_LENGTH == 512
    assert engine.notices == [
        f"The server at {server.url} does not state test-embed's token limit: texts are cut "
        "at 512 tokens, or by the server."
    ]


def test_ollama_style_tagged_names_are_found():
    with EmbeddingServer(model="qwen3-embedding", listed=["qwen3-embedding:latest"]) as server:
        engine = RemoteEngine.connect(server.url, "qwen3-embedding", options=FAST)
        engine.close()
    assert engine.native_dim == 8


def test_the_api_key_is_sent_as_a_bearer_token():
    with EmbeddingServer(api_key="s3cret") as server:
        engine = RemoteEngine.connect(server.url, server.model, api_key="s3cret", options=FAST)
        engine.close()
    assert server.headers[0]["Authorization"] == "Bearer s3cret"


# -- retries -------------------------------------------------------------------------------


def test_429_is_retried_after_the_wait_the_server_asks_for():
    with EmbeddingServer(retry_after="1") as server:
        engine = RemoteEngine.connect(server.url, server.model, options=FAST)
        server.script.extend([429])
        vectors, _ = collect(engine, TEXTS[:2])
        engine.close()
    np.testing.assert_allclose(vectors, server.vectors(TEXTS[:2]), atol=1e-6)
    assert len(server.embed_requests) == 3  # probe, 429, retry
    assert server.times[2] - server.times[1] >= 0.95


def test_5xx_is_retried_then_given_up_with_the_last_error(server, engine):
    server.script.extend([500, 500, 500])
    with pytest.raises(EmbeddingServerError) as caught:
        collect(engine, TEXTS[:2])
    message = str(caught.value)
    assert type(caught.value) is EmbeddingServerError
    assert f"The embedding server at {server.url} failed embeddings 3 times" in message
    assert "last: HTTP 500: scripted status 500" in message
    assert "SEMSEARCH_EMBED_CONCURRENCY" in message
    assert len(server.embed_requests) == 1 + 3


def test_503_then_success_is_retried(server, engine):
    server.script.extend([503, 502])
    vectors, _ = collect(engine, TEXTS[:3])
    np.testing.assert_allclose(vectors, server.vectors(TEXTS[:3]), atol=1e-6)
    assert len(server.embed_requests) == 1 + 3


def test_a_timeout_is_retried():
    with EmbeddingServer() as server:
        options = RemoteOptions(timeout=0.5, tries=2, backoff=0.01)
        engine = RemoteEngine.connect(server.url, server.model, options=options)
        server.script.extend(["sleep:1.5"])
        vectors, _ = collect(engine, TEXTS[:2])
        server.script.extend(["sleep:1.5", "sleep:1.5"])
        with pytest.raises(EmbeddingServerError) as caught:
            collect(engine, TEXTS[:2])
        engine.close()
    np.testing.assert_allclose(vectors, server.vectors(TEXTS[:2]), atol=1e-6)
    assert "failed embeddings 2 times; last: no answer within 0.5 s" in str(caught.value)


def test_a_dropped_connection_is_retried(server, engine):
    server.script.extend(["reset"])
    vectors, _ = collect(engine, TEXTS[:2])
    np.testing.assert_allclose(vectors, server.vectors(TEXTS[:2]), atol=1e-6)
    assert len(server.embed_requests) == 3


# -- malformed answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "fact"),
    [
        (
            "nonjson",
            "not the JSON of an embeddings response (it starts '<html>Bad Gateway</html>')",
        ),
        ("noshape", "not the JSON of an embeddings response"),
        ("ragged", "vectors of different lengths, or values that are not numbers"),
        ("nan", "NaN or infinite values in the vectors of texts [1]"),
        ("few", "1 vectors with indices [0] for 2 texts"),
    ],
)
def test_a_malformed_answer_is_named_and_not_retried(server, engine, fault, fact):
    server.script.extend([fault])
    with pytest.raises(BadServerResponseError) as caught:
        collect(engine, TEXTS[:2])
    assert f"The embedding server at {server.url} sent an unusable answer for test-embed" in str(
        caught.value
    )
    assert fact in str(caught.value)
    assert len(server.embed_requests) == 2


def test_vectors_of_another_size_are_refused(server, engine):
    server.script.extend(["wrongdim"])
    with pytest.raises(DimensionMismatchError) as caught:
        collect(engine, TEXTS[:2])
    assert "sent 9-dimensional vectors for test-embed; 8 were expected" in str(caught.value)


@pytest.mark.parametrize("fault", ["huge", "huge-declared"])
def test_a_huge_answer_is_abandoned_at_the_cap(server, engine, fault):
    server.script.extend([fault])
    started = time.perf_counter()
    with pytest.raises(BadServerResponseError) as caught:
        collect(engine, TEXTS[:2])
    cap = 2 * 8 * 40 + (1 << 20)
    assert f"The answer of {server.url}/embeddings is too large" in str(caught.value)
    assert f"the cap is {cap:,} bytes" in str(caught.value)
    assert time.perf_counter() - started < 10


# -- the server refuses --------------------------------------------------------------------


def test_a_missing_api_key_says_which_variable_to_set():
    with EmbeddingServer(api_key="s3cret") as server, pytest.raises(ServerAuthError) as caught:
        RemoteEngine.connect(server.url, server.model, options=FAST)
    message = str(caught.value)
    assert f"The embedding server at {server.url} refused the request (HTTP 401" in message
    assert "no API key was sent" in message
    assert "Set SEMSEARCH_EMBED_API_KEY" in message


def test_a_wrong_api_key_is_named_as_refused():
    with EmbeddingServer(api_key="s3cret") as server, pytest.raises(ServerAuthError) as caught:
        RemoteEngine.connect(server.url, server.model, api_key="wrong", options=FAST)
    assert "the API key sent was refused" in str(caught.value)


def test_an_unknown_model_lists_the_served_ones():
    with (
        EmbeddingServer(listed=["test-embed", "other"]) as server,
        pytest.raises(UnknownServedModelError) as caught,
    ):
        RemoteEngine.connect(server.url, "Qwen/Qwen3-Embedding-4B", options=FAST)
    assert str(caught.value) == (
        f"The embedding server at {server.url} does not serve 'Qwen/Qwen3-Embedding-4B'; it "
        "serves: 'test-embed', 'other'. Set SEMSEARCH_MODEL (or --model) to one of these, or "
        "start the server with this model (vLLM: --served-model-name)."
    )


def test_an_unknown_model_on_a_server_without_a_list_is_caught_by_the_probe():
    with EmbeddingServer(listing=False) as server, pytest.raises(UnknownServedModelError) as caught:
        RemoteEngine.connect(server.url, "nope", options=FAST)
    assert "does not serve 'nope' (The model `nope` does not exist.)" in str(caught.value)


def test_connection_refused_names_the_url_and_how_to_start_a_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    started = time.perf_counter()
    with pytest.raises(ServerUnreachableError) as caught:
        RemoteEngine.connect(url, "m", options=RemoteOptions(backoff=1.0))
    message = str(caught.value)
    assert message.startswith(f"No embedding server answers at {url} (")
    assert "vllm serve Qwen/Qwen3-Embedding-0.6B --runner pooling" in message
    assert "unset SEMSEARCH_EMBED_URL" in message
    assert time.perf_counter() - started < 2  # a wrong URL is not retried


def test_a_saved_bases_dimension_is_checked_at_connect(server):
    with pytest.raises(DimensionMismatchError) as caught:
        RemoteEngine.connect(server.url, server.model, options=FAST, expected_dim=384)
    assert str(caught.value) == (
        f"test-embed at {server.url} gives 8-dimensional vectors, but the saved base holds "
        "384-dimensional ones: they come from another model. Serve the model that made them, "
        "or encode the base again with test-embed."
    )


@pytest.mark.parametrize("url", ["localhost:8000/v1", "http://localhost:8000", "ftp://x/v1"])
def test_a_url_that_is_not_an_openai_base_is_refused(url):
    with pytest.raises(InvalidArgumentError, match="must be an http\\(s\\) base URL ending in /v1"):
        RemoteEngine.connect(url, "m")


def test_options_out_of_range_are_refused():
    with pytest.raises(InvalidArgumentError) as caught:
        RemoteOptions(batch_size=0, concurrency=0)
    assert "batch_size=0, concurrency=0" in str(caught.value)
