"""Encoding speed: semsearch's engine vs ``SentenceTransformer.encode`` on the same model.

Both run in the same process on the same texts, one after the other, after a warm-up each.
Prints a table, then one line of JSON (the last line of output).

    python bench/encode.py --preset bundled --device cpu    # all-MiniLM-L6-v2, 5k lines
    python bench/encode.py --preset qwen3-4b --device cuda  # random 4B twin, 50k lines
    python bench/encode.py --preset tiny                    # tiny random Qwen3, < 1 minute

Baselines are what a user would write instead: for ``bundled``, ``tiny`` and
``qwen3-0.6b``, ``SentenceTransformer(model).encode(texts, batch_size=32,
normalize_embeddings=True)``; for ``qwen3-4b`` the seeds' settings: fp16, batch 64, the best
attention available, and sentence-transformers' best settings: bf16 (no fp16 overflow) at
the fastest of batch 128 and 256.
Agreement is the smallest cosine between the two engines' vectors of
the same text, and the overlap of the top-5 lines for 200 queries (see ``corpus.py``).

Precision side by side: ours runs in the model's default precision (fp32 on a CPU) and in
each of ``--compare`` (default bf16), each timed on the same texts and compared with the
baseline: speed, smallest cosine, largest score difference, and the share of query-line
scores that print the same to 4 decimals as sentence-transformers'.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus_and_queries, vocabulary_source
from gpu_peaks import matmul_peak_tflops

DECIDED = 0.005
"""Score gap between the 5th and 6th lines above which a top-5 counts as decided. bf16 moves
a vector by up to about 0.017 (cosine 0.99986 to the fp32 one), which moves a score by up to
about 0.005: lines closer than that are a coin toss between bf16 and fp32 (in fp32 ours and
sentence-transformers' agree to ~1e-6)."""
QUERY = "which fruit has vitamin C?"


@dataclass(frozen=True)
class Preset:
    """A model, a corpus size, a device and the baseline's settings."""

    lines: int
    device: str
    baseline_batch: int
    baseline_dtype: str
    twin: str | None = None
    """Build a random Qwen3 twin of this size; ``None``: the bundled model."""
    best_batches: tuple[int, ...] = ()
    """Batch sizes tried for sentence-transformers' best settings (bf16, the best
    attention); empty: only the seeds' settings are measured."""


PRESETS = {
    "tiny": Preset(400, "cpu", 32, "fp32", twin="tiny"),
    "bundled": Preset(5000, "cpu", 32, "fp32"),
    "qwen3-0.6b": Preset(300, "cpu", 32, "fp32", twin="0.6b"),
    "qwen3-4b": Preset(50_000, "cuda", 64, "fp16", twin="4b", best_batches=(128, 256)),
}


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    """``run()``'s result and the seconds it took."""
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile of ``values``."""
    return float(np.percentile(np.asarray(values), q))


def latency_ms(run: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """p50 and p99 milliseconds of ``run()`` over ``repeats`` calls after a warm-up."""
    run()
    samples = [timed(run)[1] * 1000 for _ in range(repeats)]
    return percentile(samples, 50), percentile(samples, 99)


def top5(queries: np.ndarray, matrix: np.ndarray) -> tuple[list[set[int]], np.ndarray]:
    """Each query's top-5 lines, and the gap between its 5th and 6th best scores."""
    scores = queries @ matrix.T
    best = np.sort(scores, axis=1)[:, ::-1]
    return [set(np.argpartition(-row, 5)[:5].tolist()) for row in scores], best[:, 4] - best[:, 5]


def agreement(
    ours: tuple[np.ndarray, np.ndarray], base: tuple[np.ndarray, np.ndarray]
) -> dict[str, float]:
    """Top-5 overlap over all queries, and over those whose top-5 is decided (``DECIDED``)."""
    ours_sets, _ = top5(*ours)
    base_sets, gaps = top5(*base)
    overlap = np.array([len(a & b) / 5 for a, b in zip(ours_sets, base_sets, strict=True)])
    decided = gaps > DECIDED
    return {
        "top5_overlap": float(overlap.mean()),
        "top5_identical": float(np.mean(overlap == 1.0)),
        "top5_identical_decided": float(np.mean(overlap[decided] == 1.0)) if decided.any() else 1.0,
        "decided_queries": float(decided.mean()),
    }


def flops_per_token(model: Any, mean_length: float) -> float:
    """Forward FLOPs per token: 2 per weight (embeddings excluded) plus causal attention."""
    config = model.config
    weights = sum(p.numel() for name, p in model.named_parameters() if "embed" not in name)
    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    attention = 2 * config.num_hidden_layers * mean_length * heads * head_dim  # QK + AV, halved
    return float(2 * weights + attention)


def model_folder(preset: Preset, device: str, work: Path, texts: list[str]) -> Path:
    """The bundled model's folder, or a freshly built random twin."""
    if preset.twin is None:
        from semsearch.encoding.model_source import bundled_folder

        return bundled_folder()
    from semsearch.encoding.twins import build_qwen3_twin

    dtype = "bf16" if device.startswith("cuda") else "fp32"
    # A vocabulary large enough to keep most corpus words whole, like Qwen's own tokenizer.
    return build_qwen3_twin(
        work / "twin",
        preset.twin,
        tokenizer_texts=texts[:3000],
        vocab_size=16384,
        dtype=dtype,
        device=device,
    )


def sentence_transformer(folder: Path, device: str, dtype: str, max_length: int) -> Any:
    """The baseline model, with the same length cap as ours."""
    import torch
    from sentence_transformers import SentenceTransformer

    from semsearch.encoding.engines.local import DTYPES, attention_backend

    kwargs = {"dtype": DTYPES[dtype], "attn_implementation": attention_backend(device)}
    model = SentenceTransformer(str(folder), device=device, model_kwargs=kwargs)
    model.max_seq_length = max_length
    torch.set_grad_enabled(False)
    return model


def seeds_baseline(
    folder: Path,
    device: str,
    preset: Preset,
    texts: list[str],
    queries: list[str],
    max_length: int,
    repeats: int,
) -> tuple[np.ndarray, float, np.ndarray, tuple[float, float]]:
    """sentence-transformers as the seeds use it: vectors, seconds, query vectors, latency."""
    baseline = sentence_transformer(folder, device, preset.baseline_dtype, max_length)
    encode_query = getattr(baseline, "encode_query", baseline.encode)
    options = {"batch_size": preset.baseline_batch, "normalize_embeddings": True}
    baseline.encode(texts[:256], **options)
    vectors, seconds = timed(lambda: baseline.encode(texts, **options))
    query_vectors = encode_query(queries, normalize_embeddings=True)
    latency = latency_ms(lambda: encode_query([QUERY]), repeats)
    return vectors, seconds, query_vectors, latency


def best_baseline(
    folder: Path, device: str, texts: list[str], max_length: int, batches: tuple[int, ...]
) -> dict[int, float]:
    """Seconds sentence-transformers takes in bf16 at each batch size (after a warm-up)."""
    if not batches:
        return {}
    import gc

    import torch

    gc.collect()  # the seeds' baseline goes first: two 4B models at once is wasted memory
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    model = sentence_transformer(folder, device, "bf16", max_length)
    seconds: dict[int, float] = {}
    for batch in batches:
        model.encode(texts[:256], batch_size=batch, normalize_embeddings=True)
        started = time.perf_counter()
        model.encode(texts, batch_size=batch, normalize_embeddings=True)
        seconds[batch] = time.perf_counter() - started
    return seconds


def device_name(device: str) -> str:
    """The GPU's name, or the CPU and its thread count."""
    import torch

    if device.startswith("cuda"):
        return str(torch.cuda.get_device_name(device))
    return f"{platform.machine()} CPU, {torch.get_num_threads()} threads"


Measured = tuple[np.ndarray, np.ndarray, float]
"""Documents' vectors, queries' vectors, seconds to encode the documents."""


def precision_row(dtype: str, ours: Measured, base: Measured, tokens: int) -> dict[str, Any]:
    """Speed and agreement with the baseline of our engine in one precision.

    ``scores_equal_4dp`` is the share of query-line scores that print the same to 4
    decimals as the baseline's (what a student comparing numbers sees); ``max_score_diff``
    the largest difference between the two engines' scores.
    """
    vectors, queries, seconds = ours
    base_vectors, base_queries, base_seconds = base
    scores, base_scores = queries @ vectors.T, base_queries @ base_vectors.T
    return {
        "dtype": dtype,
        "tokens_per_s": tokens / seconds,
        "texts_per_s": len(vectors) / seconds,
        "ratio": base_seconds / seconds,
        "min_cosine": float(np.min(np.sum(vectors * base_vectors, axis=1))),
        "max_score_diff": float(np.max(np.abs(scores - base_scores))),
        "scores_equal_4dp": float(np.mean(np.round(scores, 4) == np.round(base_scores, 4))),
        **agreement((queries, vectors), (base_queries, base_vectors)),
    }


def run(
    preset_name: str,
    device: str | None,
    lines: int | None,
    repeats: int,
    dtype: str | None = None,
    best_batches: tuple[int, ...] | None = None,
    compare: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Encode the corpus with both engines; every number of the report.

    ``compare``: more precisions of our engine to measure in the same run, side by side.
    """
    from transformers.utils import logging as hf_logging

    from semsearch import load_embedder

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    preset = PRESETS[preset_name]
    device = device or preset.device
    texts, queries = corpus_and_queries(lines or preset.lines)
    with tempfile.TemporaryDirectory() as work:
        folder, build_seconds = timed(lambda: model_folder(preset, device, Path(work), texts))
        ours = load_embedder(str(folder), device=device, dtype=dtype)
        backend: Any = getattr(ours.engine, "runtime", None)  # the local TransformerRuntime
        tokens = int(np.minimum(ours.count_tokens(texts), ours.max_length).sum())
        ours.encode_documents(texts[:256])
        ours_vectors, ours_seconds = timed(lambda: ours.encode_documents(texts))
        ours_queries = ours.encode_queries(queries)
        ours_latency = latency_ms(lambda: ours.encode_queries([QUERY]), repeats)
        others: dict[str, Measured] = {}
        for other in [d for d in compare if d != ours.dtype]:
            embedder = load_embedder(str(folder), device=device, dtype=other)
            embedder.encode_documents(texts[:256])
            started = time.perf_counter()
            vectors = embedder.encode_documents(texts)
            seconds = time.perf_counter() - started
            others[other] = (vectors, embedder.encode_queries(queries), seconds)

        base_vectors, base_seconds, base_queries, base_latency = seeds_baseline(
            folder, device, preset, texts, queries, ours.max_length, repeats
        )
        sizes = preset.best_batches if best_batches is None else best_batches
        best = best_baseline(folder, device, texts, ours.max_length, sizes)

        precisions = [
            precision_row(ours.dtype, (ours_vectors, ours_queries, ours_seconds),
                          (base_vectors, base_queries, base_seconds), tokens),
            *(precision_row(name, measured, (base_vectors, base_queries, base_seconds), tokens)
              for name, measured in others.items()),
        ]  # fmt: skip
        peak = matmul_peak_tflops(device)
        per_token = flops_per_token(backend.model, tokens / len(texts))
    batches = "packed" if backend.packs else "padded"
    result: dict[str, Any] = {
        "preset": preset_name,
        "device": device,
        "device_name": device_name(device),
        "model": "all-MiniLM-L6-v2" if preset.twin is None else f"random Qwen3 {preset.twin} twin",
        "lines": len(texts),
        "tokens": tokens,
        "ours_engine": f"{ours.dtype}, {batches} batches of {backend.token_budget} tokens",
        "baseline_engine": (
            f"SentenceTransformer {preset.baseline_dtype}, batch {preset.baseline_batch}"
        ),
        "ours_texts_per_s": len(texts) / ours_seconds,
        "baseline_texts_per_s": len(texts) / base_seconds,
        "ours_tokens_per_s": tokens / ours_seconds,
        "baseline_tokens_per_s": tokens / base_seconds,
        "ratio": base_seconds / ours_seconds,
        "min_cosine": float(np.min(np.sum(ours_vectors * base_vectors, axis=1))),
        **agreement((ours_queries, ours_vectors), (base_queries, base_vectors)),
        "ours_query_p50_ms": ours_latency[0],
        "ours_query_p99_ms": ours_latency[1],
        "baseline_query_p50_ms": base_latency[0],
        "baseline_query_p99_ms": base_latency[1],
        "model_build_s": build_seconds,
        "corpus_vocabulary": vocabulary_source(),
        "precisions": precisions,
    }
    if best:
        fastest = min(best, key=lambda batch: best[batch])
        result["best_baseline_engine"] = f"SentenceTransformer bf16, batch {fastest}"
        result["best_baseline_tokens_per_s"] = tokens / best[fastest]
        result["ratio_best"] = best[fastest] / ours_seconds
        result["best_baseline_seconds_by_batch"] = best
    if peak is not None:
        result["matmul_peak_tflops"] = peak
        result["ours_mfu"] = result["ours_tokens_per_s"] * per_token / (peak * 1e12)
        result["baseline_mfu"] = result["baseline_tokens_per_s"] * per_token / (peak * 1e12)
    return result


def print_table(r: dict[str, Any]) -> None:
    """The human-readable report."""
    print(f"encode benchmark: {r['preset']} ({r['model']}) on {r['device_name']}")
    print(f"corpus: {r['lines']} lines, {r['tokens']} tokens")
    print(f"{'':10}{'texts/s':>10}{'tokens/s':>11}{'query p50':>11}{'query p99':>11}  engine")
    for who in ("ours", "baseline"):
        print(
            f"{who:10}{r[who + '_texts_per_s']:10.1f}{r[who + '_tokens_per_s']:11.0f}"
            f"{r[who + '_query_p50_ms']:9.1f}ms{r[who + '_query_p99_ms']:9.1f}ms"
            f"  {r[who + '_engine']}"
        )
    print(f"ratio (ours / baseline throughput): {r['ratio']:.2f}x")
    print(
        f"agreement: min cosine {r['min_cosine']:.5f}; top-5 overlap {r['top5_overlap']:.3f}, "
        f"identical for {r['top5_identical']:.1%} of queries and for "
        f"{r['top5_identical_decided']:.1%} of the {r['decided_queries']:.0%} whose 5th and 6th "
        f"scores differ by more than {DECIDED}"
    )
    if "ratio_best" in r:
        print(
            f"against sentence-transformers' best settings ({r['best_baseline_engine']}, "
            f"{r['best_baseline_tokens_per_s']:.0f} tokens/s): {r['ratio_best']:.2f}x"
        )
    print(f"{'precision':10}{'tokens/s':>10}{'vs ST':>7}{'min cos':>9}{'max |Δscore|':>14}"
          f"{'= ST at 4 dp':>14}{'top-5 decided':>15}")  # fmt: skip
    for row in r["precisions"]:
        print(
            f"{row['dtype']:10}{row['tokens_per_s']:10.0f}{row['ratio']:6.2f}x"
            f"{row['min_cosine']:9.5f}{row['max_score_diff']:14.5f}"
            f"{row['scores_equal_4dp']:14.1%}{row['top5_identical_decided']:15.1%}"
        )
    if "ours_mfu" in r:
        print(
            f"MFU against a measured bf16 peak of {r['matmul_peak_tflops']:.0f} TFLOP/s: "
            f"ours {r['ours_mfu']:.1%}, baseline {r['baseline_mfu']:.1%}"
        )


def main() -> None:
    """Parse the arguments, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    parser.add_argument("--device", help="cpu or cuda (default: the preset's)")
    parser.add_argument("--lines", type=int, help="corpus size (default: the preset's)")
    parser.add_argument("--repeats", type=int, default=50, help="single-query latency samples")
    parser.add_argument("--dtype", help="our precision (default: the model's reference one)")
    parser.add_argument(
        "--best-batches",
        help="batch sizes for sentence-transformers' best settings, e.g. 128,256 "
        "(default: the preset's; 'none' skips them)",
    )
    parser.add_argument(
        "--compare",
        default="bf16",
        help="more precisions of ours to measure side by side, comma-separated (default bf16; "
        "'' for none)",
    )
    args = parser.parse_args()
    best: tuple[int, ...] | None = None
    if args.best_batches:
        chosen = "" if args.best_batches == "none" else args.best_batches
        best = tuple(int(size) for size in chosen.split(",") if size)
    compare = tuple(name.strip() for name in args.compare.split(",") if name.strip())
    result = run(
        args.preset, args.device, args.lines, args.repeats, args.dtype, best, compare=compare
    )
    print_table(result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
