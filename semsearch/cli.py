"""The ``semsearch`` command line: search files or saved knowledge bases, index, ask, embed.

    python -m semsearch search --kb faq.txt --query "my phone won't charge" --json
    python -m semsearch index manual.pdf notes.md --name manuals --chunk paragraph
    python -m semsearch search --name manuals --query "how do I reset it?" --json
    python -m semsearch search --name manuals --query "reset" --where source=manual.pdf
    python -m semsearch eval --name manuals --judgements questions.csv
    python -m semsearch eval --beir scifact/ --model bundled
    python -m semsearch ask --name manuals --query "how do I reset it?"
    python -m semsearch list
    python -m semsearch copy manuals --to milvus:./bases.db
    python -m semsearch embed --kb faq.txt --out faq.npy
    python -m semsearch cache info
    python -m semsearch serve --model bundled --port 8000
    python -m semsearch search --server http://127.0.0.1:8000 --name manuals --query "reset"

Errors a user can cause (missing file, empty knowledge base, a model that will not load)
print one line on stderr and exit 1; usage errors exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from semsearch.documents.knowledge_base import read_lines
from semsearch.encoding.embedder import Embedder, Kind
from semsearch.encoding.precision import describe_precision
from semsearch.errors import InvalidArgumentError, SemsearchError
from semsearch.retrieval.grouping import DocumentHit
from semsearch.retrieval.ranking import Hit, check_threshold, rank
from semsearch.settings import Settings

if TYPE_CHECKING:
    from semsearch.analysis.evaluation import Evaluation

DEFAULT_THRESHOLD = 0.4


def _quiet_libraries() -> None:
    from transformers.utils import logging as hf_logging

    # Keep the terminal to our own output: no weight-loading bars or library chatter.
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def _model_options(parser: argparse.ArgumentParser, *, model: bool = True) -> None:
    if model:
        parser.add_argument(
            "--model",
            help="auto, bundled, a Hugging Face id or a folder (default: $SEMSEARCH_MODEL or auto)",
        )
        parser.add_argument("--dim", type=int, help="output dimension, 32..native (Matryoshka)")
        parser.add_argument("--max-length", type=int, help="token cap per text (default 512)")
    parser.add_argument(
        "--embed-url",
        help="an embedding server's OpenAI-compatible base URL ending in /v1 (vLLM, TEI, "
        "Ollama); --model is then the served name (default: $SEMSEARCH_EMBED_URL)",
    )
    parser.add_argument("--device", help="cpu, cuda... (default: CUDA when available)")
    parser.add_argument(
        "--dtype",
        help="bf16, fp16 or fp32 (default: $SEMSEARCH_DTYPE, else fp32 on a CPU, giving "
        "sentence-transformers' scores exactly, and bf16 on CUDA for Qwen3; bf16 on a CPU "
        "with bf16 instructions encodes ~1.8x faster, scores within ~0.005)",
    )


def _ranking_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--query", required=True, help="the question, in your own words")
    parser.add_argument("--top-k", type=int, default=5, help="most results (default 5)")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"lowest score kept (default {DEFAULT_THRESHOLD}, as on the page; -1 keeps all)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def _where_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--where", action="append", metavar="FIELD=VALUE",
        help="rank only passages whose FIELD (source, place, heading or a CSV column kept as "
        "metadata) is VALUE, exactly; repeat it: the same field again means either value, "
        "another field must hold too (with --name)",
    )  # fmt: skip


def _server_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server", metavar="URL",
        help="a running `semsearch serve` (http://host:8000) to send the work to instead of "
        "loading a model here (default: $SEMSEARCH_SERVER)",
    )  # fmt: skip


def _passages_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--passages", action="store_true",
        help=f"{what} every passage on its own (default: one result per record or paragraph, "
        "ranked by its best passage, MaxP; a record over the model's cap is cut into "
        "several passages)",
    )  # fmt: skip


def _store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", help="folder of the saved knowledge bases (default: $SEMSEARCH_DATA_DIR)"
    )
    parser.add_argument(
        "--store",
        help="sqlite (the data folder), sqlite:/folder, milvus:PATH.db or milvus:http://HOST:19530"
        " (default: $SEMSEARCH_STORE or sqlite)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m semsearch``."""
    parser = argparse.ArgumentParser(
        prog="semsearch", description="Semantic search with Qwen3-Embedding (or the bundled model)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    search = commands.add_parser("search", help="rank a file's lines or a saved base's passages")
    source = search.add_mutually_exclusive_group(required=True)
    source.add_argument("--kb", help="a UTF-8 file, one text per line")
    source.add_argument("--name", help="a saved knowledge base (see index)")
    _model_options(search)
    _ranking_options(search)
    search.add_argument("--instruction", help="task for the query instruction (Qwen3; '' for none)")
    _passages_option(search, "list")
    _where_option(search)
    _store_option(search)
    _server_option(search)

    index = commands.add_parser("index", help="save files as a knowledge base")
    index.add_argument(
        "files", nargs="+",
        help=".txt, .md, .html, .docx, .csv, .tsv, .jsonl or .pdf files, text without an "
        "extension (README), .gz of these, or folders of them (what a folder holds that is not "
        "read is listed, with why)",
    )  # fmt: skip
    index.add_argument("--name", required=True, help="the knowledge base's name")
    index.add_argument("--chunk", choices=["line", "paragraph", "window"], default="paragraph")
    index.add_argument("--window", type=int, default=256, help="tokens per window (default 256)")
    index.add_argument("--overlap", type=int, default=64, help="tokens windows share (default 64)")
    index.add_argument(
        "--column", action="append",
        help="a CSV/TSV column or JSON Lines field the model reads; repeat it or give a comma "
        "list for several, title first: the model reads the title, then the others' text "
        "(default: title,text for JSON Lines that have them, else the longest texts); the "
        "other columns are kept as metadata, an id column too",
    )  # fmt: skip
    index.add_argument(
        "--labels", action="store_true",
        help="with several --column: read them as 'column: value' lines instead of title, "
        "then text",
    )  # fmt: skip
    index.add_argument(
        "--replace",
        action="store_true",
        help="start the base over (without it, an existing base is resumed: only passages "
        "not yet stored are encoded)",
    )
    index.add_argument(
        "--batch", type=int, default=256, help="passages encoded and stored per step (default 256)"
    )
    _model_options(index)
    _store_option(index)

    ask = commands.add_parser("ask", help="answer from a saved base, citing its passages")
    ask.add_argument("--name", required=True, help="a saved knowledge base (see index)")
    _ranking_options(ask)
    ask.add_argument("--max-new-tokens", type=int, default=512, help="longest answer in tokens")
    _where_option(ask)
    _model_options(ask, model=False)
    _store_option(ask)
    _server_option(ask)

    listing = commands.add_parser("list", help="list the saved knowledge bases")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument(
        "--deleted", action="store_true", help="list the deleted bases kept for restore instead"
    )
    _store_option(listing)

    delete = commands.add_parser(
        "delete", help="delete a saved knowledge base (kept $SEMSEARCH_TRASH_DAYS days, 7)"
    )
    delete.add_argument("--name", required=True)
    delete.add_argument(
        "--forever", action="store_true", help="delete it now, without keeping it for restore"
    )
    _store_option(delete)

    restore = commands.add_parser("restore", help="bring back a deleted knowledge base")
    restore.add_argument("name", help="its name when it was deleted (see: list --deleted)")
    _store_option(restore)

    copy = commands.add_parser("copy", help="copy a saved base to another store, vectors and all")
    copy.add_argument("name", help="the saved knowledge base")
    copy.add_argument("--to", required=True, help="the store to copy into (as --store)")
    copy.add_argument("--from", dest="store", help="the store it is in (default: as --store)")
    copy.add_argument("--as", dest="new_name", help="its name in the target (default: the same)")
    copy.add_argument("--replace", action="store_true", help="overwrite a base of that name")
    copy.add_argument(
        "--data-dir", help="folder of the sqlite store (default: $SEMSEARCH_DATA_DIR)"
    )

    _eval_parser(commands)

    embed = commands.add_parser("embed", help="write the vectors of a file's lines to .npy")
    embed.add_argument("--kb", required=True, help="a UTF-8 file, one text per line")
    _model_options(embed)
    embed.add_argument("--out", required=True, help="output .npy file (float32 [lines, dim])")
    embed.add_argument("--queries", action="store_true", help="encode the lines as queries")
    embed.add_argument("--instruction", help="task for the query instruction (with --queries)")

    cache = commands.add_parser("cache", help="show or clear the page's disk cache of vectors")
    cache.add_argument(
        "action", choices=["info", "clear"], help="info: what it holds; clear: empty it"
    )
    cache.add_argument("--data-dir", help="folder of the cache (default: $SEMSEARCH_DATA_DIR)")
    cache.add_argument("--json", action="store_true", help="print JSON (info)")
    _serve_parser(commands)
    return parser


def _serve_parser(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="an HTTP API: OpenAI-compatible /v1/embeddings and the saved bases",
        description="Load the model once and serve /v1/embeddings (OpenAI-compatible), "
        "/v1/bases (list, search, add passages, delete, answer), /health and /docs. "
        "Asks every request for $SEMSEARCH_API_KEY when it is set.",
    )  # fmt: skip
    _model_options(serve)
    _store_option(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1: this machine only)")  # fmt: skip
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--cors-origin", action="append", metavar="ORIGIN",
        help="a web origin browsers may call the API from (repeatable; default: "
        "$SEMSEARCH_CORS_ORIGINS, else none)",
    )  # fmt: skip
    serve.add_argument("--batch-window", type=float, default=5.0, metavar="MS",
                       help="ms the first waiting request waits for others to be encoded "
                       "with it (default 5)")  # fmt: skip
    serve.add_argument("--no-batching", action="store_true",
                       help="encode every request on its own (for comparison)")  # fmt: skip
    serve.add_argument("--max-queue", type=int, default=256,
                       help="most requests waiting; more get HTTP 429 (default 256)")  # fmt: skip
    serve.add_argument("--max-inputs", type=int, default=2048,
                       help="texts per request at most (default 2048)")  # fmt: skip
    serve.add_argument("--max-body-mb", type=float, default=8.0,
                       help="largest request body in MB (default 8)")  # fmt: skip
    serve.add_argument("--timeout", type=float, default=60.0,
                       help="seconds to answer before HTTP 504 (default 60)")  # fmt: skip
    serve.add_argument("--log-level", default="info",
                       choices=["critical", "error", "warning", "info", "debug"])  # fmt: skip


