"""The defaults the README documents, pinned where the code keeps them.

Each test quotes the README line it holds the code to, and checks the behaviour where one is
cheap to see (a call without the argument), so that changing a default without the README (or
the other way round) fails here. The page's sliders are pinned by AppTest in test_app.py.
"""

from pathlib import Path

import numpy as np
import pytest

import semsearch
from semsearch.analysis.evaluation import RERANK_DEPTH
from semsearch.analysis.keywords import bm25_rank
from semsearch.cli import build_parser
from semsearch.documents.chunking import ChunkSettings
from semsearch.page.state import (
    DEFAULT_CHUNKS,
    DEFAULT_RERANK_CANDIDATES,
    DEFAULT_THRESHOLD,
    DEFAULT_TOP_K,
)
from semsearch.retrieval.ranking import top_hits
from semsearch.retrieval.tiers import RELATED_AT, STRONG_AT
from semsearch.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PROSE = " ".join(README.replace("**", "").split())
"""The README as running text: no bold, one space for any line break, so rewording around
a default does not break its pin."""


def test_rank_keeps_five_and_every_score_by_default():
    # README: "rank(query_vector, matrix, top_k=5, threshold=None)"
    assert "`rank(query_vector, matrix, top_k=5, threshold=None) -> list[Hit]`" in PROSE
    matrix = np.eye(7, dtype=np.float32)
    query = -np.ones(7, dtype=np.float32) / np.sqrt(7)  # every score negative
    hits = semsearch.rank(query, matrix)
    assert [h.index for h in hits] == [0, 1, 2, 3, 4]
    assert len(top_hits(np.linspace(-1, 1, 9))) == 5


def test_reciprocal_rank_fusion_uses_k_60():
    # README: "reciprocal_rank_fusion(rankings, k=60)"; "(reciprocal rank fusion, k = 60)"
    assert "`reciprocal_rank_fusion(rankings, k=60)`" in PROSE
    assert "reciprocal rank fusion, k = 60" in PROSE
    assert [(h.index, h.score) for h in semsearch.reciprocal_rank_fusion([[4]])] == [(4, 1 / 61)]


def test_bm25_keeps_five_by_default_as_rank_does():
    texts = [f"router number {i}" for i in range(8)]
    assert len(bm25_rank("router", texts)) == 5


def test_the_page_lists_at_most_five_at_or_above_0_4():
    # README: "the threshold (0.1–0.9, default 0.4) and top-k (default 5)"
    assert "threshold (0.1–0.9, default 0.4)" in PROSE
    assert "top-k (default 5)" in PROSE
    assert (DEFAULT_THRESHOLD, DEFAULT_TOP_K) == (0.4, 5)


def test_tiers_are_the_readme_bands():
    # README: "≥ 0.6 dark green strong match, 0.4–0.6 light green related, < 0.4 grey weak"
    assert "≥ 0.6 dark green" in PROSE
    assert "0.4–0.6 light green" in PROSE
    assert (STRONG_AT, RELATED_AT) == (0.6, 0.4)


def test_the_reranker_reads_the_top_20():
    # README: "with each of the top 20 candidates"; eval "--rerank the reranker over the top 20"
    assert "each of the top 20 candidates" in PROSE
    assert "the reranker over the model's top 20" in PROSE
    assert DEFAULT_RERANK_CANDIDATES == RERANK_DEPTH == 20


def test_passages_by_paragraph_and_windows_of_256_sharing_64():
    # README: "by paragraph (the default), or by a sliding token window (256 tokens, 64 ...)"
    assert "paragraph (the default)" in PROSE
    assert "(256 tokens, 64 overlapping, both adjustable)" in PROSE
    assert DEFAULT_CHUNKS == ChunkSettings() == ChunkSettings("paragraph", 256, 64)


@pytest.mark.parametrize("command", ["search", "ask"])
def test_the_command_line_ranks_as_the_page(command):
    # README: "--top-k (5), --threshold (0.4, as on the page; -1 keeps everything)"
    assert "`--top-k` (5), `--threshold` (0.4, as on the page" in PROSE
    args = build_parser().parse_args([command, "--name", "b", "--query", "q"])
    assert (args.top_k, args.threshold) == (5, 0.4)


def test_index_and_eval_options():
    # README: "a batch at a time (--batch, 256)"; "recall@k (default 10)"
    assert "(`--batch`, 256)" in PROSE
    assert "recall@k (default 10)" in PROSE
    args = build_parser().parse_args(["index", "f.txt", "--name", "b"])
    assert (args.chunk, args.window, args.overlap, args.batch) == ("paragraph", 256, 64, 256)
    args = build_parser().parse_args(["eval", "--name", "b", "--judgements", "j.csv"])
    assert args.k == 10


def readme_default(variable: str) -> str:
    """The last cell (the default) of ``variable``'s row in the README's Settings table."""
    [row] = [line for line in README.splitlines() if line.startswith(f"| `{variable}` |")]
    return row.rstrip(" |").rsplit(" | ", 1)[1]


def test_settings_defaults_are_the_readme_table():
    assert readme_default("SEMSEARCH_MODEL") == "`auto`"
    assert readme_default("SEMSEARCH_MAX_LENGTH") == "512"
    assert readme_default("SEMSEARCH_STORE") == "`sqlite`"
    assert readme_default("SEMSEARCH_CACHE_MAX") == "`2GB`"
    settings = Settings.from_env({})
    assert (settings.model, settings.max_length, settings.store, settings.cache_max) == (
        "auto",
        512,
        "sqlite",
        2 * 1024**3,
    )
