"""The NumPy engine is the torch engine's equal on the bundled model, and torch-free.

Its vectors are compared with the torch engine's (transformers' ``BertModel``, the page's
engine) on awkward texts (Chinese, emoji, empty, over the length cap, batched and alone),
its scores with the published quickstart figures and, to 4 decimals as printed, on a slice
of BEIR SciFact; its erf with ``math.erf``, its GELU with torch's, its weights with the
safetensors library's own reading; and the command line's deferred model answers a small
request with it (a large one loads torch). The engine contract suite
(``tests/test_engine_contract.py``) runs against it too.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from semsearch.encoding.deferred import QUICK_TOKENS, deferred_embedder
from semsearch.encoding.engines import EngineRequest, numpy_engine_runs, open_engine
from semsearch.encoding.engines.erf import erf, gelu
from semsearch.encoding.engines.numpy_bert import map_safetensors
from semsearch.encoding.model_source import bundled_folder
from semsearch.errors import ModelLoadError

pytestmark = pytest.mark.slow  # a minute or more: run first (tests/conftest.py)

SCIFACT = Path("/work/shared/benchmarks/scifact")
LONG = " ".join(f"Sentence {n} says the router resets after {n} seconds." for n in range(60))
TEXTS = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "香蕉富含钾元素,有助于维持血压稳定",
    "混合 text: 北京 is the capital; café naïve Ærøskøbing",
    "emoji 🍊🍊 and a zero-width joiner 👩‍💻",
    "",
    " ",
    "x",
    "?!",
    "[CLS] [SEP] [PAD] are only words here",
    "tabs\tand\nnewlines\r\nmixed",
    LONG,
    LONG.upper(),
]


@pytest.fixture(scope="module")
def engines(bundled):
    """(NumPy engine, torch engine) of the bundled model, both fp32 on the CPU."""
    fast = open_engine(EngineRequest("bundled", kind="numpy")).engine
    return fast, bundled.engine


def _vectors(engine, texts, max_length=256):
    found = np.zeros((len(texts), engine.native_dim), dtype=np.float32)
    for batch in engine.encode(texts, max_length=max_length):
        found[batch.indices] = batch.vectors
    return found


def test_erf_is_math_erf_to_1e_14():
    grid = np.concatenate([np.linspace(-9.0, 9.0, 400_001), [1e-300, -1e-12, 5.9999, 6.0]])
    reference = np.array([math.erf(value) for value in grid])
    assert float(np.max(np.abs(erf(grid) - reference))) < 1e-14
    edges = erf(np.array([np.inf, -np.inf, 40.0, -40.0, np.nan]))
    assert edges[:4].tolist() == [1.0, -1.0, 1.0, -1.0]
    assert np.isnan(edges[4])


def test_gelu_is_exactly_rounded_and_torchs_to_float32_rounding():
    import torch

    values = np.concatenate(
        [np.linspace(-12, 12, 200_001), np.random.default_rng(7).normal(0, 3, 100_000)]
    ).astype(np.float32)
    ours = gelu(values)
    assert ours.dtype == np.float32
    exact = np.array([v / 2 * (1 + math.erf(v / math.sqrt(2))) for v in values.tolist()])
    step = np.spacing(np.maximum(np.abs(values), 1.0).astype(np.float32)).astype(np.float64)
    assert bool(np.all(np.abs(ours - exact) <= step / 2))  # float64 inside, rounded once
    # torch works in float32 (an erf good to one step, then 1 + erf, then products): two
    # steps of the input's size apart at most.
    theirs = torch.nn.functional.gelu(torch.from_numpy(values)).numpy()
    assert bool(np.all(np.abs(ours - theirs) <= 2 * step))


def test_the_mapped_weights_are_the_librarys_to_the_bit():
    from safetensors.numpy import load_file

    path = bundled_folder() / "model.safetensors"
    mapped = map_safetensors(path)
    loaded = load_file(path)
    assert sorted(mapped) == sorted(loaded)
    assert all(np.array_equal(mapped[name], loaded[name]) for name in loaded)
    assert all(mapped[name].dtype == loaded[name].dtype for name in loaded)


def test_half_precision_weights_are_widened_exactly(tmp_path):
    import torch
    from safetensors.torch import save_file

    values = torch.linspace(-3, 3, 12).reshape(3, 4)
    save_file(
        {"a": values.to(torch.bfloat16), "b": values.to(torch.float16), "c": values},
        tmp_path / "w.st",
    )
    mapped = map_safetensors(tmp_path / "w.st")
    assert mapped["a"].dtype == np.float32
    assert np.array_equal(mapped["a"], values.to(torch.bfloat16).float().numpy())
    assert np.array_equal(mapped["b"].astype(np.float32), values.half().float().numpy())
    assert np.array_equal(mapped["c"], values.numpy())


def test_a_damaged_weights_file_is_named(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    copied = ("config.json", "tokenizer.json", "tokenizer_config.json", "modules.json")
    for name in (*copied, "sentence_bert_config.json"):
        (folder / name).write_bytes((bundled_folder() / name).read_bytes())
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_bytes(
        (bundled_folder() / "1_Pooling" / "config.json").read_bytes()
    )
    (folder / "model.safetensors").write_bytes(b"\xff" * 8 + b"{}")
    with pytest.raises(ModelLoadError, match=r"model\.safetensors cannot be read \(.*header"):
        open_engine(EngineRequest(str(folder), kind="numpy"))


def test_it_runs_only_what_it_can_and_says_so(tiny_qwen3):
    assert numpy_engine_runs(bundled_folder())
    assert not numpy_engine_runs(tiny_qwen3)
    with pytest.raises(ModelLoadError, match=r"model_type 'bert', this one has 'qwen3'; use"):
        open_engine(EngineRequest(str(tiny_qwen3), kind="numpy"))
    with pytest.raises(ModelLoadError, match=r"runs on the CPU in fp32, not on cuda in None"):
        open_engine(EngineRequest("bundled", kind="numpy", device="cuda"))
    with pytest.raises(ModelLoadError, match=r"not on cpu in bf16"):
        open_engine(EngineRequest("bundled", kind="numpy", dtype="bf16"))


def test_a_tokenizer_transformers_would_set_otherwise_is_left_to_torch(tmp_path):
    folder = tmp_path / "cased"
    source = bundled_folder()
    for path in source.rglob("*"):
        if path.is_file() and path.name != "model.safetensors":
            (folder / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (folder / path.relative_to(source)).write_bytes(path.read_bytes())
    (folder / "model.safetensors").symlink_to(source / "model.safetensors")
    assert numpy_engine_runs(folder)
    config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
    config["do_lower_case"] = False  # tokenizer.json still lower-cases
    (folder / "tokenizer_config.json").write_text(json.dumps(config), "utf-8")
    assert not numpy_engine_runs(folder)
    with pytest.raises(ModelLoadError, match=r"'lowercase': True.*'lowercase': False.*use the"):
        open_engine(EngineRequest(str(folder), kind="numpy"))


def test_it_describes_the_model_as_the_torch_engine_does(engines):
    fast, torch_engine = engines
    described = ("name", "native_dim", "model_max_length", "device", "dtype", "special_tokens")
    assert {a: getattr(fast, a) for a in described} == {
        a: getattr(torch_engine, a) for a in described
    }
    assert (fast.name, fast.native_dim, fast.model_max_length) == (
        "sentence-transformers/all-MiniLM-L6-v2", 384, 256,
    )  # fmt: skip


@pytest.mark.parametrize("cap", [256, 16])
def test_its_tokens_are_the_torch_engines(engines, cap):
    fast, torch_engine = engines
    assert fast.count_tokens(TEXTS, cap) == torch_engine.count_tokens(TEXTS, cap)
    assert fast.count_tokens([LONG], cap)[0] > 256  # counted before the cap
    for text in TEXTS:
        assert fast.token_strings(text, cap) == torch_engine.token_strings(text, cap)
        assert fast.token_spans(text) == torch_engine.token_spans(text)
    assert len(fast.token_strings(LONG, cap)) == cap


@pytest.mark.parametrize("cap", [256, 16])
def test_its_vectors_are_the_torch_engines(engines, cap):
    fast, torch_engine = engines
    ours, theirs = _vectors(fast, TEXTS, cap), _vectors(torch_engine, TEXTS, cap)
    cosines = np.sum(ours * theirs, axis=1)
    assert float(cosines.min()) >= 0.999999
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    alone = np.stack([_vectors(fast, [text], cap)[0] for text in TEXTS])
    assert float(np.max(np.abs(alone - ours))) < 1e-6  # batch-mates and padding change nothing


def test_its_scores_are_the_published_ones():
    fast = open_engine(EngineRequest("bundled", kind="numpy")).engine
    vectors = _vectors(fast, TEXTS[:3])
    scores = vectors @ vectors.T
    assert [f"{scores[i, j]:.4f}" for i, j in ((0, 1), (0, 2), (1, 2))] == [
        "0.6660", "0.1046", "0.1411",
    ]  # fmt: skip


def _printed_alike(ours: np.ndarray, theirs: np.ndarray, slack: float) -> np.ndarray:
    """Where the scores print the same to 4 decimals, or ``theirs`` lies within ``slack``
    of a rounding boundary (there the last float32 bit decides, in any two engines)."""
    same = np.vectorize(lambda a, b: f"{a:.4f}" == f"{b:.4f}")(ours, theirs)
    boundary = np.abs((theirs * 1e4) % 1.0 - 0.5) * 1e-4 <= slack
    return same | boundary


@pytest.mark.skipif(not (SCIFACT / "corpus.jsonl").is_file(), reason="no SciFact data here")
def test_scores_on_a_real_corpus_print_the_same(engines):
    fast, torch_engine = engines
    lines = (SCIFACT / "corpus.jsonl").read_text("utf-8").splitlines()[:24]
    documents = [f"{r['title']}\n{r['text']}" for r in map(json.loads, lines)]
    queries = [
        json.loads(q)["text"]
        for q in (SCIFACT / "queries.jsonl").read_text("utf-8").splitlines()[:12]
    ]
    ours = _vectors(fast, queries) @ _vectors(fast, documents).T
    theirs = _vectors(torch_engine, queries) @ _vectors(torch_engine, documents).T
    assert float(np.max(np.abs(ours - theirs))) < 1e-6
    assert bool(np.all(_printed_alike(ours, theirs, 1e-6)))
    assert (np.argsort(-ours, axis=1) == np.argsort(-theirs, axis=1)).mean() > 0.99


def test_the_deferred_model_answers_small_requests_without_torch(engines):
    embedder = deferred_embedder("bundled", native_dim=384, dim=384, max_length=256, device="cpu")
    engine = embedder.engine
    query = embedder.encode_queries(["how do I reset the router?"])
    assert not engine.loaded  # the NumPy engine answered
    counted = embedder.count_tokens(["how do I reset the router?"])
    assert counted == engines[1].count_tokens(["how do I reset the router?"], 256) == [10]
    assert not engine.loaded
    reference = _vectors(engines[1], ["how do I reset the router?"])
    assert float(query[0] @ reference[0]) >= 0.999999

    many = ["a long passage " * 40] * (QUICK_TOKENS // 256 + 1)  # over QUICK_TOKENS
    embedder.encode_documents(many)
    assert engine.loaded  # the torch engine answered, and answers from now on
    again = embedder.encode_queries(["how do I reset the router?"])
    assert float(again[0] @ query[0]) >= 0.999999