def _eval_parser(commands: Any) -> None:
    evaluate = commands.add_parser(
        "eval", help="does search work on my data? recall@k, MRR@10, nDCG@10 per method",
        description="Rank a knowledge base for labelled queries with the model, BM25, their "
        "hybrid (RRF) and optionally the reranker, and report recall@k, MRR@10 and nDCG@10 "
        "side by side (computed by pytrec_eval), with the queries each method missed. A "
        "saved base is scored per document (a record or paragraph ranks by its best "
        "passage, MaxP, as BEIR does), unless --passages.",
    )  # fmt: skip
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--kb", help="a UTF-8 file, one passage per line (ids: line order from 0)")
    source.add_argument("--name", help="a saved knowledge base (ids: as search prints them)")
    source.add_argument(
        "--beir", metavar="DIR",
        help="a BEIR folder (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv): its corpus is "
        "indexed into a saved base first (resumed, so a second run encodes nothing), then "
        "evaluated",
    )  # fmt: skip
    evaluate.add_argument(
        "--judgements",
        help="a CSV with the columns query,text or query,passage_id (optional relevant: 1/0), "
        "or BEIR queries.jsonl (then --qrels); not with --beir",
    )  # fmt: skip
    evaluate.add_argument("--qrels", help="BEIR qrels.tsv: query-id, corpus-id, score")
    evaluate.add_argument("--split", default="test", help="with --beir: qrels/SPLIT.tsv (test)")
    evaluate.add_argument(
        "--base", help="with --beir: the saved base the corpus goes into "
        "(default: beir-FOLDER-MODEL-CAP)",
    )  # fmt: skip
    evaluate.add_argument("--k", type=int, default=10, help="recall@k's k (default 10)")
    evaluate.add_argument(
        "--rerank", action="store_true",
        help="add the reranker (Qwen3-Reranker, $SEMSEARCH_RERANKER) over the model's top 20",
    )  # fmt: skip
    evaluate.add_argument("--instruction", help="task for the query instruction (Qwen3)")
    _passages_option(evaluate, "score")
    evaluate.add_argument(
        "--json", action="store_true", help="print JSON (metrics, per query, misses)"
    )
    _model_options(evaluate)
    _store_option(evaluate)
    _server_option(evaluate)


