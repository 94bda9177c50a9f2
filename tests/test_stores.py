"""Every vector store passes the same suite: one line in STORES adds a store to it.

The embedded SQLite + NumPy store runs in a temporary folder, Milvus in Milvus Lite (a real
Milvus engine, in-process) in a temporary file. Results are checked against brute-force
NumPy on awkward sizes (5 and 17 rows), with ties, thresholds, filters and Matryoshka
queries; then copies between the stores, the command line, and Milvus Lite's one-process
rule.
"""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from semsearch.cli import main
from semsearch.documents.chunking import Passage
from semsearch.errors import InvalidArgumentError, SettingsError
from semsearch.retrieval.filters import matching
from semsearch.retrieval.library import read_base
from semsearch.retrieval.stores import BaseSpec, StoreError, VectorStore, copy_base, open_store
from semsearch.retrieval.stores.milvus import MilvusStore, alias_for
from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore

STORES = [
    pytest.param("sqlite:{tmp}/sqlite", id="sqlite"),
    pytest.param("milvus:{tmp}/bases.db", id="milvus"),
]
SOURCES = ["manual.pdf", 'quote " and \\ back', "名字.md", ""]


EXTRAS = [
    ("", ()),
    ("Pricing › Student discounts", (("price", "50元"), ("名称", 'quote " and \\ back'))),
    ("Setup", (("column 4", ""), ("id", "7"))),
]
"""Headings and metadata (CSV columns) every third passage carries: they must come back."""


def unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def make_rows(n, dim=8, seed=0):
    vectors = unit(np.random.default_rng(seed).normal(size=(n, dim)))
    passages = [
        Passage(f"passage {i} · ünïcode", SOURCES[i % 4], f"line {i}", *EXTRAS[i % 3])
        for i in range(n)
    ]
    return passages, vectors, [i + 1 for i in range(n)], [f"h{i}" for i in range(n)]


def spec(name="kb", native=8, dim=None):
    return BaseSpec(name, "m", "bundled", native, dim or native, 256, "fp32", {"chunk": "line"})


def save(store, name="kb", n=17, dim=None, seed=0, **options):
    passages, vectors, counts, hashes = make_rows(n, seed=seed)
    store.save(spec(name, dim=dim), passages, vectors, counts, hashes, **options)
    return passages, vectors


def exact(vectors, query, top_k, threshold=None, ids=None):
    """Brute force: (id, score) best first, ties to the lower id."""
    ids = np.arange(len(vectors)) if ids is None else np.asarray(ids)
    scores = unit(vectors[ids, : len(query)]) @ query
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    kept = [
        (int(ids[i]), float(scores[i]))
        for i in order
        if threshold is None or scores[i] >= threshold
    ]
    return kept[:top_k]


def found(hits):
    return [(h.id, h.score) for h in hits]


def assert_same(hits, expected):
    assert [h.id for h in hits] == [i for i, _ in expected]
    np.testing.assert_allclose([h.score for h in hits], [s for _, s in expected], atol=1e-5)


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    opened = open_store(request.param.format(tmp=tmp_path))
    yield opened
    if isinstance(opened, MilvusStore):
        opened.close()


def test_every_store_keeps_the_contract(store):
    assert isinstance(store, VectorStore)


def test_create_list_info_delete(store):
    assert store.list() == []
    with pytest.raises(
        StoreError, match=r"No knowledge base named 'kb' in .* \(none is saved yet\)"
    ):
        store.info("kb")
    created = store.create(spec("kb"))
    assert (created.name, created.passages, created.native_dim, created.settings) == (
        "kb",
        0,
        8,
        {"chunk": "line"},
    )
    save(store, "Ünïcode / 名字 ✓", n=5)
    assert [b.name for b in store.list()] == ["kb", "Ünïcode / 名字 ✓"]
    assert store.info("Ünïcode / 名字 ✓").passages == 5
    store.delete("kb")
    with pytest.raises(
        StoreError, match=r"No knowledge base named 'kb' in .* \(saved: Ünïcode / 名字 ✓\)"
    ):
        store.delete("kb")
    assert store.search("Ünïcode / 名字 ✓", make_rows(5)[1][0], top_k=1)[0].id == 0


