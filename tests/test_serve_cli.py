"""The command line and ``semsearch serve`` agree: a base searched over HTTP gives the CLI's
results (SQLite and Milvus Lite), and ``--server`` on ``search``, ``ask`` and ``eval`` prints
what the local commands print.
"""

from __future__ import annotations

import json

import httpx2
import pytest

from semsearch.cli import main
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.library import save_base
from semsearch.retrieval.stores import open_store
from semsearch.service import ServiceConfig, create_app

from .serving import running
from .test_serve import FAQ


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("kind", ["sqlite", "milvus"])
def test_search_over_http_equals_the_cli(capsys, bundled, tmp_path, kind):
    uri = f"sqlite:{tmp_path / 'bases'}" if kind == "sqlite" else f"milvus:{tmp_path / 'bases.db'}"
    store = open_store(uri)
    save_base(store, "faq", bundled, FAQ, VectorCache())
    asks = [("how long do refunds take?", ["--where", "lang=en", "--where", "lang=fr"], {"lang": ["en", "fr"]}),
            ("reset the router", ["--threshold", "-1", "--top-k", "3"], {}),
            ("dust in the port", ["--where", "source=notes.md"], {"source": "notes.md"})]  # fmt: skip
    with running(create_app(ServiceConfig(), loader=lambda: bundled, store=store)) as server:
        for query, flags, where in asks:
            if kind == "milvus":
                # Milvus Lite holds its file for one client: the CLI opens its own after the
                # server's is closed, so this compares the CLI with the library call it makes.
                from semsearch.retrieval.library import search_base

                threshold = -1.0 if "--threshold" in flags else 0.4
                top_k = 3 if "--top-k" in flags else 5
                hits = search_base(store, "faq", bundled, query, top_k=top_k, threshold=threshold,
                                   where=where or None)  # fmt: skip
                cli = [{"rank": n, "index": h.id, "text": h.passage.text, "score": h.score,
                        "source": h.passage.origin} for n, h in enumerate(hits, 1)]  # fmt: skip
            else:
                cli = json.loads(run(capsys, "search", "--name", "faq", "--query", query, "--json",
                                     "--store", uri, *flags))  # fmt: skip
            body = {"query": query, "where": where or None}
            if "--threshold" in flags:
                body |= {"threshold": -1, "top_k": 3}
            hits = httpx2.post(f"{server.url}/v1/bases/faq/search", json=body, timeout=60).json()[
                "hits"
            ]
            assert cli, query
            assert [(h["rank"], h["id"], h["text"], h["score"]) for h in hits] == [
                (row["rank"], row["index"], row["text"], row["score"]) for row in cli
            ]
            remote = json.loads(run(capsys, "search", "--server", server.url, "--name", "faq",
                                    "--query", query, "--json", *flags))  # fmt: skip
            assert remote == cli
    if kind == "milvus":
        store.close()


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
    assert remote_ask == local_ask
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