def _load(args: argparse.Namespace) -> Embedder:
    from semsearch.encoding.loading import load_embedder

    _quiet_libraries()
    embedder = load_embedder(
        args.model or Settings.from_env().model,
        device=args.device,
        dtype=args.dtype,
        dim=args.dim,
        max_length=args.max_length,
        embed_url=args.embed_url,
    )
    report = embedder.report
    if report is not None and report.fallback_reason:
        print(
            f"semsearch: note: using the bundled {report.name} because {report.fallback_reason}",
            file=sys.stderr,
        )
    return embedder


def _store(args: argparse.Namespace) -> Any:
    from semsearch.retrieval.stores import open_store

    return open_store(args.store, data_dir=args.data_dir)


def _check_ranking(args: argparse.Namespace) -> None:
    if args.top_k < 1:
        raise InvalidArgumentError(f"--top-k must be at least 1, got {args.top_k}.")
    if not args.query.strip():
        raise InvalidArgumentError("--query is empty; give a question to search for.")


def _print_hits(hits: list[Hit], texts: Sequence[str], matrix: np.ndarray, query: np.ndarray,
                args: argparse.Namespace, origin: Callable[[int], str] | None) -> None:  # fmt: skip
    rows: list[dict[str, Any]] = [
        {"rank": n, "index": hit.index, "text": texts[hit.index], "score": hit.score}
        for n, hit in enumerate(hits, start=1)
    ]
    if origin is not None:
        for row in rows:
            row["source"] = origin(row["index"])
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        best = float(np.max(matrix @ query)) if len(texts) else float("nan")
        print(f"No line reaches the threshold {args.threshold:.2f}; the best score is {best:.4f}.")
    else:
        for row in rows:
            where = f" ({row['source']})" if row.get("source") else ""
            text = _one_line(row["text"])
            print(f"{row['rank']:>3}  {row['score']:.4f}  [{row['index']}] {text}{where}")


def _where(args: argparse.Namespace) -> dict[str, tuple[str, ...]] | None:
    """``--where`` items as a filter; None without any."""
    from semsearch.retrieval.filters import parse_where

    return parse_where(args.where) if args.where else None