def test_add_appends_with_ids_counts_and_hashes(store):
    passages, vectors, counts, hashes = make_rows(17)
    store.create(spec())
    assert store.add("kb", passages[:5], vectors[:5], counts[:5], hashes[:5]) == [0, 1, 2, 3, 4]
    assert store.add("kb", passages[5:], vectors[5:], counts[5:], hashes[5:]) == list(range(5, 17))
    assert store.count("kb") == 17
    assert store.hashes("kb") == set(hashes)
    np.testing.assert_array_equal(store.vectors("kb", range(17)), vectors)
    assert_same(store.search("kb", vectors[11], top_k=3), exact(vectors, vectors[11], 3))
    with pytest.raises(StoreError, match="The vectors have 4 dimensions but the base holds 8"):
        store.add("kb", passages[:1], np.ones((1, 4), np.float32), [1], ["x"])
    with pytest.raises(StoreError, match="2 passages, 1 token counts, 2 hashes"):
        store.add("kb", passages[:2], vectors[:2], [1], ["x", "y"])
    assert store.count("kb") == 17


@pytest.mark.parametrize("n", [5, 17])
@pytest.mark.parametrize("top_k", [1, 3, 17, 100])
def test_top_k_equals_brute_force(store, n, top_k):
    _, vectors = save(store, n=n)
    queries = unit(np.random.default_rng(7).normal(size=(4, 8)))
    for query in queries:
        assert_same(store.search("kb", query, top_k=top_k), exact(vectors, query, top_k))


def test_ties_keep_the_lower_id_first(store):
    passages, vectors, counts, hashes = make_rows(17)
    vectors[[2, 9, 14]] = vectors[5]  # four equal rows
    store.save(spec(), passages, vectors, counts, hashes)
    assert [h.id for h in store.search("kb", vectors[5], top_k=2)] == [2, 5]
    assert [h.id for h in store.search("kb", vectors[5], top_k=4)] == [2, 5, 9, 14]


@pytest.mark.parametrize("threshold", [-1.0, 0.0, 0.3, 0.95])
def test_threshold_keeps_exactly_the_passing_set(store, threshold):
    _, vectors = save(store, n=17)
    query = unit(vectors[3] + 0.5 * vectors[8])
    hits = store.search("kb", query, top_k=17, threshold=threshold)
    assert_same(hits, exact(vectors, query, 17, threshold))
    assert all(h.score >= threshold for h in hits)
    assert_same(store.search("kb", query, top_k=2, threshold=0.3), exact(vectors, query, 2, 0.3))


@pytest.mark.parametrize("source", SOURCES)
def test_where_filters_on_source_and_place(store, source):
    passages, vectors = save(store, n=17)
    query = unit(np.ones(8))
    ids = [i for i, p in enumerate(passages) if p.source == source]
    hits = store.search("kb", query, top_k=3, where={"source": source})
    assert_same(hits, exact(vectors, query, 3, ids=ids))
    assert all(h.passage == passages[h.id] for h in hits)
    both = store.search("kb", query, top_k=5, where={"source": source, "place": f"line {ids[1]}"})
    assert [h.id for h in both] == [ids[1]]
    assert store.search("kb", query, top_k=5, where={"source": "nowhere"}) == []
    with pytest.raises(
        InvalidArgumentError,
        match="Cannot filter on 'text': filter on source, place, heading or a metadata field",
    ):
        store.search("kb", query, top_k=5, where={"text": "x"})


WHERES = [
    pytest.param({"heading": "Setup"}, id="heading"),
    pytest.param({"price": "50元"}, id="metadata-cjk-value"),
    pytest.param({"名称": 'quote " and \\ back'}, id="metadata-quoted-cjk-key"),
    pytest.param({"column 4": ""}, id="metadata-empty-value"),
    pytest.param({"id": ["7", "8"], "source": ["manual.pdf", "名字.md"]}, id="any-of-and"),
    pytest.param({"heading": ["Setup", ""], "place": "line 5"}, id="column-any-of"),
    pytest.param({"price": "50"}, id="no-partial-match"),
    pytest.param({"missing key": "x"}, id="absent-key"),
]


@pytest.mark.parametrize("where", WHERES)
def test_where_filters_on_headings_and_metadata_as_the_page_does(store, where):
    passages, vectors = save(store, n=17)
    query = unit(np.arange(8.0) - 3)
    ids = matching(passages, where)
    hits = store.search("kb", query, top_k=17, where=where)
    assert_same(hits, exact(vectors, query, 17, ids=ids) if ids else [])
    assert [h.passage for h in hits] == [passages[h.id] for h in hits]
    assert_same(store.search("kb", query, top_k=2, threshold=0.0, where=where),
                exact(vectors, query, 2, 0.0, ids=ids) if ids else [])  # fmt: skip


