"""The ``semsearch`` command line: search a knowledge-base file, or write its vectors.

    python -m semsearch search --kb faq.txt --query "my phone won't charge" --json
    python -m semsearch embed --kb faq.txt --out faq.npy

Errors a user can cause (missing file, empty knowledge base, a model that will not load)
print one line on stderr and exit 1; usage errors exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .embedder import Embedder, Kind
from .errors import InvalidArgumentError, SemsearchError
from .knowledge_base import read_lines
from .ranking import rank
from .settings import Settings

DEFAULT_THRESHOLD = 0.4


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kb", required=True, help="knowledge base: a UTF-8 file, one text per line"
    )
    parser.add_argument(
        "--model",
        help="auto, bundled, a Hugging Face id or a folder (default: $SEMSEARCH_MODEL or auto)",
    )
    parser.add_argument("--device", help="cpu, cuda... (default: CUDA when available)")
    parser.add_argument(
        "--dtype", help="bf16, fp16 or fp32 (default: bf16 where the hardware has it, else fp32)"
    )
    parser.add_argument("--dim", type=int, help="output dimension, 32..native (Matryoshka)")
    parser.add_argument("--max-length", type=int, help="token cap per text (default 512)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m semsearch``."""
    parser = argparse.ArgumentParser(
        prog="semsearch", description="Semantic search with Qwen3-Embedding (or the bundled model)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    search = commands.add_parser("search", help="rank the lines of a file against a query")
    _model_options(search)
    search.add_argument("--query", required=True, help="the question, in your own words")
    search.add_argument("--top-k", type=int, default=5, help="most results to print (default 5)")
    search.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"lowest score printed (default {DEFAULT_THRESHOLD}, as on the page; -1 keeps all)",
    )
    search.add_argument(
        "--instruction", help="task for the query instruction (Qwen3 only; '' for none)"
    )
    search.add_argument("--json", action="store_true", help="print a JSON list")

    embed = commands.add_parser("embed", help="write the vectors of a file's lines to .npy")
    _model_options(embed)
    embed.add_argument("--out", required=True, help="output .npy file (float32 [lines, dim])")
    embed.add_argument("--queries", action="store_true", help="encode the lines as queries")
    embed.add_argument("--instruction", help="task for the query instruction (with --queries)")
    return parser


def _load(args: argparse.Namespace) -> Embedder:
    from transformers.utils import logging as hf_logging

    from .loading import load_embedder

    # Keep the terminal to our own output: no weight-loading bars or library chatter.
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    embedder = load_embedder(
        args.model or Settings.from_env().model,
        device=args.device,
        dtype=args.dtype,
        dim=args.dim,
        max_length=args.max_length,
    )
    report = embedder.report
    if report is not None and report.fallback_reason:
        print(
            f"semsearch: note: using the bundled {report.name} because {report.fallback_reason}",
            file=sys.stderr,
        )
    return embedder


def _search(args: argparse.Namespace) -> int:
    if args.top_k < 1:
        raise InvalidArgumentError(f"--top-k must be at least 1, got {args.top_k}.")
    texts = read_lines(args.kb)
    if not args.query.strip():
        raise InvalidArgumentError("--query is empty; give a question to search for.")
    embedder = _load(args)
    matrix = embedder.encode_documents(texts)
    query = embedder.encode_queries([args.query], instruction=args.instruction)[0]
    hits = rank(query, matrix, top_k=args.top_k, threshold=args.threshold)
    rows = [
        {"rank": n, "index": hit.index, "text": texts[hit.index], "score": hit.score}
        for n, hit in enumerate(hits, start=1)
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        best = float(np.max(matrix @ query))
        print(f"No line reaches the threshold {args.threshold:.2f}; the best score is {best:.4f}.")
    else:
        for row in rows:
            print(f"{row['rank']:>3}  {row['score']:.4f}  [{row['index']}] {row['text']}")
    return 0


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    handlers = {"search": _search, "embed": _embed}
    try:
        return handlers[args.command](args)
    except SemsearchError as error:
        print(f"semsearch: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