def _search(args: argparse.Namespace) -> int:
    _check_ranking(args)
    if args.where and args.name is None:
        raise InvalidArgumentError(
            "--where filters a saved base's passages (--name): the lines of a --kb file carry "
            "no source or metadata. Index the file (semsearch index) and search it by name."
        )
    server = _server(args)
    if server is not None:
        from semsearch.cli_remote import search

        return search(args, server)
    if args.name is not None:
        if args.model or args.dim or args.max_length:
            raise InvalidArgumentError(
                "With --name the model, --dim and --max-length are the saved base's; "
                "leave out --model, --dim and --max-length."
            )
        store, embedder = _open(args)
        cache = _query_cache(args)
        if args.passages:
            hits = _ranked(store, embedder, args, cache, instruction=args.instruction)
            _print_stored([DocumentHit(hit) for hit in hits], store, embedder, args, cache)
        else:
            _print_stored(_documents(store, embedder, args, cache), store, embedder, args, cache)
        return 0
    texts = read_lines(args.kb)
    embedder = _load(args)
    matrix = embedder.encode_documents(texts)
    query = embedder.encode_queries([args.query], instruction=args.instruction)[0]
    hits = rank(query, matrix, top_k=args.top_k, threshold=args.threshold)
    _print_hits(hits, texts, matrix, query, args, None)
    if not args.json:
        print(f"({describe_precision(embedder.dtype, embedder.device)})")
    return 0


def _server(args: argparse.Namespace) -> str | None:
    """The semsearch server to work through (``--server``, ``SEMSEARCH_SERVER``), or None.

    Its client (httpx) is imported only when there is one: that import alone costs about
    1 s of CPU, twice what a search answered from the disk cache costs (bench/cli.py).
    """
    if not getattr(args, "server", None) and Settings.from_env().server is None:
        return None
    from semsearch.cli_remote import server_of

    return server_of(args)


def _open(args: argparse.Namespace) -> tuple[Any, Embedder]:
    """The store of ``--name`` and the model that made it (the only one allowed to search it)."""
    from semsearch.retrieval.library import embedder_for

    store = _store(args)
    info = store.info(args.name)
    # The model loads only if the query is not in the disk cache: quiet its libraries then.
    embedder = embedder_for(
        info, device=args.device, embed_url=args.embed_url, on_load=_quiet_libraries
    )
    return store, embedder


def _query_cache(args: argparse.Namespace) -> Any:
    """The page's disk cache of vectors (in ``--data-dir``), for the query's vector."""
    from semsearch.encoding.disk_cache import DiskVectorCache
    from semsearch.encoding.vector_cache import VectorCache

    return VectorCache(max_entries=16, disk=DiskVectorCache(args.data_dir))


def _ranked(store: Any, embedder: Embedder, args: argparse.Namespace, cache: Any, *,
            top_k: int | None = None, **options: Any) -> list[Any]:  # fmt: skip
    """The store's hits for ``--query`` in ``--name`` (the store ranks; nothing is loaded).

    The query's vector comes from ``cache`` when the page or an earlier run encoded it.
    """
    from semsearch.retrieval.library import search_base

    return search_base(store, args.name, embedder, args.query, top_k=top_k or args.top_k,
                       threshold=args.threshold, where=_where(args), cache=cache,
                       **options)  # fmt: skip


def _documents(
    store: Any, embedder: Embedder, args: argparse.Namespace, cache: Any
) -> list[DocumentHit]:
    """The best ``--top-k`` documents: the store's best passages, one per document (MaxP)."""
    from semsearch.retrieval.grouping import candidate_depth, group_hits, group_key

    depth = candidate_depth(args.top_k)
    hits = _ranked(store, embedder, args, cache, top_k=depth, instruction=args.instruction)
    keys = [group_key(hit.passage, hit.id) for hit in hits]
    return group_hits(hits, keys)[: args.top_k]


