"""Where Milvus' exact FLAT index stops paying: query time and recall@10, FLAT vs HNSW.

    python bench/milvus_index.py --sizes 5000 20000 50000 --dim 384 --queries 20

Random unit vectors (no model) in Milvus Lite, in a temporary folder. Prints a table and,
last, one line of JSON. The crossover sets ``EXACT_BELOW`` in
``semsearch/retrieval/stores/milvus.py``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np

import semsearch.retrieval.stores.milvus as milvus
from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores.base import BaseSpec
from semsearch.retrieval.stores.recall import recall_at_k


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def measure(size: int, dim: int, queries: int, index: str) -> dict[str, float | int | str]:
    """Insert ``size`` random rows into a base forced to ``index``; time queries, recall."""
    rng = np.random.default_rng(size)
    vectors = _unit(rng.normal(size=(size, dim)))
    asked = _unit(rng.normal(size=(queries, dim)))
    with tempfile.TemporaryDirectory() as folder:
        milvus.EXACT_BELOW = size + 1 if index == "FLAT" else 0
        store = milvus.MilvusStore(f"{folder}/bench.db")
        try:
            spec = BaseSpec("bench", "random", "random", dim, dim, 512, "fp32")
            start = time.perf_counter()
            store.save(spec, [Passage(f"p{i}") for i in range(size)], vectors, [1] * size,
                       [str(i) for i in range(size)])  # fmt: skip
            insert_s = time.perf_counter() - start
            store.search("bench", asked[0], top_k=10)  # warm
            times = []
            for query in asked:
                start = time.perf_counter()
                store.search("bench", query, top_k=10)
                times.append(time.perf_counter() - start)
            recall = recall_at_k(store, "bench", asked, k=10)
        finally:
            store.close()
    return {"size": size, "index": index, "insert_rows_s": round(size / insert_s),
            "p50_ms": round(1e3 * float(np.percentile(times, 50)), 1),
            "p99_ms": round(1e3 * float(np.percentile(times, 99)), 1),
            "recall_at_10": round(recall, 4)}  # fmt: skip


def main() -> None:
    """Run the sizes given on the command line, FLAT then HNSW."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 50_000])
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    results = [measure(size, args.dim, args.queries, index)
               for size in args.sizes for index in ("FLAT", "HNSW")]  # fmt: skip
    print(f"{'size':>8} {'index':>5} {'rows/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'recall@10':>9}")
    for r in results:
        print(f"{r['size']:>8} {r['index']:>5} {r['insert_rows_s']:>8} {r['p50_ms']:>7} "
              f"{r['p99_ms']:>7} {r['recall_at_10']:>9}")  # fmt: skip
    print(json.dumps(results))


if __name__ == "__main__":
    main()
