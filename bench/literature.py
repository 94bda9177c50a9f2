"""Our numbers beside the literature's, on the public data in ../shared/benchmarks/.

Reads the data where it lies (``--data``, default ``../shared/benchmarks`` beside the
repository); nothing of it is copied into the package. Each task runs through the same
code a user runs:

* ``scifact``: BEIR SciFact (5,183 abstracts, 300 test queries) through the command line's
  default path, ``semsearch index corpus.jsonl`` then ``semsearch eval`` with the BEIR
  judgements (the same as ``semsearch eval --beir``): the bundled model, BM25 and their
  hybrid, nDCG@10 and recall@100, per document (MaxP). The base is kept in ``--data-dir``,
  so a second run encodes nothing. The reranker (Qwen3-Reranker) is not run: its weights
  cannot be fetched here.
* ``bm25``: BM25 alone on SciFact over whole documents (title + " " + text, as the BEIR
  baselines index them), no model needed.
* ``stsb``: STS Benchmark test, English and Chinese: cosine Spearman of the bundled model.
* ``xquad``: XQuAD zh retrieval (MTEB's rule): nDCG@10 of the bundled model and BM25.

Prints a table, our figure beside the published one, then one line of JSON.

    python bench/literature.py                       # every task (SciFact encodes for minutes)
    python bench/literature.py --tasks bm25,stsb     # the quick ones
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = {
    "scifact model ndcg@10": 0.64508,
    "scifact model recall@100": 0.925,
    "scifact bm25 ndcg@10": 0.6647,
    "scifact bm25-whole ndcg@10": 0.68736,
    "stsb en spearman": 0.82032,
    "stsb zh spearman": 0.39738,
    "xquad zh model ndcg@10": 0.24225,
    "xquad zh bm25 ndcg@10": 0.1205,
}
"""MTEB / Anserini / bm25s figures (../shared/benchmarks/README.md)."""


def _cli(*argv: str) -> str:
    """Run ``semsearch`` in this process and return what it printed."""
    from semsearch.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    if code != 0:
        raise SystemExit(f"semsearch {' '.join(argv)} exited {code}")
    return out.getvalue()


def scifact(data: Path, store: str) -> dict[str, float]:
    """SciFact through ``semsearch index`` + ``semsearch eval`` (per document, MaxP)."""
    folder = data / "scifact"
    common = ["--store", store]
    listed = json.loads(_cli("list", "--json", *common))
    if "scifact" not in {base["name"] for base in listed}:
        print("indexing SciFact (minutes on a CPU)...", file=sys.stderr)
    _cli(
        "index", str(folder / "corpus.jsonl"), "--name", "scifact", "--model", "bundled", *common
    )  # fmt: skip (resumed: a finished base encodes nothing)
    found = json.loads(_cli("eval", "--name", "scifact", "--judgements",
                            str(folder / "queries.jsonl"), "--qrels",
                            str(folder / "qrels" / "test.tsv"), "--k", "100", "--json",
                            *common))  # fmt: skip
    metrics = found["metrics"]
    return {
        **{f"scifact {m} ndcg@10": metrics[m]["ndcg@10"] for m in ("model", "bm25", "hybrid")},
        **{f"scifact {m} recall@100": metrics[m]["recall@100"] for m in ("model", "bm25")},
        "scifact documents": found["documents"],
        "scifact passages": found["passages"],
    }


def _records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _beir_whole(folder: Path, split: str = "test") -> tuple[list[str], list[str], Any]:
    from semsearch.analysis.evaluation import read_judgements

    records = _records(folder / "corpus.jsonl")
    texts = [f"{r.get('title', '')} {r['text']}".strip() for r in records]
    ids = [str(r["_id"]) for r in records]
    judged = read_judgements(folder / "queries.jsonl", texts,
                             qrels=folder / "qrels" / f"{split}.tsv", ids=ids)  # fmt: skip
    return texts, ids, judged


def _bm25_scores(texts: list[str], judged: Any, k: int) -> Any:
    from semsearch.analysis.evaluation import DEPTH, score_rankings
    from semsearch.analysis.keywords import KeywordIndex

    index = KeywordIndex(texts)
    found = {"bm25": {q: [h.index for h in index.search(q, top_k=DEPTH) if h.score > 0]
                      for q in judged.queries}}  # fmt: skip
    return score_rankings(found, judged, k=k, passages=len(texts)).method("bm25")


def bm25(data: Path) -> dict[str, float]:
    """BM25 over whole SciFact documents (title + text), as the BEIR baselines index them."""
    texts, _, judged = _beir_whole(data / "scifact")
    scores = _bm25_scores(texts, judged, 100)
    return {"scifact bm25-whole ndcg@10": scores.ndcg, "scifact bm25-whole recall@100":
            scores.recall}  # fmt: skip


def _embedder() -> Any:
    from semsearch.encoding.loading import load_embedder

    return load_embedder("bundled")


def stsb(data: Path) -> dict[str, float]:
    """Cosine Spearman on STS-B test (sentence pairs encoded as documents, no prompt)."""
    from scipy.stats import spearmanr

    embedder = _embedder()
    found = {}
    for lang in ("en", "zh"):
        rows = list(csv.reader(io.StringIO(
            (data / "stsb" / f"stsb-{lang}-test.csv").read_text("utf-8"))))  # fmt: skip
        first = embedder.encode_documents([r[0] for r in rows])
        second = embedder.encode_documents([r[1] for r in rows])
        cosine = np.sum(first * second, axis=1)
        found[f"stsb {lang} spearman"] = float(spearmanr(cosine, [float(r[2]) for r in rows])[0])
    return found


def xquad(data: Path) -> dict[str, float]:
    """XQuAD zh retrieval, MTEB's BEIR-format copy: the bundled model and BM25, nDCG@10."""
    from semsearch.analysis.evaluation import evaluate, read_judgements

    folder = data / "xquad" / "derived-mteb-style" / "zh"
    records = _records(folder / "corpus.jsonl")
    texts = [f"{r.get('title', '')} {r['text']}".strip() for r in records]

    split = next(p.stem for p in sorted((folder / "qrels").glob("*.tsv")))
    judged = read_judgements(folder / "queries.jsonl", texts, qrels=folder / "qrels" /
                             f"{split}.tsv", ids=[str(r["_id"]) for r in records])  # fmt: skip
    embedder = _embedder()
    result = evaluate(texts, embedder.encode_documents(texts), judged,
                      embedder.encode_queries(judged.queries))  # fmt: skip
    return {"xquad zh model ndcg@10": result.method("model").ndcg,
            "xquad zh bm25 ndcg@10": result.method("bm25").ndcg}  # fmt: skip


