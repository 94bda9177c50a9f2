"""A deleted base is kept for a while: `semsearch restore`, `list --deleted`, the days setting.

Bases are made straight in the embedded store (no model needed); the command line runs in
this process (``main``), as a user types it. Milvus' delete and restore are in the store
suite (tests/test_stores.py).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import numpy as np
import pytest

from semsearch.cli import main
from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores import BaseSpec
from semsearch.retrieval.stores.sqlite import SQLiteStore
from semsearch.retrieval.trash import TRASH_FOLDER


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def make(folder, name="faq", n=3):
    vectors = np.eye(n, 4, dtype=np.float32)
    passages = [Passage(f"text {i}", "faq.md", f"line {i + 1}") for i in range(n)]
    spec = BaseSpec(name, "m", "bundled", 4, 4, 256, "fp32", {"chunk": "line"})
    SQLiteStore(folder).save(spec, passages, vectors, [2] * n, [f"h{i}" for i in range(n)])
    return passages, vectors


def test_a_deleted_base_is_kept_listed_and_restored_whole(capsys, data_dir):
    passages, vectors = make(data_dir)
    until = (date.today() + timedelta(days=7)).isoformat()
    code, _, err = run(capsys, "delete", "--name", "faq")
    assert code == 0
    assert err.startswith(f"deleted 'faq'; kept until {until}")
    assert err.endswith("(semsearch restore faq brings it back)\n")
    assert SQLiteStore(data_dir).list() == []
    code, out, _ = run(capsys, "list", "--deleted", "--json")
    kept = json.loads(out)
    assert [(k["name"], k["passages"], k["model"]) for k in kept] == [("faq", 3, "m")]
    assert kept[0]["kept_until"].startswith(until)
    code, out, _ = run(capsys, "list", "--deleted")
    assert out.startswith("faq\t3 passages\tm\tdeleted ")
    code, _, err = run(capsys, "restore", "faq")
    assert (code, err) == (0, f"restored 'faq' (3 passages, m) in sqlite:{data_dir}\n")
    store = SQLiteStore(data_dir)
    assert store.passages("faq", [0, 1, 2]) == passages
    np.testing.assert_array_equal(store.vectors("faq", [0, 1, 2]), vectors)
    assert store.info("faq").settings == {"chunk": "line"}
    assert store.hashes("faq") == {"h0", "h1", "h2"}
    code, out, _ = run(capsys, "list", "--deleted")
    assert out == f"No deleted base is kept for sqlite:{data_dir} (bases are kept 7 days).\n"


def test_restore_refuses_over_a_base_of_that_name_and_names_what_is_kept(capsys, data_dir):
    make(data_dir)
    run(capsys, "delete", "--name", "faq")
    make(data_dir, n=2)  # a new base under the old name
    code, _, err = run(capsys, "restore", "faq")
    assert code == 1
    assert err.startswith(
        f"semsearch: error: A knowledge base named 'faq' exists in sqlite:{data_dir} now; "
    )
    assert SQLiteStore(data_dir).count("faq") == 2
    code, _, err = run(capsys, "restore", "manual")
    assert err == (
        f"semsearch: error: No deleted base named 'manual' is kept for sqlite:{data_dir} "
        "(deleted and kept: faq); bases are kept 7 days after they are deleted "
        "(SEMSEARCH_TRASH_DAYS).\n"
    )


@pytest.mark.parametrize("how", ["forever", "no-days"])
def test_deleting_for_good_keeps_nothing(capsys, data_dir, monkeypatch, how):
    make(data_dir)
    if how == "no-days":
        monkeypatch.setenv("SEMSEARCH_TRASH_DAYS", "0")
    extra = ["--forever"] if how == "forever" else []
    code, _, err = run(capsys, "delete", "--name", "faq", *extra)
    assert (code, err) == (0, "deleted 'faq'\n")
    assert SQLiteStore(data_dir / TRASH_FOLDER).list() == []


def test_a_base_kept_its_days_is_removed_for_good(capsys, data_dir, monkeypatch):
    make(data_dir, "old")
    make(data_dir, "new")
    run(capsys, "delete", "--name", "old")
    run(capsys, "delete", "--name", "new")
    # "old" was deleted eight days ago (its mark set back in the trash's own file).
    with sqlite3.connect(data_dir / TRASH_FOLDER / "knowledge-bases.sqlite3") as trash:
        trash.execute(
            "UPDATE knowledge_bases SET settings = json_set(settings, "
            "'$.\"semsearch.deleted\".deleted', ?) "
            "WHERE json_extract(settings, '$.\"semsearch.deleted\".name') = 'old'",
            ((date.today() - timedelta(days=8)).isoformat() + "T00:00:00+00:00",),
        )
    code, out, _ = run(capsys, "list", "--deleted", "--json")
    assert [k["name"] for k in json.loads(out)] == ["new"]
    assert len(SQLiteStore(data_dir / TRASH_FOLDER).list()) == 1
    monkeypatch.setenv("SEMSEARCH_TRASH_DAYS", "x")
    code, _, err = run(capsys, "list", "--deleted")
    assert code == 1
    assert err == (
        "semsearch: error: SEMSEARCH_TRASH_DAYS='x' must be a whole number of days, 0 or more "
        "(default 7).\n"
    )