def test_the_filters_expected_sets_are_right():
    passages = make_rows(17)[0]
    assert matching(passages, {"heading": "Setup"}) == [2, 5, 8, 11, 14]
    assert matching(passages, {"price": "50元"}) == [1, 4, 7, 10, 13, 16]
    assert matching(passages, {"id": ["7", "8"], "source": ["manual.pdf", "名字.md"]}) == [
        2, 8, 14,
    ]  # fmt: skip
    assert matching(passages, {"heading": ["Setup", ""], "place": "line 5"}) == [5]
    assert matching(passages, {"price": "50"}) == matching(passages, {"x": "y"}) == []


def test_headings_and_metadata_come_back_from_every_read(store):
    passages, vectors = save(store, n=6)
    assert [(p.heading, p.metadata) for p in store.passages("kb", [1, 2, 0])] == [
        EXTRAS[1], EXTRAS[2], EXTRAS[0],
    ]  # fmt: skip
    hit = store.search("kb", vectors[4], top_k=1)[0]
    assert (hit.id, hit.passage) == (4, passages[4])
    assert hit.passage.fields == {"price": "50元", "名称": 'quote " and \\ back'}
    assert [p for run in store.rows("kb", batch=4) for p in run.passages] == passages


def test_an_old_sqlite_store_gains_heading_and_metadata(tmp_path):
    import sqlite3

    folder = tmp_path / "old"
    folder.mkdir()
    with sqlite3.connect(folder / "knowledge-bases.sqlite3") as old:
        old.executescript(
            """CREATE TABLE knowledge_bases (name TEXT PRIMARY KEY, model TEXT NOT NULL,
            model_spec TEXT NOT NULL, native_dim INTEGER NOT NULL, dim INTEGER NOT NULL,
            max_length INTEGER NOT NULL, dtype TEXT NOT NULL, settings TEXT NOT NULL,
            passages INTEGER NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
            CREATE TABLE passages (base TEXT NOT NULL, position INTEGER NOT NULL,
            text TEXT NOT NULL, source TEXT NOT NULL, place TEXT NOT NULL,
            tokens INTEGER NOT NULL, vector BLOB NOT NULL DEFAULT x'',
            PRIMARY KEY (base, position));"""
        )
        vector = unit([[1.0, 0, 0, 0]])[0]
        old.execute(
            "INSERT INTO knowledge_bases VALUES ('kb', 'm', 'bundled', 4, 4, 256, 'fp32', "
            "'{}', 1, '2024-01-01', '2024-01-01')"
        )
        old.execute(
            "INSERT INTO passages VALUES ('kb', 0, 'old text', 'a.txt', 'line 1', 3, ?)",
            (vector.tobytes(),),
        )
    store = KnowledgeBaseStore(folder)
    assert store.passages("kb", [0]) == [Passage("old text", "a.txt", "line 1")]
    new = Passage("new", "b.csv", "row 1", "", (("price", "9"),))
    store.add("kb", [new], unit([[0, 1.0, 0, 0]]), [2], ["h"])
    assert store.passages("kb", [0, 1]) == [Passage("old text", "a.txt", "line 1"), new]


def test_passages_and_vectors_by_id_in_the_order_asked(store):
    passages, vectors = save(store, n=17)
    ids = [16, 0, 5, 0]
    assert store.passages("kb", ids) == [passages[i] for i in ids]
    np.testing.assert_array_equal(store.vectors("kb", ids), vectors[ids])
    assert store.vectors("kb", []).shape == (0, 8)
    with pytest.raises(StoreError, match=r"ids"):
        store.passages("kb", [17])
    with pytest.raises(StoreError, match=r"ids"):
        store.vectors("kb", [3, 40])


@pytest.mark.parametrize("batch", [1, 5, 17, 100])
def test_rows_come_in_id_order_in_batches(store, batch):
    passages, vectors = save(store, n=17)
    runs = list(store.rows("kb", batch=batch))
    assert [len(run.ids) for run in runs] == [min(batch, 17 - s) for s in range(0, 17, batch)]
    assert [i for run in runs for i in run.ids] == list(range(17))
    assert [p for run in runs for p in run.passages] == passages
    np.testing.assert_array_equal(np.concatenate([run.vectors for run in runs]), vectors)
    assert [c for run in runs for c in run.token_counts] == list(range(1, 18))
    assert [h for run in runs for h in run.hashes] == [f"h{i}" for i in range(17)]


