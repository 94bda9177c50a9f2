"""Every engine passes the same suite: one line in ENGINE_KINDS adds an engine to it.

The engine contract (:mod:`semsearch.encoding.engine`): texts in, unit vectors out, every
input index exactly once, batch by batch. Each engine is opened through the one table,
:func:`semsearch.encoding.engines.open_engine`:

* ``local``: the transformers engine on the tiny random Qwen3 twin, in this process;
* ``numpy``: the NumPy BERT engine on the bundled model (it runs BERTs only);
* ``remote``: the remote engine against a real HTTP server on loopback
  (``tests/embedding_server.py``, vLLM's answers);
* ``words``: the deterministic fake of ``tests/fakes.py`` behind the real TokenEngine,
  registered in ``ENGINES`` by the test as a new engine would be.

Batches are forced small (3 texts) so that 7 texts take several batches of uneven size.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from semsearch.encoding.engines import (
    ENGINES,
    UNKNOWN_TOKENS,
    EncodedBatch,
    Engine,
    EngineRequest,
    Tokenizing,
    engine_kind,
    open_engine,
)
from semsearch.encoding.vectors import normalise
from semsearch.errors import InvalidArgumentError
from semsearch.settings import RemoteSettings
from tests.embedding_server import EmbeddingServer
from tests.fakes import open_words

TEXTS = [
    "Oranges are rich in vitamin C.",
    "水果 富含 维生素",
    "Apple released the first iPhone in 2007.",
    "emoji 🍊 and accents: café naïve",
    "a",
    "the the the the the the the the",
    "Which fruit has vitamin C?",
]
ENGINE_KINDS = ["local", "numpy", "remote", "words"]
"""Every engine the suite runs against; a new engine is one more entry (and its request)."""
NATIVE = {"local": 64, "numpy": 384, "remote": 16, "words": 48}


@pytest.fixture(params=ENGINE_KINDS)
def opened(request, tiny_qwen3, monkeypatch):
    kind = request.param
    if kind == "local":
        engine = open_engine(EngineRequest(str(tiny_qwen3), device="cpu", dtype="fp32"))
        engine.engine.runtime.max_batch = 3
        yield engine
    elif kind == "numpy":
        engine = open_engine(EngineRequest("bundled", kind="numpy"))
        engine.engine.runtime.max_batch = 3
        yield engine
    elif kind == "remote":
        with EmbeddingServer(dim=16) as server:
            settings = RemoteSettings(batch_size=3, concurrency=2)
            yield open_engine(EngineRequest("test-embed", url=server.url, remote=settings))
    else:
        monkeypatch.setitem(ENGINES, "words", open_words)
        opened = open_engine(EngineRequest("fake-words", kind="words"))
        opened.engine.runtime.max_batch = 3
        yield opened


def _collect(engine: Engine, texts, **options) -> tuple[list[EncodedBatch], np.ndarray, list[int]]:
    batches = list(engine.encode(texts, **options))
    width = batches[0].vectors.shape[1] if batches else 0
    vectors = np.full((len(texts), width), np.nan, dtype=np.float32)
    counts = [0] * len(texts)
    for batch in batches:
        vectors[batch.indices] = batch.vectors
        for index, count in zip(batch.indices, batch.token_counts, strict=True):
            counts[index] = count
    return batches, vectors, counts


def test_the_table_opens_the_kind_a_request_names(opened, request):
    kind = request.node.callspec.params["opened"]
    assert engine_kind(EngineRequest("m")) == "local"
    assert engine_kind(EngineRequest("m", url="http://127.0.0.1:1/v1")) == "remote"
    assert opened.engine.kind == ("remote" if kind == "remote" else "local")
    assert (opened.how == "remote") == (kind == "remote")
    assert isinstance(opened.engine, Engine)
    assert opened.name == opened.engine.name


def test_an_unknown_kind_names_the_kinds_there_are():
    with pytest.raises(
        InvalidArgumentError,
        match=r"No engine of kind 'gpu-farm'; the kinds are local, numpy, remote\.",
    ):
        open_engine(EngineRequest("m", kind="gpu-farm"))


def test_it_describes_itself(opened, request):
    engine = opened.engine
    kind = request.node.callspec.params["opened"]
    assert engine.native_dim == NATIVE[kind]
    assert engine.model_max_length >= 16
    assert isinstance(engine.device, str)
    assert engine.device
    assert engine.dtype in ("fp32", "server")
    assert isinstance(engine.notices, list)


def test_every_index_comes_once_as_a_unit_float32_row(opened):
    batches, vectors, counts = _collect(opened.engine, TEXTS, max_length=64)
    indices = [i for batch in batches for i in batch.indices]
    assert sorted(indices) == list(range(len(TEXTS)))
    assert len(batches) >= 3  # 7 texts in batches of at most 3
    for batch in batches:
        assert batch.vectors.dtype == np.float32
        assert batch.vectors.shape == (len(batch.indices), opened.engine.native_dim)
        assert len(batch.token_counts) == len(batch.indices)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert all(count == UNKNOWN_TOKENS or count >= 1 for count in counts)


def test_a_text_gets_the_same_vector_alone_or_among_others(opened):
    _, together, _ = _collect(opened.engine, TEXTS, max_length=64)
    alone = np.stack([_collect(opened.engine, [text], max_length=64)[1][0] for text in TEXTS])
    np.testing.assert_allclose(alone, together, atol=1e-5)
    again = _collect(opened.engine, list(reversed(TEXTS)), max_length=64)[1][::-1]
    np.testing.assert_allclose(again, together, atol=1e-5)


def test_different_texts_get_different_vectors(opened):
    _, vectors, _ = _collect(opened.engine, TEXTS[:3], max_length=64)
    cosines = vectors @ vectors.T
    assert float(np.max(cosines[np.triu_indices(3, k=1)])) < 0.999


@pytest.mark.parametrize("dim", [1, 5, 8])
def test_a_smaller_dim_is_the_cut_and_renormalised_full_vector(opened, dim):
    _, full, _ = _collect(opened.engine, TEXTS, max_length=64)
    batches, cut, _ = _collect(opened.engine, TEXTS, max_length=64, dim=dim)
    assert all(batch.vectors.shape[1] == dim for batch in batches)
    np.testing.assert_allclose(cut, normalise(full, dim), atol=1e-5)


def test_no_texts_no_batches(opened):
    assert list(opened.engine.encode([], max_length=64)) == []


def test_a_text_over_the_cap_is_cut_not_refused(opened):
    long = " ".join(["vitamin"] * 300)
    _, vectors, counts = _collect(opened.engine, [long, "short"], max_length=16)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert counts[0] == UNKNOWN_TOKENS or counts[0] > 16  # counted before the cap


def test_token_counts_agree_with_the_tokenizer_where_there_is_one(opened):
    engine = opened.engine
    _, _, counts = _collect(engine, TEXTS, max_length=64)
    if not isinstance(engine, Tokenizing):
        assert engine.kind == "remote"
        assert counts == [UNKNOWN_TOKENS] * len(TEXTS)
        return
    assert counts == engine.count_tokens(TEXTS, 64)
    spans = engine.token_spans(TEXTS[0])
    assert spans
    assert all(0 <= start < end <= len(TEXTS[0]) for start, end in spans)


def test_two_threads_sharing_it_get_the_same_vectors(opened):
    _, expected, _ = _collect(opened.engine, TEXTS, max_length=64)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(_collect(opened.engine, TEXTS, max_length=64)[1])
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2
    for got in results:
        np.testing.assert_allclose(got, expected, atol=1e-5)
