"""``search``, ``ask`` and ``eval`` with ``--server URL``: a ``semsearch serve`` does the work.

No model loads here (the quick path for scripts).

The output is the local commands' own (the same JSON rows and lines); the footer names the
model that answered and the server. Reading the judgements file, BM25 over ``--kb`` lines
and the metrics stay here; the vectors and the saved bases are the server's.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from semsearch.errors import InvalidArgumentError
from semsearch.service.client import ServiceClient, passage_of
from semsearch.settings import Settings, parse_server_url

_LOCAL_ONLY = ("model", "embed_url", "device", "dtype", "max_length")


def server_of(args: argparse.Namespace) -> str | None:
    """``--server``, else ``SEMSEARCH_SERVER``, as a root URL; None: work locally."""
    given = getattr(args, "server", None)
    return parse_server_url(given) if given else Settings.from_env().server


def _client(args: argparse.Namespace, url: str) -> ServiceClient:
    given = [f"--{name.replace('_', '-')}" for name in _LOCAL_ONLY if getattr(args, name, None)]
    if given or getattr(args, "store", None) or getattr(args, "data_dir", None):
        shown = ", ".join(given) or "--store/--data-dir"
        raise InvalidArgumentError(
            f"With --server the model and the store are the server's ({url}); leave out "
            f"{shown}, or leave out --server to work locally."
        )
    return ServiceClient(url, api_key=Settings.from_env().api_key)


def _where(args: argparse.Namespace) -> dict[str, list[str]] | None:
    from semsearch.retrieval.filters import parse_where

    return {k: list(v) for k, v in parse_where(args.where).items()} if args.where else None


def search(args: argparse.Namespace, url: str) -> int:
    """``semsearch search --server``: a saved base's hits, or a file's lines ranked here."""
    client = _client(args, url)
    if args.kb is not None:
        return _search_lines(args, client)
    answer = client.search(args.name, args.query, top_k=args.top_k, threshold=args.threshold,
                           where=_where(args), instruction=args.instruction,
                           passages=args.passages)  # fmt: skip
    rows = [_row(hit) for hit in answer["hits"]]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        best = client.search(args.name, args.query, top_k=1, threshold=-1.0, where=_where(args),
                             instruction=args.instruction, passages=True)["hits"]  # fmt: skip
        if not best and args.where:
            print(f"No passage of {args.name!r} matches --where {' '.join(args.where)}.")
        else:
            score = best[0]["score"] if best else float("nan")
            print(f"No line reaches the threshold {args.threshold:.2f}; the best score is "
                  f"{score:.4f}.")  # fmt: skip
    _print_rows(rows)
    print(f"({answer['model']} at {url})")
    return 0


def _row(hit: dict[str, Any]) -> dict[str, Any]:
    """A server's hit as the local ``search --json`` prints it."""
    row = {"rank": hit["rank"], "index": hit["id"], "text": hit["text"], "score": hit["score"],
           "source": passage_of(hit).origin}  # fmt: skip
    if hit.get("more_passages"):  # the document's other passages among the candidates
        row["more_passages"] = [
            {"index": more["id"], "score": more["score"], "place": more["place"]}
            for more in hit["more_passages"]
        ]
    return row


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        where = f" ({row['source']})" if row.get("source") else ""
        text = " ".join(row["text"].splitlines())
        print(f"{row['rank']:>3}  {row['score']:.4f}  [{row['index']}] {text}{where}")
        if row.get("more_passages"):
            more = len(row["more_passages"])
            print(f"     + {more} more passage{'s' if more > 1 else ''} of this document "
                  "(--passages lists every passage)")  # fmt: skip


def _search_lines(args: argparse.Namespace, client: ServiceClient) -> int:
    from semsearch.documents.knowledge_base import read_lines
    from semsearch.retrieval.ranking import rank

    texts = read_lines(args.kb)
    matrix, model = client.embed(texts, dimensions=args.dim)
    query, _ = client.embed([args.query], input_type="query", instruction=args.instruction,
                            dimensions=args.dim)  # fmt: skip
    hits = rank(query[0], matrix, top_k=args.top_k, threshold=args.threshold)
    rows = [{"rank": n, "index": h.index, "text": texts[h.index], "score": h.score}
            for n, h in enumerate(hits, start=1)]  # fmt: skip
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        best = float(np.max(matrix @ query[0])) if len(texts) else float("nan")
        print(f"No line reaches the threshold {args.threshold:.2f}; the best score is {best:.4f}.")
    _print_rows(rows)
    print(f"({model} at {client.url})")
    return 0