TASKS: dict[str, Callable[[Path], dict[str, float]]] = {"bm25": bm25, "stsb": stsb,
                                                        "xquad": xquad}  # fmt: skip
"""The tasks that need only the data (``scifact`` also needs a store)."""


def main() -> None:
    """Run the tasks asked for and print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "benchmarks"))
    every = ["scifact", *TASKS]
    parser.add_argument(
        "--tasks", default=",".join(every), help="comma list of " + ", ".join(every)
    )
    parser.add_argument("--data-dir", default=str(ROOT / ".bench-literature"),
                        help="where SciFact's base is kept (reused by the next run)")  # fmt: skip
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "README.md").is_file():
        raise SystemExit(f"No benchmark data in {data}; pass --data.")
    found: dict[str, Any] = {}
    for task in args.tasks.split(","):
        started = time.perf_counter()
        if task == "scifact":
            found.update(scifact(data, f"sqlite:{args.data_dir}"))
        else:
            found.update(TASKS[task](data))
        found[f"{task} seconds"] = round(time.perf_counter() - started, 1)
    print(f"{'figure':<30}{'ours':>10}{'published':>11}")
    for name, value in found.items():
        published = PUBLISHED.get(name)
        shown = f"{published:>11.5f}" if published is not None else f"{'':>11}"
        print(f"{name:<30}{value:>10.5f}{shown}")
    print(json.dumps(found))


if __name__ == "__main__":
    main()
