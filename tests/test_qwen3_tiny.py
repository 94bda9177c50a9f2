"""The real Qwen3 code path on a tiny random twin: instruction, EOS, padding, pooling, MRL.

The reference is computed by hand in each test: one text at a time through the raw
``transformers`` model, no padding, the hidden state of the final position taken and
normalised. The embedder must agree with it for any batch composition.
"""

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from semsearch import DEFAULT_TASK, load_embedder
from semsearch.encoding.embedder import Embedder, Prompting
from semsearch.encoding.engines.local import TransformerRuntime
from semsearch.encoding.engines.tokens import TokenEngine

from .conftest import build_tiny_qwen3

TEXTS = [
    "Oranges contain plenty of vitamin C.",
    "fox",
    "the quick brown fox jumps over the lazy dog " * 3,
    "苹果是一种很好吃的水果",
    "import numpy as np",
]


def reference(folder, text: str) -> np.ndarray:
    """Hand-made embedding: tokenize alone, run the raw model, take the last position."""
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, dtype=torch.float32).eval()
    ids = tokenizer(text)["input_ids"]
    assert ids[-1] == tokenizer.eos_token_id  # the tokenizer itself appends <|endoftext|>
    with torch.no_grad():
        hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0, -1]
    vector = hidden.numpy()
    return vector / np.linalg.norm(vector)


@pytest.fixture(scope="module")
def qwen(tiny_qwen3):
    return load_embedder(str(tiny_qwen3), device="cpu", dtype="fp32")


def cosines(a, b):
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def test_folder_is_read_as_the_model_card_says(qwen):
    assert qwen.engine.runtime.files.pooling == "lasttoken"
    assert qwen.default_task == DEFAULT_TASK
    assert qwen.engine.runtime.left_padding
    assert not qwen.engine.runtime.append_eos
    assert (qwen.native_dim, qwen.dim, qwen.dtype, qwen.device) == (64, 64, "fp32", "cpu")
    assert qwen.report.how == "local folder"


def test_documents_match_the_hand_computed_reference_in_any_batch(tiny_qwen3, qwen):
    expected = np.stack([reference(tiny_qwen3, text) for text in TEXTS])
    together = qwen.encode_documents(TEXTS)  # one left-padded batch of mixed lengths
    one_by_one = np.concatenate([qwen.encode_documents([text]) for text in TEXTS])
    assert cosines(together, expected).min() >= 0.9999
    assert cosines(one_by_one, expected).min() >= 0.9999
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, rtol=1e-5)


def test_queries_are_encoded_with_the_exact_instruction_format(tiny_qwen3, qwen):
    query = "which fruit has vitamin C?"
    expected_text = f"Instruct: {DEFAULT_TASK}\nQuery:{query}"
    assert qwen.model_input(query, kind="query") == expected_text
    got = qwen.encode_queries([query, "fox"])
    assert cosines(got[0], reference(tiny_qwen3, expected_text)) >= 0.9999
    custom = qwen.encode_queries([query], instruction="Find fruit facts")[0]
    assert (
        cosines(custom, reference(tiny_qwen3, f"Instruct: Find fruit facts\nQuery:{query}"))
        >= 0.9999
    )
    bare = qwen.encode_queries([query], instruction="")[0]
    assert cosines(bare, reference(tiny_qwen3, query)) >= 0.9999
    assert cosines(bare, got[0]) < 0.9999  # the instruction really changes the vector


def test_every_input_ends_with_eos_even_when_cut(qwen):
    backend = qwen.engine.runtime
    eos = backend.tokenizer.eos_token_id
    tokens = backend.tokenize(TEXTS, max_length=8)
    assert all(ids[-1] == eos for ids in tokens.ids)
    assert all(len(ids) <= 8 for ids in tokens.ids)
    assert tokens.full_lengths[2] > 8  # the long text was cut, and its full length is known
    assert tokens.full_lengths[1] == len(tokens.ids[1])


def test_length_cap_cuts_and_reports(tiny_qwen3):
    capped = load_embedder(str(tiny_qwen3), device="cpu", max_length=8)
    result = capped.embed(TEXTS)
    full = capped.count_tokens(TEXTS)
    assert result.token_counts.tolist() == full
    assert capped.max_length == 8
    assert max(full) > 8


def test_right_padding_pools_the_same_vectors(qwen):
    backend = qwen.engine.runtime
    ids = backend.tokenize(TEXTS, 512).ids
    left = backend.encode_batch(ids)
    backend.left_padding = False
    try:
        right = backend.encode_batch(ids)
    finally:
        backend.left_padding = True
    assert cosines(left, right).min() >= 0.9999


def test_mrl_dimension_is_the_renormalised_prefix(tiny_qwen3, qwen):
    small = qwen.with_options(dim=32).encode_documents(TEXTS[:2])
    full = np.stack([reference(tiny_qwen3, text) for text in TEXTS[:2]])
    prefix = full[:, :32] / np.linalg.norm(full[:, :32], axis=1, keepdims=True)
    assert small.shape == (2, 32)
    assert cosines(small, prefix).min() >= 0.9999


