"""Scale: a 1M-passage base in the embedded store and in Milvus Lite, and engines side by side.

    python bench/scale.py --flat-too            # 1M x 384 (Milvus Lite 200k), page, engines
    python bench/scale.py --rows 20000 --skip-engines --out scale.jsonl

Part 1 needs no model for the base: the vectors are supplied, unit vectors drawn as a mixture
of Gaussian clusters on the sphere (real embeddings are clustered, not uniform: a query's
neighbours are a dense cluster of near-equal scores, which is what makes an approximate
index miss), texts ``passage N``, sources ``doc-C.txt`` (C the cluster), seeded. For the
SQLite + NumPy store and for Milvus Lite, each in its own temporary folder:

* ``index``: rows/s through the contract's ``add`` in batches, peak RSS of the process;
* ``query``: top-10 and threshold (top 1,000 above a threshold chosen to return a few hundred
  rows) p50/p99, recall@10 against the exact top 10 (:mod:`semsearch.retrieval.stores.recall`);
  for Milvus at the index it chooses at that size, then, with ``--flat-too``, after
  re-indexing the same collection FLAT (exact);
* ``page``: what the page does to open the base and show the first result: load the bundled
  model, then :func:`~semsearch.retrieval.search.run_base_search` for one query (the store's
  top 2,000 plus a 500 sample); RSS before/after and each step's time;
* ``page-old`` (baseline, SQLite only): what the page did before, every passage and vector of
  the base into the session (:func:`~semsearch.retrieval.library.open_base` into a
  ``VectorCache``), then :func:`~semsearch.retrieval.search.run_search` over all of it.

Every phase runs in a fresh subprocess (this script with ``--phase``), so its peak RSS
(``ru_maxrss``) is its own. RSS is split as Linux does: ``anon`` is the process's private
memory, ``file`` is mapped file pages (the embedded store's memory-mapped vectors: the page
cache, shared by every process and session that maps the file).

Part 2 encodes the same 2,000 short texts with the local engine (fp32, bf16) and with a vLLM
server on loopback serving the bundled model (fp32, batches of 64, concurrency 1 and 4),
started from ``.venv-vllm`` (``make vllm-env``); skipped, and said so, without it.

Prints Markdown tables, then one JSON line per phase, then (last) one JSON line with
everything. ``os.getloadavg()`` is recorded with every phase: other work on the machine
slows every figure here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASE = "scale"
BATCH = 10_000
"""Rows per ``add`` (and per generated chunk: both stores get the same rows)."""
THRESHOLD_RANK = 300
"""The threshold is the median, over the queries, of each query's 300th best score."""
THRESHOLD_TOP_K = 1_000
PAGE_QUERY = "how do I reset my password"
Result = dict[str, Any]
OLD = "old: open_base + run_search (all in session)"


# -- the data: clustered unit vectors, the same for every store -----------------------------


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _centres(seed: int, clusters: int, dim: int) -> np.ndarray:
    return _unit(np.random.default_rng([seed, 0]).standard_normal((clusters, dim)))


