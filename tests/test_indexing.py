"""Streaming, resumable indexing and the bounded search of a saved base, in every store.

The fake encoder (tests/fakes.py) makes every score predictable and counts what it
encodes, so the tests can say exactly how much a resumed run encodes again.
"""

import itertools

import numpy as np
import pytest

from semsearch.cli import main
from semsearch.documents.chunking import ChunkSettings, chunk_documents
from semsearch.documents.readers import read_document
from semsearch.errors import InvalidArgumentError
from semsearch.retrieval.indexing import IndexProgress, index_files
from semsearch.retrieval.ranking import rank
from semsearch.retrieval.search import run_base_search
from semsearch.retrieval.stores import StoreError, open_store
from semsearch.retrieval.stores.milvus import MilvusStore

from .fakes import fake_embedder

STORES = [
    pytest.param("sqlite:{tmp}/sqlite", id="sqlite"),
    pytest.param("milvus:{tmp}/bases.db", id="milvus"),
]
LINE = ChunkSettings("line")


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    opened = open_store(request.param.format(tmp=tmp_path))
    yield opened
    if isinstance(opened, MilvusStore):
        opened.close()


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    fruit = folder / "fruit.txt"
    fruit.write_text("\n".join(f"fruit line {i} apple pear" for i in range(10)), "utf-8")
    phones = folder / "phones.txt"
    phones.write_text("\n".join(f"phone line {i} battery charge" for i in range(7)), "utf-8")
    return [fruit, phones]


def expected_passages(paths, embedder):
    documents = [read_document(p.name, p.read_bytes()) for p in paths]
    return chunk_documents(documents, LINE, embedder.token_spans, embedder.passage_tokens)


def test_indexing_streams_batch_by_batch_and_stores_every_passage(store, files):
    embedder = fake_embedder()
    seen: list[IndexProgress] = []
    report = index_files(store, "docs", embedder, files, LINE, batch=4, progress=seen.append)
    passages = expected_passages(files, embedder)
    assert (report.files, report.passages, report.encoded, report.skipped) == (2, 17, 17, 0)
    assert store.passages("docs", range(17)) == passages
    # Memory is bounded by the batch: the model never saw more than 4 texts at once.
    runtime = embedder.engine.runtime
    assert max(len(batch) for batch in runtime.batches) <= 4
    assert [p.passages for p in seen] == [4, 8, 12, 16, 17]
    assert seen[-1].done_bytes == seen[-1].total_bytes == sum(p.stat().st_size for p in files)
    assert all(a.done_bytes <= b.done_bytes for a, b in itertools.pairwise(seen))
    expected = embedder.encode_documents([p.text for p in passages])
    np.testing.assert_array_equal(store.vectors("docs", range(17)), expected)


def test_an_interrupted_run_resumes_encoding_only_what_is_missing(store, files):
    embedder = fake_embedder()

    def stop_after_two_batches(progress):
        if progress.passages >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index_files(store, "docs", embedder, files, LINE, batch=4, progress=stop_after_two_batches)
    assert store.count("docs") == 8
    again = fake_embedder()
    report = index_files(store, "docs", again, files, LINE, batch=4)
    assert (report.encoded, report.skipped, report.passages) == (9, 8, 17)
    assert again.engine.runtime.encoded_rows == 9
    fresh = fake_embedder()
    full = index_files(store, "whole", fresh, files, LINE, batch=100)
    assert full.passages == 17
    np.testing.assert_array_equal(
        store.vectors("docs", range(17)), store.vectors("whole", range(17))
    )
    assert store.passages("docs", range(17)) == store.passages("whole", range(17))


def test_unreadable_files_are_skipped_and_listed(store, files, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary\x00")
    report = index_files(store, "docs", fake_embedder(), [bad, *files, tmp_path / "gone.txt"], LINE)
    assert report.passages == 17
    assert [path for path, _ in report.failed] == [str(bad), str(tmp_path / "gone.txt")]
    assert "NUL" in report.failed[0][1]


def test_nothing_readable_creates_no_base(store, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    with pytest.raises(InvalidArgumentError, match="None of the files could be read"):
        index_files(store, "docs", fake_embedder(), [bad], LINE)
    assert store.list() == []


def test_resuming_with_another_model_or_chunking_is_refused(store, files):
    index_files(store, "docs", fake_embedder(), files, LINE)
    with pytest.raises(StoreError, match="--replace"):
        index_files(store, "docs", fake_embedder(max_length=16), files, LINE)
    with pytest.raises(StoreError, match="--replace"):
        index_files(store, "docs", fake_embedder(), files, ChunkSettings("paragraph"))
    report = index_files(
        store, "docs", fake_embedder(), files[:1], ChunkSettings("paragraph"), replace=True
    )
    assert report.passages == 1


@pytest.mark.parametrize("top_k", [1, 5, 17])
def test_a_base_search_keeps_a_bounded_candidate_set_with_exact_results(store, files, top_k):
    embedder = fake_embedder()
    index_files(store, "docs", embedder, files, LINE)
    passages = expected_passages(files, embedder)
    run = run_base_search(embedder, store, "docs", "apple battery 3", candidates=6, sample=4)
    assert run.scope is not None
    assert (run.scope.total, run.scope.candidates, run.scope.sampled) == (17, 6, 4)
    assert len(run.texts) == len(run.kb_embeddings) == 10
    # The candidates are the store's exact best, in order; the sample is drawn from the rest.
    matrix = embedder.encode_documents([p.text for p in passages])
    best = rank(run.query_vector, matrix, top_k=6)
    assert list(run.scope.ids[:6]) == [hit.index for hit in best]
    assert not set(run.scope.ids[6:]) & set(run.scope.ids[:6])
    for position, ident in enumerate(run.scope.ids):
        assert run.texts[position] == passages[ident].text
        np.testing.assert_allclose(run.kb_embeddings[position], matrix[ident], atol=1e-6)
    again = run_base_search(embedder, store, "docs", "apple battery 3", candidates=6, sample=4)
    assert again.scope == run.scope  # the sample is seeded: reruns show the same points


def test_cli_index_resumes_and_says_so(tmp_path, files, capsys, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_DATA_DIR", str(tmp_path / "data"))
    args = ["index", *map(str, files), "--name", "docs", "--model", "bundled", "--chunk", "line"]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert "indexed 17 passages from 2 file(s) into 'docs' (17 passages" in first
    assert main(args) == 0
    assert "indexed 0 passages, 17 already stored from 2 file(s)" in capsys.readouterr().err


def test_a_folder_means_every_readable_file_in_it(tmp_path, files):
    from semsearch.retrieval.indexing import expand_paths

    folder = files[0].parent
    (folder / "sub").mkdir()
    (folder / "sub" / "more.md").write_text("# More", "utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "secret.txt").write_text("no", "utf-8")
    extra = tmp_path / "extra.txt"
    assert expand_paths([folder, extra]) == [*sorted(files), folder / "sub" / "more.md", extra]