def test_same_vectors_as_sentence_transformers(tiny_qwen3, qwen):
    from sentence_transformers import SentenceTransformer

    st_model = SentenceTransformer(str(tiny_qwen3), device="cpu")
    theirs_docs = st_model.encode_document(TEXTS, normalize_embeddings=True)
    theirs_query = st_model.encode_query(["which fruit has vitamin C?"], normalize_embeddings=True)
    assert cosines(qwen.encode_documents(TEXTS), theirs_docs).min() >= 0.9999
    assert (
        cosines(qwen.encode_queries(["which fruit has vitamin C?"]), theirs_query).min() >= 0.9999
    )


def test_bf16_stays_close_to_fp32(tiny_qwen3, qwen):
    bf16 = load_embedder(str(tiny_qwen3), device="cpu", dtype="bf16")
    assert bf16.dtype == "bf16"
    assert cosines(bf16.encode_documents(TEXTS), qwen.encode_documents(TEXTS)).min() >= 0.99


def test_fp16_overflow_is_redone_in_bf16_and_never_returns_nan(tiny_qwen3):
    backend = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype="fp16")
    # A final-norm gain near fp16's limit (65504) pushes activations past it to inf, as
    # real inputs do on large models; bf16's range holds them.
    with torch.no_grad():
        backend.model.norm.weight.fill_(6e4)
    embedder = Embedder(
        TokenEngine(backend, name="tiny-fp16"), name="tiny-fp16", prompting=Prompting()
    )
    vectors = embedder.encode_documents(TEXTS)
    assert np.isfinite(vectors).all()
    assert backend.dtype == "fp16"  # the shared model keeps its precision (and cache keys)
    assert "bf16" in backend.notices[0]


@pytest.mark.parametrize("dtype", ["fp32", "bf16"])
def test_packed_batches_give_the_padded_vectors(tiny_qwen3, qwen, dtype):
    backend = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype=dtype, packing="on")
    assert backend.packs
    assert backend.model.config._attn_implementation == "semsearch_varlen"
    packed = Embedder(
        TokenEngine(backend, name="tiny-packed"), name="tiny-packed", prompting=qwen.prompting
    )
    got = packed.encode_documents(TEXTS)
    assert cosines(got, qwen.encode_documents(TEXTS)).min() >= (
        0.9999 if dtype == "fp32" else 0.999
    )
    query = "which fruit has vitamin C?"
    assert cosines(packed.encode_queries([query]), qwen.encode_queries([query])).min() >= 0.999
    backend.use_packing(False)
    assert backend.model.config._attn_implementation == "sdpa"
    assert cosines(packed.encode_documents(TEXTS), qwen.encode_documents(TEXTS)).min() >= 0.999


def test_packed_mean_pooling_matches_padded(bundled):
    from semsearch.encoding.model_source import bundled_folder

    backend = TransformerRuntime.load(bundled_folder(), device="cpu", dtype="fp32", packing="on")
    padded = TransformerRuntime.load(bundled_folder(), device="cpu", dtype="fp32", packing="off")
    ids = backend.tokenize(TEXTS, 256).ids
    assert cosines(backend.encode_batch(ids), padded.encode_batch(ids)).min() >= 0.9999


def test_warm_up_keeps_packing_only_when_it_agrees(tiny_qwen3):
    backend = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype="fp32", packing="off")
    backend.warm_up()  # on CPU the packed path is exact, so it is kept
    assert backend.packs
    assert backend.notices == []


def test_warm_up_turns_packing_off_when_the_kernel_disagrees(tiny_qwen3, monkeypatch):
    from semsearch.encoding.engines import packed

    # Stand-in for a varlen kernel that misbehaves on some GPU: attention that ignores keys.
    monkeypatch.setattr(packed, "_per_text_attention", lambda q, k, v, cu, causal, scale: q)
    backend = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype="fp32", packing="off")
    backend.warm_up()
    assert not backend.packs
    assert backend.model.config._attn_implementation == "sdpa"
    assert backend.notices[0].startswith(
        "Padding-free batches are off: they agree with padded ones only"
    )


def test_tokenizer_without_eos_gets_it_appended(tmp_path):
    folder = build_tiny_qwen3(tmp_path / "old", eos_in_template=False)
    backend = TransformerRuntime.load(folder, device="cpu", dtype="fp32")
    eos = backend.tokenizer.eos_token_id
    assert backend.append_eos
    tokens = backend.tokenize(["fox", "the quick brown fox jumps"], max_length=4)
    assert all(ids[-1] == eos for ids in tokens.ids)
    assert [len(ids) for ids in tokens.ids] == [min(4, n) for n in tokens.full_lengths]


def test_folder_without_sentence_transformers_files_still_follows_the_card(tmp_path):
    folder = build_tiny_qwen3(tmp_path / "bare", st_files=False)
    embedder = load_embedder(str(folder), device="cpu")
    assert isinstance(embedder.engine.runtime, TransformerRuntime)
    assert embedder.engine.runtime.files.pooling == "lasttoken"
    assert embedder.default_task == DEFAULT_TASK
