"""The command line and the page share one disk cache of vectors (issue 17, item 7).

Nothing the page encoded is encoded again by ``semsearch index``, and the reverse; a
question the page (or an earlier command) asked is answered by ``semsearch search`` with no
model loaded at all: torch and transformers are never imported (nor the client of a
semsearch server when none is asked for). A question never asked is encoded by the NumPy
engine (the bundled model is a BERT): no torch either, and the torch engine's score. The
command line runs in a subprocess, as a user runs it; the page's side is its own code path (its chunking defaults,
its session cache reading through the shared disk cache, ``run_search``).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from semsearch.documents.chunking import chunk_documents
from semsearch.documents.readers import read_document
from semsearch.encoding.disk_cache import DiskVectorCache, shared_disk_cache
from semsearch.encoding.vector_cache import VectorCache
from semsearch.page.state import DEFAULT_CHUNKS
from semsearch.retrieval.search import run_search

pytestmark = pytest.mark.slow  # a minute or more: run first (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent


def cli(data_dir, *argv, code="from semsearch.cli import main; raise SystemExit(main())"):
    env = {**os.environ, "SEMSEARCH_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env,
        cwd=data_dir.parent, timeout=600, check=False,
    )  # fmt: skip


def page_passages(embedder, path):
    """The passages the page makes of an uploaded file, with its default splitting."""
    document = read_document(path.name, path.read_bytes())
    found = chunk_documents([document], DEFAULT_CHUNKS, embedder.token_spans,
                            embedder.passage_tokens)  # fmt: skip
    return [p.text for p in found]


def test_index_reuses_the_pages_vectors_and_the_page_reuses_the_index_runs(
    tmp_path, data_dir, bundled
):
    manual = tmp_path / "manual.md"
    manual.write_text("# Reset\n\nHold the button for ten seconds.\n\nThe light blinks.\n", "utf-8")
    texts = page_passages(bundled, manual)
    page = run_search(bundled, VectorCache(disk=shared_disk_cache()), texts, "reset")
    assert (len(texts), page.encoded) == (2, 2)

    done = cli(data_dir, "index", str(manual), "--name", "manual", "--model", "bundled")
    assert done.returncode == 0, done.stderr
    assert (
        "semsearch: 2 of 2 passages' vectors came from the disk cache (the page's, or an "
        "earlier run's); the model encoded 0\n"
    ) in done.stderr

    notes = tmp_path / "notes.md"
    notes.write_text("# Warranty\n\nIt lasts two years.\n", "utf-8")
    done = cli(data_dir, "index", str(notes), "--name", "notes", "--model", "bundled")
    assert done.returncode == 0, done.stderr
    assert "came from the disk cache" not in done.stderr
    fresh = VectorCache(disk=DiskVectorCache(data_dir))  # a new visit of the page
    page = run_search(bundled, fresh, page_passages(bundled, notes), "warranty")
    assert (page.encoded, page.reused) == (0, 1)


def test_a_question_is_searched_without_torch_and_one_asked_before_without_a_model(
    tmp_path, data_dir, bundled
):
    manual = tmp_path / "manual.md"
    manual.write_text("# Reset\n\nHold the button for ten seconds.\n", "utf-8")
    assert cli(data_dir, "index", str(manual), "--name", "m", "--model", "bundled").returncode == 0
    question = ["search", "--name", "m", "--query", "how do I reset it?", "--json"]
    probe = (
        "import sys; from semsearch.cli import main; code = main(); "
        "heavy = ('torch', 'transformers', 'semsearch.service.client', "
        "'semsearch.encoding.engines.erf'); "
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    first = cli(data_dir, *question, code=probe)  # nothing cached: the NumPy engine runs
    assert first.stderr.splitlines()[-1] == "['semsearch.encoding.engines.erf']"
    [hit] = json.loads(first.stdout)
    torch_score = float(
        bundled.encode_queries(["how do I reset it?"])[0]
        @ bundled.encode_documents([hit["text"]])[0]
    )
    assert abs(hit["score"] - torch_score) < 1e-6
    assert f"{hit['score']:.4f}" == f"{torch_score:.4f}"
    again = cli(data_dir, *question, code=probe)
    assert again.stderr.splitlines()[-1] == "[]"
    assert again.stdout == first.stdout

    run_search(bundled, VectorCache(disk=shared_disk_cache()), ["x"], "where is the button?")
    asked = cli(data_dir, "search", "--name", "m", "--query", "where is the button?", code=probe)
    assert asked.stderr.splitlines()[-1] == "[]"
    assert asked.stdout.startswith("  1  0.")