def ask(args: argparse.Namespace, url: str) -> int:
    """``semsearch ask --server``: the answer streamed from the server, then its citations."""
    from semsearch.answers.generation import cited_numbers

    client = _client(args, url)
    body = {"query": args.query, "top_k": args.top_k, "threshold": args.threshold,
            "where": _where(args), "max_new_tokens": args.max_new_tokens}  # fmt: skip
    citations: list[dict[str, Any]] = []
    answer = ""
    for kind, data in client.answer_events(args.name, body):
        if kind == "citations":
            citations = data["citations"]
        elif kind == "delta":
            answer += data
            if not args.json:
                print(data, end="", flush=True)
    if args.json:
        cited = [{"index": c["id"], "text": c["text"], "score": c["score"],
                  "source": c["source"]} for c in citations]  # fmt: skip
        print(json.dumps({"answer": answer, "citations": cited}, ensure_ascii=False, indent=2))
        return 0
    print()
    used = set(cited_numbers(answer, len(citations)))
    for c in citations:
        mark = "*" if c["number"] in used else " "
        where = f" ({c['source']})" if c["source"] else ""
        text = " ".join(c["text"].splitlines())
        print(f"{mark}[{c['number']}] {c['score']:.4f}  {text}{where}")
    return 0


def evaluate(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """``semsearch eval --server``: rankings from the server, metrics here.

    With ``--name`` each method's ranking of each judged query is the server's search
    (model, bm25, hybrid; rerank with ``--rerank``) at the depths ``eval`` ranks to, so the
    metrics equal a local ``eval`` on the same base. With ``--kb`` the server embeds the
    lines and queries, and the rest runs here as locally.
    """
    from semsearch.analysis import evaluation
    from semsearch.analysis.evaluation import passage_ids, read_judgements, score_rankings

    client = _client(args, url)
    if args.kb is not None:
        from semsearch.documents.knowledge_base import read_lines

        texts = read_lines(args.kb)
        judgements = read_judgements(args.judgements, texts, qrels=args.qrels)
        matrix, model = client.embed(texts)
        queries, _ = client.embed(judgements.queries, input_type="query",
                                  instruction=args.instruction)  # fmt: skip
        if args.rerank:
            raise InvalidArgumentError("--rerank with --server needs a saved base (--name).")
        result = evaluation.evaluate(texts, matrix, judgements, queries, k=args.k)
        return {"model_name": model, "result": result, "texts": texts}
    passages = client.passages(args.name)
    texts = [p.text for p in passages]
    judgements = read_judgements(args.judgements, texts, qrels=args.qrels,
                                 ids=passage_ids(passages))  # fmt: skip
    depth = evaluation.DEPTH
    methods = {"model": depth, "bm25": depth, "hybrid": depth}
    if args.rerank:
        methods["rerank"] = evaluation.RERANK_DEPTH
    found: dict[str, dict[str, list[int]]] = {}
    model = ""
    for query in judgements.queries:
        for method, depth in methods.items():
            # Passage rankings (passages=True), grouped here as a local eval groups them.
            answer = client.search(args.name, query, top_k=depth, method=method,
                                   threshold=-1.0 if method == "model" else None,
                                   instruction=args.instruction, passages=True)  # fmt: skip
            model = answer["model"]
            found.setdefault(method, {})[query] = [h["id"] for h in answer["hits"]]
        if args.rerank:  # as eval ranks: the reranked head, then the model's order
            head = found["rerank"][query]
            rest = [i for i in found["model"][query] if i not in set(head)]
            found.setdefault("reranker", {})[query] = head + rest
    found.pop("rerank", None)
    if args.passages:
        result = score_rankings(found, judgements, k=args.k, passages=len(texts))
    else:
        # Per document, as a local eval scores (MaxP): the server's passage rankings, each
        # document at its best passage (its hybrid is fused over passages, then grouped).
        from semsearch.retrieval.grouping import document_of

        documents = document_of(passages)
        result = evaluation.score_documents(found, judgements, documents, k=args.k)
    return {"model_name": model, "result": result, "texts": texts}
