"""Saved knowledge bases: round trips, names, and saves that crash halfway."""

import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores.sqlite import FILE_NAME, KnowledgeBaseStore, StoreError, data_dir

PASSAGES = [
    Passage("Reset: hold the button.", "manual.pdf", "page 1"),
    Passage("typed line", "", "line 1"),
]


def save(store, name, passages=PASSAGES, dim=8, **options):
    vectors = np.random.default_rng(len(name)).normal(size=(len(passages), dim)).astype(np.float32)
    info = store.save(
        name, passages=passages, vectors=vectors, token_counts=[5] * len(passages), model="m",
        model_spec="bundled", dim=dim, max_length=256, dtype="fp32", settings={"chunk": "line"}, **options,
    )  # fmt: skip
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
    with pytest.raises(StoreError, match="2 passages, 2 token counts and vectors of shape"):
        KnowledgeBaseStore(tmp_path).save(
            "x", passages=PASSAGES, vectors=np.zeros((3, 4)), token_counts=[1, 1], model="m",
            model_spec="m", dim=4, max_length=8, dtype="fp32",
        )  # fmt: skip


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
        store.save("faq", passages=passages, vectors=np.zeros((2, 8)), token_counts=[1, 1], model="m2",
                   model_spec="m2", dim=8, max_length=8, dtype="fp32", replace=True)  # fmt: skip
    np.testing.assert_array_equal(store.load("faq").vectors, old)
    assert store.info("faq").model == "m"
    np.testing.assert_array_equal(store.load("kept").vectors, kept)


def test_a_process_killed_while_saving_corrupts_nothing(tmp_path):
    store = KnowledgeBaseStore(tmp_path)
    _, kept = save(store, "kept")
    script = textwrap.dedent(f"""
        import numpy as np, sys
        from semsearch.documents.chunking import Passage
        from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore
        store = KnowledgeBaseStore({str(tmp_path)!r})
        passages = [Passage("passage %d" % i, "big.txt", "") for i in range(200_000)]
        vectors = np.ones((len(passages), 256), dtype=np.float32)
        print("saving", flush=True)
        store.save("big", passages=passages, vectors=vectors, token_counts=[1] * len(passages),
                   model="m", model_spec="m", dim=256, max_length=8, dtype="fp32")
        print("saved", flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "saving"
    time.sleep(0.5)  # well inside the save of 200,000 rows
    child.kill()
    child.wait(timeout=30)
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
