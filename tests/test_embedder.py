"""The embedder's logic (prompts, batching, dimensions, progress) on a deterministic backend."""

import numpy as np
import pytest

from semsearch.encoding.embedder import Embedder, Prompting, mrl_dims
from semsearch.encoding.engines.tokens import TokenEngine
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.errors import InvalidArgumentError

from .fakes import EOS_ID, WordRuntime, fake_embedder, word_id


def test_documents_go_in_bare_and_queries_with_the_instruction():
    embedder = fake_embedder()
    assert embedder.model_input("apples", kind="document") == "apples"
    assert embedder.model_input("apples", kind="query") == f"Instruct: {DEFAULT_TASK}\nQuery:apples"
    assert embedder.model_input("apples", kind="query", instruction="Find fruit") == (
        "Instruct: Find fruit\nQuery:apples"
    )
    assert embedder.model_input("apples", kind="query", instruction="") == "apples"


def test_encode_queries_encodes_the_instruction_text():
    embedder = fake_embedder()
    query = embedder.encode_queries(["apples"], instruction="Find fruit")
    same_text_as_document = embedder.encode_documents(["Instruct: Find fruit\nQuery:apples"])
    np.testing.assert_array_equal(query, same_text_as_document)
    words = ["Instruct:", "Find", "fruit", "Query:apples"]  # whitespace-split, as the fake does
    assert embedder.engine.runtime.batches[0][0] == [*map(word_id, words), EOS_ID]


def test_models_without_instruction_use_their_own_prefixes():
    embedder = Embedder(
        TokenEngine(WordRuntime(), name="e5-like"),
        name="e5-like",
        prompting=Prompting(query_prefix="query: ", document_prefix="passage: "),
    )
    assert not embedder.instruction_aware
    assert embedder.model_input("x", kind="query", instruction="ignored") == "query: x"
    assert embedder.model_input("x", kind="document") == "passage: x"


def test_vectors_are_float32_unit_rows_in_input_order():
    embedder = fake_embedder()
    texts = ["a b c", "one", "a b c d e f g h", "", "one"]
    vectors = embedder.encode_documents(texts)
    assert vectors.shape == (5, 48)
    assert vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    np.testing.assert_allclose(norms[[0, 1, 2, 4]], 1.0, rtol=1e-6)
    assert norms[3] == 0.0  # an empty text has no words: a zero vector, never NaN
    np.testing.assert_array_equal(vectors[1], vectors[4])


def test_empty_input_gives_an_empty_matrix():
    assert fake_embedder().encode_documents([]).shape == (0, 48)


def test_batches_follow_the_token_budget_and_progress_counts_texts():
    embedder = fake_embedder(token_budget=12, max_batch=100)
    texts = [" ".join(["w"] * n) for n in (1, 1, 1, 1, 5, 5, 11)]  # 2, 2, 2, 2, 6, 6, 12 tokens
    calls = []
    embedder.embed(texts, progress=lambda done, total: calls.append((done, total)))
    assert [len(batch) for batch in embedder.engine.runtime.batches] == [1, 2, 4]
    assert calls == [(1, 7), (3, 7), (7, 7)]


def test_token_counts_report_the_length_before_the_cap():
    embedder = fake_embedder(max_length=8)
    result = embedder.embed(["one two", " ".join(["w"] * 20)])
    assert result.token_counts.tolist() == [3, 21]
    assert [len(row) for batch in embedder.engine.runtime.batches for row in batch] == [8, 3]
    assert embedder.count_tokens(["one two"], kind="query", instruction="") == [3]


def test_mrl_dimension_is_a_renormalised_prefix_of_the_full_vector():
    full = fake_embedder().encode_documents(["alpha beta gamma delta", "x y"])
    small = fake_embedder(dim=32).encode_documents(["alpha beta gamma delta", "x y"])
    assert small.shape == (2, 32)
    expected = full[:, :32] / np.linalg.norm(full[:, :32], axis=1, keepdims=True)
    np.testing.assert_allclose(small, expected, rtol=1e-6)


def test_with_options_shares_the_model():
    embedder = fake_embedder()
    other = embedder.with_options(dim=32, max_length=16)
    assert other.engine.runtime is embedder.engine.runtime
    assert (other.dim, other.max_length, embedder.dim) == (32, 16, 48)
    assert other.fingerprint != embedder.fingerprint
    assert other.model_fingerprint != embedder.model_fingerprint  # the cap changes vectors


@pytest.mark.parametrize("dim", [31, 49, 0, -1])
def test_dimension_out_of_range_says_the_range(dim):
    with pytest.raises(
        InvalidArgumentError,
        match=f"Output dimension {dim} is out of range for fake-words: choose 32..48",
    ):
        fake_embedder(dim=dim)


def test_length_cap_is_bounded_by_the_model():
    assert fake_embedder(max_length=10_000).max_length == 64
    with pytest.raises(InvalidArgumentError, match="at least 8 tokens, got 4"):
        fake_embedder(max_length=4)


@pytest.mark.parametrize(
    ("native", "dims"),
    [
        (384, [32, 64, 128, 256, 384]),
        (2560, [32, 64, 128, 256, 512, 1024, 2048, 2560]),
        (1024, [32, 64, 128, 256, 512, 1024]),
    ],
)
def test_mrl_dims(native, dims):
    assert mrl_dims(native) == dims


def test_out_of_memory_halves_the_budget_and_retries_the_rest():
    embedder = fake_embedder(token_budget=64, max_batch=100, memory=20)
    texts = [f"text number {i}" for i in range(30)]  # 4 tokens each
    vectors = embedder.encode_documents(texts)
    np.testing.assert_array_equal(vectors, fake_embedder().encode_documents(texts))
    backend = embedder.engine.runtime
    assert backend.token_budget == 16  # 64 -> 32 -> 16: the first budget that fits
    assert backend.failed == [64, 32]
    assert sorted(len(b) for b in backend.batches) == [2] + [4] * 7
    assert backend.encoded_rows == 30


def test_a_single_text_too_big_for_memory_is_a_clear_error():
    embedder = fake_embedder(memory=3)
    with pytest.raises(
        InvalidArgumentError,
        match=r"\(6 tokens\)\. One text of 6 tokens does not fit: lower the token cap",
    ):
        embedder.encode_documents(["far too many words here"])