def test_save_replaces_a_base_whole_or_not_at_all(store):
    save(store, "kept", n=5, seed=1)
    save(store, n=17)
    first = store.info("kb")
    with pytest.raises(
        StoreError, match=r"A knowledge base named 'kb' already exists \(17 passages, m\)"
    ):
        save(store, n=5, seed=2)
    _passages, vectors = save(store, n=5, seed=2, replace=True)
    again = store.info("kb")
    assert (again.passages, again.created) == (5, first.created)
    np.testing.assert_array_equal(store.vectors("kb", range(5)), vectors)
    assert [b.name for b in store.list()] == ["kb", "kept"]
    assert store.count("kept") == 5
    with pytest.raises(StoreError, match="Nothing to save in 'empty'"):
        store.save(spec("empty"), [], np.zeros((0, 8), np.float32), [], [])


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_bad_names_are_refused(store, name):
    with pytest.raises(StoreError, match="name of 1 to 120 characters"):
        save(store, name, n=5)
    assert store.list() == []


def test_a_base_is_bound_to_its_vector_size(store):
    passages, vectors, counts, hashes = make_rows(5)
    with pytest.raises(StoreError, match="bound to 16-dimensional vectors"):
        store.save(spec(native=16), passages, vectors, counts, hashes)
    save(store, n=5)
    with pytest.raises(StoreError, match="The query vector has shape"):
        store.search("kb", np.ones(9, np.float32), top_k=1)
    with pytest.raises(StoreError, match="top_k must be at least 1"):
        store.search("kb", vectors[0], top_k=0)


