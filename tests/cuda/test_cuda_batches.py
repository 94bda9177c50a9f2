"""The encoder's GPU path: packed = padded, left = right padding, bf16 ~ fp32, fp16 overflow, OOM.

Every vector is compared with another path through the same weights on the same device, so
the random weights of the twins are no obstacle: two correct paths agree to a cosine of
0.9999 in fp32 and 0.999 in half precision (:func:`tests.cuda.devices.needed`).
"""

import numpy as np
import pytest
import torch

from semsearch.encoding.embedder import Embedder, Prompting
from semsearch.encoding.engines.local import TransformerRuntime
from semsearch.encoding.engines.tokens import TokenEngine

from .devices import CUDA, TEXTS, cosines, needed

CASES = [
    pytest.param("cpu", "tiny", "fp32", id="cpu-tiny-fp32"),
    pytest.param("cpu", "tiny", "bf16", id="cpu-tiny-bf16"),
    *(
        pytest.param("cuda", model, dtype, id=f"cuda-{model}-{dtype}", marks=CUDA)
        for model in ("tiny", "4b")
        for dtype in ("bf16", "fp32")
    ),
]
"""(device, model, dtype): ``tiny`` is the 2-layer width-64 twin, ``4b`` two layers of the
exact Qwen3-Embedding-4B shape (built on the GPU, so CUDA only)."""


def folder_of(model: str, request: pytest.FixtureRequest):
    return request.getfixturevalue("tiny_qwen3" if model == "tiny" else "qwen4b_layers")


def load(folder, device: str, dtype: str, packing: str = "off") -> TransformerRuntime:
    return TransformerRuntime.load(folder, device=device, dtype=dtype, packing=packing)


@pytest.mark.parametrize(("device", "model", "dtype"), CASES)
def test_warm_up_keeps_packing_and_packed_equals_padded_equals_alone(device, model, dtype, request):
    runtime = load(folder_of(model, request), device, dtype, packing="auto")
    if device == "cpu":  # "auto" packs on CUDA only; on a CPU warm up by hand
        runtime.warm_up()
    assert (runtime.packs, runtime.notices) == (True, [])
    ids = runtime.tokenize(TEXTS, 512).ids
    packed = runtime.encode_batch(ids)
    runtime.use_packing(False)
    padded = runtime.encode_batch(ids)
    alone = np.concatenate([runtime.encode_batch([row]) for row in ids])  # no padding at all
    assert packed.shape == (len(TEXTS), runtime.native_dim)
    assert cosines(packed, padded).min() >= needed(dtype)
    assert cosines(padded, alone).min() >= needed(dtype)


@pytest.mark.parametrize(("device", "model", "dtype"), CASES)
def test_left_and_right_padding_give_the_same_vectors(device, model, dtype, request):
    runtime = load(folder_of(model, request), device, dtype)
    ids = runtime.tokenize(TEXTS, 512).ids
    assert runtime.left_padding  # Qwen3's own side
    left = runtime.encode_batch(ids)
    runtime.left_padding = False
    right = runtime.encode_batch(ids)
    assert cosines(left, right).min() >= needed(dtype)


@pytest.mark.parametrize(
    ("device", "model"),
    [
        pytest.param("cpu", "tiny", id="cpu-tiny"),
        pytest.param("cuda", "tiny", id="cuda-tiny", marks=CUDA),
        pytest.param("cuda", "4b", id="cuda-4b", marks=CUDA),
    ],
)
def test_bf16_agrees_with_fp32(device, model, request):
    folder = folder_of(model, request)
    full = load(folder, device, "fp32", packing="auto")
    half = load(folder, device, "bf16", packing="auto")
    ids = full.tokenize(TEXTS, 512).ids
    assert cosines(half.encode_batch(ids), full.encode_batch(ids)).min() >= 0.99


@pytest.mark.parametrize(
    ("device", "model"),
    [
        pytest.param("cpu", "tiny", id="cpu-tiny"),
        pytest.param("cuda", "tiny", id="cuda-tiny", marks=CUDA),
        pytest.param("cuda", "4b", id="cuda-4b", marks=CUDA),
    ],
)
def test_fp16_overflow_never_reaches_the_caller(device, model, request):
    folder = folder_of(model, request)
    runtime = load(folder, device, "fp16", packing="auto")
    reference = load(folder, device, "bf16", packing="auto")
    # A final-norm gain near fp16's limit (65504) pushes activations past it to inf, as
    # real inputs do on large models ("import ..." on the 8B); bf16's range holds them.
    with torch.no_grad():
        runtime.model.norm.weight.fill_(6e4)
        reference.model.norm.weight.fill_(6e4)
    embedder = Embedder(TokenEngine(runtime, name=model), name=model, prompting=Prompting())
    vectors = embedder.encode_documents(TEXTS)
    assert np.isfinite(vectors).all()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert runtime.dtype == "fp16"  # only the overflowing rows ran in bf16 (autocast)
    assert {p.dtype for p in runtime.model.parameters()} == {torch.float16}
    assert runtime.notices[-1].startswith("fp16 overflowed (NaN) on some texts")
    expected = reference.encode_batch(runtime.tokenize(TEXTS, 512).ids)
    assert cosines(vectors, expected).min() >= 0.99


@CUDA
def test_out_of_memory_halves_the_batch_and_finishes(qwen4b_layers):
    runtime = load(qwen4b_layers, "cuda", "bf16", packing="auto")
    engine = TokenEngine(runtime, name="4b-2layers")
    # 64 texts cut to exactly 512 tokens each: 16 a batch at a budget of 8,192 tokens.
    texts = [
        f"{i} " + " ".join(["the quick brown fox jumps over the lazy dog"] * 80) for i in range(64)
    ]
    ids = runtime.tokenize(texts, 512).ids
    assert {len(row) for row in ids} == {512}
    runtime.token_budget = budget = 16 * 512
    expected = runtime.encode_batch(ids[:16])

    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated()
    runtime.encode_batch(ids[:16])
    extra = torch.cuda.max_memory_allocated() - before  # what one full batch needs on top
    torch.cuda.empty_cache()
    total = torch.cuda.get_device_properties(0).total_memory
    # Room for 3/4 of a full batch: the planned batches fail, halves (1/2) fit.
    limit = torch.cuda.memory_reserved() + 0.75 * extra
    torch.cuda.set_per_process_memory_fraction(limit / total)
    try:
        batches = list(engine.encode(texts, max_length=512))
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
    assert extra > 256 * 2**20, f"a full batch needed only {extra} bytes: too little to provoke"
    assert runtime.token_budget == budget // 2
    assert sorted(i for batch in batches for i in batch.indices) == list(range(64))
    assert max(len(batch.indices) for batch in batches) == 8
    got = np.zeros((64, runtime.native_dim), dtype=np.float32)
    for batch in batches:
        got[batch.indices] = batch.vectors
    assert cosines(got[:16], expected).min() >= 0.999
