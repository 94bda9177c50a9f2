"""Query latency of ranking: semsearch's VectorIndex vs sentence-transformers' semantic_search.

For each knowledge-base size N and dimension d, both rank the same random unit vectors
against the same queries (top 10), in one run; the index is built once, as the page builds
it once per search. Answers are checked against an exact float64 brute force. Prints a
table, then one line of JSON.

    python bench/rank.py                      # CPU; N = 1e3..1e6, d = 384, 1024, 2560
    python bench/rank.py --device cuda        # the same on the GPU (half-precision index)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from encode import device_name, percentile

from semsearch.retrieval.vector_index import VectorIndex

TOP_K = 10


def unit_rows(rows: int, dim: int, seed: int) -> np.ndarray:
    """Random unit vectors, made in chunks to keep the peak memory near the result's size."""
    rng = np.random.default_rng(seed)
    out = np.empty((rows, dim), dtype=np.float32)
    for start in range(0, rows, 65536):
        block = rng.standard_normal((min(65536, rows - start), dim), dtype=np.float32)
        out[start : start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def time_queries(run: Any, queries: Any, sync: Any) -> list[float]:
    """Milliseconds per query, after one untimed warm-up query."""
    run(queries[0])
    samples = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        sync()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def exact(matrix: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """float64 scores [len(queries), n], a block of rows at a time (1M x 2560 is 20 GB)."""
    out = np.empty((len(queries), len(matrix)), dtype=np.float64)
    for start in range(0, len(matrix), 65536):
        block = matrix[start : start + 65536].astype(np.float64)
        out[:, start : start + len(block)] = queries.astype(np.float64) @ block.T
    return out


def measure(rows: int, dim: int, device: str, count: int) -> dict[str, Any]:
    """One table cell: both engines on the same N x dim matrix and queries."""
    import torch
    from sentence_transformers.util import semantic_search

    matrix = unit_rows(rows, dim, seed=rows + dim)
    queries = unit_rows(count, dim, seed=7)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)

    index = VectorIndex(matrix, device=device)
    ours = time_queries(lambda q: index.search(q, top_k=TOP_K), queries, sync)

    corpus = torch.from_numpy(matrix).to(device)
    query_tensors = torch.from_numpy(queries).to(device)
    baseline = time_queries(
        lambda q: semantic_search(q, corpus, top_k=TOP_K), list(query_tensors.unsqueeze(1)), sync
    )
    # Exact answers for a few queries; the GPU index is fp16, so allow swaps of near-ties.
    tolerance = 4e-3 if device.startswith("cuda") else 1e-5
    same, checked = 0, queries[:5]
    exact_scores = exact(matrix, checked)
    for query, truth in zip(checked, exact_scores, strict=True):
        expected = np.argsort(-truth, kind="stable")[:TOP_K]
        got = [h.index for h in index.search(query, top_k=TOP_K)]
        same += all(
            abs(truth[g] - truth[e]) <= tolerance for g, e in zip(got, expected, strict=True)
        )
    return {
        "n": rows,
        "dim": dim,
        "ours_p50_ms": percentile(ours, 50),
        "ours_p99_ms": percentile(ours, 99),
        "baseline_p50_ms": percentile(baseline, 50),
        "baseline_p99_ms": percentile(baseline, 99),
        "speedup_p50": percentile(baseline, 50) / percentile(ours, 50),
        "exact_answers": f"{same}/{len(checked)}",
    }


def main() -> None:
    """Run the grid of sizes and dimensions; print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--sizes", default="1000,10000,100000,200000,1000000")
    parser.add_argument("--dims", default="384,1024,2560")
    parser.add_argument("--queries", type=int, default=50, help="timed queries per cell")
    parser.add_argument(
        "--max-gb", type=float, default=4.2, help="skip cells whose float32 matrix is larger"
    )
    args = parser.parse_args()
    rows = []
    print(f"rank benchmark on {device_name(args.device)}: top-{TOP_K} of N unit vectors")
    columns = "".join(f"{c:>11}" for c in ("ours p50", "ours p99", "s-t p50", "s-t p99"))
    print(f"{'N':>9}{'dim':>6}{columns}{'speedup':>9}  exact")
    for dim in (int(d) for d in args.dims.split(",")):
        for n in (int(float(s)) for s in args.sizes.split(",")):
            gigabytes = n * dim * 4 / 1e9
            if gigabytes > args.max_gb:
                why = f"the float32 matrix needs {gigabytes:.1f} GB (--max-gb {args.max_gb})"
                print(f"{n:>9}{dim:>6}  skipped: {why}")
                continue
            cell = measure(n, dim, args.device, args.queries)
            rows.append(cell)
            print(
                f"{n:>9}{dim:>6}{cell['ours_p50_ms']:9.2f}ms{cell['ours_p99_ms']:9.2f}ms"
                f"{cell['baseline_p50_ms']:9.2f}ms{cell['baseline_p99_ms']:9.2f}ms"
                f"{cell['speedup_p50']:8.1f}x  {cell['exact_answers']}"
            )
    summary = {"device": args.device, "device_name": device_name(args.device), "top_k": TOP_K}
    print(json.dumps({**summary, "rows": rows}))


if __name__ == "__main__":
    main()
