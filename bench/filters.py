"""What a metadata filter costs a search in each store: ms per query, with and without.

    python bench/filters.py --size 100000 --dim 384 --stores sqlite milvus

Random unit vectors (no model) in a temporary folder; each passage has one of 50 sources and
a ``topic`` metadata field with one of 10 values. Prints one line per store and filter and,
last, one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import Any

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores import BaseSpec, open_store

FILTERS: list[dict[str, Any] | None] = [
    None,
    {"source": "f3.pdf"},
    {"topic": "k3"},
    {"topic": ["k3", "k4"], "source": "f3.pdf"},
]


def measure(kind: str, size: int, dim: int, repeat: int) -> list[dict[str, Any]]:
    """Save ``size`` rows in a ``kind`` store, then time a top-10 search under each filter."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(size, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = [
        Passage(f"t{i}", f"f{i % 50}.pdf", f"line {i}", "", (("topic", f"k{i % 10}"),))
        for i in range(size)
    ]
    folder = tempfile.mkdtemp()
    store = open_store(f"sqlite:{folder}" if kind == "sqlite" else f"milvus:{folder}/b.db")
    spec = BaseSpec("kb", "m", "bundled", dim, dim, 256, "fp32", {})
    store.save(spec, passages, vectors, [1] * size, [str(i) for i in range(size)])
    rows = []
    for where in FILTERS:
        store.search("kb", vectors[5], top_k=10, where=where)  # warm: mapping, caches
        started = time.perf_counter()
        for n in range(repeat):
            store.search("kb", vectors[n], top_k=10, where=where)
        ms = (time.perf_counter() - started) / repeat * 1000
        rows.append({"store": kind, "size": size, "where": where, "ms": round(ms, 1)})
        print(f"{kind:<7} {size:>8} {json.dumps(where, ensure_ascii=False):<48} {ms:8.1f} ms")
    close = getattr(store, "close", None)
    if callable(close):
        close()
    return rows


def main() -> None:
    """Parse the options and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "milvus"])
    args = parser.parse_args()
    found = [row for kind in args.stores for row in measure(kind, args.size, args.dim, args.repeat)]
    print(json.dumps(found))


if __name__ == "__main__":
    main()
