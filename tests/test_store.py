"""The embedded SQLite store's own promises: crash-safe saves and appends, one shared
mapping of each base's vectors per process, orphans removed, old stores upgraded, read-only
data folders. What every store promises is in test_stores.py."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from semsearch.data_folder import data_dir
from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores.base import BaseSpec
from semsearch.retrieval.stores.sqlite import FILE_NAME, KnowledgeBaseStore, StoreError

ROOT = Path(__file__).resolve().parents[1]

PASSAGES = [
    Passage("Reset: hold the button.", "manual.pdf", "page 1"),
    Passage("typed line", "", "line 1"),
]


def spec(name, dim=8, model="m"):
    return BaseSpec(name, model, "bundled", dim, dim, 256, "fp32", {"chunk": "line"})


def save(store, name, passages=PASSAGES, dim=8, **options):
    vectors = np.random.default_rng(len(name)).normal(size=(len(passages), dim)).astype(np.float32)
    n = len(passages)
    info = store.save(
        spec(name, dim), passages, vectors, [5] * n, [f"h{i}" for i in range(n)], **options
    )
    return info, vectors


def test_round_trip(tmp_path):
    store = KnowledgeBaseStore(tmp_path)
    info, vectors = save(store, "manuals")
    loaded = store.load("manuals")
    assert loaded.passages == PASSAGES
    np.testing.assert_array_equal(loaded.vectors, vectors)
    assert loaded.token_counts.tolist() == [5, 5]
    assert (info.name, info.model, info.native_dim, info.dim, info.passages) == (
        "manuals",
        "m",
        8,
        8,
        2,
    )
    assert info.settings == {"chunk": "line"}
    assert [b.name for b in store.list()] == ["manuals"]


def test_names_are_unique_unless_replaced(tmp_path):
    store = KnowledgeBaseStore(tmp_path)
    first, _ = save(store, "faq")
    with pytest.raises(
        StoreError, match=r"A knowledge base named 'faq' already exists \(2 passages, m\)"
    ):
        save(store, "faq")
    replaced, vectors = save(store, "faq", passages=PASSAGES[:1], replace=True)
    assert replaced.passages == 1
    assert replaced.created == first.created
    np.testing.assert_array_equal(store.load("faq").vectors, vectors)


def test_delete_and_missing_bases_name_what_exists(tmp_path):
    store = KnowledgeBaseStore(tmp_path)
    with pytest.raises(
        StoreError, match=r"No knowledge base named 'x' in .* \(none is saved yet\)"
    ):
        store.load("x")
    assert not (tmp_path / FILE_NAME).exists()  # reading creates nothing
    save(store, "a")
    save(store, "b")
    store.delete("a")
    with pytest.raises(StoreError, match=r"No knowledge base named 'a' in .* \(saved: b\)"):
        store.delete("a")
    assert [b.name for b in store.list()] == ["b"]


@pytest.mark.parametrize(
    ("name", "passages", "message"),
    [
        ("", PASSAGES, "name of 1 to 120"),
        ("x" * 121, PASSAGES, "name of 1 to 120"),
        ("empty", [], "is empty"),
    ],
)
def test_bad_saves(tmp_path, name, passages, message):
    with pytest.raises(StoreError, match=message):
        save(KnowledgeBaseStore(tmp_path), name, passages=passages)


def test_mismatched_sizes_are_refused(tmp_path):
    with pytest.raises(
        StoreError, match="2 passages, 2 token counts, 2 hashes and vectors of shape"
    ):
        KnowledgeBaseStore(tmp_path).save(
            spec("x", 4), PASSAGES, np.zeros((3, 4)), [1, 1], ["a", "b"]
        )


def test_an_error_halfway_through_a_save_changes_nothing(tmp_path):
    store = KnowledgeBaseStore(tmp_path)
    _, kept = save(store, "kept")
    _, old = save(store, "faq")

    class Breaks(list):
        def __iter__(self):
            yield PASSAGES[0]
            raise RuntimeError("the disk went away")

    passages = Breaks(PASSAGES)
    with pytest.raises(RuntimeError, match="the disk went away"):
        store.save(
            spec("faq", model="m2"), passages, np.zeros((2, 8)), [1, 1], ["a", "b"], replace=True
        )
    np.testing.assert_array_equal(store.load("faq").vectors, old)
    assert store.info("faq").model == "m"
    np.testing.assert_array_equal(store.load("kept").vectors, kept)


def test_a_process_killed_while_saving_corrupts_nothing(tmp_path):
    """The child is held inside the save's transaction (tests/mid_save.py), then killed."""
    store = KnowledgeBaseStore(tmp_path)
    _, kept = save(store, "kept")
    script = textwrap.dedent(f"""
        import numpy as np
        from semsearch.documents.chunking import Passage
        from semsearch.retrieval.stores.base import BaseSpec
        from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore
        from tests.mid_save import PausedPassages, sqlite_writing
        store = KnowledgeBaseStore({str(tmp_path)!r})
        passages = [Passage("passage %d" % i, "big.txt", "") for i in range(5_000)]
        vectors = np.ones((len(passages), 256), dtype=np.float32)
        held = PausedPassages(passages, 4_500, sqlite_writing(store.folder / {FILE_NAME!r}))
        store.save(BaseSpec("big", "m", "m", 256, 256, 8, "fp32"), held, vectors,
                   [1] * len(passages), ["h%d" % i for i in range(len(passages))])
        print("saved", flush=True)
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "writing", "the save ended before its write"
    child.kill()
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    connection = sqlite3.connect(tmp_path / FILE_NAME)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    assert [b.name for b in store.list()] == ["kept"]
    np.testing.assert_array_equal(store.load("kept").vectors, kept)


def test_data_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SEMSEARCH_DATA_DIR", str(tmp_path / "here"))
    assert data_dir() == tmp_path / "here"
    assert KnowledgeBaseStore().folder == tmp_path / "here"
    monkeypatch.delenv("SEMSEARCH_DATA_DIR")
    assert data_dir().name == "semsearch"


def test_an_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Set SEMSEARCH_DATA_DIR to a writable folder"):
        save(KnowledgeBaseStore(blocker / "sub"), "x")


def test_concurrent_processes_see_each_others_saves(tmp_path):
    first, second = KnowledgeBaseStore(tmp_path), KnowledgeBaseStore(os.fspath(tmp_path))
    save(first, "one")
    save(second, "two")
    assert [b.name for b in first.list()] == ["one", "two"]


def test_a_process_killed_while_appending_keeps_every_acknowledged_row(tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np
        from semsearch.documents.chunking import Passage
        from semsearch.retrieval.stores.base import BaseSpec
        from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore
        store = KnowledgeBaseStore({str(tmp_path)!r})
        store.create(BaseSpec("grow", "m", "m", 64, 64, 8, "fp32"))
        for n in range(10_000):
            rows = np.full((500, 64), n, dtype=np.float32)
            store.add("grow", [Passage("p%d" % n)] * 500, rows, [1] * 500, ["h%d-%d" % (n, i) for i in range(500)])
            print(n, flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    acknowledged = [child.stdout.readline() for _ in range(3)]
    assert [line.strip() for line in acknowledged] == ["0", "1", "2"]
    time.sleep(0.5)
    child.kill()
    child.wait(timeout=30)
    store = KnowledgeBaseStore(tmp_path)
    count = store.count("grow")
    assert count >= 1500
    assert count % 500 == 0
    matrix = store.matrix("grow")
    assert matrix.shape == (count, 64)
    np.testing.assert_array_equal(matrix[::500, 0], np.arange(count // 500, dtype=np.float32))
    # the next append writes over whatever a killed append left past the last commit
    assert store.add("grow", [Passage("next")], np.full((1, 64), -1, np.float32), [1], ["n"]) == [
        count
    ]
    np.testing.assert_array_equal(store.vectors("grow", [count]), np.full((1, 64), -1, np.float32))


def test_every_thread_and_store_object_shares_one_read_only_mapping(tmp_path):
    save(KnowledgeBaseStore(tmp_path), "kb")
    first = KnowledgeBaseStore(tmp_path).matrix("kb")
    again = KnowledgeBaseStore(os.fspath(tmp_path)).matrix("kb")
    assert first is again
    assert isinstance(first, np.memmap)
    assert not first.flags.writeable
    save(KnowledgeBaseStore(tmp_path), "kb", passages=PASSAGES[:1], replace=True)
    assert KnowledgeBaseStore(tmp_path).matrix("kb").shape == (1, 8)  # a new version, a new map


def test_each_base_has_one_vector_file_and_orphans_go(tmp_path):
    store = KnowledgeBaseStore(tmp_path)
    save(store, "a")
    save(store, "b")
    save(store, "a", replace=True)
    files = sorted(p.name for p in (tmp_path / "vectors").iterdir())
    assert len(files) == 2  # the replaced version's file is gone
    orphan = tmp_path / "vectors" / "left-by-a-crash.f32"
    orphan.write_bytes(b"\0" * 64)
    assert store.remove_orphans() == []  # young: it may be a save under way elsewhere
    assert store.remove_orphans(min_age_s=0) == ["left-by-a-crash.f32"]
    store.delete("b")
    assert len(list((tmp_path / "vectors").iterdir())) == 1


def test_a_store_from_before_vector_files_is_upgraded_on_first_use(tmp_path):
    old = sqlite3.connect(tmp_path / FILE_NAME)
    old.executescript("""
        CREATE TABLE knowledge_bases (name TEXT PRIMARY KEY, model TEXT NOT NULL,
            model_spec TEXT NOT NULL, native_dim INTEGER NOT NULL, dim INTEGER NOT NULL,
            max_length INTEGER NOT NULL, dtype TEXT NOT NULL, settings TEXT NOT NULL,
            passages INTEGER NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
        CREATE TABLE passages (base TEXT NOT NULL REFERENCES knowledge_bases(name) ON DELETE CASCADE,
            position INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL, place TEXT NOT NULL,
            tokens INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (base, position));
    """)
    vectors = np.eye(3, 4, dtype=np.float32)
    old.execute(
        "INSERT INTO knowledge_bases VALUES ('old', 'm', 'bundled', 4, 4, 256, 'fp32', '{}', 3, 't', 't')"
    )
    old.executemany("INSERT INTO passages VALUES ('old', ?, ?, '', '', 2, ?)",
                    [(i, f"text {i}", vectors[i].tobytes()) for i in range(3)])  # fmt: skip
    old.commit()
    old.close()
    store = KnowledgeBaseStore(tmp_path)
    assert [b.name for b in store.list()] == ["old"]
    assert [h.id for h in store.search("old", vectors[2], top_k=1)] == [2]
    np.testing.assert_array_equal(store.vectors("old", [0, 1, 2]), vectors)
    assert store.add("old", [Passage("new")], np.ones((1, 4), np.float32), [1], ["h"]) == [3]
    assert store.hashes("old") == {"h"}
    blobs = sqlite3.connect(tmp_path / FILE_NAME).execute("SELECT length(vector) FROM passages")
    assert {row[0] for row in blobs} == {0}  # moved to the vector file


def test_a_read_only_data_folder_still_lists_and_searches(tmp_path, monkeypatch):
    store = KnowledgeBaseStore(tmp_path)
    _, vectors = save(store, "kb")
    # Tests run as root, who may write anywhere: say "not writable" as a shared mount would.
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    for path in [tmp_path / FILE_NAME, *tmp_path.glob("*-wal"), *tmp_path.glob("*-shm")]:
        path.chmod(0o444)
    reader = KnowledgeBaseStore(tmp_path)
    assert [b.name for b in reader.list()] == ["kb"]
    assert [
        h.id for h in reader.search("kb", vectors[1] / np.linalg.norm(vectors[1]), top_k=1)
    ] == [1]
