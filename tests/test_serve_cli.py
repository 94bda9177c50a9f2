"""The command line and ``semsearch serve`` agree: a base searched over HTTP gives what a
``semsearch search`` process prints (SQLite and Milvus Lite), and ``--server`` on ``search``,
``ask`` and ``eval`` prints what the local commands print.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from semsearch.cli import main
from semsearch.documents.chunking import Passage
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.library import save_base
from semsearch.retrieval.stores import open_store
from semsearch.service import ServiceConfig, create_app

from .serving import running
from .test_serve import FAQ

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


# Two windows of one paragraph (a place ending in "tokens a–b"): one document to the CLI.
WINDOWED = [
    *FAQ,
    Passage("The battery lasts ten hours of video playback when new.", "guide.md",
            "§ 4 · tokens 0–40"),
    Passage("After two years the battery lasts about seven hours; replace it then.", "guide.md",
            "§ 4 · tokens 30–70"),
]  # fmt: skip
# (query, the CLI's flags, the same as the HTTP body)
ASKS = [
    ("how long do refunds take?", ["--where", "lang=en", "--where", "lang=fr"],
     {"where": {"lang": ["en", "fr"]}}),
    ("reset the router", ["--threshold", "-1", "--top-k", "3"], {"threshold": -1, "top_k": 3}),
    ("dust in the port", ["--where", "source=notes.md"], {"where": {"source": "notes.md"}}),
    ("how long does the battery last?", ["--threshold", "-1"], {"threshold": -1}),
    ("how long does the battery last?", ["--threshold", "-1", "--passages"],
     {"threshold": -1, "passages": True}),
]  # fmt: skip


@pytest.fixture(scope="module")
def cli_data(tmp_path_factory):
    """The CLI processes' data folder, shared by both stores: the second reads the queries'
    vectors from the disk cache the first wrote (its model need not load again)."""
    return tmp_path_factory.mktemp("cli-data")


def cli_process(data_dir, *argv):
    """``python -m semsearch ARGV --json`` in a process of its own: its printed rows."""
    env = {**os.environ, "SEMSEARCH_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "semsearch", *argv, "--json"], env=env,
                          capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def comparable(rows):
    """The CLI's rows as (rank, id, text, source, score, its document's other passages)."""
    return [(r["rank"], r["index"], r["text"], r["source"], r["score"],
             [(m["index"], m["score"], m["place"]) for m in r.get("more_passages", [])])
            for r in rows]  # fmt: skip


@pytest.mark.parametrize("kind", ["sqlite", "milvus"])
def test_search_over_http_equals_a_cli_process(capsys, bundled, tmp_path, cli_data, kind):
    from semsearch.service.client import passage_of

    uri = f"sqlite:{tmp_path / 'bases'}" if kind == "sqlite" else f"milvus:{tmp_path / 'bases.db'}"
    store = open_store(uri)
    save_base(store, "faq", bundled, WINDOWED, VectorCache())
    if kind == "milvus":
        store.close()  # Milvus Lite: one process per file; the CLI processes open it next
    cli = [cli_process(cli_data, "search", "--name", "faq", "--query", query, "--store", uri,
                       *flags) for query, flags, _ in ASKS]  # fmt: skip
    battery, battery_passages = cli[3], cli[4]
    # The two windows are one result of the CLI, with its other passage named; --passages
    # lists both: so grouping is what is compared here, not only ranking.
    assert [len(r.get("more_passages", [])) for r in battery][:1] == [1]
    assert sorted(r["index"] for r in battery_passages[:2]) == [5, 6]
    with running(create_app(ServiceConfig(), loader=lambda: bundled,
                            store=open_store(uri))) as server:  # fmt: skip
        for (query, flags, body), rows in zip(ASKS, cli, strict=True):
            answer = httpx2.post(f"{server.url}/v1/bases/faq/search",
                                 json={"query": query, **body}, timeout=60)  # fmt: skip
            hits = answer.json()["hits"]
            assert rows, query
            served = [(h["rank"], h["id"], h["text"], passage_of(h).origin, h["score"],
                       [(m["id"], m["score"], m["place"]) for m in h["more_passages"]])
                      for h in hits]  # fmt: skip
            # Scores to 1e-6: the CLI encoded the query in its own process (or read it from
            # the disk cache); everything else exactly.
            assert [row[:4] for row in served] == [row[:4] for row in comparable(rows)], query
            assert [row[4] for row in served] == pytest.approx(
                [row[4] for row in comparable(rows)], abs=1e-6
            )
            assert [[m[:1] + m[2:] for m in row[5]] for row in served] == [
                [m[:1] + m[2:] for m in row[5]] for row in comparable(rows)
            ]
            assert [m[1] for row in served for m in row[5]] == pytest.approx(
                [m[1] for row in comparable(rows) for m in row[5]], abs=1e-6
            )
            # search --server prints what the CLI prints, from the server's answer.
            remote = json.loads(run(capsys, "search", "--server", server.url, "--name", "faq",
                                    "--query", query, "--json", *flags))  # fmt: skip
            assert comparable(remote) == served
            assert [row[:4] for row in comparable(remote)] == [row[:4] for row in comparable(rows)]


def test_server_flag_on_search_ask_and_eval_prints_what_local_runs_print(capsys, bundled, tmp_path,
                                                                          monkeypatch):  # fmt: skip
    from .helpers import ChatServer

    uri = f"sqlite:{tmp_path / 'bases'}"
    store = open_store(uri)
    save_base(store, "faq", bundled, FAQ, VectorCache())
    judgements = tmp_path / "judged.csv"
    judgements.write_text("query,passage_id\nhow do I reset the router?,0\nhow long is the warranty?,1\n"
                          "refund time,3\n", encoding="utf-8")  # fmt: skip
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join(p.text for p in FAQ) + "\n", encoding="utf-8")
    with ChatServer(reply="Hold it for ten seconds [1].") as chat:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", chat.url)
        with running(create_app(ServiceConfig(), loader=lambda: bundled, store=store)) as server:
            monkeypatch.setenv("SEMSEARCH_SERVER", server.url)
            remote_eval = json.loads(
                run(capsys, "eval", "--name", "faq", "--judgements", str(judgements), "--json")
            )
            remote_kb = run(
                capsys, "search", "--kb", str(lines), "--query", "reset the router", "--json"
            )
            remote_ask = json.loads(
                run(
                    capsys,
                    "ask",
                    "--name",
                    "faq",
                    "--query",
                    "how do I reset the router?",
                    "--json",
                )
            )
            printed = run(capsys, "ask", "--name", "faq", "--query", "how do I reset the router?")
        monkeypatch.delenv("SEMSEARCH_SERVER")
        local_ask = json.loads(run(capsys, "ask", "--name", "faq", "--query", "how do I reset the router?",
                                   "--json", "--store", uri))  # fmt: skip
    local_eval = json.loads(run(capsys, "eval", "--name", "faq", "--judgements", str(judgements), "--json",
                                "--store", uri))  # fmt: skip
    assert remote_eval == local_eval
    assert list(remote_eval["metrics"]) == ["model", "bm25", "hybrid"]
    local_kb = run(capsys, "search", "--kb", str(lines), "--query", "reset the router", "--json",
                   "--model", "bundled")  # fmt: skip
    assert [(r["index"], r["text"]) for r in json.loads(remote_kb)] == [
        (r["index"], r["text"]) for r in json.loads(local_kb)
    ]
    assert [r["score"] for r in json.loads(remote_kb)] == pytest.approx(
        [r["score"] for r in json.loads(local_kb)], abs=1e-5
    )

    # The local ask encodes its question with the NumPy engine (no torch in the process), the
    # server with torch: the same citations, scores equal to float32 rounding.
    def unscored(ask: dict) -> dict:
        return {**ask, "citations": [{**c, "score": None} for c in ask["citations"]]}

    assert unscored(remote_ask) == unscored(local_ask)
    assert [c["score"] for c in remote_ask["citations"]] == pytest.approx(
        [c["score"] for c in local_ask["citations"]], abs=1e-6
    )
    assert printed.startswith("Hold it for ten seconds [1].\n*[1] ")


def test_server_errors_are_one_line(capsys, tmp_path, bundled):
    store = open_store(f"sqlite:{tmp_path / 'bases'}")
    with running(
        create_app(ServiceConfig(api_key="k"), loader=lambda: bundled, store=store)
    ) as server:
        code = main(["search", "--server", server.url, "--name", "faq", "--query", "x"])
        _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(
        f"semsearch: error: The server at {server.url} answered HTTP 401: This server asks"
    )
    assert err.count("\n") == 1
    code = main(["search", "--server", "http://127.0.0.1:9", "--name", "faq", "--query", "x"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "No semsearch server answers at http://127.0.0.1:9" in err
    code = main(["search", "--server", "http://127.0.0.1:9", "--name", "faq", "--query", "x",
                 "--model", "bundled"])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 1
    assert "leave out --model" in err


def test_semsearch_serve_answers_then_stops_gracefully_on_sigterm(tmp_path):
    """The README's start line as a process: it serves, and SIGTERM lets the request in
    flight finish (200, every vector) before the process ends, with no traceback."""
    import signal
    import threading
    import time

    from .serving import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "semsearch", "serve", "--model", "bundled", "--device",
               "cpu", "--store", f"sqlite:{tmp_path / 'bases'}", "--port", str(port),
               "--timeout", "300"]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                if httpx2.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.3)
        assert httpx2.get(f"{url}/docs").status_code == 200
        texts = [f"passage {n} " * 100 for n in range(80)]  # seconds of work on 2 cores
        answer: dict[str, httpx2.Response] = {}
        worker = threading.Thread(target=lambda: answer.setdefault(
            "r", httpx2.post(f"{url}/v1/embeddings", json={"input": texts}, timeout=300)))  # fmt: skip
        worker.start()
        while not httpx2.get(f"{url}/health", timeout=60).json()["batching"]["busy"]:
            assert worker.is_alive(), "the request ended before the signal"
            time.sleep(0.02)
        server.send_signal(signal.SIGTERM)  # while the model encodes the 80 texts
        worker.join(300)
        # uvicorn stops gracefully, then raises the signal again as the exit (the convention).
        assert server.wait(120) == -signal.SIGTERM
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
    assert answer["r"].status_code == 200
    assert len(answer["r"].json()["data"]) == 80
    printed = log.read_text()
    assert "Traceback" not in printed
    assert "Finished server process" in printed  # uvicorn's last line: it stopped, not died