def _around(
    rng: np.random.Generator, centres: np.ndarray, n: int, spread: float
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` unit vectors, each its cluster's centre plus Gaussian noise; and the clusters."""
    cluster = rng.integers(len(centres), size=n)
    noise = rng.standard_normal((n, centres.shape[1]), dtype=np.float32)
    return _unit(centres[cluster] + spread * noise), cluster


def chunks(args: argparse.Namespace, rows: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(first id, vectors, clusters) for ``rows`` rows, ``BATCH`` at a time, seeded per chunk."""
    centres = _centres(args.seed, args.clusters, args.dim)
    for start in range(0, rows, BATCH):
        rng = np.random.default_rng([args.seed, 1, start])
        vectors, cluster = _around(rng, centres, min(BATCH, rows - start), args.spread)
        yield start, vectors, cluster


def queries(args: argparse.Namespace) -> np.ndarray:
    """Query vectors drawn like the passages (each near one cluster, as real queries are)."""
    centres = _centres(args.seed, args.clusters, args.dim)
    return _around(np.random.default_rng([args.seed, 2]), centres, args.queries, args.spread)[0]


# -- measuring ------------------------------------------------------------------------------


def rss_mb() -> dict[str, float]:
    """Resident memory of this process now, MB: total, private (anon), mapped files, peak."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss": fields["VmRSS"], "anon": fields["RssAnon"], "file": fields["RssFile"],
            "peak": fields["VmHWM"]}  # fmt: skip


def peak_rss_mb() -> float:
    """The most this process held resident at any time (``ru_maxrss``, KB on Linux), MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def latencies(run: Callable[[np.ndarray], Any], asked: np.ndarray) -> tuple[float, float, list]:
    """p50 and p99 in ms over ``asked`` (after one untimed warm-up), and each answer."""
    run(asked[0])
    times, answers = [], []
    for query in asked:
        start = time.perf_counter()
        answers.append(run(query))
        times.append(time.perf_counter() - start)
    ms = 1e3 * np.array(times)
    return round(float(np.percentile(ms, 50)), 1), round(float(np.percentile(ms, 99)), 1), answers


def load() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


# -- phases (each in its own process) -------------------------------------------------------


def _open(uri: str) -> Any:
    from semsearch.retrieval.stores import open_store

    return open_store(uri)


def phase_index(args: argparse.Namespace) -> Result:
    """Fill a new base through ``add``, ``BATCH`` rows a call; rows/s and peak RSS."""
    from semsearch.documents.chunking import Passage
    from semsearch.retrieval.library import content_hash
    from semsearch.retrieval.stores.base import BaseSpec

    store = _open(args.store)
    spec = BaseSpec(BASE, "sentence-transformers/all-MiniLM-L6-v2", "bundled", args.dim,
                    args.dim, 256, "fp32", {"bench": "scale.py"})  # fmt: skip
    store.create(spec, replace=True)
    before = rss_mb()
    add_s = 0.0
    started = time.perf_counter()
    for first, vectors, cluster in chunks(args, args.rows):
        passages = [Passage(f"passage {first + i}", f"doc-{c}.txt", f"passage {first + i}")
                    for i, c in enumerate(cluster.tolist())]  # fmt: skip
        hashes = [content_hash(p) for p in passages]
        tick = time.perf_counter()
        store.add(BASE, passages, vectors, [8] * len(passages), hashes)
        add_s += time.perf_counter() - tick
    wall = time.perf_counter() - started
    result: Result = {"rows": store.count(BASE), "add_rows_s": round(args.rows / add_s),
                      "wall_s": round(wall, 1), "rss_before": before, "rss_after": rss_mb(),
                      "peak_rss_mb": peak_rss_mb()}  # fmt: skip
    if hasattr(store, "index_type"):
        result["index"] = store.index_type(BASE)
    if hasattr(store, "close"):  # Milvus Lite: let go of the file (it flushes what it holds)
        tick = time.perf_counter()
        store.close()
        result["close_s"] = round(time.perf_counter() - tick, 1)
    return result


def phase_query(args: argparse.Namespace) -> Result:
    """Top-10 and threshold latency, recall@10; for Milvus also after re-indexing FLAT."""
    from semsearch.retrieval.stores.recall import exact_top_k

    store = _open(args.store)
    asked = queries(args)[: args.count]
    truth_store = _open(args.truth) if args.truth else store
    started = time.perf_counter()
    exact = exact_top_k(truth_store, BASE, asked, k=max(10, THRESHOLD_RANK))
    truth_s = time.perf_counter() - started
    # exact scores of each query's exact top rows, for the threshold and its recall
    scores = np.stack(
        [truth_store.vectors(BASE, ids.tolist()) @ q for q, ids in zip(asked, exact, strict=True)]
    )
    rank = min(THRESHOLD_RANK, exact.shape[1]) - 1
    threshold = (
        float(args.threshold) if args.threshold is not None else float(np.median(scores[:, rank]))
    )
    result: Result = {"rows": store.count(BASE), "queries": len(asked),
                      "threshold": round(threshold, 4),
                      "exact_truth_s": round(truth_s, 1)}  # fmt: skip
    if hasattr(store, "index_type"):
        result["index"] = store.index_type(BASE)
    result.update(_timed_searches(store, asked, exact, scores, threshold))
    if args.flat_too and hasattr(store, "index_type") and result["index"] != "FLAT":
        # The store picks its index by size; this bench re-indexes the same collection as
        # the store itself does when a base crosses EXACT_BELOW (a private step, on purpose).
        collection = store._collection(BASE)
        spec = store.info(BASE).spec
        tick = time.perf_counter()
        store._reindex(collection, spec, "FLAT")
        result["flat"] = {"reindex_s": round(time.perf_counter() - tick, 1), "index": "FLAT",
                          **_timed_searches(store, asked, exact, scores, threshold)}  # fmt: skip
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _timed_searches(
    store: Any, asked: np.ndarray, exact: np.ndarray, scores: np.ndarray, threshold: float
) -> Result:
    """Top-10 and threshold latencies and recalls against the exact ids and their scores."""
    top_p50, top_p99, tops = latencies(lambda q: store.search(BASE, q, top_k=10), asked)
    recall = np.mean(
        [
            len({h.id for h in hits} & set(ids[:10].tolist())) / 10
            for hits, ids in zip(tops, exact, strict=True)
        ]
    )
    thr_p50, thr_p99, found = latencies(
        lambda q: store.search(BASE, q, top_k=THRESHOLD_TOP_K, threshold=threshold), asked
    )
    # the threshold answer's recall: of the exact rows above it (within the exact top 300)
    within = []
    for hits, ids, exact_scores in zip(found, exact, scores, strict=True):
        above = set(ids[exact_scores >= threshold].tolist())
        if above:
            within.append(len({h.id for h in hits} & above) / len(above))
    return {"top10_p50_ms": top_p50, "top10_p99_ms": top_p99, "recall_at_10": round(recall, 4),
            "threshold_p50_ms": thr_p50, "threshold_p99_ms": thr_p99,
            "threshold_rows_median": int(np.median([len(f) for f in found])),
            "threshold_recall": round(float(np.mean(within)), 4) if within else None}  # fmt: skip


def phase_page(args: argparse.Namespace) -> Result:
    """The page opening the base: load the bundled model, then one bounded base search."""
    started = time.perf_counter()
    from semsearch import load_embedder
    from semsearch.retrieval.search import run_base_search

    imported = rss_mb()
    import_s = time.perf_counter() - started
    tick = time.perf_counter()
    embedder = load_embedder("bundled", device="cpu", dtype="fp32")
    model_s = time.perf_counter() - tick
    with_model = rss_mb()
    tick = time.perf_counter()
    store = _open(args.store)
    run = run_base_search(embedder, store, BASE, PAGE_QUERY)
    first_s = time.perf_counter() - tick
    after = rss_mb()
    tick = time.perf_counter()
    run_base_search(embedder, store, BASE, PAGE_QUERY + " please")
    again_s = time.perf_counter() - tick
    assert run.scope is not None
    return {"import_s": round(import_s, 2), "model_s": round(model_s, 2),
            "first_result_s": round(first_s, 2), "next_query_s": round(again_s, 2),
            "candidates": run.scope.candidates, "sampled": run.scope.sampled,
            "session_vectors_mb": round(run.kb_embeddings.nbytes / 2**20, 1),
            "rss_imported": imported, "rss_model": with_model, "rss_first_result": after,
            "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def phase_page_old(args: argparse.Namespace) -> Result:
    """Baseline: the whole base into the session's cache (the page before), then one search."""
    started = time.perf_counter()
    from semsearch import load_embedder
    from semsearch.encoding.vector_cache import VectorCache
    from semsearch.retrieval.library import open_base
    from semsearch.retrieval.ranking import top_hits
    from semsearch.retrieval.search import run_search

    imported = rss_mb()
    import_s = time.perf_counter() - started
    tick = time.perf_counter()
    embedder = load_embedder("bundled", device="cpu", dtype="fp32")
    model_s = time.perf_counter() - tick
    with_model = rss_mb()
    tick = time.perf_counter()
    cache = VectorCache()
    saved = open_base(_open(args.store), BASE, embedder, cache)
    open_s = time.perf_counter() - tick
    opened = rss_mb()
    tick = time.perf_counter()
    texts = [p.text for p in saved.passages]
    run = run_search(embedder, cache, texts, PAGE_QUERY)
    top_hits(run.kb_embeddings @ run.query_vector, top_k=10)
    search_s = time.perf_counter() - tick
    return {"import_s": round(import_s, 2), "model_s": round(model_s, 2),
            "open_s": round(open_s, 2), "search_s": round(search_s, 2),
            "first_result_s": round(open_s + search_s, 2), "encoded": run.encoded,
            "session_vectors_mb": round(run.kb_embeddings.nbytes / 2**20, 1),
            "rss_imported": imported, "rss_model": with_model, "rss_opened": opened,
            "rss_first_result": rss_mb(), "peak_rss_mb": peak_rss_mb()}  # fmt: skip


PHASES: dict[str, Callable[[argparse.Namespace], Result]] = {
    "index": phase_index, "query": phase_query, "page": phase_page, "page-old": phase_page_old,
}  # fmt: skip


# -- part 2: engines --------------------------------------------------------------------------


def short_texts(n: int) -> list[str]:
    """``n`` short texts (the first 80 characters of the benchmark corpus' lines)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import corpus_and_queries

    return [line[:80] for line in corpus_and_queries(n)[0]][:n]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_vllm(python: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A vLLM server of the bundled model (fp32) on a loopback port, healthy; or RuntimeError."""
    from semsearch.encoding.model_source import bundled_folder

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(VLLM_CPU_KVCACHE_SPACE="1", VLLM_NO_USAGE_STATS="1", DO_NOT_TRACK="1",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")  # fmt: skip
    command = [str(python), "-m", "vllm.entrypoints.openai.api_server",
               "--model", str(bundled_folder()), "--served-model-name", "all-MiniLM-L6-v2",
               "--runner", "pooling", "--dtype", "float32",
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                  start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200:
                    return server, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(1)
    _stop(server)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    raise RuntimeError(f"vLLM did not become healthy in 300 s:\n{tail}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    # The API server forks an engine core: end its whole process group (ours, started above).
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, sig)
            server.wait(grace)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def engines(count: int, vllm_venv: Path) -> list[Result]:
    """The same short texts through local fp32, local bf16 and vLLM (concurrency 1 and 4)."""
    from semsearch import load_embedder
    from semsearch.encoding.loading import load_remote_embedder
    from semsearch.settings import RemoteSettings

    texts = short_texts(count)
    rows: list[Result] = []
    reference: np.ndarray | None = None

    def measure(name: str, embedder: Any) -> None:
        nonlocal reference
        embedder.encode_documents(texts[:64])  # warm-up
        before = load()
        start = time.perf_counter()
        vectors = embedder.encode_documents(texts)
        seconds = time.perf_counter() - start
        reference = vectors if reference is None else reference
        agreement = float(np.min(np.sum(vectors * reference, axis=1)))
        rows.append({"engine": name, "texts": len(texts),
                     "texts_per_s": round(len(texts) / seconds, 1),
                     "min_cosine_vs_fp32": round(agreement, 5),
                     "load_before": before, "load_after": load()})  # fmt: skip

    for dtype in ("fp32", "bf16"):
        measure(f"local {dtype}", load_embedder("bundled", device="cpu", dtype=dtype))
    python = vllm_venv / "bin" / "python"
    if not python.is_file():
        rows.append({"engine": "vLLM", "skipped": f"no {python}: run `make vllm-env`"})
        return rows
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        try:
            server, url = _start_vllm(python, Path(work) / "vllm.log")
        except RuntimeError as error:
            rows.append({"engine": "vLLM", "skipped": str(error)})
            return rows
        startup_s = round(time.perf_counter() - started, 1)
        try:
            for concurrency in (1, 4):
                settings = RemoteSettings(batch_size=64, concurrency=concurrency, timeout=300.0)
                embedder = load_remote_embedder(url, "all-MiniLM-L6-v2", settings=settings)
                measure(f"vLLM fp32, batch 64, concurrency {concurrency}", embedder)
                rows[-1]["server_startup_s"] = startup_s
        finally:
            _stop(server)
    return rows


# -- the driver -------------------------------------------------------------------------------


def run_phase(args: argparse.Namespace, phase: str, store: str, **extra: Any) -> Result:
    """Run ``phase`` in a fresh interpreter; its JSON result with the load around it."""
    command = [sys.executable, __file__, "--phase", phase, "--store", store,
               "--rows", str(extra.pop("rows", args.rows)), "--dim", str(args.dim),
               "--clusters", str(args.clusters), "--spread", str(args.spread),
               "--seed", str(args.seed), "--queries", str(args.queries)]  # fmt: skip
    for key, value in extra.items():
        if value is True:
            command.append(f"--{key.replace('_', '-')}")
        elif value is not None and value is not False:
            command += [f"--{key.replace('_', '-')}", str(value)]
    before = load()
    started = time.perf_counter()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} on {store} failed:\n{done.stderr[-3000:]}")
    result: Result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        phase=phase,
        store=store.split(":")[0],
        process_s=round(time.perf_counter() - started, 1),
        load_before=before,
        load_after=load(),
    )
    print(
        f"  {phase:9} {result['store']:7} {result['process_s']:7.1f} s  load {before}",
        file=sys.stderr,
    )
    if args.out:  # each phase as it ends: an interrupted run keeps what it measured
        with args.out.open("a", encoding="utf-8") as out:
            out.write(json.dumps(result) + "\n")
    return result


def part_one(args: argparse.Namespace, work: Path) -> list[Result]:
    """Both stores: index, query, the page (new and old paths)."""
    results = []
    sqlite = f"sqlite:{work / 'sqlite'}"
    results.append(run_phase(args, "index", sqlite))
    results.append(run_phase(args, "query", sqlite, count=args.queries))
    results.append(run_phase(args, "page", sqlite))
    if not args.skip_old:
        results.append(run_phase(args, "page-old", sqlite))
    if args.skip_milvus:
        return results
    milvus = f"milvus:{work / 'milvus' / 'scale.db'}"
    rows = min(args.milvus_rows, args.rows)
    results.append(run_phase(args, "index", milvus, rows=rows))
    same = rows == args.rows
    threshold = results[1]["threshold"] if same else None
    results.append(run_phase(args, "query", milvus, rows=rows, count=args.milvus_queries,
                             truth=sqlite if same else None, threshold=threshold,
                             flat_too=args.flat_too))  # fmt: skip
    results.append(run_phase(args, "page", milvus, rows=rows))
    return results


def machine() -> Result:
    """What ran this: CPU, cores, memory, library versions, date."""
    import pymilvus
    import torch

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory, 1),
            "numpy": np.__version__, "torch": torch.__version__,
            "pymilvus": pymilvus.__version__,
            "date": datetime.now(timezone.utc).isoformat(timespec="minutes")}  # fmt: skip


def _mb(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, (int, float)) else "-"


def print_tables(results: list[Result], engine_rows: list[Result]) -> None:
    """The Markdown tables of RESULTS.md."""
    print("| store | rows | index | insert rows/s | index peak RSS MB | top-10 p50 / p99 ms "
          "| threshold p50 / p99 ms (rows) | recall@10 |")  # fmt: skip
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for index in (r for r in results if r["phase"] == "index"):
        query = next(r for r in results if r["phase"] == "query" and r["store"] == index["store"])
        for q in (query, query.get("flat")):
            if not q:
                continue
            print(f"| {index['store']} | {index['rows']:,} | {q.get('index', 'exact NumPy')} "
                  f"| {index['add_rows_s']:,} | {_mb(index['peak_rss_mb'])} "
                  f"| {q['top10_p50_ms']} / {q['top10_p99_ms']} "
                  f"| {q['threshold_p50_ms']} / {q['threshold_p99_ms']} "
                  f"({q['threshold_rows_median']}) | {q['recall_at_10']} |")  # fmt: skip
    print()
    print("| the page opens the base | model load s | first result s | next query s "
          "| RSS MB: imported → model → first result (anon / file) | peak RSS MB |")  # fmt: skip
    print("|---|---:|---:|---:|---|---:|")
    for r in (r for r in results if r["phase"] in ("page", "page-old")):
        how = "run_base_search (bounded)" if r["phase"] == "page" else OLD
        label = f"{r['store']}: {how}"
        rss = " → ".join(f"{r[k]['rss']:,.0f} ({r[k]['anon']:,.0f} / {r[k]['file']:,.0f})"
                         for k in ("rss_imported", "rss_model", "rss_first_result"))  # fmt: skip
        print(f"| {label} | {r['model_s']} | {r['first_result_s']} | {r.get('next_query_s', '-')}"
              f" | {rss} | {_mb(r['peak_rss_mb'])} |")  # fmt: skip
    if engine_rows:
        print()
        print("| engine (bundled model, short texts) | texts/s | min cos vs local fp32 | load |")
        print("|---|---:|---:|---|")
        for r in engine_rows:
            if "skipped" in r:
                print(f"| {r['engine']} | skipped: {r['skipped'].splitlines()[0]} | | |")
                continue
            print(f"| {r['engine']} | {r['texts_per_s']} | {r['min_cosine_vs_fp32']} "
                  f"| {r['load_before']} |")  # fmt: skip


def parse() -> argparse.Namespace:
    """The command line (``--phase`` and what follows it are for the subprocesses)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--clusters", type=int, default=2_000)
    parser.add_argument("--spread", type=float, default=0.05,
                        help="noise per dimension around a centre (0.05 at 384-d: cosine to "
                             "the centre about 0.7)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--queries", type=int, default=50, help="queries for the SQLite store")
    parser.add_argument("--milvus-queries", type=int, default=20)
    parser.add_argument("--milvus-rows", type=int, default=200_000,
                        help="rows for Milvus Lite (at most --rows; 1M did not finish indexing "
                             "in 29 minutes here, see bench/RESULTS.md)")  # fmt: skip
    parser.add_argument("--flat-too", action="store_true",
                        help="also re-index Milvus FLAT and measure again")  # fmt: skip
    parser.add_argument("--skip-milvus", action="store_true")
    parser.add_argument("--skip-old", action="store_true", help="skip the old page baseline")
    parser.add_argument("--skip-engines", action="store_true")
    parser.add_argument("--engine-texts", type=int, default=2_000)
    parser.add_argument("--vllm-venv", type=Path, default=ROOT / ".venv-vllm")
    parser.add_argument("--out", type=Path, default=None, help="append the JSON lines here")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--truth", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--threshold", type=float, default=None, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    """Run every phase in its own process; print the tables and the JSON lines."""
    args = parse()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return
    with tempfile.TemporaryDirectory(prefix="semsearch-scale-") as work:
        results = part_one(args, Path(work))
    engine_rows = [] if args.skip_engines else engines(args.engine_texts, args.vllm_venv)
    summary = {"machine": machine(), "command": " ".join(["python", *sys.argv]),
               "rows": args.rows, "results": results, "engines": engine_rows}  # fmt: skip
    print_tables(results, engine_rows)
    lines = [json.dumps(r) for r in [*results, *engine_rows]]
    if args.out:  # the phases are there already
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n".join([*lines[len(results) :], json.dumps(summary)]) + "\n")
    print("\n".join(lines))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
