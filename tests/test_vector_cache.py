"""The per-line cache: only new text is encoded, nothing is mixed, overlapping calls share work."""

import threading

import numpy as np
import pytest

from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.search import needs_encoding, run_search

from .fakes import fake_embedder

KB = ["apples are fruit", "oranges have vitamin c", "the stock market fell", "apples are fruit"]


def test_first_call_encodes_each_distinct_text_once():
    embedder, cache = fake_embedder(), VectorCache()
    result = cache.embed(embedder, KB)
    assert (result.encoded, result.reused) == (3, 1)
    assert embedder.engine.runtime.encoded_rows == 3
    np.testing.assert_array_equal(result.embedding.vectors, embedder.encode_documents(KB))


def test_editing_one_line_encodes_that_line_only():
    embedder, cache = fake_embedder(), VectorCache()
    cache.embed(embedder, KB)
    edited = [KB[0], "oranges have lots of vitamin c", *KB[2:]]
    before = embedder.engine.runtime.encoded_rows
    result = cache.embed(embedder, edited)
    assert result.encoded == 1
    assert embedder.engine.runtime.encoded_rows - before == 1
    assert embedder.engine.runtime.batches[-1] == [
        embedder.engine.runtime.tokenize([edited[1]], 64).ids[0]
    ]


def test_changing_dimension_reencodes_nothing_and_matches_a_fresh_encoding():
    embedder, cache = fake_embedder(), VectorCache()
    cache.embed(embedder, KB)
    small = embedder.with_options(dim=32)
    result = cache.embed(small, KB)
    assert result.encoded == 0
    assert result.embedding.vectors.shape == (4, 32)
    np.testing.assert_allclose(
        result.embedding.vectors, fake_embedder(dim=32).encode_documents(KB), rtol=1e-6
    )


def test_other_model_cap_or_kind_never_reuses_vectors():
    embedder, cache = fake_embedder(), VectorCache()
    cache.embed(embedder, KB)
    assert cache.embed(embedder.with_options(max_length=16), KB).encoded == 3
    other = fake_embedder()
    other.name = "another-model"
    assert cache.embed(other, KB).encoded == 3
    assert cache.embed(embedder, KB[:1], kind="query").encoded == 1
    assert cache.embed(embedder, KB[:1], kind="query", instruction="Find fruit").encoded == 1
    assert cache.missing(embedder, KB[:1], kind="query", instruction="Find fruit") == 0


def test_overlapping_calls_encode_each_text_once():
    embedder, cache = fake_embedder(max_batch=2), VectorCache()
    texts = [f"line number {i}" for i in range(40)]
    barrier = threading.Barrier(4)
    results = []

    def click():
        barrier.wait()
        results.append(cache.embed(embedder, texts))

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert embedder.engine.runtime.encoded_rows == 40
    assert sorted(r.encoded for r in results) == [0, 0, 0, 40]


def test_an_interrupted_call_keeps_the_batches_it_finished():
    embedder, cache = fake_embedder(max_batch=10), VectorCache()
    texts = [f"text {i}" for i in range(25)]

    class RerunError(Exception):
        pass

    def stop_after_first_batch(done, total):
        if done >= 10:
            raise RerunError

    with pytest.raises(RerunError):
        cache.embed(embedder, texts, progress=stop_after_first_batch)
    assert len(cache) == 10
    assert cache.embed(embedder, texts).encoded == 15


def test_cache_is_bounded_oldest_first():
    embedder, cache = fake_embedder(), VectorCache(max_entries=3)
    cache.embed(embedder, ["a", "b", "c"])
    cache.embed(embedder, ["d"])
    assert len(cache) == 3
    assert cache.missing(embedder, ["a"]) == 1
    assert cache.missing(embedder, ["b", "c", "d"]) == 0


def test_run_search_snapshot_and_rerank_needs_no_encoding():
    embedder, cache = fake_embedder(), VectorCache()
    run = run_search(embedder, cache, KB, "vitamin c oranges")
    assert run.texts == tuple(KB)
    assert run.kb_embeddings.shape == (4, 48)
    assert run.query_input.endswith("\nQuery:vitamin c oranges")
    assert (run.encoded, run.reused) == (3, 1)
    assert needs_encoding(embedder, cache, KB, "vitamin c oranges") == 0
    assert needs_encoding(embedder, cache, KB, "new question") == 1
    assert needs_encoding(embedder, cache, [*KB, "new line"], "new question") == 2


def test_truncated_lines_are_reported():
    embedder, cache = fake_embedder(max_length=8), VectorCache()
    run = run_search(embedder, cache, ["short", " ".join(["w"] * 30), "also short"], "q")
    assert run.truncated == [1]
    assert run.kb_token_counts.tolist() == [2, 31, 3]


def test_embedders_differing_only_in_precision_never_share_vectors():
    fp32, bf16, cache = fake_embedder(), fake_embedder(), VectorCache()
    bf16.engine.runtime.dtype = "bf16"
    assert (fp32.name, fp32.dim, fp32.max_length) == (bf16.name, bf16.dim, bf16.max_length)
    cache.embed(bf16, KB)
    assert cache.missing(fp32, KB) == 3
    assert cache.embed(fp32, KB).encoded == 3
    assert fp32.engine.runtime.encoded_rows == 3
    cache.store(fp32, ["stored"], fp32.encode_documents(["stored"]), [2])
    assert cache.missing(bf16, ["stored"]) == 1
    assert cache.missing(fp32, ["stored"]) == 0