def _print_stored(
    found: list[DocumentHit],
    store: Any,
    embedder: Embedder,
    args: argparse.Namespace,
    cache: Any,
) -> None:
    rows: list[dict[str, Any]] = []
    for n, document in enumerate(found, start=1):
        hit = document.best
        rows.append({"rank": n, "index": hit.id, "text": hit.passage.text, "score": hit.score,
                     "source": hit.passage.origin})  # fmt: skip
        if document.more:  # the document's other passages among the candidates
            rows[-1]["more_passages"] = [
                {"index": more.id, "score": more.score, "place": more.passage.place}
                for more in document.more
            ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        from semsearch.retrieval.library import query_vector

        query = query_vector(embedder, args.query, instruction=args.instruction,
                             cache=cache)  # fmt: skip
        fields = _where(args)
        best = store.search(args.name, query, top_k=1, where=fields)
        if not best and fields:
            from semsearch.retrieval.filters import describe

            print(f"No passage of {args.name!r} matches --where {describe(fields)}.")
        else:
            score = best[0].score if best else float("nan")
            print(f"No line reaches the threshold {args.threshold:.2f}; the best score is "
                  f"{score:.4f}.")  # fmt: skip
    for row in [] if args.json else rows:
        where = f" ({row['source']})" if row["source"] else ""
        text = _one_line(row["text"])
        print(f"{row['rank']:>3}  {row['score']:.4f}  [{row['index']}] {text}{where}")
        if row.get("more_passages"):
            more = len(row["more_passages"])
            print(f"     + {more} more passage{'s' if more > 1 else ''} of this document "
                  "(--passages lists every passage)")  # fmt: skip
    if not args.json:
        # The passages' vectors are the base's, made in the precision it was indexed in.
        made = store.info(args.name).dtype
        dtype = embedder.dtype if made == "fp32" else made
        print(f"({describe_precision(dtype, embedder.device)})")


def _index(args: argparse.Namespace) -> int:
    from semsearch.documents.chunking import ChunkSettings
    from semsearch.encoding.disk_cache import DiskVectorCache
    from semsearch.encoding.vector_cache import VectorCache
    from semsearch.retrieval.indexing import find_files, index_files

    settings = ChunkSettings(args.chunk, args.window, args.overlap)
    settings.check()
    found = find_files(args.files)
    for left, why in found.skipped:
        print(f"semsearch: skipped {left}: {why}", file=sys.stderr)
    files = found.files
    if not any(path.is_file() for path in files):
        raise InvalidArgumentError(
            f"None of the files could be read (no such file, or a folder without .txt, .md, "
            f".html, .docx, .csv, .tsv, .jsonl, .pdf or plain text files: "
            f"{', '.join(args.files)}); nothing was indexed."
        )
    store = _store(args)
    from semsearch.retrieval.indexing import check_resume

    # Before the model loads (seconds to minutes): a resume that would be refused anyway.
    check_resume(store, args.name, settings, model=args.model or Settings.from_env().model,
                 max_length=args.max_length, replace=args.replace)  # fmt: skip
    embedder = _load(args)
    with _ProgressBar() as bar:
        report = index_files(
            store, args.name, embedder, files, settings, csv_column=_columns(args.column),
            labels=args.labels, replace=args.replace, batch=args.batch, progress=bar.update,
            cache=VectorCache(max_entries=args.batch, disk=DiskVectorCache(args.data_dir)),
        )  # fmt: skip
    for read in report.read:
        encoding = f" ({read.encoding})" if read.encoding else ""
        print(f"semsearch: read {read.path}{encoding}", file=sys.stderr)
        for note in read.notes:
            print(f"semsearch: {read.path}: {note}", file=sys.stderr)
    for path, reason in report.failed:
        print(f"semsearch: skipped {path}: {reason}", file=sys.stderr)
    if report.from_cache:
        print(f"semsearch: {report.from_cache} of {report.encoded} passages' vectors came from "
              f"the disk cache (the page's, or an earlier run's); the model encoded "
              f"{report.encoded - report.from_cache}", file=sys.stderr)  # fmt: skip
    resumed = f", {report.skipped} already stored" if report.skipped else ""
    print(
        f"indexed {report.added} passages{resumed} from {report.files} file(s) into "
        f"{report.name!r} ({report.passages} passages; {embedder.name}, {embedder.dim} "
        f"dimensions, {embedder.dtype}) in {store.uri} in {report.seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


def _columns(given: list[str] | None) -> list[str]:
    """``--column a --column b,c`` as ``["a", "b", "c"]``."""
    return [name.strip() for item in given or [] for name in item.split(",") if name.strip()]


class _ProgressBar:
    """tqdm on stderr, by bytes of input (known up front), with passages and their rate."""

    def __enter__(self) -> _ProgressBar:
        from tqdm import tqdm

        self._bar = tqdm(
            total=0, unit="B", unit_scale=True, desc="indexing", file=sys.stderr,
            disable=None, leave=False,  # disable=None: only on a terminal
        )  # fmt: skip
        return self

    def update(self, progress: Any) -> None:
        """Show an :class:`~semsearch.retrieval.indexing.IndexProgress`."""
        bar = self._bar
        bar.total = progress.total_bytes
        bar.n = int(progress.done_bytes)
        bar.set_postfix_str(
            f"{progress.passages} passages, {progress.encoded} encoded, "
            f"{progress.rate:.0f}/s", refresh=False,
        )  # fmt: skip
        bar.refresh()

    def __exit__(self, *exc: object) -> None:
        self._bar.close()


def _ask(args: argparse.Namespace) -> int:
    from semsearch.answers.generation import (
        Citation,
        answer_stream,
        cited_numbers,
        generator_from_env,
    )

    _check_ranking(args)
    server = _server(args)
    if server is not None:
        from semsearch.cli_remote import ask

        return ask(args, server)
    store, embedder = _open(args)
    hits = _ranked(store, embedder, args, _query_cache(args))
    citations = [
        Citation(n, hit.id, hit.passage.text, hit.score, hit.passage.origin)
        for n, hit in enumerate(hits, start=1)
    ]
    stream = answer_stream(
        args.query,
        citations,
        lambda: generator_from_env(embedder.device, embedder.dtype),
        max_new_tokens=args.max_new_tokens,
    )
    if args.json:
        answer = "".join(stream)
        cited = [
            {"index": c.index, "text": c.text, "score": c.score, "source": c.source}
            for c in citations
        ]
        print(json.dumps({"answer": answer, "citations": cited}, ensure_ascii=False, indent=2))
        return 0
    answer = ""
    for piece in stream:
        answer += piece
        print(piece, end="", flush=True)
    print()
    used = set(cited_numbers(answer, len(citations)))
    for c in citations:
        mark = "*" if c.number in used else " "
        where = f" ({c.source})" if c.source else ""
        print(f"{mark}[{c.number}] {c.score:.4f}  {_one_line(c.text)}{where}")
    return 0


def _one_line(text: str) -> str:
    """A passage on one terminal line (its line breaks as spaces)."""
    return " ".join(text.splitlines())


def _data_folder(args: argparse.Namespace) -> Path:
    from semsearch.data_folder import data_dir
    from semsearch.settings import expand_folder

    return expand_folder(args.data_dir) if args.data_dir else data_dir()


def _list_deleted(args: argparse.Namespace) -> int:
    from semsearch.retrieval.trash import deleted_bases

    store = _store(args)
    days = Settings.from_env().trash_days
    kept = deleted_bases(_data_folder(args), days, store)
    if args.json:
        rows = [{"name": d.name, "deleted": d.deleted, "kept_until": d.kept_until,
                 "passages": d.passages, "model": d.model} for d in kept]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not kept:
        print(f"No deleted base is kept for {store.uri} (bases are kept {days} days).")
    for d in [] if args.json else kept:
        print(f"{d.name}\t{d.passages} passages\t{d.model}\tdeleted {d.deleted}\t"
              f"kept until {d.kept_until}")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    if args.deleted:
        return _list_deleted(args)
    bases = _store(args).list()
    if args.json:
        rows = [
            {
                "name": b.name,
                "model": b.model,
                "dim": b.dim,
                "passages": b.passages,
                "updated": b.updated,
            }
            for b in bases
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not bases:
        print(f"No knowledge base is saved in {_store(args).uri} yet (see: semsearch index).")
    for b in [] if args.json else bases:
        print(
            f"{b.name}\t{b.passages} passages\t{b.model} ({b.dim} dimensions)\tupdated {b.updated}"
        )
    return 0


def _delete(args: argparse.Namespace) -> int:
    from semsearch.retrieval.trash import delete_base

    days = 0 if args.forever else Settings.from_env().trash_days
    kept = delete_base(_store(args), args.name, _data_folder(args), days)
    if kept is None:
        print(f"deleted {args.name!r}", file=sys.stderr)
    else:
        print(f"deleted {args.name!r}; kept until {kept.kept_until} (semsearch restore "
              f"{shlex.quote(kept.name)} brings it back)", file=sys.stderr)  # fmt: skip
    return 0


def _restore(args: argparse.Namespace) -> int:
    from semsearch.retrieval.trash import restore_base

    store = _store(args)
    info = restore_base(store, args.name, _data_folder(args), Settings.from_env().trash_days)
    print(f"restored {info.name!r} ({info.passages} passages, {info.model}) in {store.uri}",
          file=sys.stderr)  # fmt: skip
    return 0


def _copy(args: argparse.Namespace) -> int:
    from semsearch.retrieval.stores import copy_base, open_store

    source = _store(args)
    target = open_store(args.to, data_dir=args.data_dir)
    taken = args.new_name or args.name
    if not args.replace and taken in {base.name for base in target.list()}:
        raise InvalidArgumentError(
            f"{target.uri} already holds a base named {taken!r}; pass --replace to overwrite "
            "it, or --as to give the copy another name."
        )
    info = copy_base(source, args.name, target, new_name=args.new_name, replace=args.replace)
    print(f"copied {args.name!r} ({info.passages} passages) from {source.uri} to "
          f"{target.uri} as {info.name!r}", file=sys.stderr)  # fmt: skip
    return 0


def _eval(args: argparse.Namespace) -> int:
    from semsearch.analysis.evaluation import evaluate, passage_ids, read_judgements
    from semsearch.encoding.vectors import normalise
    from semsearch.retrieval.grouping import document_of

    if args.k < 1:
        raise InvalidArgumentError(f"--k must be at least 1, got {args.k}.")
    if args.beir is not None:
        judgements_file, qrels = _beir_files(args)
    elif args.judgements is None:
        raise InvalidArgumentError("Give the judgements: --judgements FILE (or use --beir DIR).")
    else:
        judgements_file, qrels = args.judgements, args.qrels
    server = _server(args)
    if server is not None and args.beir is not None:
        raise InvalidArgumentError(
            "--beir indexes and evaluates here; leave out --server (or index the corpus on "
            "the server and evaluate it with --name)."
        )
    if server is not None:
        from semsearch.cli_remote import evaluate as evaluate_remotely

        done = evaluate_remotely(args, server)
        if args.json:
            print(json.dumps({"model_name": done["model_name"], "bm25": _bm25(),
                              **done["result"].as_dict()}, ensure_ascii=False,
                             indent=2))  # fmt: skip
        else:
            _print_evaluation(done["result"], done["texts"], done["model_name"],
                              by_line=args.kb is not None)  # fmt: skip
        return 0
    documents = None
    if args.name is not None or args.beir is not None:
        if args.name is not None and (args.model or args.dim or args.max_length):
            raise InvalidArgumentError(
                "With --name the model, --dim and --max-length are the saved base's; "
                "leave out --model, --dim and --max-length."
            )
        from semsearch.retrieval.library import embedder_for, read_base

        store = _store(args)
        name = args.name if args.name is not None else _index_beir(store, args)
        saved = read_base(store, name)
        texts = [p.text for p in saved.passages]
        # Judgements are read before any model loads: a wrong file fails in a second.
        judgements = read_judgements(judgements_file, texts, qrels=qrels,
                                     ids=passage_ids(saved.passages))  # fmt: skip
        _quiet_libraries()
        embedder = embedder_for(saved.info, device=args.device, embed_url=args.embed_url)
        matrix = normalise(np.asarray(saved.vectors), embedder.dim)
        documents = None if args.passages else document_of(saved.passages)
    else:
        texts = read_lines(args.kb)
        judgements = read_judgements(judgements_file, texts, qrels=qrels)
        embedder = _load(args)
        matrix = embedder.encode_documents(texts)
    queries = embedder.encode_queries(judgements.queries, instruction=args.instruction)
    rerank = None
    if args.rerank:
        from semsearch.answers.reranker import DEFAULT_RERANKER, Reranker

        spec = Settings.from_env().reranker or DEFAULT_RERANKER
        reranker = Reranker.load(spec, device=embedder.device, dtype=embedder.dtype)
        rerank = lambda query, texts: reranker.score(query, texts)  # noqa: E731
    result = evaluate(texts, matrix, judgements, queries, k=args.k, rerank=rerank,
                      documents=documents)  # fmt: skip
    if args.json:
        print(json.dumps({"model_name": embedder.name, "bm25": _bm25(), **result.as_dict()},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    _print_evaluation(result, texts, embedder.name, by_line=args.kb is not None)
    return 0


def _bm25() -> str:
    """What BM25 uses, in words (eval prints it)."""
    from semsearch.analysis.keywords import DESCRIPTION

    return DESCRIPTION


def _beir_files(args: argparse.Namespace) -> tuple[Path, Path]:
    """``--beir``'s queries and qrels files; an error naming what the folder lacks."""
    if args.judgements or args.qrels:
        raise InvalidArgumentError(
            "--beir reads its folder's queries.jsonl and qrels/SPLIT.tsv; leave out "
            "--judgements and --qrels (or give them with --name)."
        )
    folder = Path(args.beir)
    needed = [folder / "corpus.jsonl", folder / "queries.jsonl",
              folder / "qrels" / f"{args.split}.tsv"]  # fmt: skip
    missing = [str(path) for path in needed if not path.is_file()]
    if missing:
        splits = sorted(p.stem for p in (folder / "qrels").glob("*.tsv"))
        have = f" (qrels it has: {', '.join(splits)}; choose one with --split)" if splits else ""
        raise InvalidArgumentError(
            f"{folder} is not a BEIR folder: {', '.join(missing)} missing{have}."
        )
    return needed[1], needed[2]


def _index_beir(store: Any, args: argparse.Namespace) -> str:
    """Index ``--beir``'s corpus.jsonl into its base (resuming it) and return the base's name."""
    from semsearch.documents.chunking import ChunkSettings
    from semsearch.retrieval.indexing import index_files

    embedder = _load(args)
    folder = Path(args.beir)
    name = args.base or (f"beir-{folder.resolve().name}-{embedder.name.split('/')[-1]}-"
                         f"{embedder.max_length}")  # fmt: skip
    with _ProgressBar() as bar:
        report = index_files(store, name, embedder, [folder / "corpus.jsonl"], ChunkSettings(),
                             progress=bar.update)  # fmt: skip
    print(
        f"semsearch: {report.name!r} holds {report.passages} passages of "
        f"{folder / 'corpus.jsonl'} ({report.encoded} encoded now, {report.skipped} already "
        f"stored) in {store.uri}",
        file=sys.stderr,
    )
    return report.name


def _print_evaluation(
    result: Evaluation, texts: Sequence[str], model: str, shown: int = 20, *, by_line: bool = False
) -> None:
    from semsearch.analysis.keywords import DESCRIPTION

    k = result.k
    unit = "documents" if result.documents is not None else "passages"
    counted = (f"{result.documents} documents ({result.passages} passages)"
               if result.documents is not None else f"{result.passages} passages")  # fmt: skip
    print(f"{result.queries} queries, {counted}; model: {model}")
    print("scored per line: each line of the file is one document" if by_line else
          f"scored {result.rule}")  # fmt: skip
    print(f"keywords: {DESCRIPTION}")
    print(f"{'method':<10}{f'recall@{k}':>11}{'MRR@10':>9}{'nDCG@10':>9}")
    for m in result.methods:
        print(f"{m.method:<10}{m.recall:>11.3f}{m.mrr:>9.3f}{m.ndcg:>9.3f}")
    if result.misses:
        print(f"\nRelevant {unit} not in the top {k}:")
    for miss in result.misses[:shown]:
        where = f"rank {miss.rank}" if miss.rank else "not ranked"
        print(f"  {miss.method:<9} {_one_line(miss.query)!r} -> [{miss.passage}] "
              f"{_one_line(texts[miss.passage])[:70]} ({where})")  # fmt: skip
    if len(result.misses) > shown:
        print(f"  ... {len(result.misses) - shown} more (--json lists them all)")
    for note in result.unmatched:
        print(f"semsearch: judgement skipped: {note}", file=sys.stderr)


def _embed(args: argparse.Namespace) -> int:
    texts = read_lines(args.kb)
    out = Path(args.out)
    if out.suffix != ".npy":
        raise InvalidArgumentError(f"--out must end in .npy, got {str(out)!r}.")
    if not out.parent.is_dir():
        raise InvalidArgumentError(f"The folder {str(out.parent)!r} for --out does not exist.")
    embedder = _load(args)
    kind: Kind = "query" if args.queries else "document"
    vectors = embedder.embed(texts, kind=kind, instruction=args.instruction).vectors
    np.save(out, vectors)
    print(
        f"wrote {vectors.shape[0]} x {vectors.shape[1]} float32 vectors to {out}", file=sys.stderr
    )
    return 0


def _cache(args: argparse.Namespace) -> int:
    from semsearch.encoding.disk_cache import DiskVectorCache

    disk = DiskVectorCache(args.data_dir)
    if args.action == "clear":
        removed = disk.clear()
        print(f"removed {removed} vectors from {disk.path}", file=sys.stderr)
        return 0
    info = disk.info()
    if args.json:
        fields = {"path": str(info.path), "status": info.status, "vectors": info.vectors,
                  "bytes": info.bytes, "max_bytes": info.max_bytes, "notice": info.notice,
                  "models": [{"model": m, "vectors": n} for m, n in info.models]}  # fmt: skip
        print(json.dumps(fields, ensure_ascii=False, indent=2))
        return 0
    print(f"{info.path} ({info.status})")
    print(
        f"{info.vectors} vectors, {_mb(info.bytes)} of {_mb(info.max_bytes)} (SEMSEARCH_CACHE_MAX)"
    )
    for model, count in info.models:
        print(f"{count}\t{model}")
    if info.notice:
        print(info.notice, file=sys.stderr)
    return 0


def _mb(size: int) -> str:
    return f"{size / 1024**2:.1f} MB"


# Arguments that name files or folders: on Linux a file name may be any bytes (Python keeps
# undecodable ones as lone surrogates and gives them back to the system unchanged).
_PATH_ARGUMENTS = frozenset({"kb", "files", "data_dir", "out", "qrels", "queries", "judgements",
                             "store", "model"})  # fmt: skip


def _check_text_arguments(args: argparse.Namespace) -> None:
    """An InvalidArgumentError for a text argument (a query, a name) that is not UTF-8.

    Python decodes such bytes into lone surrogates, which no tokenizer, store or terminal
    accepts: refused here, with the bytes shown, rather than a traceback later.
    """
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for text in values:
            if name in _PATH_ARGUMENTS or not isinstance(text, str):
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                flag = "--" + name.replace("_", "-")
                raise InvalidArgumentError(
                    f"{flag} {shown!r} is not UTF-8 text; set the terminal to UTF-8 "
                    "(e.g. LANG=C.UTF-8) or retype it."
                ) from None


def _serve(args: argparse.Namespace) -> int:
    from semsearch.service.config import ServiceConfig
    from semsearch.service.run import serve

    env = Settings.from_env()
    if not 1 <= args.port <= 65535:
        raise InvalidArgumentError(f"--port must be 1..65535, got {args.port}.")
    config = ServiceConfig(
        model=args.model, embed_url=args.embed_url, device=args.device, dtype=args.dtype,
        dim=args.dim, max_length=args.max_length, store=args.store, data_dir=args.data_dir,
        api_key=env.api_key, cors_origins=tuple(args.cors_origin or env.cors_origins),
        batch_window=args.batch_window / 1000, batching=not args.no_batching,
        max_queue=args.max_queue, max_inputs=args.max_inputs,
        max_body_bytes=int(args.max_body_mb * 1024**2), request_timeout=args.timeout,
    )  # fmt: skip
    if args.host not in ("127.0.0.1", "localhost", "::1") and env.api_key is None:
        print(f"semsearch: note: serving on {args.host} without SEMSEARCH_API_KEY: anyone who "
              "reaches this port can read, add to and delete the bases.",
              file=sys.stderr)  # fmt: skip
    _quiet_libraries()
    serve(config, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    handlers = {
        "search": _search,
        "index": _index,
        "ask": _ask,
        "list": _list,
        "delete": _delete,
        "restore": _restore,
        "copy": _copy,
        "eval": _eval,
        "embed": _embed,
        "cache": _cache,
        "serve": _serve,
    }
    try:
        _check_text_arguments(args)  # both before a model loads for nothing
        check_threshold(getattr(args, "threshold", None))
        return handlers[args.command](args)
    except SemsearchError as error:
        print(f"semsearch: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