BAD_SPECS = [
    (
        BaseSpec("kb", "m", "bundled", 8, 0, 256, "fp32"),
        "'kb': the output size must be 1 to 8 (the model's native size), got 0.",
    ),
    (
        BaseSpec("kb", "m", "bundled", 8, 9, 256, "fp32"),
        "'kb': the output size must be 1 to 8 (the model's native size), got 9.",
    ),
    (
        BaseSpec("kb", "m", "bundled", 0, 0, 256, "fp32"),
        "'kb': the model's native size must be at least 1, got 0.",
    ),
    (
        BaseSpec("kb", "  ", "bundled", 8, 8, 256, "fp32"),
        "'kb' needs the name of the model that makes its vectors.",
    ),
    (
        BaseSpec("kb", "m", "bundled", 8, 8, 0, "fp32"),
        "'kb': the length cap must be at least 1, got 0.",
    ),
    (
        BaseSpec("kb", "m", "bundled", 8, 8, 256, "fp32", {"when": object()}),
        "'kb': its settings must be plain JSON",
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD_SPECS)
def test_every_store_refuses_the_same_bindings_with_the_same_message(store, bad, message):
    passages, vectors, counts, hashes = make_rows(5)
    with pytest.raises(StoreError) as created:
        store.create(bad)
    with pytest.raises(StoreError) as saved:
        store.save(bad, passages, vectors, counts, hashes)
    assert [str(created.value)[: len(message)], str(saved.value)[: len(message)]] == [message] * 2
    assert store.list() == []


@pytest.mark.parametrize("dim", [1, 4, 8])
def test_every_output_size_from_1_to_the_native_size_is_kept(store, dim):
    save(store, n=5, dim=dim)
    assert (store.info("kb").dim, store.info("kb").native_dim) == (dim, 8)


def test_a_base_is_read_whole_through_the_contract(store):
    passages, vectors = save(store, n=17)
    whole = store.load("kb")
    assert whole.info == store.info("kb")
    assert whole.passages == passages
    np.testing.assert_array_equal(whole.vectors, np.asarray(vectors, np.float32))
    assert whole.token_counts.tolist() == list(range(1, 18))
    assert read_base(store, "kb").passages == passages
    store.create(spec("empty"))
    empty = store.load("empty")
    assert (empty.passages, empty.vectors.shape, empty.token_counts.tolist()) == ([], (0, 8), [])
    with pytest.raises(StoreError, match="No knowledge base named 'nothing'"):
        store.load("nothing")


def test_matryoshka_queries_at_the_saved_size_rank_as_brute_force(store):
    _, vectors = save(store, n=17, dim=4)
    query = unit(np.random.default_rng(3).normal(size=4))
    assert_same(store.search("kb", query, top_k=5), exact(vectors, query, 5))
    assert_same(store.search("kb", query, top_k=17, threshold=0.2), exact(vectors, query, 17, 0.2))
    full = unit(np.random.default_rng(4).normal(size=8))
    assert_same(store.search("kb", full, top_k=5), exact(vectors, full, 5))


def test_the_embedded_store_cuts_to_any_size_milvus_says_why_not(store):
    _, vectors = save(store, n=17, dim=4)
    query = unit(np.random.default_rng(3).normal(size=6))
    if isinstance(store, MilvusStore):
        with pytest.raises(StoreError, match="not 6: Milvus cannot cut stored vectors"):
            store.search("kb", query, top_k=5)
    else:
        assert_same(store.search("kb", query, top_k=5), exact(vectors, query, 5))


def test_copy_between_stores_keeps_ids_texts_vectors_and_results(tmp_path):
    sqlite = open_store(f"sqlite:{tmp_path}/a")
    milvus = open_store(f"milvus:{tmp_path}/b.db")
    try:
        passages, vectors = save(sqlite, "manuals", n=17, dim=4)
        copied = copy_base(sqlite, "manuals", milvus, batch=5)
        assert (copied.name, copied.passages, copied.dim) == ("manuals", 17, 4)
        back = copy_base(milvus, "manuals", sqlite, new_name="round trip", batch=6)
        assert back.passages == 17
        for store, name in [(milvus, "manuals"), (sqlite, "round trip")]:
            rows = list(store.rows(name))
            assert rows[0].ids == list(range(17))
            assert rows[0].passages == passages
            assert rows[0].vectors.tobytes() == vectors.tobytes()  # float32, bit for bit
            assert store.hashes(name) == sqlite.hashes("manuals")
        query = unit(vectors[2, :4] + vectors[7, :4])
        expected = found(sqlite.search("manuals", query, top_k=5, threshold=0.1))
        assert [i for i, _ in found(milvus.search("manuals", query, top_k=5, threshold=0.1))] == [
            i for i, _ in expected
        ]
        assert found(sqlite.search("round trip", query, top_k=5, threshold=0.1)) == expected
        with pytest.raises(StoreError, match="already exists"):
            copy_base(sqlite, "manuals", milvus)
        with pytest.raises(StoreError, match="onto itself"):
            copy_base(sqlite, "manuals", sqlite)
    finally:
        milvus.close()


def test_a_second_process_on_a_milvus_lite_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "held.db"
    script = textwrap.dedent(f"""
        import time
        from semsearch.retrieval.stores import open_store
        store = open_store("milvus:{path}")
        print("holding", flush=True)
        time.sleep(120)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "holding"
        with pytest.raises(
            StoreError,
            match=r"Another process holds the Milvus Lite file .*held\.db: Milvus Lite opens a file from one process only",
        ):
            open_store(f"milvus:{path}")
    finally:
        child.kill()
        child.wait(timeout=30)


def test_a_closed_milvus_lite_store_lets_another_process_open_the_file(tmp_path):
    path = tmp_path / "handed.db"
    store = open_store(f"milvus:{path}")
    save(store, n=3)
    store.close()  # pymilvus 3 alone would keep Lite's engine, and the lock, until exit
    script = textwrap.dedent(f"""
        from semsearch.retrieval.stores import open_store
        store = open_store("milvus:{path}")
        print([(b.name, b.passages) for b in store.list()])
        store.close()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('kb', 3)]"
    again = open_store(f"milvus:{path}")  # and this process can open it again after that
    try:
        assert [b.name for b in again.list()] == ["kb"]
    finally:
        again.close()


@pytest.mark.parametrize(
    "uri",
    ["postgres://x", "milvus:", "milvus:bases", "milvus:/tmp/bases.sqlite", "qdrant:http://h"],
)
def test_a_bad_store_uri_names_the_forms_allowed(uri, monkeypatch):
    with pytest.raises(
        SettingsError, match=r"--store=.* is not a store: use sqlite .* milvus:http://host:19530"
    ):
        open_store(uri)
    monkeypatch.setenv("SEMSEARCH_STORE", uri)
    with pytest.raises(SettingsError, match="SEMSEARCH_STORE="):
        open_store()


def test_the_default_store_is_the_data_folder(monkeypatch, tmp_path, data_dir):
    assert isinstance(open_store(), KnowledgeBaseStore)
    assert open_store().folder == data_dir
    assert open_store(data_dir=tmp_path / "x").folder == tmp_path / "x"
    monkeypatch.setenv("SEMSEARCH_STORE", f"sqlite:{tmp_path}/y")
    assert open_store().uri == f"sqlite:{tmp_path}/y"


def test_milvus_names_are_safe_and_distinct():
    names = ["kb", "KB", "名字", "a/b", "a b", "x" * 120]
    aliases = [alias_for(n) for n in names]
    assert len(set(aliases)) == len(names)
    assert all(a.isascii() and a.replace("_", "").isalnum() and len(a) <= 255 for a in aliases)


def test_milvus_switches_to_hnsw_above_the_exact_size(tmp_path, monkeypatch):
    import semsearch.retrieval.stores.milvus as milvus_module

    monkeypatch.setattr(milvus_module, "EXACT_BELOW", 10)
    store = MilvusStore(str(tmp_path / "m.db"))
    try:
        passages, vectors, counts, hashes = make_rows(17)
        store.create(spec())
        store.add("kb", passages[:9], vectors[:9], counts[:9], hashes[:9])
        assert store.index_type("kb") == "FLAT"
        store.add("kb", passages[9:], vectors[9:], counts[9:], hashes[9:])
        assert store.index_type("kb") == "HNSW"
        assert [h.id for h in store.search("kb", vectors[12], top_k=1)] == [12]
        save(store, "big", n=12)
        assert store.index_type("big") == "HNSW"
    finally:
        store.close()


def test_cli_moves_a_base_to_milvus_and_searches_it_there(tmp_path, capsys):
    kb = tmp_path / "faq.txt"
    kb.write_text(
        "Oranges are rich in vitamin C.\nThe router resets in ten seconds.\nRefunds take five days.\n"
    )
    target = f"milvus:{tmp_path}/bases.db"
    assert main(["index", str(kb), "--name", "faq", "--chunk", "line", "--model", "bundled"]) == 0
    assert main(["copy", "faq", "--to", target, "--as", "faq copy"]) == 0
    assert "copied 'faq' (3 passages) from sqlite:" in capsys.readouterr().err
    query = ["--query", "how do I reset the router?", "--json", "--threshold", "-1"]
    assert main(["search", "--name", "faq", *query]) == 0
    here = json.loads(capsys.readouterr().out)
    assert main(["search", "--name", "faq copy", "--store", target, *query]) == 0
    there = json.loads(capsys.readouterr().out)
    assert [r["index"] for r in there] == [r["index"] for r in here] == [1, 2, 0]
    assert [r["text"] for r in there] == [r["text"] for r in here]
    np.testing.assert_allclose([r["score"] for r in there], [r["score"] for r in here], atol=1e-5)
    assert main(["list", "--store", target, "--json"]) == 0
    assert [b["name"] for b in json.loads(capsys.readouterr().out)] == ["faq copy"]
    assert main(["delete", "--name", "faq copy", "--store", target]) == 0
    assert main(["search", "--name", "faq", "--store", "nowhere:x", *query]) == 1
    assert "--store='nowhere:x' is not a store" in capsys.readouterr().err
    MilvusStore(f"{tmp_path}/bases.db").close()


def test_recall_is_one_where_the_search_is_exact(store):
    from semsearch.retrieval.stores.recall import exact_top_k, recall_at_k

    _, vectors = save(store, n=17)
    queries = unit(np.random.default_rng(9).normal(size=(3, 8)))
    truth = exact_top_k(store, "kb", queries, k=4, batch=5)
    assert truth.tolist() == [[i for i, _ in exact(vectors, q, 4)] for q in queries]
    assert recall_at_k(store, "kb", queries, k=4) == 1.0


def test_a_filter_sees_passages_added_and_saved_after_it(store):
    passages, vectors, counts, hashes = make_rows(17)
    store.create(spec())
    store.add("kb", passages[:9], vectors[:9], counts[:9], hashes[:9])
    where = {"heading": "Setup"}
    query = unit(np.ones(8))
    assert {h.id for h in store.search("kb", query, top_k=17, where=where)} == {2, 5, 8}
    store.add("kb", passages[9:], vectors[9:], counts[9:], hashes[9:])
    assert {h.id for h in store.search("kb", query, top_k=17, where=where)} == {2, 5, 8, 11, 14}
    store.save(spec(), passages[:3], vectors[:3], counts[:3], hashes[:3], replace=True)
    assert {h.id for h in store.search("kb", query, top_k=17, where=where)} == {2}


def test_a_passage_is_kept_once_per_base(store):
    passages, vectors, counts, hashes = make_rows(9)
    # Saved with row 2 given twice: kept once (the first), the ids stay positions.
    again = [*range(5), 2]
    info = store.save(spec(), [passages[i] for i in again], vectors[again],
                      [counts[i] for i in again], [hashes[i] for i in again])  # fmt: skip
    assert info.passages == 5
    assert [p.text for p in store.passages("kb", range(5))] == [p.text for p in passages[:5]]
    # Adding rows 3..8, row 7 twice: only 5..8 are new, each stored once.
    rows = [3, 4, 5, 6, 7, 7, 8]
    ids = store.add("kb", [passages[i] for i in rows], vectors[rows],
                    [counts[i] for i in rows], [hashes[i] for i in rows])  # fmt: skip
    assert ids == [5, 6, 7, 8]
    assert store.count("kb") == 9
    assert [p.text for p in store.passages("kb", range(9))] == [p.text for p in passages]
    np.testing.assert_array_equal(store.vectors("kb", range(9)), vectors)
    # All of it again: nothing added, nothing changed.
    assert store.add("kb", passages, vectors, counts, hashes) == []
    assert store.count("kb") == 9
    assert store.hashes("kb") == set(hashes)


def test_a_passage_without_a_hash_is_always_stored(store):
    passages, vectors, counts, _ = make_rows(3)
    store.create(spec())
    assert store.add("kb", passages, vectors, counts, ["", "", ""]) == [0, 1, 2]
    assert store.add("kb", passages[:1], vectors[:1], counts[:1], [""]) == [3]
    assert store.count("kb") == 4


def test_a_second_writer_of_a_base_waits_then_is_refused_naming_the_holder(store, monkeypatch):
    import os
    import threading

    from semsearch.errors import BaseBusyError

    passages, vectors, counts, hashes = make_rows(4)
    store.create(spec())
    monkeypatch.setenv("SEMSEARCH_LOCK_WAIT", "0")
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with store.writing("kb"):
            holding.set()
            done.wait(timeout=120)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=120)
        tries = [
            lambda: store.add("kb", passages, vectors, counts, hashes),
            lambda: store.save(spec(), passages, vectors, counts, hashes, replace=True),
            lambda: store.delete("kb"),
        ]
        for attempt in tries:
            with pytest.raises(BaseBusyError) as refused:
                attempt()
            message = str(refused.value)
            assert message.startswith("The knowledge base 'kb' is being written by `")
            assert f"(this process: another page session or thread {os.getpid()}, " in message
            assert "nothing was changed here (waited 0 s)" in message
        # Another base is not held: its writers go on.
        store.create(spec("other"))
        assert store.count("kb") == 0
    finally:
        done.set()
        holder.join(timeout=120)
    # The holder gone, the same writer goes through; one thread may nest its writes.
    with store.writing("kb"):
        assert store.add("kb", passages, vectors, counts, hashes) == [0, 1, 2, 3]
    assert store.count("kb") == 4


def test_a_deleted_base_is_kept_in_the_trash_and_restored_whole(store, tmp_path):
    from semsearch.retrieval.trash import delete_base, deleted_bases, restore_base

    passages, vectors = save(store, n=5)
    data = tmp_path / "data"
    kept = delete_base(store, "kb", data, 7)
    assert kept is not None
    assert (kept.name, kept.store, kept.passages) == ("kb", store.uri, 5)
    assert store.list() == []
    assert [d.name for d in deleted_bases(data, 7, store)] == ["kb"]
    info = restore_base(store, "kb", data, 7)
    assert (info.name, info.passages, info.settings) == ("kb", 5, {"chunk": "line"})
    assert store.passages("kb", range(5)) == passages
    np.testing.assert_array_equal(store.vectors("kb", range(5)), vectors)
    assert_same(store.search("kb", vectors[3], top_k=2), exact(vectors, vectors[3], 2))
    assert deleted_bases(data, 7, store) == []
